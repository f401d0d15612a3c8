package events

import (
	"sort"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// The newer event library, k8s.io/client-go/tools/events
// (event_broadcaster.go), has no correlator. Each broadcaster keeps a cache
// of the events it wrote, keyed by getKey: type, action, reason, reporting
// controller and instance, and the regarding and related object references
// (with the object's UID and resourceVersion, not the note). An event whose
// key is in the cache is isomorphic to the cached one:
//
//   - the second one turns the cached event into a series (Series.Count 2,
//     1 before client-go v0.27.0; LastObservedTime now) and patches it;
//   - later ones only count, in memory: Count++ and LastObservedTime;
//   - every refreshTime (30 min) every series is written again, with its
//     count so far (refreshExistingEventSeries);
//   - every finishTime (6 min) a series not observed for 6 min is written a
//     last time and dropped, and so is a singleton created more than 6 min
//     ago (finishSeries), so that the next isomorphic event starts afresh.
//
// The patch carries only the series: the stored note stays the first
// event's. Nothing is rate limited, and nothing is ever combined.
const (
	seriesFinishTime  = 6 * 60 * sim.Duration(1e9)  // finishTime
	seriesRefreshTime = 30 * 60 * sim.Duration(1e9) // refreshTime
)

// kindSeriesTick is an events-API process's finishSeries (and, every fifth,
// refreshExistingEventSeries) loop. Its phase is below the scheduler's, so
// that a tick and an event at the same instant meet in one order, the one
// the lazy expiry of singletons assumes.
var kindSeriesTick = sim.NewKind("events/series-tick", 44)

// seriesProc is one process's tools/events broadcaster: its eventCache.
type seriesProc struct {
	src     Source
	entries map[string]*seriesEntry
	// singletons lists the cached events in the order they were created,
	// so that those finishSeries has dropped leave memory without a timer.
	singletons []singleton
	// phase is the time of a refresh tick: the loops started before the
	// run, at phase − k·30 min, and the finish loop ticks every 6 min from
	// there, which puts a finish tick on every refresh tick.
	phase sim.Time
	armed bool
}

type singleton struct {
	key   string
	first sim.Time
}

// seriesEntry is one cached event.
type seriesEntry struct {
	ref          Ref
	typ, reason  string
	note         string   // the first event's; a series' writes keep it
	first        sim.Time // EventTime
	series       bool
	count        int32
	lastObserved sim.Time
}

// UseEventsAPI makes src a process that writes its events through
// tools/events (EventWithAction), ticking on e. refresh is the time of one
// of its 30-minute refresh ticks, any in [0, 30 min): the process started
// at some unknown moment before the run.
func (r *Recorder) UseEventsAPI(src Source, e *sim.Engine, refresh sim.Time) {
	if r.series == nil {
		r.series = map[Source]*seriesProc{}
	}
	r.engine = e
	r.series[src] = &seriesProc{src: src, entries: map[string]*seriesEntry{}, phase: refresh % sim.Time(seriesRefreshTime)}
}

// EventWithAction records an event about ref from src, as tools/events'
// Eventf(regarding, related, type, reason, action, note) does when src uses
// the events API (UseEventsAPI); version names the regarding object's UID
// and resourceVersion as the reporter last saw them, which the cache's key
// holds. Otherwise it is Event: tools/record has no action and its keys no
// resourceVersion. It reports whether the event reached the API.
func (r *Recorder) EventWithAction(src Source, ref Ref, version, typ, reason, action, note string) bool {
	p := r.series[src]
	if p == nil {
		return r.Event(src, ref, typ, reason, note)
	}
	now := r.now()
	p.dropFinished(now)
	key := ref.Object + "\x00" + ref.FieldPath + "\x00" + version + "\x00" + typ + "\x00" + reason + "\x00" + action
	c, ok := p.entries[key]
	if !ok {
		c = &seriesEntry{ref: ref, typ: typ, reason: reason, note: note, first: now}
		p.entries[key] = c
		p.singletons = append(p.singletons, singleton{key, now})
		r.write(p, c, now, 1)
		return true
	}
	if c.series {
		c.count++
		c.lastObserved = now
		return false
	}
	c.series, c.count, c.lastObserved = true, r.seriesFirst, now
	r.arm(p, now)
	return r.write(p, c, now, c.count)
}

// lastFinishTick is the latest finish tick at or before now.
func (p *seriesProc) lastFinishTick(now sim.Time) sim.Time {
	d := sim.Time(seriesFinishTime)
	off := p.phase % d
	if now < off {
		return off - d
	}
	return off + (now-off)/d*d
}

// finished reports whether finishSeries has dropped, by now, a singleton
// created at first: a tick came more than 6 min after it (EventTime before
// now − finishTime).
func (p *seriesProc) finished(first, now sim.Time) bool {
	return first < p.lastFinishTick(now)-sim.Time(seriesFinishTime)
}

// dropFinished forgets the singletons that finishSeries has dropped by now.
func (p *seriesProc) dropFinished(now sim.Time) {
	n := 0
	for n < len(p.singletons) && p.finished(p.singletons[n].first, now) {
		s := p.singletons[n]
		if c := p.entries[s.key]; c != nil && !c.series && c.first == s.first {
			delete(p.entries, s.key)
		}
		n++
	}
	if n > 0 {
		p.singletons = append(p.singletons[:0], p.singletons[n:]...)
	}
}

// arm schedules p's next tick after now, if none is pending: ticks matter
// only while a series is cached.
func (r *Recorder) arm(p *seriesProc, now sim.Time) {
	if p.armed {
		return
	}
	p.armed = true
	next := p.lastFinishTick(now) + sim.Time(seriesFinishTime)
	r.engine.At(next, kindSeriesTick, func() { r.tick(p) })
}

// tick is finishSeries, then on every fifth tick refreshExistingEventSeries:
// both loops start together and wait.Until runs each at once and then every
// period, so their ticks coincide every 30 min; which goroutine runs first
// there is up to the Go scheduler, and the model lets the finish go first.
// The cache is a map, whose order Go randomises; the model writes in key
// order.
func (r *Recorder) tick(p *seriesProc) {
	now := r.now()
	p.armed = false
	p.dropFinished(now)
	keys := make([]string, 0, len(p.entries))
	for k, c := range p.entries {
		if c.series {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	refresh := (now-p.phase)%sim.Time(seriesRefreshTime) == 0
	live := 0
	for _, k := range keys {
		c := p.entries[k]
		if c.lastObserved < now-sim.Time(seriesFinishTime) {
			// The last write of a series; a rejected one is not retried
			// either, so it leaves the cache in both cases.
			r.write(p, c, now, c.count)
			delete(p.entries, k)
			continue
		}
		live++
		if refresh {
			r.write(p, c, now, c.count)
		}
	}
	if live > 0 {
		r.arm(p, now)
	}
}

// write is recordEvent of a cached event: a create for a singleton, a patch
// of the series for a series. The API server rejects a series whose count
// is below the release's minimum (validateV1EventSeries), and nothing is
// retried. The record shows the Event as kubectl reads it through core/v1:
// the count is series.count (what kubectl describe prints as "xN"), the
// first timestamp the eventTime, the source the reporting controller, the
// message the note stored at creation. The series' lastObservedTime has no
// field of its own: the record's time is the time of the write.
func (r *Recorder) write(p *seriesProc, c *seriesEntry, now sim.Time, count int32) bool {
	if c.series && count < r.seriesMin {
		return false
	}
	r.log.Add(now, record.KindEvent, &record.Event{
		Header:    record.Header{Object: c.ref.Object},
		FieldPath: c.ref.FieldPath,
		Type:      c.typ, Reason: c.reason, Message: c.note, Count: count, First: record.Seconds(c.first),
		Source: p.src.String(),
	})
	return true
}
