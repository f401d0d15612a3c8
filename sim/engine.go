package sim

import "math/rand/v2"

// Handle names a scheduled event so that it can be cancelled. The zero Handle
// names no event.
type Handle struct {
	slot int32
	gen  uint32
}

// slot holds what an event does. Slots are reused; gen tells a live event
// from a stale queue entry or handle that refers to an earlier use.
type slot struct {
	fn   func()
	kind Kind
	gen  uint32
}

// item is one queue entry. The ordering key is kept in the entry itself so
// that sifting never touches the slots.
type item struct {
	at   Time
	key  uint64 // phase<<56 | seq
	slot int32
	gen  uint32
}

func (a *item) less(b *item) bool {
	return a.at < b.at || (a.at == b.at && a.key < b.key)
}

const seqBits = 56

// Engine is a discrete-event simulation kernel. It is not safe for concurrent
// use: one goroutine schedules and runs, and every handler runs on it.
type Engine struct {
	now   Time
	seed  uint64
	queue []item // a heap of the entries after head
	// head is the least entry when hasHead is set, held outside the heap.
	// An event scheduled to come next (a probe answered at once after its
	// tick, a handler's follow-up at the same instant) then costs neither
	// a sift up to the root nor a sift down from it.
	head    item
	hasHead bool
	// lanes hold the entries scheduled a fixed delay ahead in one phase,
	// such as a ticker's ticks: see lane.go.
	lanes       []*lane
	laneEntries int // entries in all lanes
	firstLane   int // 1 + the index of the lane with the least first entry; 0 if all are empty
	slots       []slot
	free        []int32
	stale       int // queue entries whose event was cancelled

	compactions int // for tests: how often compact ran

	seq       uint64
	fired     uint64
	cancelled uint64
	maxQueued int
	byKind    []uint64
	phases    []Phase

	stopped   bool
	onAdvance func(next Time)
	announced Time // the advance onAdvance last agreed to, or now if none is outstanding
	streams   map[string]*rand.Rand
}

// New returns an engine at time 0 whose random streams derive from seed.
func New(seed uint64) *Engine {
	return &Engine{seed: seed, streams: make(map[string]*rand.Rand)}
}

// Now returns the current simulated time: the time of the event being fired,
// or the time the last run stopped at.
func (e *Engine) Now() Time { return e.now }

// Seed returns the seed the engine's random streams derive from.
func (e *Engine) Seed() uint64 { return e.seed }

// Len returns the number of events waiting to fire.
func (e *Engine) Len() int { return e.entries() - e.stale }

// entries is the number of queue entries, live or cancelled.
func (e *Engine) entries() int {
	n := len(e.queue) + e.laneEntries
	if e.hasHead {
		n++
	}
	return n
}

// At schedules fn to run at time t as an event of kind k. A time in the past
// is treated as now: the event fires after those already due at this instant
// in its phase. fn must not be nil.
func (e *Engine) At(t Time, k Kind, fn func()) Handle {
	if t < e.now {
		t = e.now
	}
	it := e.newItem(t, k, fn)
	e.push(it)
	e.scheduled()
	return Handle{slot: it.slot, gen: it.gen}
}

// newItem gives fn a slot and returns its queue entry for time t.
func (e *Engine) newItem(t Time, k Kind, fn func()) item {
	var s int32
	if n := len(e.free); n > 0 {
		s = e.free[n-1]
		e.free = e.free[:n-1]
	} else {
		s = int32(len(e.slots))
		e.slots = append(e.slots, slot{gen: 1})
	}
	sl := &e.slots[s]
	sl.fn, sl.kind = fn, k
	return item{at: t, key: e.key(k), slot: s, gen: sl.gen}
}

// key is the ordering key of an entry of kind k scheduled now: its phase,
// then the scheduling order.
func (e *Engine) key(k Kind) uint64 {
	if int(k) >= len(e.phases) {
		e.loadKinds()
	}
	return uint64(e.phases[k])<<seqBits | e.seq&(1<<seqBits-1)
}

// scheduled counts an entry just queued.
func (e *Engine) scheduled() {
	e.seq++
	if n := e.entries() - e.stale; n > e.maxQueued {
		e.maxQueued = n
	}
}

// After schedules fn to run d after now as an event of kind k.
func (e *Engine) After(d Duration, k Kind, fn func()) Handle {
	return e.At(e.now.Add(d), k, fn)
}

