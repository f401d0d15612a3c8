package events

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/version"
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

// TestSpamKeyTypePerRelease pins getSpamKey (tools/record/events_cache.go):
// client-go v0.32.0 appends event.Type to the key, so once an object's
// Warning events have spent the burst of 25, a Normal event about it from
// the same source still passes; in v0.31.0 (and 1.11) the key is source and
// object only and it is dropped.
func TestSpamKeyTypePerRelease(t *testing.T) {
	for _, tc := range []struct {
		release string
		passes  bool
	}{{"1.11", false}, {"1.31", false}, {"1.32", true}, {"1.36", true}} {
		r, c, _ := newTest()
		p, err := version.Lookup(tc.release)
		if err != nil {
			t.Fatal(err)
		}
		r.SetRelease(p)
		for i := 0; i < 25; i++ {
			c.t += sim.Time(time.Second)
			r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container")
		}
		if r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container") {
			t.Errorf("%s: a 26th Warning passed", tc.release)
		}
		if got := r.Eventf(kubelet, "Pod/web", Normal, "Pulled", "Container image already present"); got != tc.passes {
			t.Errorf("%s: a Normal event after 26 Warnings passed = %v, want %v", tc.release, got, tc.passes)
		}
	}
}

// TestCorrelatorPartsPerRelease pins what the recorder of each release
// does with 30 events about one object under one reason, each with its own
// message (a docker ID, as 1.1's "Created with docker id …"): 1.1's
// recorder only counts identical events (1.1 pkg/client/record/
// events_cache.go historyCache), so all 30 are written with count 1; from
// 1.2 the EventAggregator combines the tenth different message and those
// after it into one event (events_cache.go EventAggregator, 10 messages in
// 600 s), and from 1.8 the spam filter lets 25 events per object through
// (EventSourceObjectSpamFilter; 1.11 events_cache.go).
func TestCorrelatorPartsPerRelease(t *testing.T) {
	for _, tc := range []struct {
		release          string
		written, counted int // events written; the highest count
		combined         bool
	}{{"1.1", 30, 1, false}, {"1.11", 25, 16, true}, {"1.36", 25, 16, true}} {
		r, c, log := newTest()
		p, err := version.Lookup(tc.release)
		if err != nil {
			t.Fatal(err)
		}
		r.SetRelease(p)
		for i := 0; i < 30; i++ {
			c.t += sim.Time(time.Second)
			r.Eventf(kubelet, "Pod/web", Normal, "Created", fmt.Sprintf("Created with docker id %012x", i))
		}
		written, counted, combined := 0, int32(0), false
		for _, rec := range log.Records() {
			if e, ok := rec.(*record.Event); ok {
				written++
				counted = max(counted, e.Count)
				combined = combined || strings.HasPrefix(e.Message, aggregatedMessageTag)
			}
		}
		if written != tc.written || int(counted) != tc.counted || combined != tc.combined {
			t.Errorf("%s: %d events written, highest count %d, combined %v; want %d, %d, %v",
				tc.release, written, counted, combined, tc.written, tc.counted, tc.combined)
		}
	}
}

var scheduler = Source{Component: "default-scheduler"}

// TestEvictionStartsAfresh pins the correlator's LRU bound
// (events_cache.go maxLruCacheEntries = 4096; eventLogger.eventObserve
// reads lastEventObservationFromCache, and a key the LRU evicted has count 0,
// so the event is created with count 1 and a new firstTimestamp): after
// 4096 other objects, the first object's repeated event is a new event.
func TestEvictionStartsAfresh(t *testing.T) {
	r, c, log := newTest()
	r.Eventf(scheduler, "Pod/p-0", Normal, "Scheduled", "x")
	for i := 1; i <= maxLruCacheEntries; i++ {
		c.t += sim.Time(time.Millisecond)
		r.Eventf(scheduler, fmt.Sprintf("Pod/p-%d", i), Normal, "Scheduled", "x")
	}
	c.t += sim.Time(time.Second)
	r.Eventf(scheduler, "Pod/p-0", Normal, "Scheduled", "x")
	last := log.Records()[log.Len()-1].(*record.Event)
	if last.Count != 1 || last.First != record.Seconds(c.t) {
		t.Errorf("after 4096 other keys: count %d first %v, want 1 at %v (evicted, created anew)", last.Count, last.First, record.Seconds(c.t))
	}
}

