package sim

// A lane is a queue of the entries scheduled a fixed delay after the time
// they were scheduled at, all in one phase: a ticker's ticks. The clock never
// goes back, so such entries arrive in the order they must fire in (by time,
// and among equal times by seq, the phase being the same), and a FIFO keeps
// them sorted at no cost. The engine fires the least of its heap's top and
// its lanes' firsts; a model whose events are mostly periodic ticks then
// keeps its heap small.
type lane struct {
	index int // in Engine.lanes
	delay Duration
	phase Phase
	q     []laneEntry
	first int // q[:first] have been popped
}

// laneEntry is a lane's queue entry. A ticker's tick names its ticker
// instead of a slot (item.slot is -1, item.gen the ticker's generation when
// it was scheduled): firing it then touches the lane, which is read in
// order, and the ticker, which the tick reads anyway, rather than a slot and
// a closure as well, each a cache miss when thousands of tickers run.
type laneEntry struct {
	item
	t *Ticker // nil for an event in a slot
}

// laneFor returns the engine's lane for delay d and kind k's phase, making
// it if need be. There are few: one per distinct (period, phase).
func (e *Engine) laneFor(d Duration, k Kind) *lane {
	if int(k) >= len(e.phases) {
		e.loadKinds()
	}
	p := e.phases[k]
	for _, l := range e.lanes {
		if l.delay == d && l.phase == p {
			return l
		}
	}
	l := &lane{index: len(e.lanes), delay: d, phase: p}
	e.lanes = append(e.lanes, l)
	return l
}

// afterInLane schedules fn as an event of kind k, whose phase must be l's,
// l.delay after now, in lane l.
func (e *Engine) afterInLane(l *lane, k Kind, fn func()) Handle {
	it := e.newItem(e.now.Add(l.delay), k, fn)
	e.pushLane(l, laneEntry{item: it})
	return Handle{slot: it.slot, gen: it.gen}
}

// tickInLane schedules t's next tick, t.lane.delay after now, in its lane.
func (e *Engine) tickInLane(t *Ticker) {
	it := item{at: e.now.Add(t.lane.delay), key: e.key(t.kind), slot: -1, gen: t.gen}
	e.pushLane(t.lane, laneEntry{item: it, t: t})
	t.armed = true
}

// cancelTick cancels t's scheduled tick, if it has one.
func (e *Engine) cancelTick(t *Ticker) {
	if !t.armed {
		return
	}
	t.armed = false
	t.gen++ // the entry in the lane is now stale
	e.dropped()
}

func (e *Engine) pushLane(l *lane, le laneEntry) {
	if e.hasHead && le.less(&e.head) {
		// The head must stay below every other entry.
		e.hasHead = false
		e.heapPush(e.head)
	}
	l.q = append(l.q, le)
	e.laneEntries++
	if len(l.q)-l.first == 1 {
		// A lane's first entry changes only when it was empty.
		if f := e.firstLane - 1; f < 0 || le.less(&e.lanes[f].peek().item) {
			e.firstLane = l.index + 1
		}
	}
	e.scheduled()
}

func (l *lane) len() int { return len(l.q) - l.first }

// peek returns the lane's first entry, or nil if it is empty.
func (l *lane) peek() *laneEntry {
	if l.first < len(l.q) {
		return &l.q[l.first]
	}
	return nil
}

func (l *lane) pop() {
	l.q[l.first].t = nil // hold no ticker
	l.first++
	switch {
	case l.first == len(l.q):
		l.q, l.first = l.q[:0], 0
	case l.first >= 1024 && 2*l.first >= len(l.q):
		// Reuse the front of the slice rather than let it grow.
		n := copy(l.q, l.q[l.first:])
		l.q, l.first = l.q[:n], 0
	}
}

// compactLane drops lane l's cancelled entries, keeping the others' order.
func (e *Engine) compactLane(l *lane) {
	q := l.q[:0]
	for _, le := range l.q[l.first:] {
		if e.live(&le.item, le.t) {
			q = append(q, le)
		}
	}
	clear(l.q[len(q):]) // hold no tickers
	l.q, l.first = q, 0
}

// findFirstLane sets firstLane to the lane whose first entry is least.
func (e *Engine) findFirstLane() {
	e.firstLane = 0
	var best *item
	for i, l := range e.lanes {
		if le := l.peek(); le != nil && (best == nil || le.less(best)) {
			best, e.firstLane = &le.item, i+1
		}
	}
}