// Cancel stops the event h names from firing. It reports whether the event
// was still pending; cancelling a fired, cancelled or zero handle is a no-op.
func (e *Engine) Cancel(h Handle) bool {
	if !e.Pending(h) {
		return false
	}
	e.release(h.slot)
	e.dropped()
	return true
}

// dropped counts an entry just cancelled. Cancelled entries are skipped
// when they reach the top. If they come to outnumber the live ones, the
// queue is rebuilt without them so that memory and sift depth stay
// proportional to the live events.
func (e *Engine) dropped() {
	e.cancelled++
	e.stale++
	if e.stale > 64 && e.stale > e.entries()/2 {
		e.compact()
	}
}

// live reports whether a queue entry is still to fire: its ticker's (t, for
// a tick) or its slot's generation is the one it was scheduled with.
func (e *Engine) live(it *item, t *Ticker) bool {
	if t != nil {
		return it.gen == t.gen
	}
	sl := &e.slots[it.slot]
	return sl.gen == it.gen && sl.fn != nil
}

// Pending reports whether the event h names is still waiting to fire.
func (e *Engine) Pending(h Handle) bool {
	return h.gen != 0 && int(h.slot) < len(e.slots) && e.slots[h.slot].gen == h.gen && e.slots[h.slot].fn != nil
}

func (e *Engine) release(s int32) {
	sl := &e.slots[s]
	sl.fn = nil
	sl.gen++
	if sl.gen == 0 {
		sl.gen = 1
	}
	e.free = append(e.free, s)
}

// Stop makes the current run return after the event being fired. It may be
// called from a handler or from an OnAdvance function.
func (e *Engine) Stop() { e.stopped = true }

// Stopped reports whether Stop ended the last run.
func (e *Engine) Stopped() bool { return e.stopped }

// OnAdvance sets a function called each time the clock is about to move
// forward to the time of the next event, before that event fires. It is the
// hook for wall-clock pacing, progress reports and interruption; it may call
// Stop, in which case the clock does not move and the next run calls it
// again for the same advance. It may also schedule and cancel events: if it
// schedules one before next, that event fires first, after its own call of
// fn. A nil fn removes the hook.
func (e *Engine) OnAdvance(fn func(next Time)) { e.onAdvance, e.announced = fn, e.now }

// Step fires the next event, if there is one, and reports whether it did.
// It is a run of one event: Stopped afterwards reports whether that event's
// handler, or OnAdvance, called Stop.
func (e *Engine) Step() bool {
	e.stopped = false
	return e.step(Never)
}

// step fires the next event if it is due at or before limit.
func (e *Engine) step(limit Time) bool {
	for {
		top, tk, src := e.top()
		if top == nil {
			return false
		}
		if !e.live(top, tk) {
			e.pop(src)
			e.stale--
			continue
		}
		if top.at > limit {
			return false
		}
		if top.at > e.now {
			if e.onAdvance != nil && e.announced != top.at {
				if !e.announce(top.at) {
					return false
				}
				// The hook may have scheduled or cancelled events, which
				// moves or frees the entry top points to: look again.
				continue
			}
			e.now = top.at
		}
		if tk != nil {
			e.pop(src)
			tk.armed = false
			e.count(tk.kind)
			tk.tick()
			return true
		}
		s := top.slot
		sl := &e.slots[s]
		fn, k := sl.fn, sl.kind
		e.pop(src)
		e.release(s)
		e.count(k)
		fn()
		return true
	}
}

// count counts an event of kind k about to fire.
func (e *Engine) count(k Kind) {
	e.fired++
	if int(k) >= len(e.byKind) {
		e.growCounters(k)
	}
	e.byKind[k]++
}

// announce calls the OnAdvance hook for an advance to next and reports
// whether the run may go on. A vetoed advance is forgotten, so that the next
// run asks again.
func (e *Engine) announce(next Time) bool {
	e.announced = next
	e.onAdvance(next)
	if e.stopped {
		e.announced = e.now
		return false
	}
	return true
}

// RunUntil fires every event due at or before t, in order, then sets the
// clock to t. It returns early, with the clock at the last event fired, if a
// handler or OnAdvance calls Stop.
func (e *Engine) RunUntil(t Time) {
	e.stopped = false
	for !e.stopped && e.step(t) {
	}
	for !e.stopped && t > e.now {
		if e.onAdvance != nil && e.announced != t {
			if !e.announce(t) {
				return
			}
			// Events the hook scheduled before t are due in this run.
			for !e.stopped && e.step(t) {
			}
			continue
		}
		e.now = t
	}
}

