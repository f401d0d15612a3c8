package network

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

const ms = time.Millisecond

// TestSyncRunner pins when kube-proxy applies changes heard at given times,
// per release: at once with minSyncPeriod 0 (≤1.18); a token bucket of two
// syncs refilled one per second (pkg/util/async BoundedFrequencyRunner,
// burstSyncs 2, 1.19-1.33); at most one sync per second, measured from the
// last (pkg/proxy/runner, 1.34+).
func TestSyncRunner(t *testing.T) {
	changes := []time.Duration{0, 300 * ms, 500 * ms, 2500 * ms, 2600 * ms, 2700 * ms, 2800 * ms}
	for _, tc := range []struct {
		release string
		want    []time.Duration
	}{
		{"1.18", []time.Duration{0, 300 * ms, 500 * ms, 2500 * ms, 2600 * ms, 2700 * ms, 2800 * ms}},
		{"1.30", []time.Duration{0, 300 * ms, 1300 * ms, 2500 * ms, 3500 * ms}}, // 2.5 s: 1.5 tokens; 2.6 s: 0.6
		{"1.36", []time.Duration{0, 1000 * ms, 2500 * ms, 3500 * ms}},
	} {
		t.Run(tc.release, func(t *testing.T) {
			h := newHarness(t, tc.release, 1, "{}", Options{})
			var got []time.Duration
			h.net.proxy.onSync = func(at sim.Time) { got = append(got, time.Duration(at)) }
			s := &serviceState{key: "default/x", ns: "default", name: "x", object: "Service/x"}
			s.zero.from = 0
			base := 10 * time.Second
			for _, c := range changes {
				h.e.At(sim.Time(base+c), kindSliceWatch, func() { h.net.proxy.heard(s, nil, false) })
			}
			h.run(base + 10*time.Second)
			for i := range got {
				got[i] -= base
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("syncs (-want +got):\n%s", diff)
			}
		})
	}
}

// readyAt returns when the PodStatus of pod first showed Ready.
func (h *harness) readyAt(pod string) time.Duration {
	for _, r := range h.log.Records() {
		if ps, ok := r.(*record.PodStatus); ok && ps.Object == "Pod/"+pod && ps.Conditions["Ready"] {
			return secs(ps.T)
		}
	}
	h.t.Fatalf("pod %s never Ready", pod)
	return 0
}

// TestPropagationReady: a pod turning Ready enters the slice one watch
// latency after its status is written, and the data plane one more watch
// latency after that, never before, and within minSyncPeriod.
func TestPropagationReady(t *testing.T) {
	for _, release := range []string{"1.30", "1.36"} {
		t.Run(release, func(t *testing.T) {
			h := newHarness(t, release, 7, `
web:*:
  start: 3s
  http: {8080: {"*": 200}}
`, Options{})
			h.service(false)
			h.pod("web-1", "web:1", nil)
			h.run(time.Minute)
			ready := h.readyAt("web-1")
			var sliceAt, dpAt time.Duration = -1, -1
			for _, ep := range h.endpoints() {
				if ep.Ready == 1 && sliceAt < 0 {
					sliceAt = secs(ep.T)
				}
				if ep.Dataplane == 1 && dpAt < 0 {
					dpAt = secs(ep.T)
					if sliceAt < 0 {
						t.Fatalf("data plane routes to web-1 at %v before its slice is written", dpAt)
					}
				}
			}
			if sliceAt != ready+watchLatency {
				t.Errorf("slice ready at %v, want %v (Ready at %v + watch)", sliceAt, ready+watchLatency, ready)
			}
			if dpAt < sliceAt+watchLatency || dpAt > sliceAt+watchLatency+time.Second {
				t.Errorf("data plane at %v, want within [%v, %v]", dpAt, sliceAt+watchLatency, sliceAt+watchLatency+time.Second)
			}
		})
	}
}

// TestPropagationDelete: a deleted pod leaves the slice's ready count one
// watch latency after its deletionTimestamp is set, while the data plane
// keeps routing to it until its next sync, at most minSyncPeriod after the
// previous one. Two deletions 400 ms apart make the second wait.
func TestPropagationDelete(t *testing.T) {
	h := newHarness(t, "1.36", 3, `
web:*:
  start: 1s
  http: {8080: {"*": 200}}
  onSIGTERM: {exit: 0, after: 10s}
`, Options{})
	h.service(false)
	for _, n := range []string{"web-1", "web-2", "web-3"} {
		h.pod(n, "web:1", nil)
	}
	var syncs []time.Duration
	h.net.proxy.onSync = func(at sim.Time) { syncs = append(syncs, time.Duration(at)) }
	h.deleteAt(30*time.Second, "web-1")
	h.deleteAt(30*time.Second+400*ms, "web-2")
	h.run(40 * time.Second)
	var dropped []time.Duration // times the slice's ready count fell
	var dpDropped []time.Duration
	last := Counts{Ready: 3, Dataplane: 3}
	for _, ep := range h.endpoints() {
		if secs(ep.T) < 30*time.Second {
			continue
		}
		if ep.Ready < last.Ready {
			dropped = append(dropped, secs(ep.T))
		}
		if ep.Dataplane < last.Dataplane {
			dpDropped = append(dpDropped, secs(ep.T))
		}
		last = Counts{Ready: ep.Ready, Dataplane: ep.Dataplane}
	}
	want := []time.Duration{30*time.Second + watchLatency, 30*time.Second + 400*ms + watchLatency}
	if diff := cmp.Diff(want, dropped); diff != "" {
		t.Errorf("slice ready drops (-want +got):\n%s", diff)
	}
	// The first change finds the runner idle; the second waits one second
	// from the first sync.
	wantDP := []time.Duration{want[0] + watchLatency, want[0] + watchLatency + time.Second}
	if diff := cmp.Diff(wantDP, dpDropped); diff != "" {
		t.Errorf("data plane drops (-want +got):\n%s\nsyncs %v", diff, syncs)
	}
}
