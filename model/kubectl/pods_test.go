package kubectl

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestPodRow pins the STATUS/READY/RESTARTS logic of printPod
// (pkg/printers/internalversion/printers.go).
func TestPodRow(t *testing.T) {
	t0 := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(90 * time.Second))
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: t0}}
	crashLoop := corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}
	errored := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", FinishedAt: t1}}
	completed := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}
	signalled := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Signal: 9, ExitCode: 137}}
	pod := func(phase corev1.PodPhase, ready bool, cs ...corev1.ContainerStatus) *corev1.Pod {
		p := &corev1.Pod{Status: corev1.PodStatus{Phase: phase, ContainerStatuses: cs}}
		for _, c := range cs {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c.Name})
		}
		st := corev1.ConditionFalse
		if ready {
			st = corev1.ConditionTrue
		}
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}
		return p
	}
	deleting := pod(corev1.PodRunning, true, corev1.ContainerStatus{Name: "a", State: running, Ready: true})
	now := metav1.Now()
	deleting.DeletionTimestamp = &now
	lost := deleting.DeepCopy()
	lost.Status.Reason = NodeUnreachablePodReason
	succeeded := pod(corev1.PodSucceeded, false, corev1.ContainerStatus{Name: "a", State: completed})
	succeeded.DeletionTimestamp = &now

	for _, tc := range []struct {
		name string
		pod  *corev1.Pod
		want PodRow
	}{
		{"creating", pod(corev1.PodPending, false, corev1.ContainerStatus{Name: "a", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}}),
			PodRow{Ready: "0/1", Status: "ContainerCreating"}},
		{"running ready", pod(corev1.PodRunning, true, corev1.ContainerStatus{Name: "a", State: running, Ready: true}),
			PodRow{Ready: "1/1", Status: "Running"}},
		{"running not ready", pod(corev1.PodRunning, false, corev1.ContainerStatus{Name: "a", State: running}),
			PodRow{Ready: "0/1", Status: "Running"}},
		{"crash loop shows the waiting reason and the last exit", pod(corev1.PodRunning, false,
			corev1.ContainerStatus{Name: "a", State: crashLoop, LastTerminationState: errored, RestartCount: 5}),
			PodRow{Ready: "0/1", Status: "CrashLoopBackOff", Restarts: 5, LastRestart: t1}},
		{"terminated reason", pod(corev1.PodRunning, false, corev1.ContainerStatus{Name: "a", State: errored, RestartCount: 1}),
			PodRow{Ready: "0/1", Status: "Error", Restarts: 1}},
		{"signal without reason", pod(corev1.PodRunning, false, corev1.ContainerStatus{Name: "a", State: signalled}),
			PodRow{Ready: "0/1", Status: "Signal:9"}},
		{"first container in spec order wins", pod(corev1.PodRunning, false,
			corev1.ContainerStatus{Name: "a", State: errored}, corev1.ContainerStatus{Name: "b", State: crashLoop}),
			PodRow{Ready: "0/2", Status: "Error"}},
		{"completed with a running sidecar reads Running when Ready", pod(corev1.PodRunning, true,
			corev1.ContainerStatus{Name: "a", State: completed}, corev1.ContainerStatus{Name: "b", State: running, Ready: true}),
			PodRow{Ready: "1/2", Status: "Running"}},
		{"completed with a running container reads NotReady when not Ready", pod(corev1.PodRunning, false,
			corev1.ContainerStatus{Name: "a", State: completed}, corev1.ContainerStatus{Name: "b", State: running, Ready: true}),
			PodRow{Ready: "1/2", Status: "NotReady"}},
		{"terminating", deleting, PodRow{Ready: "1/1", Status: "Terminating"}},
		{"node lost", lost, PodRow{Ready: "1/1", Status: "Unknown"}},
		{"terminal pods are not Terminating", succeeded, PodRow{Ready: "0/1", Status: "Completed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Pod(tc.pod, 36)); diff != "" {
				t.Errorf("Pod() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPodRowReleases pins the printer rules that changed (docs/fidelity.md
// C3, C4).
func TestPodRowReleases(t *testing.T) {
	now := metav1.Now()
	completed := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}
	errored := corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 2, Reason: "Error"}}
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
	twoContainers := func(a, b corev1.ContainerState, bReady bool, podReady corev1.ConditionStatus) *corev1.Pod {
		return &corev1.Pod{
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}, {Name: "b"}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions:        []corev1.PodCondition{{Type: corev1.PodReady, Status: podReady}},
				ContainerStatuses: []corev1.ContainerStatus{{Name: "a", State: a}, {Name: "b", State: b, Ready: bReady}}},
		}
	}
	terminal := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &now},
		Spec:   corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}}},
		Status: corev1.PodStatus{Phase: corev1.PodSucceeded, ContainerStatuses: []corev1.ContainerStatus{{Name: "a", State: completed}}}}
	for _, tc := range []struct {
		name  string
		pod   *corev1.Pod
		minor int
		want  string
	}{
		{"1.11: Completed with a running ready container is Running, Ready or not", twoContainers(completed, running, true, corev1.ConditionFalse), 11, "Running"},
		{"1.34: ... NotReady when the pod is not Ready", twoContainers(completed, running, true, corev1.ConditionFalse), 34, "NotReady"},
		{"1.34: Completed with another container's error stays Completed", twoContainers(completed, errored, false, corev1.ConditionFalse), 34, "Completed"},
		{"1.35: the error exit replaces Completed", twoContainers(completed, errored, false, corev1.ConditionFalse), 35, "Error"},
		{"1.30: a deleted terminal pod reads Terminating", terminal, 30, "Terminating"},
		{"1.31: a deleted terminal pod keeps its status", terminal, 31, "Completed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Pod(tc.pod, tc.minor).Status; got != tc.want {
				t.Errorf("STATUS %q, want %q", got, tc.want)
			}
		})
	}
}
