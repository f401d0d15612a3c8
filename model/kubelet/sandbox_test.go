package kubelet

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// readyToStart returns the values the PodReadyToStartContainers condition
// took in the PodStatus records, each change once, with when it took them,
// and whether any record lacked the condition.
func (h *harness) readyToStart() (at []time.Duration, values []bool, absent bool) {
	for _, r := range h.log.Records() {
		p, ok := r.(*record.PodStatus)
		if !ok {
			continue
		}
		v, ok := p.Conditions[string(corev1.PodReadyToStartContainers)]
		if !ok {
			absent = true
			continue
		}
		if n := len(values); n > 0 && values[n-1] == v {
			continue
		}
		at = append(at, time.Duration(sim.Time(p.T)))
		values = append(values, v)
	}
	return at, values, absent
}

// conditionTypes returns the types of the API pod's conditions, in order.
func (h *harness) conditionTypes(name string) []string {
	pod, ok := h.store.Pods.Get("default", name)
	if !ok {
		h.t.Fatalf("pod %s is gone", name)
	}
	var types []string
	for _, c := range pod.Status.Conditions {
		types = append(types, string(c.Type))
	}
	return types
}

// TestReadyToStartContainersByRelease pins when the kubelet reports
// PodReadyToStartContainers: generateAPIPodStatus appends it, first of the
// kubelet's conditions, only while the PodReadyToStartContainersCondition
// gate is on (pkg/kubelet/kubelet_pods.go, 1.30–1.36); the gate is alpha and
// off in 1.28 and on by default from 1.29 (pkg/features/kube_features.go;
// versioned_kube_features.go from 1.32). Before 1.28 the gate was named
// PodHasNetworkCondition (1.26 kube_features.go), which the model does not
// offer. The condition is False in the status of the pod's first sync,
// generated before createPodSandbox, and True from the next
// (GeneratePodReadyToStartContainersCondition: PodSandboxChanged finds a
// ready sandbox with an IP).
func TestReadyToStartContainersByRelease(t *testing.T) {
	// The harness has no scheduler: no PodScheduled to keep.
	withCondition := []string{"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"}
	without := withCondition[1:]
	for _, tc := range []struct {
		release string
		gates   map[string]bool
		want    []string
	}{
		{"1.26", nil, without},
		{"1.28", nil, without},
		{"1.28", map[string]bool{version.PodReadyToStartContainersCondition: true}, withCondition},
		{"1.30", nil, withCondition},
		{"1.34", nil, withCondition},
		{"1.36", nil, withCondition},
		{"1.36", map[string]bool{version.PodReadyToStartContainersCondition: false}, without},
	} {
		t.Run(fmt.Sprintf("%s%v", tc.release, tc.gates), func(t *testing.T) {
			h := newHarness(t, tc.release, 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
			if err := h.k.cfg.Profile.SetGates(tc.gates); err != nil {
				t.Fatal(err)
			}
			h.addPod(onePod(corev1.Container{}))
			h.run(30 * time.Second)
			if diff := cmp.Diff(tc.want, h.conditionTypes("web")); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
			_, values, absent := h.readyToStart()
			if len(tc.want) == len(without) {
				if len(values) > 0 {
					t.Errorf("PodReadyToStartContainers reported: %v", values)
				}
				return
			}
			if absent {
				t.Error("a status lacks PodReadyToStartContainers")
			}
			if diff := cmp.Diff([]bool{false, true}, values); diff != "" {
				t.Errorf("PodReadyToStartContainers over time (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadyToStartContainersDuringPull: the sandbox is created (step 4 of
// kuberuntime_manager.go SyncPod) before any image is pulled (step 7,
// startContainer → EnsureImageExists), but the pod worker is inside that
// SyncPod until the pull ends, and only a SyncPod generates the condition:
// during the first pull the API still shows the False of the status made
// before the sandbox existed. A failed pull ends the sync; the next one
// finds the sandbox and reports True while the pull backs off.
func TestReadyToStartContainersDuringPull(t *testing.T) {
	for _, tc := range []struct {
		pull  string
		want  []bool
		until time.Duration
	}{
		{"transfer: 20s", []bool{false}, 15 * time.Second},
		{"transfer: 20s", []bool{false, true}, 30 * time.Second},
		{"error: notFound", []bool{false, true}, 15 * time.Second},
	} {
		t.Run(fmt.Sprintf("%s/%v", tc.pull, tc.until), func(t *testing.T) {
			apps := fmt.Sprintf("\n\"app:*\":\n  pull: {%s, preloaded: false}\n", tc.pull)
			h := newHarness(t, "1.36", 1, CatalogApps(catalog(t, apps)))
			h.addPod(pulledPod("web", "app:9", corev1.PullIfNotPresent))
			h.run(tc.until)
			_, values, _ := h.readyToStart()
			if diff := cmp.Diff(tc.want, values); diff != "" {
				t.Errorf("PodReadyToStartContainers over time (-want +got):\n%s", diff)
			}
			if started := len(h.containerStarts()) > 0; started != (tc.until > 20*time.Second && tc.pull != "error: notFound") {
				t.Errorf("container started: %v at %v", started, tc.until)
			}
		})
	}
}

// containerStarts returns when each container instance started.
func (h *harness) containerStarts() []sim.Time {
	starts, _ := h.containerTimes()
	return starts
}

// TestReadyToStartContainersTermination: killPod stops the sandbox
// (kuberuntime_manager.go killPodWithSyncResult → StopPodSandbox), and
// SyncTerminatingPod generates the final status from the runtime's status
// after the kill (kubelet.go, stoppedPodStatus), where the sandbox is
// NOTREADY: the condition ends False, for a deleted pod and for one that
// reached a terminal phase (SyncPod reports it terminal and the pod worker
// terminates it). It never turns True again.
func TestReadyToStartContainersTermination(t *testing.T) {
	t.Run("deleted", func(t *testing.T) {
		h := newHarness(t, "1.36", 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
		h.addPod(onePod(corev1.Container{}))
		h.run(10 * time.Second)
		grace := int64(5)
		h.store.DeletePod("default", "web", &grace, h.e.Now())
		h.run(30 * time.Second)
		if _, ok := h.store.Pods.Get("default", "web"); ok {
			t.Fatal("the pod is still there")
		}
		if _, values, _ := h.readyToStart(); !cmp.Equal([]bool{false, true, false}, values) {
			t.Errorf("PodReadyToStartContainers over time %v, want [false true false]", values)
		}
	})
	for _, policy := range []corev1.RestartPolicy{corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure} {
		t.Run("terminal/"+string(policy), func(t *testing.T) {
			h := newHarness(t, "1.36", 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{exitIn: 5 * time.Second} }})
			pod := onePod(corev1.Container{})
			pod.Spec.RestartPolicy = policy
			h.addPod(pod)
			h.run(2 * time.Minute)
			cur, _ := h.store.Pods.Get("default", "web")
			if cur.Status.Phase != corev1.PodSucceeded {
				t.Fatalf("phase %s", cur.Status.Phase)
			}
			if c := cur.Status.Conditions[0]; c.Type != corev1.PodReadyToStartContainers || c.Status != corev1.ConditionFalse {
				t.Errorf("first condition %s %s, want PodReadyToStartContainers False", c.Type, c.Status)
			}
			if _, values, _ := h.readyToStart(); !cmp.Equal([]bool{false, true, false}, values) {
				t.Errorf("PodReadyToStartContainers over time %v, want [false true false]", values)
			}
		})
	}
}

// TestReadyToStartContainersKubeletRestart: a kubelet restart leaves the
// sandbox running; the new kubelet's first status finds it ready, so the
// condition stays True and keeps its lastTransitionTime, which the status
// manager carries over from the old status while the status is unchanged
// (status_manager.go updateLastTransitionTime).
func TestReadyToStartContainersKubeletRestart(t *testing.T) {
	h := newHarness(t, "1.36", 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
	h.addPod(onePod(corev1.Container{}))
	h.restartAt(20*time.Second, 5*time.Second)
	h.run(10 * time.Second)
	before := h.condition("web", corev1.PodReadyToStartContainers)
	h.run(2 * time.Minute)
	after := h.condition("web", corev1.PodReadyToStartContainers)
	if before.Status != corev1.ConditionTrue || !cmp.Equal(before, after) {
		t.Errorf("before the restart %+v, after %+v: want True and unchanged", before, after)
	}
	if _, values, _ := h.readyToStart(); !cmp.Equal([]bool{false, true}, values) {
		t.Errorf("PodReadyToStartContainers over time %v, want [false true]", values)
	}
}

// condition returns the API pod's condition of type ct.
func (h *harness) condition(name string, ct corev1.PodConditionType) corev1.PodCondition {
	pod, ok := h.store.Pods.Get("default", name)
	if !ok {
		h.t.Fatalf("pod %s is gone", name)
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == ct {
			return c
		}
	}
	h.t.Fatalf("pod %s has no %s condition", name, ct)
	return corev1.PodCondition{}
}

// TestReadyToStartContainersOwnership: kubetypes.PodConditionByKubelet
// (pkg/kubelet/types/pod_status.go, 1.30–1.36) counts
// PodReadyToStartContainers as the kubelet's only while the gate is on;
// with it off, generateAPIPodStatus keeps one already in the API pod, as it
// keeps any condition another component owns.
func TestReadyToStartContainersOwnership(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint(on), func(t *testing.T) {
			h := newHarness(t, "1.36", 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
			if err := h.k.cfg.Profile.SetGates(map[string]bool{version.PodReadyToStartContainersCondition: on}); err != nil {
				t.Fatal(err)
			}
			pod := onePod(corev1.Container{})
			pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionUnknown}}
			h.addPod(pod)
			h.run(10 * time.Second)
			want := corev1.ConditionUnknown // kept as it was
			if on {
				want = corev1.ConditionTrue // generated
			}
			if got := h.condition("web", corev1.PodReadyToStartContainers).Status; got != want {
				t.Errorf("PodReadyToStartContainers %s, want %s", got, want)
			}
		})
	}
}
