package kubelet

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// genProbe draws a valid HTTP probe (validation: thresholds and periods ≥ 1;
// successThreshold 1 for liveness and startup).
func genProbe(t *rapid.T, name string, successThreshold bool) *corev1.Probe {
	p := httpGetProbe("/"+name,
		int32(rapid.IntRange(0, 20).Draw(t, name+".initialDelaySeconds")),
		int32(rapid.IntRange(1, 15).Draw(t, name+".periodSeconds")),
		int32(rapid.IntRange(1, 5).Draw(t, name+".failureThreshold")))
	p.TimeoutSeconds = int32(rapid.IntRange(1, 3).Draw(t, name+".timeoutSeconds"))
	if successThreshold {
		p.SuccessThreshold = int32(rapid.IntRange(1, 3).Draw(t, name+".successThreshold"))
	}
	return p
}

// genApps draws an application: per instance, an optional crash time, a
// time after which its HTTP answers fail, a latency, and its SIGTERM
// reaction.
func genApps(t *rapid.T) fakeApps {
	crash := rapid.SliceOfN(rapid.IntRange(0, 120), 8, 8).Draw(t, "crashAfterSeconds")
	failAfter := rapid.SliceOfN(rapid.IntRange(0, 120), 8, 8).Draw(t, "failAfterSeconds")
	latencyMs := rapid.IntRange(0, 2500).Draw(t, "latencyMs")
	ignoreTerm := rapid.Bool().Draw(t, "ignoreTerm")
	return fakeApps{proc: func(n int, _ sim.Time) *fakeProc {
		i := (n - 1) % 8
		p := &fakeProc{latency: time.Duration(latencyMs) * time.Millisecond, ignoreTerm: ignoreTerm, exitCode: 1}
		if crash[i] > 0 {
			p.exitIn = time.Duration(crash[i]) * time.Second
		}
		fa := time.Duration(failAfter[i]) * time.Second
		p.http = func(since sim.Duration) int {
			if failAfter[i] > 0 && since >= fa {
				return 503
			}
			return 200
		}
		return p
	}}
}

type instanceSpan struct{ start, end sim.Time }

func spans(log *record.Log) []instanceSpan {
	var s []instanceSpan
	for _, r := range log.Records() {
		if c, ok := r.(*record.Container); ok {
			switch c.State {
			case "running":
				s = append(s, instanceSpan{sim.Time(c.T), sim.Never})
			case "terminated":
				s[c.Instance-1].end = sim.Time(c.T)
			}
		}
	}
	return s
}

// instanceAt returns the index of the instance running at t, or -1.
func instanceAt(s []instanceSpan, t sim.Time) int {
	for i, sp := range s {
		if sp.start <= t && t < sp.end {
			return i
		}
	}
	return -1
}

// genProbedPod draws a one-container pod with any of the three probes and
// any restart policy.
func genProbedPod(t *rapid.T) *corev1.Pod {
	c := corev1.Container{}
	if rapid.Bool().Draw(t, "liveness") {
		c.LivenessProbe = genProbe(t, "liveness", false)
	}
	if rapid.Bool().Draw(t, "readiness") {
		c.ReadinessProbe = genProbe(t, "readiness", true)
	}
	if rapid.Bool().Draw(t, "startup") {
		c.StartupProbe = genProbe(t, "startup", false)
	}
	pod := onePod(c)
	pod.Spec.RestartPolicy = rapid.SampledFrom([]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}).Draw(t, "restartPolicy")
	return pod
}

