package kubelet

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// TestConditions pins GenerateContainersReadyCondition and
// GeneratePodReadyCondition (pkg/kubelet/status/generate.go; docs/fidelity.md
// K10): reasons and messages for unknown and unready containers, terminal
// phases, and readiness gates.
func TestConditions(t *testing.T) {
	pod := func(gates []string, conds ...corev1.PodCondition) *corev1.Pod {
		p := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}, {Name: "b"}}}}
		for _, g := range gates {
			p.Spec.ReadinessGates = append(p.Spec.ReadinessGates, corev1.PodReadinessGate{ConditionType: corev1.PodConditionType(g)})
		}
		p.Status.Conditions = conds
		return p
	}
	statuses := func(phase corev1.PodPhase, ready ...bool) *corev1.PodStatus {
		st := &corev1.PodStatus{Phase: phase}
		for i, r := range ready {
			st.ContainerStatuses = append(st.ContainerStatuses, corev1.ContainerStatus{Name: string(rune('a' + i)), Ready: r})
		}
		return st
	}
	type cond struct{ Status, Reason, Message string }
	for _, tc := range []struct {
		name            string
		pod             *corev1.Pod
		st              *corev1.PodStatus
		containers, all cond
	}{
		{"all ready", pod(nil), statuses(corev1.PodRunning, true, true), cond{"True", "", ""}, cond{"True", "", ""}},
		{"one unready", pod(nil), statuses(corev1.PodRunning, true, false),
			cond{"False", "ContainersNotReady", "containers with unready status: [b]"},
			cond{"False", "ContainersNotReady", "containers with unready status: [b]"}},
		{"unknown and unready", pod(nil), statuses(corev1.PodRunning, false),
			cond{"False", "ContainersNotReady", "containers with unknown status: [b], containers with unready status: [a]"},
			cond{"False", "ContainersNotReady", "containers with unknown status: [b], containers with unready status: [a]"}},
		{"succeeded", pod(nil), statuses(corev1.PodSucceeded, false, false), cond{"False", "PodCompleted", ""}, cond{"False", "PodCompleted", ""}},
		{"failed", pod(nil), statuses(corev1.PodFailed, false, false), cond{"False", "PodFailed", ""}, cond{"False", "PodFailed", ""}},
		{"gate missing", pod([]string{"lb/ready"}), statuses(corev1.PodRunning, true, true), cond{"True", "", ""},
			cond{"False", "ReadinessGatesNotReady", `corresponding condition of pod readiness gate "lb/ready" does not exist.`}},
		{"gate false", pod([]string{"lb/ready"}, corev1.PodCondition{Type: "lb/ready", Status: corev1.ConditionFalse}), statuses(corev1.PodRunning, true, true),
			cond{"True", "", ""}, cond{"False", "ReadinessGatesNotReady", `the status of pod readiness gate "lb/ready" is not "True", but False`}},
		{"gate true", pod([]string{"lb/ready"}, corev1.PodCondition{Type: "lb/ready", Status: corev1.ConditionTrue}), statuses(corev1.PodRunning, true, true),
			cond{"True", "", ""}, cond{"True", "", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := containersReady(tc.pod, tc.st)
			r := podReady(tc.pod, c, tc.st.Phase)
			got := []cond{{string(c.Status), c.Reason, c.Message}, {string(r.Status), r.Reason, r.Message}}
			if diff := cmp.Diff([]cond{tc.containers, tc.all}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
