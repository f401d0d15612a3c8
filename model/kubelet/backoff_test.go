package kubelet

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// TestCrashLoopRestartSchedule pins the restart schedule of a container that
// exits 1 s after every start (fact sheet 2.5 and 2.7; kuberuntime_manager.go
// doBackOff, flowcontrol/backoff.go, pod_workers.go completeWork):
//   - the first restart is immediate: no backoff entry exists yet;
//   - the n-th restart (n ≥ 2) waits min(10·2^(n−2), 300) s after the
//     previous exit, measured from FinishedAt;
//   - on ≤ 1.34 it lands at the first pod sync after that: the worker
//     requeues every Jitter(10 s, 0.5) while in backoff, and due work is
//     picked up on the 1 s sync tick, so the overshoot is below 15 s + 1 s
//     (+ 1 s for the PLEG relist that first saw the exit);
//   - from 1.35 the worker requeues towards the backoff's expiry, clamped
//     to the 60 s resync and jittered ×[1, 1.5), so the overshoot is below
//     half of min(backoff, 60 s) (+ 2 s for the tick and the relist).
func TestCrashLoopRestartSchedule(t *testing.T) {
	// (release, gates, node's maxContainerRestartPeriod) → the initial and
	// maximum backoff newCrashLoopBackOff configures (docs/fidelity.md R1).
	for _, tc := range []struct {
		release          string
		gates            map[string]bool
		maxPeriod        time.Duration
		initial, maximum time.Duration
	}{
		{release: "1.11", initial: 10 * time.Second, maximum: 300 * time.Second},
		{release: "1.34", initial: 10 * time.Second, maximum: 300 * time.Second},
		{release: "1.35", initial: 10 * time.Second, maximum: 300 * time.Second},
		{release: "1.33", gates: map[string]bool{version.ReduceDefaultCrashLoopBackOffDecay: true}, initial: time.Second, maximum: 60 * time.Second},
		// On 1.35 KubeletCrashLoopBackOffMax is on by default and its max
		// (300 s unless the node says otherwise) replaces the reduced 60 s.
		{release: "1.35", gates: map[string]bool{version.ReduceDefaultCrashLoopBackOffDecay: true}, initial: time.Second, maximum: 300 * time.Second},
		{release: "1.35", maxPeriod: 30 * time.Second, initial: 10 * time.Second, maximum: 30 * time.Second},
		// A max below the initial delay lowers the initial delay too.
		{release: "1.35", maxPeriod: 5 * time.Second, initial: 5 * time.Second, maximum: 5 * time.Second},
	} {
		for seed := uint64(1); seed <= 10; seed++ {
			t.Run(fmt.Sprint(tc.release, tc.gates, tc.maxPeriod, "/seed=", seed), func(t *testing.T) {
				testRestartSchedule(t, tc.release, tc.gates, tc.maxPeriod, tc.initial, tc.maximum, seed)
			})
		}
	}
}

func testRestartSchedule(t *testing.T, release string, gates map[string]bool, maxPeriod, initial, maximum time.Duration, seed uint64) {
	h := newHarness(t, release, seed, fakeApps{proc: func(int, sim.Time) *fakeProc {
		return &fakeProc{exitIn: time.Second, exitCode: 1}
	}})
	if err := h.k.cfg.Profile.SetGates(gates); err != nil {
		t.Fatal(err)
	}
	h.k.cfg.MaxContainerRestartPeriod = maxPeriod
	h.addPod(onePod(corev1.Container{}))
	h.run(30 * time.Minute)
	starts, ends := h.containerTimes()
	if len(starts) < 9 {
		t.Fatalf("only %d starts in 30 min", len(starts))
	}
	for n := 1; n < len(starts); n++ { // starts[n] is restart n
		gap := starts[n].Sub(ends[n-1])
		nominal := time.Duration(0)
		if n >= 2 {
			nominal = initial
			for i := 2; i < n && nominal < maximum; i++ {
				nominal *= 2
			}
			nominal = min(nominal, maximum)
		}
		// Runtime create+start latency is included in every gap.
		lo := nominal + createLatency + startLatency
		hi := nominal + 15*time.Second + 2*time.Second + createLatency + startLatency
		if h.k.cfg.Profile.BackoffAwareRequeue() {
			hi = nominal + min(nominal, 60*time.Second)/2 + 2*time.Second + createLatency + startLatency
		}
		if n == 1 {
			hi = time.Second + createLatency + startLatency
		}
		if gap < lo || gap > hi {
			t.Errorf("restart %d: %v after the exit, want within [%v, %v]", n, gap, lo, hi)
		}
	}
}

// TestBackoffResetsAfterLongRun pins the 600 s reset (fact sheet 2.6): a
// container that ran more than 600 s since its last restart restarts at once
// after its next crash.
func TestBackoffResetsAfterLongRun(t *testing.T) {
	h := newHarness(t, "1.34", 1, fakeApps{proc: func(n int, _ sim.Time) *fakeProc {
		if n == 4 {
			return &fakeProc{exitIn: 11 * time.Minute, exitCode: 1}
		}
		return &fakeProc{exitIn: time.Second, exitCode: 1}
	}})
	h.addPod(onePod(corev1.Container{}))
	h.run(20 * time.Minute)
	starts, ends := h.containerTimes()
	if len(starts) < 6 {
		t.Fatalf("only %d starts", len(starts))
	}
	// Instance 4 ran 11 min; restart 4 (instance 5) must be immediate, and
	// restart 5 must wait the initial 10 s again.
	if gap := starts[4].Sub(ends[3]); gap > 2*time.Second {
		t.Errorf("restart after a long run waited %v, want immediate", gap)
	}
	if gap := starts[5].Sub(ends[4]); gap < 10*time.Second || gap > 30*time.Second {
		t.Errorf("restart after the reset waited %v, want the initial 10 s (+ sync quantisation)", gap)
	}
}
