package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// warmingUp is an app that answers 503 until it has warmed up for d.
func warmingUp(d time.Duration) fakeApps {
	return fakeApps{proc: func(int, sim.Time) *fakeProc {
		return &fakeProc{http: func(since sim.Duration) int {
			if since < d {
				return 503
			}
			return 200
		}}
	}}
}

// TestSlowStartKilledByLiveness is the slow-start-killed seed: an app that
// needs 60 s to warm up, with a liveness probe of period 10 and threshold 3
// and no startup probe, is killed about 30 s after it starts, again and
// again: it never comes up.
func TestSlowStartKilledByLiveness(t *testing.T) {
	h := newHarness(t, "1.34", 1, warmingUp(60*time.Second))
	h.addPod(onePod(corev1.Container{LivenessProbe: httpGetProbe("/healthz", 0, 10, 3)}))
	h.run(5 * time.Minute)
	kills := h.events("Killing")
	if len(kills) == 0 || kills[0].Message != "Container app failed liveness probe, will be restarted" {
		t.Fatalf("Killing events %v", kills)
	}
	starts, ends := h.containerTimes()
	if first := sim.Time(kills[0].T).Sub(starts[0]); first < 20*time.Second || first > 32*time.Second {
		t.Errorf("first kill %v after the start, want about 30 s (3 failures 10 s apart)", first)
	}
	for i := range starts {
		if min(ends[i], h.e.Now()).Sub(starts[i]) >= 60*time.Second {
			t.Errorf("instance %d lived %v: it should never warm up", i+1, ends[i].Sub(starts[i]))
		}
	}
}

// TestStartupProbeFix is startup-probe-fix: the same app with a startup probe
// allowing 30 × 10 s comes up; liveness and readiness do not run before the
// startup probe succeeded (worker.go doProbe, step 9), and the pod is Ready
// shortly after the warm-up.
func TestStartupProbeFix(t *testing.T) {
	h := newHarness(t, "1.34", 1, warmingUp(60*time.Second))
	h.addPod(onePod(corev1.Container{
		StartupProbe:   httpGetProbe("/healthz", 0, 10, 30),
		LivenessProbe:  httpGetProbe("/healthz", 0, 10, 3),
		ReadinessProbe: httpGetProbe("/ready", 0, 10, 3),
	}))
	h.run(5 * time.Minute)
	if k := h.events("Killing"); len(k) != 0 {
		t.Fatalf("killed: %v", k[0].Message)
	}
	starts, _ := h.containerTimes()
	var startupOK sim.Time = sim.Never
	for _, p := range h.probes("startup") {
		if p.Result == "success" {
			startupOK = sim.Time(p.T)
			break
		}
	}
	if startupOK == sim.Never || startupOK.Sub(starts[0]) < 60*time.Second || startupOK.Sub(starts[0]) > 71*time.Second {
		t.Fatalf("startup succeeded at %v, start %v", startupOK, starts[0])
	}
	for _, kind := range []string{"liveness", "readiness"} {
		for _, p := range h.probes(kind) {
			if sim.Time(p.T) < startupOK {
				t.Errorf("%s probe at %v before the startup probe succeeded at %v", kind, sim.Time(p.T), startupOK)
			}
		}
	}
	// From 1.21 a startup success triggers a sync, whose status generation
	// triggers readiness at once: Ready within about a second.
	if r := h.readyAt(); r.Sub(startupOK) > 2*time.Second {
		t.Errorf("Ready at %v, %v after startup succeeded", r, r.Sub(startupOK))
	}
}

// TestStartupProbeKill: a startup probe that fails its threshold kills the
// container with its own message.
func TestStartupProbeKill(t *testing.T) {
	h := newHarness(t, "1.34", 1, warmingUp(time.Hour))
	h.addPod(onePod(corev1.Container{StartupProbe: httpGetProbe("/healthz", 0, 5, 4)}))
	h.run(2 * time.Minute)
	kills := h.events("Killing")
	if len(kills) == 0 || kills[0].Message != "Container app failed startup probe, will be restarted" {
		t.Fatalf("Killing events %v", kills)
	}
}