// RunFor is RunUntil(Now()+d).
func (e *Engine) RunFor(d Duration) { e.RunUntil(e.now.Add(d)) }

// RunUntilIdle fires events until none is left or a handler calls Stop.
func (e *Engine) RunUntilIdle() {
	e.stopped = false
	for !e.stopped && e.step(Never) {
	}
}

// RunWhile fires events while cond reports true before each of them and
// there are events left, or until a handler calls Stop.
func (e *Engine) RunWhile(cond func() bool) {
	e.stopped = false
	for !e.stopped && cond() && e.step(Never) {
	}
}

// NextAt returns the time of the next pending event, or Never if there is none.
func (e *Engine) NextAt() Time {
	for {
		top, tk, src := e.top()
		if top == nil {
			return Never
		}
		if e.live(top, tk) {
			return top.at
		}
		e.pop(src)
		e.stale--
	}
}

func (e *Engine) loadKinds() {
	kinds.RLock()
	defer kinds.RUnlock()
	for i := len(e.phases); i < len(kinds.list); i++ {
		e.phases = append(e.phases, kinds.list[i].phase)
	}
}

func (e *Engine) growCounters(k Kind) {
	n := make([]uint64, int(k)+1, int(k)+16)
	copy(n, e.byKind)
	e.byKind = n
}

// The queue is the head, the lanes and a binary min-heap written out by
// hand: the standard container/heap would cost an interface call per
// comparison. The head, when there is one, is less than every other entry.

// Where top found the least entry: the head, the heap, or lanes[i].
const (
	fromHead = -2
	fromHeap = -1
)

// top returns the least entry, its ticker if it is a tick, and where it
// is; nil if the queue is empty.
func (e *Engine) top() (*item, *Ticker, int) {
	if e.hasHead {
		return &e.head, nil, fromHead
	}
	var best *item
	src := fromHeap
	if len(e.queue) > 0 {
		best = &e.queue[0]
	}
	if i := e.firstLane - 1; i >= 0 {
		if le := e.lanes[i].peek(); best == nil || le.less(best) {
			return &le.item, le.t, i
		}
	}
	return best, nil, src
}

// push adds an entry: as the head if it is less than every other entry,
// else to the heap.
func (e *Engine) push(it item) {
	if e.hasHead {
		if it.less(&e.head) {
			it, e.head = e.head, it
		}
		e.heapPush(it)
		return
	}
	if least, _, _ := e.top(); least == nil || it.less(least) {
		e.head, e.hasHead = it, true
		return
	}
	e.heapPush(it)
}

// pop removes the entry top found at src.
func (e *Engine) pop(src int) {
	switch src {
	case fromHead:
		e.hasHead = false
	case fromHeap:
		e.heapPop()
	default:
		e.lanes[src].pop()
		e.laneEntries--
		e.findFirstLane()
	}
}

func (e *Engine) heapPush(it item) {
	e.queue = append(e.queue, it)
	q := e.queue
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !it.less(&q[p]) {
			break
		}
		q[i] = q[p]
		i = p
	}
	q[i] = it
}

func (e *Engine) heapPop() {
	q := e.queue
	n := len(q) - 1
	last := q[n]
	e.queue = q[:n]
	if n > 0 {
		e.siftDown(0, last)
	}
}

func (e *Engine) siftDown(i int, it item) {
	q := e.queue
	n := len(q)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && q[r].less(&q[c]) {
			c = r
		}
		if !q[c].less(&it) {
			break
		}
		q[i] = q[c]
		i = c
	}
	q[i] = it
}

func (e *Engine) compact() {
	if e.hasHead {
		e.hasHead = false
		e.heapPush(e.head)
	}
	e.laneEntries = 0
	for _, l := range e.lanes {
		e.compactLane(l)
		e.laneEntries += l.len()
	}
	e.findFirstLane()
	q := e.queue[:0]
	for _, it := range e.queue {
		if e.live(&it, nil) {
			q = append(q, it)
		}
	}
	e.queue = q
	e.stale = 0
	e.compactions++
	for i := len(q)/2 - 1; i >= 0; i-- {
		e.siftDown(i, q[i])
	}
}
