package sim

// Timer calls a function once at a chosen time, and can be moved or stopped
// before then. Unlike an event handle it can be reused, and rearming it does
// not allocate.
type Timer struct {
	e    *Engine
	kind Kind
	fn   func()
	fire func()
	h    Handle
	when Time
}

// NewTimer returns a stopped timer that will call fn, as an event of kind k,
// when it is armed with Reset or ResetAt and its time comes.
func (e *Engine) NewTimer(k Kind, fn func()) *Timer {
	t := &Timer{e: e, kind: k, fn: fn, when: Never}
	t.fire = func() {
		t.h = Handle{}
		t.when = Never
		t.fn()
	}
	return t
}

// ResetAt arms the timer to fire at time at, replacing any earlier arming. It
// reports whether the timer was armed before.
func (t *Timer) ResetAt(at Time) bool {
	was := t.Stop()
	if at < t.e.now {
		at = t.e.now
	}
	t.when = at
	t.h = t.e.At(at, t.kind, t.fire)
	return was
}

// Reset arms the timer to fire d from now, replacing any earlier arming. It
// reports whether the timer was armed before.
func (t *Timer) Reset(d Duration) bool { return t.ResetAt(t.e.now.Add(d)) }

// Stop disarms the timer. It reports whether the timer was armed.
func (t *Timer) Stop() bool {
	t.when = Never
	return t.e.Cancel(t.h)
}

// Active reports whether the timer is armed.
func (t *Timer) Active() bool { return t.e.Pending(t.h) }

// When returns the time the timer will fire, or Never if it is not armed.
func (t *Timer) When() Time { return t.when }

// Ticker calls a function at every multiple of a period after it was started,
// with the semantics of a Go time.Ticker read in a loop by a goroutine that
// does work between reads:
//
//   - While the reader is busy (between Busy and Idle), the first tick that
//     comes is kept and the later ones are dropped.
//   - When the reader becomes idle with a tick kept, that tick is delivered at
//     once; later ticks stay on the original grid.
//   - Reset and Stop discard a kept tick (the guarantee of Go 1.23 timers).
//
// This is how the kubelet's probe workers behave when a probe outlasts its
// period: the next probe starts as soon as the slow one ends, then the
// schedule snaps back to the grid.
type Ticker struct {
	e       *Engine
	kind    Kind
	reader  TickReader
	deliver func()
	period  Duration
	lane    *lane // the engine's lane for period and kind
	next    Time
	gen     uint32 // of the tick in the lane; a tick of another is stale
	armed   bool   // a tick of this generation is in the lane
	dh      Handle // a kept tick being delivered
	busy    bool
	kept    bool
	running bool
}

// A TickReader takes the ticks of a Ticker: the ticker calls Tick for each
// tick it delivers.
type TickReader interface{ Tick() }

// tickFunc is a function as a TickReader.
type tickFunc func()

func (f tickFunc) Tick() { f() }

// NewTicker returns a running ticker whose first tick comes d from now and
// calls fn. It panics if d is not positive, as time.NewTicker does.
func (e *Engine) NewTicker(d Duration, k Kind, fn func()) *Ticker {
	t := new(Ticker)
	e.StartTicker(t, d, k, tickFunc(fn))
	return t
}

// StartTicker starts *t as NewTicker starts a new ticker, for a Ticker the
// caller allocated, typically inside the struct of the ticker's reader r: a
// model with thousands of tickers then touches one object per tick (the
// reader, with its ticker) instead of three (the ticker, a closure, the
// reader). *t must not be copied once started.
func (e *Engine) StartTicker(t *Ticker, d Duration, k Kind, r TickReader) {
	*t = Ticker{e: e, kind: k, reader: r}
	t.deliver = func() {
		t.dh = Handle{}
		t.reader.Tick()
	}
	t.Reset(d)
}

// tick is the engine firing the ticker's tick, on time: ticks are entries of
// a lane, which fire at the time they were scheduled for.
func (t *Ticker) tick() {
	t.next = t.next.Add(t.period)
	t.e.tickInLane(t)
	switch {
	case t.e.Pending(t.dh):
		// The kept tick is on its way to the reader: the channel is full
		// and this tick is dropped. Keeping it would hand the reader a
		// stale tick the next time it is busy.
	case t.busy:
		t.kept = true
	default:
		t.reader.Tick()
	}
}

// Reset stops the ticker and restarts it with period d: the next tick comes d
// from now. A kept tick is discarded. It panics if d is not positive.
func (t *Ticker) Reset(d Duration) {
	if d <= 0 {
		panic("sim: non-positive interval for Ticker.Reset")
	}
	t.Stop()
	t.period = d
	t.lane = t.e.laneFor(d, t.kind)
	t.next = t.e.now.Add(d)
	t.e.tickInLane(t)
	t.running = true
}

// Stop turns the ticker off; no more ticks are delivered. A kept tick is
// discarded.
func (t *Ticker) Stop() {
	t.e.cancelTick(t)
	t.e.Cancel(t.dh)
	t.dh = Handle{}
	t.kept = false
	t.running = false
}

// Busy tells the ticker that its reader is doing work and cannot take a tick.
func (t *Ticker) Busy() { t.busy = true }

// Idle tells the ticker that its reader is waiting again. If a tick was kept
// meanwhile, it is delivered now, as an event of the ticker's kind.
func (t *Ticker) Idle() {
	t.busy = false
	if t.kept && t.running {
		t.kept = false
		t.dh = t.e.At(t.e.now, t.kind, t.deliver)
	}
}

// Running reports whether the ticker is on.
func (t *Ticker) Running() bool { return t.running }

// Period returns the ticker's period.
func (t *Ticker) Period() Duration { return t.period }

// Next returns the time of the next tick on the grid, or Never if the ticker
// is stopped.
func (t *Ticker) Next() Time {
	if !t.running {
		return Never
	}
	return t.next
}
