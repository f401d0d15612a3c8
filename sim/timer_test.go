package sim

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sec is a time in seconds, rounded to the nanosecond so that 5.2 means
// exactly 5.2 s and not the float's nearest neighbour.
func sec(s float64) Time { return Time(math.Round(s * float64(time.Second))) }

func TestTimer(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	var fired []Time
	tm := e.NewTimer(k, func() { fired = append(fired, e.Now()) })
	if tm.Active() || tm.When() != Never || tm.Stop() {
		t.Fatal("a new timer is armed")
	}
	if tm.Reset(5 * time.Second) {
		t.Error("Reset of a stopped timer reported it was armed")
	}
	if !tm.Active() || tm.When() != sec(5) {
		t.Errorf("after Reset(5s): Active %v, When %v", tm.Active(), tm.When())
	}
	e.RunUntil(sec(2))
	// Moving an armed timer replaces its earlier arming: it fires once.
	if !tm.ResetAt(sec(7)) {
		t.Error("ResetAt of an armed timer reported it was stopped")
	}
	e.RunUntil(sec(10))
	if diff := cmp.Diff([]Time{sec(7)}, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
	if tm.Active() || tm.When() != Never {
		t.Errorf("after firing: Active %v, When %v; want false, never", tm.Active(), tm.When())
	}
	// A time already passed fires now.
	tm.ResetAt(sec(3))
	if tm.When() != sec(10) {
		t.Errorf("ResetAt(3s) at 10s: When %v, want 10s", tm.When())
	}
	e.RunUntil(sec(10))
	if diff := cmp.Diff([]Time{sec(7), sec(10)}, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
	// Stop disarms; a second Stop has nothing to stop.
	tm.Reset(time.Second)
	if !tm.Stop() || tm.Stop() || tm.Active() || tm.When() != Never {
		t.Error("Stop did not disarm the timer exactly once")
	}
	e.RunUntil(sec(20))
	if len(fired) != 2 {
		t.Errorf("a stopped timer fired: %v", fired)
	}
}

// TestTimerRearmsItself: resetting a timer from its own function makes a
// periodic timer, the usual way a component loops.
func TestTimerRearmsItself(t *testing.T) {
	e := New(1)
	var fired []Time
	var tm *Timer
	tm = e.NewTimer(testKinds[0], func() {
		fired = append(fired, e.Now())
		if tm.Active() {
			t.Error("timer active inside its own function")
		}
		if len(fired) < 3 {
			tm.Reset(5 * time.Second)
		}
	})
	tm.Reset(5 * time.Second)
	e.RunUntilIdle()
	if diff := cmp.Diff([]Time{sec(5), sec(10), sec(15)}, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
}

// TestTimerStoppedAtItsInstant: an event at the same instant, ordered
// before the timer, can still stop it.
func TestTimerStoppedAtItsInstant(t *testing.T) {
	e := New(1)
	fired := false
	tm := e.NewTimer(testKinds[3], func() { fired = true }) // phase 7
	tm.Reset(time.Second)
	e.At(sec(1), testKinds[0], func() { // phase 0: first
		if !tm.Stop() {
			t.Error("Stop at the timer's instant reported it was not armed")
		}
	})
	e.RunUntilIdle()
	if fired {
		t.Error("timer fired after it was stopped")
	}
}

// The Ticker imitates a Go time.Ticker read by a goroutine that works
// between reads. The Go behaviour it pins:
//
//   - time.Ticker: "The ticker will adjust the time interval or drop ticks
//     to make up for slow receivers." The runtime sends with a non-blocking
//     send into a one-element buffer (sendTime in time/sleep.go), so a
//     reader that is busy finds exactly one tick waiting when it comes
//     back, and every tick that came while one was waiting was dropped.
//   - The ticker's own schedule is not moved by the reader: later ticks
//     stay on the grid start + n*period.
//   - Go 1.23 release notes: "for any call to a Reset or Stop method, no
//     stale values prepared before that call will be sent or received
//     after the call." So Reset and Stop discard a waiting tick.
//   - time.Ticker.Reset: "The next tick will arrive after the new period
//     elapses": Reset re-anchors the grid at the moment of the call.
type tickerCase struct {
	name   string
	period Duration
	// busy[T] = d: the reader, handed a tick at T, works for d (Busy now,
	// Idle at T+d from an event of kind idleKind).
	busy     map[Time]Duration
	idleKind Kind
	actions  []tickerAction
	until    Time
	want     []Time // when the reader is handed a tick
}

type tickerAction struct {
	at Time
	do func(*Ticker)
}

func TestTicker(t *testing.T) {
	tickKind := testKinds[1] // phase 1
	sameAsTick := testKinds[2]
	afterTick := testKinds[3]
	reset := func(d Duration) func(*Ticker) { return func(tk *Ticker) { tk.Reset(d) } }
	stop := func(tk *Ticker) { tk.Stop() }

	cases := []tickerCase{{
		name:   "idle reader gets every tick",
		period: 10 * time.Second,
		until:  sec(35),
		want:   []Time{sec(10), sec(20), sec(30)},
	}, {
		// Ticks at 2, 3, 4 come while busy: 2 waits, 3 and 4 are dropped.
		// The reader takes 2 at 4.5, then 5, 6... on the grid.
		name:     "busy 3.5s: one late tick then the grid",
		period:   time.Second,
		busy:     map[Time]Duration{sec(1): 3500 * time.Millisecond},
		idleKind: sameAsTick,
		until:    sec(8),
		want:     []Time{sec(1), sec(4.5), sec(5), sec(6), sec(7), sec(8)},
	}, {
		name:     "busy less than a period: nothing is kept",
		period:   time.Second,
		busy:     map[Time]Duration{sec(1): 500 * time.Millisecond},
		idleKind: sameAsTick,
		until:    sec(3),
		want:     []Time{sec(1), sec(2), sec(3)},
	}, {
		// The reader comes back at 5 just before the tick at 5 (Idle was
		// scheduled first). It takes the waiting tick; the tick at 5 finds
		// the buffer full and is dropped. Had it been kept instead, the
		// short busy spell at 7 would be handed a stale tick at 7.5.
		name:     "busy ends on a grid instant, reader first",
		period:   time.Second,
		busy:     map[Time]Duration{sec(1): 4 * time.Second, sec(7): 500 * time.Millisecond},
		idleKind: sameAsTick,
		until:    sec(9),
		want:     []Time{sec(1), sec(5), sec(6), sec(7), sec(8), sec(9)},
	}, {
		// The tick at 5 comes first and is dropped (one is waiting); the
		// reader then takes the waiting one. Same deliveries.
		name:     "busy ends on a grid instant, tick first",
		period:   time.Second,
		busy:     map[Time]Duration{sec(1): 4 * time.Second, sec(7): 500 * time.Millisecond},
		idleKind: afterTick,
		until:    sec(9),
		want:     []Time{sec(1), sec(5), sec(6), sec(7), sec(8), sec(9)},
	}, {
		name:    "Reset mid-period re-anchors the grid at now",
		period:  10 * time.Second,
		actions: []tickerAction{{sec(15), reset(10 * time.Second)}},
		until:   sec(40),
		want:    []Time{sec(10), sec(25), sec(35)},
	}, {
		name:    "Reset to a new period",
		period:  10 * time.Second,
		actions: []tickerAction{{sec(15), reset(4 * time.Second)}},
		until:   sec(28),
		want:    []Time{sec(10), sec(19), sec(23), sec(27)},
	}, {
		name:    "Stop, then Reset starts again",
		period:  10 * time.Second,
		actions: []tickerAction{{sec(25), stop}, {sec(33), reset(10 * time.Second)}},
		until:   sec(60),
		want:    []Time{sec(10), sec(20), sec(43), sec(53)},
	}, {
		// The tick at 2 waits; Reset at 3.2 discards it, and with a 2 s
		// period nothing new comes before the reader is back at 4.5.
		name:     "Reset while a tick waits discards it",
		period:   time.Second,
		busy:     map[Time]Duration{sec(1): 3500 * time.Millisecond},
		idleKind: sameAsTick,
		actions:  []tickerAction{{sec(3.2), reset(2 * time.Second)}},
		until:    sec(8),
		want:     []Time{sec(1), sec(5.2), sec(7.2)},
	}, {
		name:     "Stop while a tick waits discards it",
		period:   time.Second,
		busy:     map[Time]Duration{sec(1): 3500 * time.Millisecond},
		idleKind: sameAsTick,
		actions:  []tickerAction{{sec(3.2), stop}},
		until:    sec(8),
		want:     []Time{sec(1)},
	}, {
		// An event at a tick's instant, ordered before it, stops it in time.
		name:    "Stop at a tick's instant",
		period:  time.Second,
		actions: []tickerAction{{sec(2), stop}},
		until:   sec(5),
		want:    []Time{sec(1)},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := New(1)
			var got []Time
			var tk *Ticker
			tk = e.NewTicker(c.period, tickKind, func() {
				got = append(got, e.Now())
				if d, ok := c.busy[e.Now()]; ok {
					tk.Busy()
					e.After(d, c.idleKind, tk.Idle)
				}
			})
			for _, a := range c.actions {
				// Same phase as the ticks and scheduled before them, so an
				// action fires before a tick at the same instant.
				e.At(a.at, sameAsTick, func() { a.do(tk) })
			}
			e.RunUntil(c.until)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("deliveries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTickerStopInHandler: a reader that stops its ticker (a worker that
// quits) gets no further tick, not even one already scheduled.
func TestTickerStopInHandler(t *testing.T) {
	e := New(1)
	n := 0
	var tk *Ticker
	tk = e.NewTicker(time.Second, testKinds[0], func() {
		n++
		if n == 2 {
			tk.Stop()
		}
	})
	e.RunUntil(sec(10))
	if n != 2 || e.Len() != 0 {
		t.Errorf("%d ticks, %d events left; want 2, 0", n, e.Len())
	}
}

func TestTickerState(t *testing.T) {
	e := New(1)
	tk := e.NewTicker(3*time.Second, testKinds[0], func() {})
	if !tk.Running() || tk.Period() != 3*time.Second || tk.Next() != sec(3) {
		t.Errorf("new ticker: Running %v, Period %v, Next %v", tk.Running(), tk.Period(), tk.Next())
	}
	e.RunUntil(sec(4))
	if tk.Next() != sec(6) {
		t.Errorf("Next at 4s = %v, want 6s", tk.Next())
	}
	tk.Stop()
	if tk.Running() || tk.Next() != Never || e.Len() != 0 {
		t.Errorf("stopped ticker: Running %v, Next %v, %d events queued", tk.Running(), tk.Next(), e.Len())
	}
	for _, d := range []Duration{0, -time.Second} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Reset(%v) did not panic", d)
				}
			}()
			tk.Reset(d)
		}()
	}
}