// TestKubeletProperties checks, over random probe settings, restart
// policies and application behaviours, the invariants that hold in any
// real kubelet (worker.go doProbe, kuberuntime_manager.go, fact sheet 1-2).
func TestKubeletProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		release := rapid.SampledFrom([]string{"1.11", "1.21", "1.28", "1.34", "1.35", "1.36"}).Draw(t, "release")
		pod := genProbedPod(t)
		c := pod.Spec.Containers[0]
		seed := rapid.Uint64().Draw(t, "seed")
		h := newHarness(&testing.T{}, release, seed, genApps(t))
		h.addPod(pod)
		h.run(10 * time.Minute)
		hasStartup := c.StartupProbe != nil && h.k.cfg.Profile.StartupProbe()

		sp := spans(h.log)
		// Two instances of one container never run at once, and a pod
		// with restartPolicy Never never restarts.
		for i := 1; i < len(sp); i++ {
			if sp[i].start < sp[i-1].end {
				t.Fatalf("instance %d started at %v before instance %d ended at %v", i+1, sp[i].start, i, sp[i-1].end)
			}
		}
		if pod.Spec.RestartPolicy == corev1.RestartPolicyNever && len(sp) > 1 {
			t.Fatalf("restartPolicy Never, but %d instances", len(sp))
		}

		startedAt := map[int]sim.Time{} // instance → startup success time
		// Liveness failures in a row, as the worker's resultRun counts them:
		// reset by a success or on reaching the threshold (onHold), but not
		// by a new container: a container that crashes before its threshold
		// leaves its count to the next one (worker.go keeps resultRun across
		// container IDs).
		consecutive := 0
		thresholdAt := sim.Never
		var failedProbes int
		var lastRestarts int32
		for _, r := range h.log.Records() {
			switch r := r.(type) {
			case *record.Probe:
				began := sim.Time(r.T).Add(-sim.Duration(r.Duration))
				// The instance the kubelet believed it probed: it has
				// started, and if it has died since, the kubelet's status
				// cache has not caught up yet. That takes the relist that
				// sees the exit, and if a sync is running then, the next
				// one (a pod worker waits for a relist newer than its last
				// sync): a few seconds at most.
				i := r.Instance - 1
				if i < 0 || i >= len(sp) || sp[i].start > began || began.Sub(sp[i].end) > 3*plegRelistPeriod {
					t.Fatalf("%s probe began at %v on instance %d (%+v)", r.Probe, began, r.Instance, sp)
				}
				if running := instanceAt(sp, began); running < 0 && r.Result == "success" {
					t.Fatalf("%s probe began at %v with no container running, and succeeded", r.Probe, began)
				}
				var spec *corev1.Probe
				switch r.Probe {
				case "liveness":
					spec = c.LivenessProbe
				case "readiness":
					spec = c.ReadinessProbe
				default:
					spec = c.StartupProbe
				}
				// No probe before whole seconds since the start, itself cut
				// to whole seconds in the status cache, reach
				// initialDelaySeconds (docs/fidelity.md P4).
				if int32(began.Sub(sp[i].start.Truncate(time.Second))/time.Second) < spec.InitialDelaySeconds {
					t.Fatalf("%s probe at %v, %v after the start, initialDelaySeconds %d", r.Probe, began, began.Sub(sp[i].start), spec.InitialDelaySeconds)
				}
				// Liveness and readiness never run before startup succeeded.
				// From 1.35 (ChangeContainerStatusOnKubeletRestart off)
				// they can, briefly: a new instance started in the same
				// sync that killed the old one inherits the old status's
				// Started (kubelet_pods.go convertToAPIContainerStatuses)
				// until the startup worker sees the new container
				// (TestStartedCarriesOver pins it).
				if hasStartup && r.Probe != "startup" && !h.k.keepsStatusOnRestart() {
					if at, ok := startedAt[i]; !ok || at > began {
						t.Fatalf("%s probe at %v before instance %d's startup probe succeeded", r.Probe, began, i+1)
					}
				}
				if r.Probe == "startup" && r.Result == "success" {
					if _, ok := startedAt[i]; !ok {
						startedAt[i] = sim.Time(r.T)
					}
				}
				if r.Result == "failure" {
					failedProbes++
				}
				if r.Probe == "liveness" {
					if r.Result == "failure" {
						consecutive++
						if consecutive == int(c.LivenessProbe.FailureThreshold) {
							thresholdAt, consecutive = sim.Time(r.T), 0
						}
					} else {
						consecutive = 0
					}
				}
			case *record.Event:
				if r.Reason == "Killing" && strings.Contains(r.Message, "liveness") {
					// The process may die at the very instant of the kill, or
					// have died unseen since the last relist: the kubelet
					// then "kills" a dead container, as the real one would.
					i := instanceAt(sp, sim.Time(r.T)-1)
					if i < 0 {
						i = instanceAt(sp, sim.Time(r.T).Add(-plegRelistPeriod))
					}
					if i < 0 {
						t.Fatalf("liveness kill at %v with no container running", sim.Time(r.T))
					}
					// A liveness kill comes at the pod sync the failure that
					// completes failureThreshold consecutive failures asks
					// for: at once, or if the pod worker is busy or waits for
					// a fresh relist, within a few seconds.
					// (1.11 writes the event when the container has stopped,
					// up to the grace period later.)
					slack := 3 * plegRelistPeriod
					if h.k.cfg.Profile.KillingEventAfterStop() {
						slack += 30 * time.Second
					}
					if kill := sim.Time(r.T); kill < thresholdAt || kill.Sub(thresholdAt) > slack {
						t.Fatalf("liveness kill at %v of instance %d, but the threshold of %d failures was last reached at %v", sim.Time(r.T), i+1, c.LivenessProbe.FailureThreshold, thresholdAt)
					}
				}
			case *record.PodStatus:
				// restartCount never decreases and equals instances − 1 as
				// far as the kubelet has seen them.
				if r.Restarts < lastRestarts {
					t.Fatalf("restarts went from %d to %d", lastRestarts, r.Restarts)
				}
				lastRestarts = r.Restarts
				if int(r.Restarts) > len(sp)-1 {
					t.Fatalf("restarts %d with %d instances", r.Restarts, len(sp))
				}
				// Ready only while a container runs, or within the one
				// relist period the kubelet needs to notice an exit.
				if r.Ready == "1/1" && instanceAt(sp, sim.Time(r.T)) < 0 && instanceAt(sp, sim.Time(r.T).Add(-plegRelistPeriod)) < 0 {
					t.Fatalf("Ready at %v with no container running", sim.Time(r.T))
				}
			}
		}
		// Without the spam filter (fewer than 25 events about the pod), every
		// failed probe has its Unhealthy event.
		var unhealthy, events int
		for _, r := range h.log.Records() {
			if e, ok := r.(*record.Event); ok {
				events++
				if e.Reason == "Unhealthy" {
					unhealthy++ // each record is one event or one count bump
				}
			}
		}
		if events < 25 && unhealthy != failedProbes {
			t.Fatalf("%d Unhealthy events for %d failed probes", unhealthy, failedProbes)
		}
	})
}

