package kubelet

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// restartAt stops the harness's kubelet at `at` and starts a new one after
// down.
func (h *harness) restartAt(at, down time.Duration) {
	h.e.At(sim.Time(at), kindSyncTick, func() {
		if err := h.k.Stop(); err != nil {
			h.t.Error(err)
		}
		h.e.After(down, kindSyncTick, h.k.Start)
	})
}

// readyChanges returns the pod's READY column each time it changes.
func (h *harness) readyChanges() (at []time.Duration, ready []string) {
	for _, r := range h.log.Records() {
		if p, ok := r.(*record.PodStatus); ok && (len(ready) == 0 || ready[len(ready)-1] != p.Ready) {
			at = append(at, time.Duration(sim.Time(p.T)))
			ready = append(ready, p.Ready)
		}
	}
	return at, ready
}

// TestKubeletRestartReadiness pins what a kubelet restart does to a Ready
// pod with a readiness probe. Before 1.35 the new readiness worker stores
// its initial Failure for the running container (prober/worker.go doProbe),
// so the pod flaps to 0/1 until the first probe of the new worker, which
// sleeps up to a period first because the kubelet has just started
// (kubernetes/kubernetes#100277). From 1.35, with
// ChangeContainerStatusOnKubeletRestart off, a container that started more
// than 10 s before the kubelet keeps its readiness (prober_manager.go
// setReadyStateOnKubeletRestart, kubeletRestartGracePeriod).
func TestKubeletRestartReadiness(t *testing.T) {
	for _, tc := range []struct {
		release string
		gates   map[string]bool
		flap    bool
	}{
		{"1.11", nil, true},
		{"1.21", nil, true},
		{"1.34", nil, true},
		{"1.35", nil, false},
		{"1.36", nil, false},
		{"1.36", map[string]bool{"ChangeContainerStatusOnKubeletRestart": true}, true},
	} {
		for seed := uint64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprintf("%s%v/seed=%d", tc.release, tc.gates, seed), func(t *testing.T) {
				h := newHarness(t, tc.release, seed, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
				if err := h.k.cfg.Profile.SetGates(tc.gates); err != nil {
					t.Fatal(err)
				}
				h.addPod(onePod(corev1.Container{ReadinessProbe: httpGetProbe("/ready", 0, 10, 3)}))
				const restart, down = 60 * time.Second, 3 * time.Second
				h.restartAt(restart, down)
				h.run(3 * time.Minute)
				at, ready := h.readyChanges()
				var after []string
				var flapAt, backAt time.Duration
				for i := range at {
					if at[i] > restart {
						after = append(after, ready[i])
						if ready[i] == "0/1" && flapAt == 0 {
							flapAt = at[i]
						}
						if ready[i] == "1/1" && flapAt != 0 && backAt == 0 {
							backAt = at[i]
						}
					}
				}
				if !tc.flap {
					if len(after) != 0 {
						t.Fatalf("READY after the restart: %v at %v, want no change", after, at)
					}
					return
				}
				if flapAt == 0 || backAt == 0 {
					t.Fatalf("READY after the restart: %v, want 0/1 then 1/1", after)
				}
				// The flap begins at the new kubelet's first sync (a relist
				// after its start, then the 1 s tick) and ends at the new
				// worker's first probe, at most one period after its start.
				if start := restart + down; flapAt < start || flapAt > start+2*time.Second {
					t.Errorf("NotReady at %v, want within 2 s of the new kubelet's start %v", flapAt, start)
				}
				if backAt < flapAt || backAt > flapAt+10*time.Second+time.Second {
					t.Errorf("Ready again at %v, want within a probe period of %v", backAt, flapAt)
				}
			})
		}
	}
}

