package events

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// refLRU is the reference LRU: a slice from least to most recently used,
// searched linearly, with groupcache lru's two operations (Get moves a hit
// to the most recent end; Add moves or appends, then drops the least
// recent past size).
type refLRU struct {
	size int
	keys []string
	vals []any
}

func (c *refLRU) Get(k string) (any, bool) {
	i := slices.Index(c.keys, k)
	if i < 0 {
		return nil, false
	}
	v := c.vals[i]
	c.remove(i)
	c.keys, c.vals = append(c.keys, k), append(c.vals, v)
	return v, true
}

func (c *refLRU) Add(k string, v any) {
	if i := slices.Index(c.keys, k); i >= 0 {
		c.remove(i)
	}
	c.keys, c.vals = append(c.keys, k), append(c.vals, v)
	if len(c.keys) > c.size {
		c.remove(0)
	}
}

func (c *refLRU) remove(i int) {
	c.keys, c.vals = slices.Delete(c.keys, i, i+1), slices.Delete(c.vals, i, i+1)
}

// refCorrelator follows events_cache.go step by step, with string keys that
// include the source as getEventKey, getSpamKey and
// EventAggregatorByReasonFunc build them, and one correlator per source.
type refCorrelator struct {
	agg, logger, spam *refLRU
}

type refAggregate struct {
	local []string // sets.Set of local keys (messages)
	last  sim.Time
}

type refLog struct {
	count int32
	first sim.Time
}

type refBucket struct {
	tokens float64
	last   sim.Time
}

type refRecorder struct {
	size       int
	legacy     bool // 1.1: the history cache alone
	spamByType bool
	rng        *rand.Rand
	procs      map[Source]*refCorrelator
}

type refResult struct {
	Passed  bool
	Message string
	Count   int32
	First   sim.Time
}

func join(parts ...string) string { return strings.Join(parts, "\x00") }

func (r *refRecorder) event(now sim.Time, src Source, ref Ref, typ, reason, message string) refResult {
	c := r.procs[src]
	if c == nil {
		c = &refCorrelator{&refLRU{size: r.size}, &refLRU{size: r.size}, &refLRU{size: r.size}}
		r.procs[src] = c
	}
	if r.legacy {
		// 1.1 event.go StartRecordingToSink: getEvent, then
		// addOrUpdateEvent after the write, under getEventKey (source,
		// object, reason, message); no aggregator, no spam filter.
		key := join(src.Component, src.Host, ref.Object, reason, message)
		obs := refLog{count: 1, first: now}
		if v, ok := c.logger.Get(key); ok {
			last := v.(refLog)
			obs = refLog{count: last.count + 1, first: last.first}
		}
		c.logger.Add(key, obs)
		return refResult{Passed: true, Message: message, Count: obs.count, First: obs.first}
	}
	// EventAggregate: Get, maybe a fresh record, Add.
	eventKey := join(src.Component, src.Host, ref.Object, ref.FieldPath, typ, reason, message)
	aggregateKey := join(src.Component, src.Host, ref.Object, typ, reason)
	var a *refAggregate
	if v, ok := c.agg.Get(aggregateKey); ok {
		a = v.(*refAggregate)
	}
	if a == nil || now-a.last > sim.Time(aggregateInterval) {
		a = &refAggregate{}
	}
	if !slices.Contains(a.local, message) {
		a.local = append(a.local, message)
	}
	a.last = now
	c.agg.Add(aggregateKey, a)
	key := eventKey
	if len(a.local) >= aggregateMaxEvents {
		// PopAny on the set the cache holds: no cache operation.
		sort.Strings(a.local)
		i := r.rng.IntN(len(a.local))
		a.local = slices.Delete(a.local, i, i+1)
		message = aggregatedMessageTag + message
		key = aggregateKey
	}
	// eventObserve: Get, then Add of the new observation.
	obs := refLog{count: 1, first: now}
	if v, ok := c.logger.Get(key); ok {
		last := v.(refLog)
		obs = refLog{count: last.count + 1, first: last.first}
	}
	c.logger.Add(key, obs)
	// Filter: Get, TryAccept, Add.
	spamKey := join(src.Component, src.Host, ref.Object)
	if r.spamByType {
		spamKey = join(src.Component, src.Host, ref.Object, typ) // client-go v0.32.0+
	}
	b := refBucket{tokens: spamBurst, last: now}
	if v, ok := c.spam.Get(spamKey); ok {
		b = v.(refBucket)
	}
	b.tokens = min(b.tokens+float64(now-b.last)/float64(spamRefillInterval), spamBurst)
	b.last = now
	passed := b.tokens >= 1
	if passed {
		b.tokens--
	}
	c.spam.Add(spamKey, b)
	if !passed {
		return refResult{}
	}
	// recordEvent's UpdateState: Add under getEventKey of the written event.
	c.logger.Add(join(src.Component, src.Host, ref.Object, ref.FieldPath, typ, reason, message), obs)
	return refResult{Passed: true, Message: message, Count: obs.count, First: obs.first}
}