// TestBackoffProperties checks, for containers that crash by themselves after
// random run times, the crash-loop backoff against an oracle written from the
// fact sheet (2.3-2.6; docs/fidelity.md R1-R4), not from the model: the
// first restart after a crash with no backoff entry is immediate; while the
// entry lives (the last restart less than 600 s before the crash), each
// restart waits at least the current backoff after the exit, and the backoff
// doubles up to the maximum; an entry older than 600 s at the crash starts
// over at the initial delay. Housekeeping's GC also deletes an entry 600 s
// after its last restart, which can cut a long wait short; the restart then
// starts over at the initial delay. So waits never fall below the nominal
// backoff (or the GC deadline), and the backoff resets only 600 s after a
// restart.
func TestBackoffProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		release := rapid.SampledFrom([]string{"1.11", "1.30", "1.34", "1.35", "1.36"}).Draw(t, "release")
		runs := rapid.SliceOfN(rapid.IntRange(1, 700), 12, 12).Draw(t, "runSeconds")
		seed := rapid.Uint64().Draw(t, "seed")
		h := newHarness(&testing.T{}, release, seed, fakeApps{proc: func(n int, _ sim.Time) *fakeProc {
			return &fakeProc{exitIn: time.Duration(runs[(n-1)%len(runs)]) * time.Second, exitCode: 1}
		}})
		h.addPod(onePod(corev1.Container{}))
		h.run(3 * time.Hour)
		initial, maximum := h.k.cfg.Profile.CrashLoopBackOff(0)
		sp := spans(h.log)
		var backoff time.Duration
		var lastUpdate sim.Time
		have := false
		for n := 1; n < len(sp); n++ {
			exit, start := sp[n-1].end, sp[n].start
			gap := start.Sub(exit)
			if !have || exit.Sub(lastUpdate) > backoffExpiry {
				// No entry, or it expired by the crash: restart at once and
				// start over at the initial delay.
				if gap > 20*time.Second {
					t.Fatalf("restart %d: %v after the exit, want immediate (no live backoff entry)", n, gap)
				}
				backoff, have = initial, true
			} else {
				gc := lastUpdate.Add(backoffExpiry).Sub(exit) // GC deletes the entry then
				if gap < min(backoff, gc) {
					t.Fatalf("restart %d: %v after the exit, below the nominal backoff %v (GC in %v)", n, gap, backoff, gc)
				}
				if start.Sub(lastUpdate) > backoffExpiry {
					backoff = initial // GC took the entry: Next started over
				} else {
					backoff = min(2*backoff, maximum)
				}
			}
			lastUpdate = start
		}
	})
}