// TestUseRefreshesRecency pins that the LRU's Get counts as a use
// (k8s.io/utils/lru Get moves the entry to the front, as groupcache's did):
// an object whose event repeats while 4095 others arrive is kept, and the
// least recently used one is forgotten instead.
func TestUseRefreshesRecency(t *testing.T) {
	r, _, log := newTest()
	for i := 0; i < maxLruCacheEntries; i++ {
		r.Eventf(scheduler, fmt.Sprintf("Pod/p-%d", i), Normal, "Scheduled", "x")
	}
	r.Eventf(scheduler, "Pod/p-0", Normal, "Scheduled", "x") // p-0 is now the most recent; p-1 the least
	r.Eventf(scheduler, "Pod/new", Normal, "Scheduled", "x") // the 4097th key evicts p-1
	r.Eventf(scheduler, "Pod/p-0", Normal, "Scheduled", "x")
	r.Eventf(scheduler, "Pod/p-1", Normal, "Scheduled", "x")
	got := counts(log)[log.Len()-2:]
	if diff := cmp.Diff([]string{"x x3", "x x1"}, got); diff != "" {
		t.Errorf("p-0 (used) and p-1 (least recently used) (-want +got):\n%s", diff)
	}
}

// TestEvictionRefillsSpamBucket pins EventSourceObjectSpamFilter.Filter: the
// token bucket lives in the LRU, so an object forgotten after 4096 others
// gets a new, full bucket (NewTokenBucketPassiveRateLimiterWithClock with
// the burst of 25).
func TestEvictionRefillsSpamBucket(t *testing.T) {
	r, _, _ := newTest()
	for i := 0; i < spamBurst; i++ {
		r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container")
	}
	if r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container") {
		t.Fatal("the 26th event at once passed")
	}
	for i := 0; i < maxLruCacheEntries; i++ {
		r.Eventf(kubelet, fmt.Sprintf("Pod/p-%d", i), Normal, "Pulled", "x")
	}
	if !r.Eventf(kubelet, "Pod/web", Warning, "BackOff", "Back-off restarting failed container") {
		t.Error("an evicted object's bucket was still empty")
	}
}

// TestEvictionRestartsAggregation pins EventAggregator.EventAggregate: the
// aggregate record lives in the LRU, so after its key is forgotten nine
// new distinct messages pass as they are before combining starts again.
func TestEvictionRestartsAggregation(t *testing.T) {
	r, c, log := newTest()
	for i := 1; i <= aggregateMaxEvents; i++ {
		r.Eventf(kubelet, "Pod/web", Warning, "Unhealthy", fmt.Sprintf("m%d", i))
	}
	if got := counts(log)[log.Len()-1]; got != "(combined from similar events): m10 x1" {
		t.Fatalf("tenth message: %q, want combined", got)
	}
	for i := 0; i < maxLruCacheEntries; i++ {
		c.t += sim.Time(time.Millisecond)
		r.Eventf(kubelet, fmt.Sprintf("Pod/p-%d", i), Normal, "Pulled", "x")
	}
	r.Eventf(kubelet, "Pod/web", Warning, "Unhealthy", "m11")
	if got := counts(log)[log.Len()-1]; got != "m11 x1" {
		t.Errorf("after eviction: %q, want m11 x1 (aggregation starts over)", got)
	}
}

// TestProcessesHaveOwnCaches pins one EventCorrelator per broadcaster sink
// (event.go StartRecordingToSink calls NewEventCorrelatorWithOptions): keys
// of one process never evict another's.
func TestProcessesHaveOwnCaches(t *testing.T) {
	r, _, log := newTest()
	r.Eventf(kubelet, "Pod/web", Normal, "Pulled", "x")
	for i := 0; i < 2*maxLruCacheEntries; i++ {
		r.Eventf(scheduler, fmt.Sprintf("Pod/p-%d", i), Normal, "Scheduled", "x")
		r.Eventf(Source{Component: "kubelet", Host: "other"}, fmt.Sprintf("Pod/p-%d", i), Normal, "Pulled", "x")
	}
	r.Eventf(kubelet, "Pod/web", Normal, "Pulled", "x")
	if got := counts(log)[log.Len()-1]; got != "x x2" {
		t.Errorf("the kubelet on node after other processes' events: %q, want x x2", got)
	}
}

// TestCombinedEventTakesALoggerPlace pins the eventLogger's second write:
// after a combined event is written, recordEvent (event.go) calls
// UpdateState, and eventLogger.updateState adds the written event under
// getEventKey, which for a combined event holds its new message and so is
// not the aggregate key eventObserve used. That entry takes a place in the
// logger's LRU: with 12 places, the object x (1) + nine messages + the
// aggregate key + that entry fill it, and the next new key forgets x.
func TestCombinedEventTakesALoggerPlace(t *testing.T) {
	c := &clock{}
	log := record.NewLog(nil)
	r := newRecorder(c.now, log, sim.NewStream(1, "events"), 12)
	r.Eventf(kubelet, "Pod/x", Normal, "Pulled", "x")
	for i := 1; i <= aggregateMaxEvents; i++ {
		r.Eventf(kubelet, "Pod/a", Warning, "Unhealthy", fmt.Sprintf("m%d", i))
	}
	r.Eventf(kubelet, "Pod/y", Normal, "Pulled", "x")
	r.Eventf(kubelet, "Pod/x", Normal, "Pulled", "x")
	if got := counts(log)[log.Len()-1]; got != "x x1" {
		t.Errorf("Pod/x after the combined event and one new key: %q, want x x1 (forgotten)", got)
	}
}