// TestCorrelatorMatchesReference checks the Recorder against refRecorder on
// random streams of events from a few sources about a few objects, with
// caches of 1 to 8 entries so that eviction, recency, aggregation and the
// spam filter all interleave.
func TestCorrelatorMatchesReference(t *testing.T) {
	sources := []Source{{"kubelet", "node-a"}, {"kubelet", "node-a"}, {"kubelet", "node-b"}, {"default-scheduler", ""}}
	rapid.Check(t, func(t *rapid.T) {
		size := rapid.IntRange(1, 8).Draw(t, "size")
		now := sim.Time(0)
		c := &clock{}
		log := record.NewLog(nil)
		r := newRecorder(c.now, log, sim.NewStream(7, "events"), size)
		release := rapid.SampledFrom([]string{"1.1", "1.11", "1.31", "1.32", "1.36"}).Draw(t, "release")
		p, err := version.Lookup(release)
		if err != nil {
			t.Fatal(err)
		}
		r.SetRelease(p)
		ref := &refRecorder{size: size, legacy: !p.AtLeast(2), spamByType: p.AtLeast(32), rng: sim.NewStream(7, "events"), procs: map[Source]*refCorrelator{}}
		n := rapid.IntRange(1, 600).Draw(t, "n")
		for i := 0; i < n; i++ {
			now += sim.Time(rapid.SampledFrom([]time.Duration{time.Second, time.Second, time.Second, 30 * time.Second, 301 * time.Second, 601 * time.Second}).Draw(t, "step"))
			c.t = now
			src := rapid.SampledFrom(sources).Draw(t, "source")
			object := fmt.Sprintf("Pod/p-%d", rapid.IntRange(0, size+1).Draw(t, "object"))
			fieldPath := rapid.SampledFrom([]string{"", "spec.containers{app}"}).Draw(t, "fieldPath")
			typ := rapid.SampledFrom([]string{Normal, Warning}).Draw(t, "type")
			reason := rapid.SampledFrom([]string{"Unhealthy", "Unhealthy", "Unhealthy", "BackOff"}).Draw(t, "reason")
			message := fmt.Sprintf("m%d", rapid.IntRange(0, 12).Draw(t, "message"))

			want := ref.event(now, src, Ref{Object: object, FieldPath: fieldPath}, typ, reason, message)
			before := log.Len()
			got := refResult{Passed: r.Event(src, Ref{Object: object, FieldPath: fieldPath}, typ, reason, message)}
			if log.Len() > before {
				e := log.Records()[log.Len()-1].(*record.Event)
				got.Message, got.Count, got.First = e.Message, e.Count, sim.Time(e.First)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("event %d (%v %s %s %s %s %s) (-reference +recorder):\n%s", i, src, object, fieldPath, typ, reason, message, diff)
			}
		}
	})
}
