package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/sim"
)

// TestLegacyHungApp pins the 1.1 kubelet on the seed's hung Sinatra app
// (every request sleeps 100 s, one at a time) with
// `livenessProbe: httpGet / 8080, initialDelaySeconds: 15, timeoutSeconds: 12`
// (docs/fidelity.md section 8, R10): a sync, every 10 s, probes liveness up
// to three times, each try waiting its 12 s timeout, so a failed round takes
// 36 s; the container is then killed and restarted in the same sync, with no
// backoff, and the next round starts after the initial delay.
func TestLegacyHungApp(t *testing.T) {
	apps := catalog(t, `
sinatra:*:
  concurrency: 1
  http:
    8080: {"*": {status: 200, latency: 100s}}
`)
	h := newHarness(t, "1.1", 1, catalogApps{apps})
	h.addPod(onePod(corev1.Container{Image: "sinatra:1", LivenessProbe: &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(8080)}},
		InitialDelaySeconds: 15, TimeoutSeconds: 12, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3,
	}}))
	h.run(9 * time.Minute)
	starts, ends := h.containerTimes()
	probes := h.probes("liveness")
	if len(starts) < 4 {
		t.Fatalf("%d container starts in 9 minutes", len(starts))
	}
	// Each round is three 12 s tries, back to back.
	for i := 0; i+2 < len(probes) && i < 9; i += 3 {
		for j := i; j < i+3; j++ {
			if probes[j].Result != "failure" || time.Duration(probes[j].Duration) != 12*time.Second {
				t.Fatalf("try %d: %s after %v", j, probes[j].Result, time.Duration(probes[j].Duration))
			}
		}
		if d := sim.Time(probes[i+2].T).Sub(sim.Time(probes[i].T)); d != 24*time.Second {
			t.Errorf("round %d spans %v from first to last result, want 24s", i/3, d)
		}
	}
	// No backoff: each restart follows its kill at once.
	for n := 1; n < len(starts); n++ {
		if gap := starts[n].Sub(ends[n-1]); gap > time.Second {
			t.Errorf("restart %d came %v after the kill", n, gap)
		}
	}
	// A cycle is the initial delay, the wait for a sync, 36 s of tries and
	// the kill: between 51 s and 61 s plus the kill.
	for n := 1; n < len(starts); n++ {
		if cycle := starts[n].Sub(starts[n-1]); cycle < 51*time.Second || cycle > 95*time.Second {
			t.Errorf("cycle %d lasted %v", n, cycle)
		}
	}
	t.Logf("%d restarts in 9 minutes", len(starts)-1)
}
