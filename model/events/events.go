// Package events records Kubernetes Events the way client-go's event
// recorder writes them: repeated events are folded into one object with a
// count, similar events with many different messages are combined, and a
// per-object token bucket drops events past a burst.
//
// It follows staging/src/k8s.io/client-go/tools/record/events_cache.go:
// EventCorrelate runs the EventAggregator, then the eventLogger (which
// counts), then the EventSourceObjectSpamFilter. Counting before filtering
// is why a count can jump after events were dropped. Each reporting process
// has its own correlator, and each of its three caches holds at most 4096
// keys (maxLruCacheEntries), forgetting the least recently used: a process
// reporting about more objects than that forgets counts, aggregates and spam
// buckets, and its memory stays bounded however long the run.
package events

import (
	"math/rand/v2"
	"sort"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Event types.
const (
	Normal  = "Normal"
	Warning = "Warning"
)

// Correlator settings (events_cache.go).
const (
	maxLruCacheEntries   = 4096                    // each cache's size
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
//
// It holds one correlator per reporting process, as client-go makes one
// EventCorrelator per broadcaster sink (event.go StartRecordingToSink). A
// process is identified by its Source: each kubelet (component "kubelet",
// host = its node) and the scheduler run their own broadcaster, and in
// kube-controller-manager every controller the model has (deployment,
// replicaset, replication, node lifecycle, taint eviction) creates its own
// in its constructor, so a component name is one process. Two components
// never share a correlator here.
type Recorder struct {
	now   func() sim.Time
	log   *record.Log
	rng   *rand.Rand
	size  int
	procs map[Source]*correlator

	// aggregate and spamFilter say whether the release's correlator has the
	// EventAggregator and the EventSourceObjectSpamFilter (1.1 has neither:
	// it only counts identical events). spamByType adds the event type to
	// the spam filter's key (getSpamKey, client-go v0.32.0 and later).
	aggregate, spamFilter, spamByType bool

	// series holds the processes that write through tools/events
	// (series.go), ticking on engine; seriesFirst and seriesMin are the
	// release's first series count and the smallest the API accepts.
	series      map[Source]*seriesProc
	engine      *sim.Engine
	seriesFirst int32
	seriesMin   int32
}

// NewRecorder returns a recorder that reads the time from now, records into
// log, and draws from r where client-go's choice is arbitrary. It behaves as
// client-go of the newest release the model covers (version.Default) until
// SetRelease says otherwise.
func NewRecorder(now func() sim.Time, log *record.Log, r *rand.Rand) *Recorder {
	return newRecorder(now, log, r, maxLruCacheEntries)
}

// newRecorder is NewRecorder with caches of size entries, so that tests can
// reach eviction with a few events.
func newRecorder(now func() sim.Time, log *record.Log, r *rand.Rand, size int) *Recorder {
	rec := &Recorder{now: now, log: log, rng: r, size: size, procs: map[Source]*correlator{}}
	p, err := version.Lookup(version.Default)
	if err != nil {
		panic(err) // the default release always has a profile
	}
	rec.SetRelease(p)
	return rec
}

// SetRelease makes the recorder behave as client-go of release p. Call it
// before the first event.
func (r *Recorder) SetRelease(p *version.Profile) {
	r.aggregate = p.EventAggregation()
	r.spamFilter = p.EventSpamFilter()
	r.spamByType = p.SpamKeyHasType()
	r.seriesFirst = p.EventSeriesFirstCount()
	r.seriesMin = p.EventSeriesMinCount()
}

// correlator is one process's EventCorrelator: the aggregator's, the
// logger's and the spam filter's caches, each an LRU of maxLruCacheEntries.
// The keys leave the source out, as within one process it never varies:
//
//   - spam filter (getSpamKey): the object, and from client-go v0.32.0 the
//     event type;
//   - aggregator (EventAggregatorByReasonFunc): object, type, reason;
//   - logger (getEventKey): object, field path, type, reason, message, or
//     for a combined event the aggregator's key (fewer fields, so the two
//     forms never meet).
//
// Fields are joined by NUL, which no name or message in the model holds.
type correlator struct {
	agg  *lru[string, aggregate]
	seen *lru[string, logged]
	spam *lru[string, bucket]
}

// eventKey is the logger's key of a plain event.
func eventKey(ref Ref, typ, reason, message string) string {
	return ref.Object + "\x00" + ref.FieldPath + "\x00" + typ + "\x00" + reason + "\x00" + message
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

// Event records an event about ref from src, through src's correlator. It
// reports whether the event (or a count update) reached the API.
func (r *Recorder) Event(src Source, ref Ref, typ, reason, message string) bool {
	now := r.now()
	c := r.procs[src]
	if c == nil {
		c = &correlator{
			agg:  newLRU[string, aggregate](r.size),
			seen: newLRU[string, logged](r.size),
			spam: newLRU[string, bucket](r.size),
		}
		r.procs[src] = c
	}

	// EventAggregator: the aggregate key leaves the message out. Once ten
	// different messages were seen under it, with no gap over 600 s, the
	// event becomes one combined event under the aggregate key. A key the
	// LRU forgot starts a new record.
	aggKey := ref.Object + "\x00" + typ + "\x00" + reason
	combined := false
	if r.aggregate {
		a, found := c.agg.use(aggKey)
		if !found || now-a.last > sim.Time(aggregateInterval) {
			*a = aggregate{messages: map[string]struct{}{}}
		}
		a.last = now
		a.messages[message] = struct{}{}
		combined = len(a.messages) >= aggregateMaxEvents
		if combined {
			// The set is not allowed to grow: one message, any (PopAny), leaves.
			r.popAny(a.messages)
		}
	}
	key := aggKey
	if combined {
		message = aggregatedMessageTag + message
	} else {
		key = eventKey(ref, typ, reason, message)
		if !r.aggregate {
			// 1.1's historyCache key (getEventKey) has neither the field
			// path nor the type.
			key = ref.Object + "\x00" + reason + "\x00" + message
		}
	}

	// eventLogger: an event seen before under the same key bumps its count;
	// a key the LRU forgot counts from 1 again and is created anew.
	l, found := c.seen.use(key)
	if !found {
		*l = logged{first: now}
	}
	l.count++
	count, first := l.count, l.first

	// EventSourceObjectSpamFilter: a token bucket per source and object
	// (and type, from v0.32.0), 25 tokens, one more every 300 s; a forgotten
	// key's bucket is full.
	if r.spamFilter {
		spamKey := ref.Object
		if r.spamByType {
			spamKey += "\x00" + typ
		}
		b, found := c.spam.use(spamKey)
		if !found {
			*b = bucket{tokens: spamBurst, last: now}
		}
		b.tokens = min(b.tokens+float64(now-b.last)/float64(spamRefillInterval), spamBurst)
		b.last = now
		if b.tokens < 1 {
			return false
		}
		b.tokens--
	}

	// UpdateState after the write (event.go recordEvent) adds the written
	// event under getEventKey. For a plain event that is the key just used,
	// which changes nothing; for a combined one it is a key of its own (the
	// combined message's), never read again (no message the model reports
	// starts with the combined tag) but taking a place in the LRU.
	if combined {
		u, _ := c.seen.use(eventKey(ref, typ, reason, message))
		*u = logged{count: count, first: first}
	}

	r.log.Add(now, record.KindEvent, &record.Event{
		Header:    record.Header{Object: ref.Object},
		FieldPath: ref.FieldPath,
		Type:      typ, Reason: reason, Message: message, Count: count, First: record.Seconds(first),
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
