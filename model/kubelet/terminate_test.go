package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TestPodDeletion pins pod termination (fact sheet 8.1, 8.2, 2.11, 2.12;
// SyncTerminatingPod, killContainer): a process that exits on SIGTERM frees
// the pod at once with exit 143; one that ignores SIGTERM (a shell as PID 1)
// burns the whole grace period and is SIGKILLed, exit 137. The pod object
// stays Terminating until then, and is removed by the kubelet.
func TestPodDeletion(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ignoreTerm bool
		grace      int64
		wantCode   int32
		wantAfter  time.Duration
	}{
		{"exits on TERM", false, 30, 143, 0},
		{"ignores TERM", true, 30, 137, 30 * time.Second},
		{"grace floored at 2s", true, 0, 137, 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "1.34", 3, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{ignoreTerm: tc.ignoreTerm} }})
			h.addPod(onePod(corev1.Container{ReadinessProbe: httpGetProbe("/ready", 0, 10, 3)}))
			h.run(time.Minute)
			deleteAt := h.e.Now()
			if !h.store.DeletePod("default", "web", &tc.grace, deleteAt) {
				t.Fatal("pod not found")
			}
			h.run(3 * time.Minute)
			var exit *record.Container
			var gone sim.Time = sim.Never
			for _, r := range h.log.Records() {
				switch r := r.(type) {
				case *record.Container:
					if r.State == "terminated" {
						exit = r
					}
				case *record.Object:
					if r.Action == "deleted" {
						gone = sim.Time(r.T)
					}
				}
			}
			if exit == nil || *exit.ExitCode != tc.wantCode {
				t.Fatalf("exit record %+v, want code %d", exit, tc.wantCode)
			}
			// The kubelet hears of the deletion through its watch (ms).
			if d := sim.Time(exit.T).Sub(deleteAt); d < tc.wantAfter || d > tc.wantAfter+100*time.Millisecond {
				t.Errorf("exit %v after the delete, want %v", d, tc.wantAfter)
			}
			if gone == sim.Never || gone < sim.Time(exit.T) {
				t.Errorf("pod object removed at %v, exit at %v", gone, sim.Time(exit.T))
			}
			if _, ok := h.store.Pods.Get("default", "web"); ok {
				t.Error("pod object still in the API")
			}
			if ev := h.events("Killing"); len(ev) != 1 || ev[0].Message != "Stopping container app" {
				t.Errorf("Killing events %+v", ev)
			}
		})
	}
}

// TestPreStop pins executePreStopHook and killContainer's order (fact sheet
// 2.11, 8.2; docs/fidelity.md T2): the hook runs first and its whole
// seconds come off the grace period, then SIGTERM; a failed hook is a
// FailedPreStopHook event and the kill goes on.
func TestPreStop(t *testing.T) {
	for _, tc := range []struct {
		name      string
		release   string
		hook      *corev1.LifecycleHandler
		exitAfter time.Duration
		failed    bool
	}{
		{"sleep 5", "1.34", &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 5}}, 5 * time.Second, false},
		{"sleep unknown before 1.30", "1.28", &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 5}}, 0, false},
		{"sleep longer than grace", "1.34", &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 60}}, 30 * time.Second, false},
		{"exec fails", "1.34", &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"false"}}}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.release, 3, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{execExit: 1} }})
			pod := onePod(corev1.Container{Lifecycle: &corev1.Lifecycle{PreStop: tc.hook}})
			h.addPod(pod)
			h.run(time.Minute)
			at := h.e.Now()
			h.store.DeletePod("default", "web", nil, at)
			h.run(3 * time.Minute)
			_, ends := h.containerTimes()
			// 5 ms: the kubelet's watch of the pod.
			if d := ends[0].Sub(at) - podWatchLatency; d != tc.exitAfter {
				t.Errorf("exit %v after the kill began, want %v", d, tc.exitAfter)
			}
			if got := len(h.events("FailedPreStopHook")) > 0; got != tc.failed {
				t.Errorf("FailedPreStopHook: %v, want %v", got, tc.failed)
			}
		})
	}
}

// TestProbesStopWithThePod: once the pod is gone from the API, its probe
// workers are removed (HandlePodRemoves → probeManager.RemovePod) on every
// release, including those that keep liveness running during termination.
func TestProbesStopWithThePod(t *testing.T) {
	for _, release := range []string{"1.11", "1.34"} {
		t.Run(release, func(t *testing.T) {
			h := newHarness(t, release, 3, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
			h.addPod(onePod(corev1.Container{LivenessProbe: httpGetProbe("/l", 0, 1, 3), ReadinessProbe: httpGetProbe("/r", 0, 1, 3)}))
			h.run(time.Minute)
			h.store.DeletePod("default", "web", nil, h.e.Now())
			h.run(2 * time.Minute)
			if _, ok := h.store.Pods.Get("default", "web"); ok {
				t.Fatal("pod still in the API")
			}
			// The workers' ticks are kernel events of kind kubelet/probe.
			ticks := func() uint64 {
				for _, k := range h.e.Stats().ByKind {
					if k.Kind == "kubelet/probe" {
						return k.Count
					}
				}
				return 0
			}
			n := ticks()
			h.run(5 * time.Minute)
			if m := ticks(); m != n {
				t.Errorf("%d probe worker events after the pod was removed", m-n)
			}
		})
	}
}
