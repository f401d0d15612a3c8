// Package events records Kubernetes Events the way client-go's event
// recorder writes them: repeated events are folded into one object with a
// count, similar events with many different messages are combined, and a
// per-object token bucket drops events past a burst.
//
// It follows staging/src/k8s.io/client-go/tools/record/events_cache.go
// (EventCorrelator, EventAggregator, eventLogger, EventSourceObjectSpamFilter).
package events

import (
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// Event types.
const (
	Normal  = "Normal"
	Warning = "Warning"
)

// Correlator settings from client-go's events_cache.go.
const (
	maxLRUCacheEntries   = 4096 // not modelled: the model never holds that many keys per source
	aggregateMaxEvents   = 10
	aggregateInterval    = 600 * sim.Duration(1e9)
	spamBurst            = 25
	spamRefillInterval   = 300 * sim.Duration(1e9) // qps 1/300
	aggregatedMessageTag = "(combined from similar events): "
)

// Source names the component that reports an event, as in
// Event.Source.Component ("kubelet", "deployment-controller") and, for the
// kubelet, Event.Source.Host (the node).
type Source struct {
	Component string
	Host      string
}

// String returns the component, as the JSONL source field and kubectl's
// From column show it.
func (s Source) String() string { return s.Component }

// Recorder writes events into a run's log. It is not safe for concurrent use;
// like everything in the model it runs on the engine's goroutine.
type Recorder struct {
	now  func() sim.Time
	log  *record.Log
	spam map[string]*bucket
	agg  map[string]*aggregate
	seen map[string]*logged
}

// NewRecorder returns a recorder that reads the time from now and records
// into log.
func NewRecorder(now func() sim.Time, log *record.Log) *Recorder {
	return &Recorder{now: now, log: log, spam: map[string]*bucket{}, agg: map[string]*aggregate{}, seen: map[string]*logged{}}
}

type bucket struct {
	tokens float64
	last   sim.Time
}

type aggregate struct {
	messages map[string]struct{}
	last     sim.Time
}

type logged struct {
	count int32
	first sim.Time
}

// Eventf records an event about object ("Pod/web-1") from source, after the
// correlator's spam filter, aggregation and deduplication. It reports whether
// the event (or a count update) reached the API.
func (r *Recorder) Eventf(src Source, object, typ, reason, message string) bool {
	now := r.now()
	// Spam filter: one token bucket per source and object (and type), burst
	// 25, refilled one token per 300 s. It applies to count updates too.
	spamKey := src.Component + "\x00" + src.Host + "\x00" + object + "\x00" + typ
	b := r.spam[spamKey]
	if b == nil {
		b = &bucket{tokens: spamBurst, last: now}
		r.spam[spamKey] = b
	}
	b.tokens += float64(now-b.last) / float64(spamRefillInterval)
	if b.tokens > spamBurst {
		b.tokens = spamBurst
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--

	// Aggregation: once ten different messages for the same source, object,
	// type and reason have been seen within 600 s, later ones are combined
	// under one message.
	aggKey := spamKey + "\x00" + reason
	a := r.agg[aggKey]
	if a == nil || now-a.last > sim.Time(aggregateInterval) {
		a = &aggregate{messages: map[string]struct{}{}}
		r.agg[aggKey] = a
	}
	a.last = now
	a.messages[message] = struct{}{}
	key := aggKey + "\x00" + message
	if len(a.messages) >= aggregateMaxEvents {
		message = aggregatedMessageTag + message
		key = aggKey + "\x00combined"
	}

	// Deduplication: an identical event bumps the count of the existing one.
	l := r.seen[key]
	if l == nil {
		l = &logged{first: now}
		r.seen[key] = l
	}
	l.count++
	r.log.Add(now, record.KindEvent, &record.Event{
		Header: record.Header{Object: object},
		Type:   typ, Reason: reason, Message: message, Count: l.count, Source: src.String(),
	})
	return true
}
