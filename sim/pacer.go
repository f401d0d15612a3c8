package sim

import "time"

// Clock is the part of a wall clock a Pacer needs. Both the real clock and
// the mock of github.com/benbjohnson/clock satisfy it; keeping our own
// interface keeps that archived module at the edge of the program.
type Clock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

// Pacer slows a run down so that simulated time passes at a fixed multiple of
// wall-clock time, for watching a run as it happens (simulate --pace 60x).
// It is the only part of the kernel that touches real time, and it only ever
// sleeps: the order of events never depends on it.
type Pacer struct {
	clock  Clock
	speed  float64
	origin Time
	start  time.Time
}

// NewPacer returns a pacer on clock c at the given speed: 1 is real time, 60
// is a simulated minute per wall-clock second. A speed ≤ 0 means no pacing.
func NewPacer(c Clock, speed float64) *Pacer {
	return &Pacer{clock: c, speed: speed}
}

// Start anchors the pacer: simulated time origin corresponds to the clock's
// present moment.
func (p *Pacer) Start(origin Time) {
	p.origin = origin
	p.start = p.clock.Now()
}

// Wait sleeps until the wall-clock moment that corresponds to simulated time
// t. It returns at once if that moment has passed or pacing is off.
func (p *Pacer) Wait(t Time) {
	if p.speed <= 0 {
		return
	}
	due := p.start.Add(time.Duration(float64(t-p.origin) / p.speed))
	if d := due.Sub(p.clock.Now()); d > 0 {
		p.clock.Sleep(d)
	}
}

// Attach starts the pacer at the engine's present time and makes the engine
// wait for it before each advance of its clock. It replaces any OnAdvance
// function; callers that need more than pacing call Wait from their own.
func (p *Pacer) Attach(e *Engine) {
	p.Start(e.Now())
	e.OnAdvance(p.Wait)
}
