package events

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

type clock struct{ t sim.Time }

func (c *clock) now() sim.Time { return c.t }

func newTest() (*Recorder, *clock, *record.Log) {
	c := &clock{}
	log := record.NewLog(nil)
	return NewRecorder(c.now, log, sim.NewStream(1, "events")), c, log
}

func counts(log *record.Log) []string {
	var out []string
	for _, r := range log.Records() {
		e := r.(*record.Event)
		out = append(out, fmt.Sprintf("%s x%d", e.Message, e.Count))
	}
	return out
}

var kubelet = Source{Component: "kubelet", Host: "node"}

// TestDedupe pins eventLogger.eventObserve: the same event again bumps the
// count of the existing one; a different message, type, reason or field path
// is a new event.
func TestDedupe(t *testing.T) {
	r, c, log := newTest()
	ref := ContainerRef("Pod/web", "app")
	r.Event(kubelet, ref, Warning, "Unhealthy", "Liveness probe failed: a")
	c.t += sim.Time(10 * time.Second)
	r.Event(kubelet, ref, Warning, "Unhealthy", "Liveness probe failed: a")
	r.Event(kubelet, ref, Warning, "Unhealthy", "Liveness probe failed: b")
	r.Event(kubelet, ContainerRef("Pod/web", "sidecar"), Warning, "Unhealthy", "Liveness probe failed: a")
	r.Event(kubelet, ref, Warning, "Unhealthy", "Liveness probe failed: a")
	want := []string{
		"Liveness probe failed: a x1",
		"Liveness probe failed: a x2",
		"Liveness probe failed: b x1",
		"Liveness probe failed: a x1",
		"Liveness probe failed: a x3",
	}
	if diff := cmp.Diff(want, counts(log)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestAggregation pins EventAggregator: the tenth distinct message for the
// same source, object, type and reason within 600 s is combined, and later
// combined events share one count.
func TestAggregation(t *testing.T) {
	r, c, log := newTest()
	for i := 1; i <= 12; i++ {
		c.t += sim.Time(time.Second)
		r.Eventf(kubelet, "Pod/web", Warning, "Unhealthy", fmt.Sprintf("m%d", i))
	}
	got := counts(log)
	want := []string{"m1 x1", "m2 x1", "m3 x1", "m4 x1", "m5 x1", "m6 x1", "m7 x1", "m8 x1", "m9 x1",
		"(combined from similar events): m10 x1", "(combined from similar events): m11 x2", "(combined from similar events): m12 x3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// After 600 s of quiet the aggregation starts over.
	c.t += sim.Time(601 * time.Second)
	r.Eventf(kubelet, "Pod/web", Warning, "Unhealthy", "m13")
	if got := counts(log); got[len(got)-1] != "m13 x1" {
		t.Errorf("after a quiet 600 s: %q", got[len(got)-1])
	}
}

// TestSpamFilter pins EventSourceObjectSpamFilter: 25 events about one
// object from one source pass, then one per 300 s; the count is kept by the
// logger before the filter, so it jumps over the dropped events.
func TestSpamFilter(t *testing.T) {
	r, c, log := newTest()
	passed := 0
	for i := 0; i < 40; i++ {
		c.t += sim.Time(time.Second)
		if r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container") {
			passed++
		}
	}
	if passed != 25 {
		t.Fatalf("%d of 40 events passed in 40 s, want the burst of 25", passed)
	}
	// Another source about the same object has its own bucket.
	if !r.Eventf(Source{Component: "default-scheduler"}, "Pod/web", Normal, "Scheduled", "x") {
		t.Error("another source's event was filtered")
	}
	c.t += sim.Time(300 * time.Second)
	if !r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container") {
		t.Fatal("no token after 300 s")
	}
	last := log.Records()[log.Len()-1].(*record.Event)
	if last.Count != 41 {
		t.Errorf("count %d after 41 occurrences, want 41: the logger counts dropped events", last.Count)
	}
	if r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container") {
		t.Error("a second event passed right after the refill")
	}
}
