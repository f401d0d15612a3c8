package sim

import (
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"
)

// The mock satisfies Clock; this is what lets the CLI hand a real clock
// and the tests a mock to the same Pacer.
var _ Clock = clock.NewMock()

// signalClock is the mock with one change: Sleep arms its mock timer before
// announcing itself, so the test knows the sleeper is registered and that
// advancing the mock from then on is seen by it. (Mock.Sleep registers
// inside the call; advancing before that would be lost.)
type signalClock struct {
	*clock.Mock
	sleeping chan time.Duration
}

func (c *signalClock) Sleep(d time.Duration) {
	timer := c.Mock.Timer(d)
	c.sleeping <- d
	<-timer.C
}

func TestPacerWaitSleepsScaledTime(t *testing.T) {
	c := &signalClock{Mock: clock.NewMock(), sleeping: make(chan time.Duration)}
	p := NewPacer(c, 60)
	p.Start(0)
	done := make(chan struct{})
	go func() {
		p.Wait(sec(60))
		close(done)
	}()
	if d := <-c.sleeping; d != time.Second {
		t.Fatalf("Wait(60s) at speed 60 sleeps %v, want 1s", d)
	}
	c.Add(999 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("Wait returned before a second of mock time had passed")
	default:
	}
	c.Add(time.Millisecond)
	<-done // the mock fired the timer inside Add: Wait returns
}

// recordClock never blocks: Sleep advances the mock by the time asked and
// records it, so a test can see every sleep a run would make.
type recordClock struct {
	*clock.Mock
	slept []time.Duration
}

func (c *recordClock) Sleep(d time.Duration) {
	c.slept = append(c.slept, d)
	c.Mock.Add(d)
}

func TestPacerNoSleep(t *testing.T) {
	c := &recordClock{Mock: clock.NewMock()}
	off := NewPacer(c, 0)
	off.Start(0)
	off.Wait(sec(3600))
	if len(c.slept) != 0 {
		t.Errorf("speed 0 slept %v", c.slept)
	}
	p := NewPacer(c, 2)
	p.Start(sec(10)) // simulated 10s is now
	c.Mock.Add(5 * time.Second)
	p.Wait(sec(18)) // due 4s after start; 5s have passed
	p.Wait(sec(10))
	if len(c.slept) != 0 {
		t.Errorf("a time already passed slept %v", c.slept)
	}
	p.Wait(sec(24)) // due 7s after start; 5s have passed
	if diff := cmp.Diff([]time.Duration{2 * time.Second}, c.slept); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

// TestPacerAttach: an attached pacer makes the run wait before each advance
// of the clock, including RunUntil's last, and handlers that take wall time
// shorten the next wait.
func TestPacerAttach(t *testing.T) {
	c := &recordClock{Mock: clock.NewMock()}
	e := New(1)
	k := testKinds[0]
	e.At(sec(60), k, func() {})
	e.At(sec(120), k, func() {})
	e.At(sec(120), k, func() {}) // same instant: no second wait
	e.At(sec(300), k, func() { c.Mock.Add(500 * time.Millisecond) })
	e.At(sec(330), k, func() {})
	e.RunUntil(sec(20)) // the pacer anchors at the engine's present time
	NewPacer(c, 60).Attach(e)
	e.RunUntil(sec(400))
	// Wall-clock due times are (t-20s)/60 after the anchor, truncated to
	// the nanosecond.
	want := []time.Duration{
		666666666 * time.Nanosecond,  // → 60s: 40s/60
		1 * time.Second,              // → 120s; the second event there needs no wait
		3 * time.Second,              // → 300s, whose handler takes 0.5s of wall time
		1166666667 * time.Nanosecond, // → 400s; → 330s was due after exactly those 0.5s: no sleep
	}
	if diff := cmp.Diff(want, c.slept); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}
