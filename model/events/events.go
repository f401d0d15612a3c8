// Package events records Kubernetes Events the way client-go's event
// recorder writes them: repeated events are folded into one object with a
// count, similar events with many different messages are combined, and a
// per-object token bucket drops events past a burst.
//
// It follows staging/src/k8s.io/client-go/tools/record/events_cache.go:
// EventCorrelate runs the EventAggregator, then the eventLogger (which
// counts), then the EventSourceObjectSpamFilter. Counting before filtering
// is why a count can jump after events were dropped.
package events

import (
	"math/rand/v2"
	"sort"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// Event types.
const (
	Normal  = "Normal"
	Warning = "Warning"
)

// Correlator settings (events_cache.go).
const (
	aggregateMaxEvents   = 10                      // defaultAggregateMaxEvents
	aggregateInterval    = 600 * sim.Duration(1e9) // defaultAggregateIntervalInSeconds
	spamBurst            = 25                      // defaultSpamBurst
	spamRefillInterval   = 300 * sim.Duration(1e9) // defaultSpamQPS = 1/300
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

// Ref names the object an event is about: "Pod/web-1", and for events about
// one container of a pod, its field path "spec.containers{app}".
type Ref struct {
	Object    string
	FieldPath string
}

// ContainerRef is the reference the kubelet uses for events about a
// container (kubecontainer.GenerateContainerRef).
func ContainerRef(object, container string) Ref {
	return Ref{Object: object, FieldPath: "spec.containers{" + container + "}"}
}

// Recorder writes events into a run's log. It is not safe for concurrent use;
// like everything in the model it runs on the engine's goroutine.
type Recorder struct {
	now  func() sim.Time
	log  *record.Log
	rng  *rand.Rand
	spam map[string]*bucket
	agg  map[string]*aggregate
	seen map[string]*logged
}

// NewRecorder returns a recorder that reads the time from now, records into
// log, and draws from r where client-go's choice is arbitrary.
func NewRecorder(now func() sim.Time, log *record.Log, r *rand.Rand) *Recorder {
	return &Recorder{now: now, log: log, rng: r, spam: map[string]*bucket{}, agg: map[string]*aggregate{}, seen: map[string]*logged{}}
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

// Eventf records an event about an object from src. It reports whether the
// event (or a count update) reached the API.
func (r *Recorder) Eventf(src Source, object, typ, reason, message string) bool {
	return r.Event(src, Ref{Object: object}, typ, reason, message)
}

// Event records an event about ref from src, through the correlator. It
// reports whether the event (or a count update) reached the API.
func (r *Recorder) Event(src Source, ref Ref, typ, reason, message string) bool {
	now := r.now()
	objKey := src.Component + "\x00" + src.Host + "\x00" + ref.Object

	// EventAggregator: the aggregate key leaves the message out. Once ten
	// different messages were seen under it, with no gap over 600 s, the
	// event becomes one combined event under the aggregate key.
	aggKey := objKey + "\x00" + typ + "\x00" + reason
	key := objKey + "\x00" + ref.FieldPath + "\x00" + typ + "\x00" + reason + "\x00" + message
	a := r.agg[aggKey]
	if a == nil || now-a.last > sim.Time(aggregateInterval) {
		a = &aggregate{messages: map[string]struct{}{}}
		r.agg[aggKey] = a
	}
	a.last = now
	a.messages[message] = struct{}{}
	if len(a.messages) >= aggregateMaxEvents {
		// The set is not allowed to grow: one message, any (PopAny), leaves.
		r.popAny(a.messages)
		message = aggregatedMessageTag + message
		key = aggKey
	}

	// eventLogger: an event seen before under the same key bumps its count.
	l := r.seen[key]
	if l == nil {
		l = &logged{first: now}
		r.seen[key] = l
	}
	l.count++

	// EventSourceObjectSpamFilter: a token bucket per source and object,
	// 25 tokens, one more every 300 s.
	b := r.spam[objKey]
	if b == nil {
		b = &bucket{tokens: spamBurst, last: now}
		r.spam[objKey] = b
	}
	b.tokens = min(b.tokens+float64(now-b.last)/float64(spamRefillInterval), spamBurst)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--

	r.log.Add(now, record.KindEvent, &record.Event{
		Header:    record.Header{Object: ref.Object},
		FieldPath: ref.FieldPath,
		Type:      typ, Reason: reason, Message: message, Count: l.count, First: record.Seconds(l.first),
		Source: src.String(),
	})
	return true
}

// popAny removes one element, as sets.String.PopAny does: Go's map order
// makes the choice arbitrary, so the model draws it.
func (r *Recorder) popAny(set map[string]struct{}) {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	delete(set, keys[r.rng.IntN(len(keys))])
}
