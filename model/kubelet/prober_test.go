package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

func httpGetProbe(path string, initialDelay, period, threshold int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(8080)}},
		InitialDelaySeconds: initialDelay, PeriodSeconds: period, TimeoutSeconds: 1,
		SuccessThreshold: 1, FailureThreshold: threshold,
	}
}

func (h *harness) probes(kind string) []*record.Probe {
	var out []*record.Probe
	for _, r := range h.log.Records() {
		if p, ok := r.(*record.Probe); ok && p.Probe == kind {
			out = append(out, p)
		}
	}
	return out
}

func (h *harness) events(reason string) []*record.Event {
	var out []*record.Event
	for _, r := range h.log.Records() {
		if e, ok := r.(*record.Event); ok && e.Reason == reason {
			out = append(out, e)
		}
	}
	return out
}

// TestLivenessKillAfterThreshold pins worker.go doProbe's counting: a kill
// comes after exactly failureThreshold consecutive failures of one
// container instance, each with its own Unhealthy event (prober.go records
// one per failed probe), and the probe grid, anchored at worker creation,
// survives the restart (the worker is not recreated).
func TestLivenessKillAfterThreshold(t *testing.T) {
	h := newHarness(t, "1.34", 7, fakeApps{proc: func(int, sim.Time) *fakeProc {
		return &fakeProc{http: func(sim.Duration) int { return 404 }}
	}})
	h.addPod(onePod(corev1.Container{LivenessProbe: httpGetProbe("/healthz", 10, 10, 3)}))
	h.run(3 * time.Minute)

	probes := h.probes("liveness")
	kills := h.events("Killing")
	if len(kills) == 0 {
		t.Fatal("no Killing event")
	}
	if kills[0].Message != "Container app failed liveness probe, will be restarted" {
		t.Errorf("Killing message %q", kills[0].Message)
	}
	if len(probes) < 3 {
		t.Fatalf("%d liveness probes", len(probes))
	}
	for _, p := range probes[:3] {
		if p.Result != "failure" || p.Output != "HTTP probe failed with statuscode: 404" {
			t.Errorf("probe at %v: %s %q", sim.Time(p.T), p.Result, p.Output)
		}
	}
	if kills[0].T != probes[2].T {
		t.Errorf("kill at %v, third failure at %v: the kill must follow the threshold at once", sim.Time(kills[0].T), sim.Time(probes[2].T))
	}
	if got := len(h.events("Unhealthy")); got < 3 || h.events("Unhealthy")[2].Count != 3 {
		t.Errorf("Unhealthy events: %d, want one per failure", got)
	}
	// The grid: every probe lies on the same 10 s grid, before and after
	// the restart.
	grid := sim.Time(probes[0].T) % sim.Time(10*time.Second)
	for _, p := range probes {
		if off := (sim.Time(p.T) - grid) % sim.Time(10*time.Second); off > sim.Time(10*time.Millisecond) {
			t.Errorf("probe at %v is off the worker's grid by %v", sim.Time(p.T), off)
		}
	}
}

// readyAt returns when the pod first reported Ready.
func (h *harness) readyAt() sim.Time {
	for _, r := range h.log.Records() {
		if p, ok := r.(*record.PodStatus); ok && p.Conditions["Ready"] {
			return sim.Time(p.T)
		}
	}
	return sim.Never
}

// TestReadinessManualTrigger pins UpdatePodStatus's manual trigger
// (prober_manager.go, from 1.21): with initialDelaySeconds 0 the pod is
// Ready at the PLEG-driven sync about 1 s after the container starts, not up
// to a period later. On 1.11 there is no trigger and readiness waits for
// the worker's next periodic probe.
func TestReadinessManualTrigger(t *testing.T) {
	for _, tc := range []struct {
		release string
		max     time.Duration
	}{
		{"1.34", 2 * time.Second},
		{"1.11", 31 * time.Second},
	} {
		t.Run(tc.release, func(t *testing.T) {
			var worst time.Duration
			for seed := uint64(1); seed <= 30; seed++ {
				h := newHarness(t, tc.release, seed, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
				h.addPod(onePod(corev1.Container{ReadinessProbe: httpGetProbe("/ready", 0, 30, 3)}))
				h.run(2 * time.Minute)
				starts, _ := h.containerTimes()
				d := h.readyAt().Sub(starts[0])
				worst = max(worst, d)
			}
			if worst > tc.max {
				t.Errorf("Ready up to %v after the start, want at most %v", worst, tc.max)
			}
			if tc.release == "1.11" && worst < 5*time.Second {
				t.Errorf("on 1.11 Ready at most %v after start over 30 seeds: the periodic grid should show", worst)
			}
		})
	}
}