// TestKubeletRestartForgetsBackoff pins that the crash-loop back-off lives
// in the kubelet's memory (kubelet.go newCrashLoopBackOff): a container
// waiting out a long back-off is restarted by the new kubelet's first sync.
// The container's processes themselves live on: nothing ends while the
// kubelet is away.
func TestKubeletRestartForgetsBackoff(t *testing.T) {
	h := newHarness(t, "1.34", 3, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{exitIn: time.Second, exitCode: 1} }})
	h.addPod(onePod(corev1.Container{}))
	// By 3 min the container has crashed 5 times and waits 160 s.
	const restart, down = 3 * time.Minute, 3 * time.Second
	h.restartAt(restart, down)
	h.run(5 * time.Minute)
	starts, _ := h.containerTimes()
	var before, after []time.Duration
	for _, s := range starts {
		if time.Duration(s) <= restart {
			before = append(before, time.Duration(s))
		} else {
			after = append(after, time.Duration(s))
		}
	}
	if len(before) < 5 {
		t.Fatalf("%d starts before the restart, want at least 5", len(before))
	}
	if len(after) == 0 || after[0] > restart+down+3*time.Second {
		t.Fatalf("starts after the restart %v: want one within 3 s of the new kubelet's start at %v", after, restart+down)
	}
	if got := h.events("Starting"); len(got) != 1 || got[0].Message != "Starting kubelet." || got[0].Object != "Node/node" {
		t.Errorf("Starting events %+v, want one for the node", got)
	}
}

// TestKubeletDownNoProbes pins that a stopped kubelet runs no probes and no
// syncs, while its containers keep running, and that the new kubelet's
// probe workers sleep up to a period before their first probe (the kubelet
// started less than a period ago).
func TestKubeletDownNoProbes(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		h := newHarness(t, "1.36", seed, fakeApps{proc: func(int, sim.Time) *fakeProc {
			return &fakeProc{http: func(sim.Duration) int { return 200 }}
		}})
		h.addPod(onePod(corev1.Container{LivenessProbe: httpGetProbe("/healthz", 0, 10, 3)}))
		const restart, down = 40 * time.Second, 30 * time.Second
		h.restartAt(restart, down)
		h.run(2 * time.Minute)
		var first time.Duration
		for _, p := range h.probes("liveness") {
			at := time.Duration(sim.Time(p.T))
			if at > restart && at < restart+down {
				t.Errorf("seed %d: a probe at %v while the kubelet was down", seed, at)
			}
			if at >= restart+down && first == 0 {
				first = at
			}
		}
		// Workers are made at the first sync, after the first relist (up
		// to 2 s), then sleep up to a period.
		if start := restart + down; first < start || first >= start+12*time.Second {
			t.Errorf("seed %d: first probe of the new kubelet at %v, want within 2 s and one period of %v", seed, first, start)
		}
		if _, ends := h.containerTimes(); len(ends) != 1 || ends[0] != sim.Never {
			t.Errorf("seed %d: container ends %v, want one instance still running", seed, ends)
		}
	}
}

// TestStartedCarriesOver pins a consequence of the 1.35 change to
// convertToAPIContainerStatuses (kubelet_pods.go): with
// ChangeContainerStatusOnKubeletRestart off, a running container's Started
// is carried over from the old status by name. An instance started in the
// sync that killed its predecessor for liveness therefore reads Started
// until the startup worker sees the new container ID and stores Unknown,
// and its liveness worker may probe it first. Before 1.35 Started comes
// from the startup result alone and that never happens.
func TestStartedCarriesOver(t *testing.T) {
	early := func(release string) (n int) {
		for seed := uint64(1); seed <= 20; seed++ {
			h := newHarness(t, release, seed, fakeApps{proc: func(int, sim.Time) *fakeProc {
				return &fakeProc{http: func(sim.Duration) int { return 404 }}
			}})
			startup := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
				TimeoutSeconds: 1, PeriodSeconds: 3, SuccessThreshold: 1, FailureThreshold: 3}
			h.addPod(onePod(corev1.Container{StartupProbe: startup, LivenessProbe: httpGetProbe("/healthz", 0, 1, 1)}))
			h.run(3 * time.Minute)
			startedAt := map[int]sim.Time{}
			for _, r := range h.log.Records() {
				p, ok := r.(*record.Probe)
				if !ok {
					continue
				}
				switch {
				case p.Probe == "startup" && p.Result == "success":
					if _, ok := startedAt[p.Instance]; !ok {
						startedAt[p.Instance] = sim.Time(p.T)
					}
				case p.Probe == "liveness":
					if at, ok := startedAt[p.Instance]; !ok || at > sim.Time(p.T) {
						n++
					}
				}
			}
		}
		return n
	}
	if n := early("1.34"); n != 0 {
		t.Errorf("1.34: %d liveness probes before their instance's startup success, want none", n)
	}
	if n := early("1.36"); n == 0 {
		t.Errorf("1.36: no liveness probe before its instance's startup success in 20 seeds, want some")
	}
}
