package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// The test kinds cover phases that tie, phases that differ, and phase 255,
// whose bits sit at the very top of the queue's ordering key.
var testKinds = []Kind{
	NewKind("test/a", 0),
	NewKind("test/b", 1),
	NewKind("test/c", 1),
	NewKind("test/d", 7),
	NewKind("test/e", 255),
}

// A plan is a random schedule, drawn up front so that the engine and the
// reference model can both execute it without drawing during the run.
type plan struct {
	seed      uint64
	initial   []spawn
	precancel []int    // picks among the initial events, cancelled before running
	actions   []action // what event id does is actions[id%len(actions)]
	max       int      // no more events are scheduled once this many were
}

type spawn struct {
	delay Duration // may be negative: At clamps a past time to now
	kind  int
}

type action struct {
	spawns  []spawn
	cancels []int // picks: the event cancelled is pick % (events scheduled so far)
	stop    bool
	draw    bool // draw a number from the stream named after the event's kind
}

// entry is one line of a run's log; engine and model must write the same.
type entry struct {
	Op      string // "fire", "cancel", "stop"
	ID      int
	At      Time
	Pending bool   // cancel: what Pending said before the Cancel
	OK      bool   // cancel: what Cancel returned
	Val     uint64 // fire: the draw, if the action draws
}

func drawSpawn(maxDelayMs int) *rapid.Generator[spawn] {
	return rapid.Custom(func(t *rapid.T) spawn {
		return spawn{
			// Milliseconds from a narrow range make ties in time common.
			delay: Duration(rapid.IntRange(-3, maxDelayMs).Draw(t, "delay")) * time.Millisecond,
			kind:  rapid.IntRange(0, len(testKinds)-1).Draw(t, "kind"),
		}
	})
}

func drawPlan(t *rapid.T, minInitial, maxInitial, maxEvents, maxCancels int) *plan {
	act := rapid.Custom(func(t *rapid.T) action {
		return action{
			spawns:  rapid.SliceOfN(drawSpawn(20), 0, 3).Draw(t, "spawns"),
			cancels: rapid.SliceOfN(rapid.IntRange(0, 1<<20), 0, maxCancels).Draw(t, "cancels"),
			stop:    rapid.IntRange(0, 9).Draw(t, "stop") == 0,
			draw:    rapid.Bool().Draw(t, "draw"),
		}
	})
	return &plan{
		seed:      rapid.Uint64().Draw(t, "seed"),
		initial:   rapid.SliceOfN(drawSpawn(30), minInitial, maxInitial).Draw(t, "initial"),
		precancel: rapid.SliceOfN(rapid.IntRange(0, 1<<20), minInitial, maxInitial).Draw(t, "precancel"),
		actions:   rapid.SliceOfN(act, 1, 20).Draw(t, "actions"),
		max:       maxEvents,
	}
}

// runModel executes a plan on the obvious implementation: a slice kept
// sorted by (time, phase, seq), fired from the front.
func runModel(p *plan) []entry {
	type ev struct {
		at    Time
		phase Phase
		id    int
	}
	var (
		now      Time
		pending  []ev
		state    []string // per id: "pending", "fired", "cancelled"
		log      []entry
		streams  = map[string]*rand.Rand{}
		schedule = func(at Time, kind int) {
			if at < now {
				at = now
			}
			x := ev{at: at, phase: testKinds[kind].Phase(), id: len(state)}
			i := sort.Search(len(pending), func(i int) bool {
				y := pending[i]
				return y.at > x.at || y.at == x.at && (y.phase > x.phase || y.phase == x.phase && y.id > x.id)
			})
			pending = slices.Insert(pending, i, x)
			state = append(state, "pending")
		}
		kindOf []int
		cancel = func(id int) entry {
			c := entry{Op: "cancel", ID: id, Pending: state[id] == "pending"}
			if c.Pending {
				state[id] = "cancelled"
				pending = slices.DeleteFunc(pending, func(x ev) bool { return x.id == id })
				c.OK = true
			}
			return c
		}
	)
	add := func(at Time, kind int) {
		schedule(at, kind)
		kindOf = append(kindOf, kind)
	}
	for _, s := range p.initial {
		add(Time(s.delay), s.kind)
	}
	if len(state) > 0 {
		for _, pick := range p.precancel {
			log = append(log, cancel(pick%len(state)))
		}
	}
	for len(pending) > 0 {
		x := pending[0]
		pending = pending[1:]
		now = x.at
		state[x.id] = "fired"
		a := p.actions[x.id%len(p.actions)]
		f := entry{Op: "fire", ID: x.id, At: now}
		if a.draw {
			name := testKinds[kindOf[x.id]].Name()
			if streams[name] == nil {
				streams[name] = NewStream(p.seed, name)
			}
			f.Val = streams[name].Uint64()
		}
		log = append(log, f)
		for _, s := range a.spawns {
			if len(state) < p.max {
				add(now.Add(s.delay), s.kind)
			}
		}
		for _, pick := range a.cancels {
			log = append(log, cancel(pick%len(state)))
		}
		if a.stop {
			log = append(log, entry{Op: "stop"})
		}
	}
	return log
}

// How the driver runs the engine. Every way must give the same log.
const (
	runIdle  = "RunUntilIdle"
	runSteps = "Step"
	runUntil = "RunUntil"
	runWhile = "RunWhile"
)

var runModes = []string{runIdle, runSteps, runUntil, runWhile}

// runEngine executes a plan on the engine, checking as it goes the
// properties the model cannot see: Len, the queue's internal invariants, and
// what RunUntil promises about the clock.
func runEngine(t fataler, p *plan, mode string, chunk Duration) ([]entry, *Engine) {
	e := New(p.seed)
	var (
		handles []Handle
		tickers []*Ticker // for the events that are a ticker's first tick
		kindOf  []int
		log     []entry
		live    int
		limit   = Never // RunUntil's target while it runs
	)
	pending := func(id int) bool {
		if tk := tickers[id]; tk != nil {
			return tk.armed
		}
		return e.Pending(handles[id])
	}
	cancelEvent := func(id int) bool {
		if tk := tickers[id]; tk != nil {
			was := tk.armed
			tk.Stop()
			return was
		}
		return e.Cancel(handles[id])
	}
	cancel := func(id int) {
		c := entry{Op: "cancel", ID: id, Pending: pending(id)}
		c.OK = cancelEvent(id)
		// Compaction runs on a Cancel that succeeds: right after one, cancelled entries
		// never outnumber live ones by much. (Firing live events can tip
		// the balance again until the next Cancel; that is by design.)
		if c.OK && e.stale > 64 && e.stale > e.entries()/2 {
			t.Fatalf("%d cancelled entries in a queue of %d: not compacted", e.stale, e.entries())
		}
		if c.OK {
			live--
			if cancelEvent(id) {
				t.Fatalf("event %d: Cancel reported true twice", id)
			}
		}
		if pending(id) {
			t.Fatalf("event %d: still pending after Cancel", id)
		}
		log = append(log, c)
	}
	var fire func(id int)
	// Two events in three with a positive delay go through a lane, which
	// the model does not know of: the order must be the same. Of those,
	// every other one is the first tick of a ticker that stops itself, as
	// a lane holds a ticker's ticks.
	schedule := func(delay Duration, kind int) {
		id := len(handles)
		k := testKinds[kind]
		var tk *Ticker
		switch {
		case delay > 0 && id%3 == 0:
			handles = append(handles, e.afterInLane(e.laneFor(delay, k), k, func() { fire(id) }))
		case delay > 0 && id%3 == 1:
			// The tick schedules the next before it calls the reader,
			// which stops the ticker: that entry is cancelled at once.
			handles = append(handles, Handle{})
			tk = e.NewTicker(delay, k, func() {
				tickers[id].Stop()
				fire(id)
			})
		default:
			handles = append(handles, e.At(e.Now().Add(delay), k, func() { fire(id) }))
		}
		tickers = append(tickers, tk)
		kindOf = append(kindOf, kind)
		live++
	}
	fire = func(id int) {
		live--
		if e.Now() > limit {
			t.Fatalf("event %d fired at %v, after RunUntil(%v)", id, e.Now(), limit)
		}
		if pending(id) {
			t.Fatalf("event %d: pending while it fires", id)
		}
		if e.Len() != live {
			t.Fatalf("Len() = %d, want %d", e.Len(), live)
		}
		a := p.actions[id%len(p.actions)]
		f := entry{Op: "fire", ID: id, At: e.Now()}
		if a.draw {
			f.Val = e.Rand(testKinds[kindOf[id]].Name()).Uint64()
		}
		log = append(log, f)
		for _, s := range a.spawns {
			if len(handles) < p.max {
				schedule(s.delay, s.kind)
			}
		}
		for _, pick := range a.cancels {
			cancel(pick % len(handles))
		}
		if a.stop {
			e.Stop()
		}
	}
	for _, s := range p.initial {
		schedule(s.delay, s.kind)
	}
	if len(handles) > 0 {
		for _, pick := range p.precancel {
			cancel(pick % len(handles))
			checkQueue(t, e)
		}
	}
	for e.Len() > 0 {
		switch mode {
		case runIdle:
			e.RunUntilIdle()
		case runSteps:
			if !e.Step() {
				t.Fatalf("Step fired nothing with %d events pending", e.Len())
			}
		case runUntil:
			limit = e.Now().Add(chunk)
			e.RunUntil(limit)
			if !e.Stopped() {
				if e.Now() != limit {
					t.Fatalf("RunUntil(%v) left the clock at %v", limit, e.Now())
				}
				if next := e.NextAt(); next <= limit {
					t.Fatalf("RunUntil(%v) left an event due at %v", limit, next)
				}
			}
			limit = Never
		case runWhile:
			// The condition allows a few events per call, so the driver
			// sees RunWhile return both on its condition and on Stop.
			budget := int(chunk / time.Millisecond)
			e.RunWhile(func() bool { budget--; return budget >= 0 })
			if budget < -1 {
				t.Fatalf("RunWhile went on after its condition failed")
			}
		}
		if e.Stopped() {
			log = append(log, entry{Op: "stop"})
		}
		checkQueue(t, e)
	}
	if e.NextAt() != Never {
		t.Fatalf("NextAt() = %v on an idle engine", e.NextAt())
	}
	return log, e
}

// fataler is what both *testing.T and *rapid.T offer.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkQueue verifies the queue's internal invariants: the heap is a heap,
// the head, if any, is less than all of it, and stale counts exactly the
// cancelled entries.
func checkQueue(t fataler, e *Engine) {
	t.Helper()
	q := e.queue
	stale := 0
	for i := range q {
		if i > 0 && q[i].less(&q[(i-1)/2]) {
			t.Fatalf("queue is not a heap at %d", i)
		}
		if sl := &e.slots[q[i].slot]; sl.gen != q[i].gen || sl.fn == nil {
			stale++
		}
	}
	if e.hasHead {
		if len(q) > 0 && !e.head.less(&q[0]) {
			t.Fatalf("the head (%d, %x) is not less than the heap's top (%d, %x)", e.head.at, e.head.key, q[0].at, q[0].key)
		}
		if sl := &e.slots[e.head.slot]; sl.gen != e.head.gen || sl.fn == nil {
			stale++
		}
	}
	inLanes := 0
	for i, l := range e.lanes {
		lq := l.q[l.first:]
		inLanes += len(lq)
		for j := range lq {
			if j > 0 && !lq[j-1].less(&lq[j].item) {
				t.Fatalf("lane %d is out of order at %d", i, j)
			}
			if uint64(l.phase) != lq[j].key>>seqBits {
				t.Fatalf("lane %d holds an entry of phase %d, not %d", i, lq[j].key>>seqBits, l.phase)
			}
			if e.hasHead && !e.head.less(&lq[j].item) {
				t.Fatalf("the head is not less than lane %d's entry %d", i, j)
			}
			if !e.live(&lq[j].item, lq[j].t) {
				stale++
			}
		}
	}
	if f := e.firstLane - 1; f >= 0 {
		for i, l := range e.lanes {
			if le := l.peek(); le != nil && le.less(&e.lanes[f].peek().item) {
				t.Fatalf("firstLane is lane %d, but lane %d's first entry is less", f, i)
			}
		}
	} else if inLanes > 0 {
		t.Fatalf("firstLane is none, but the lanes hold %d entries", inLanes)
	}
	if inLanes != e.laneEntries {
		t.Fatalf("laneEntries = %d, the lanes hold %d", e.laneEntries, inLanes)
	}
	if stale != e.stale {
		t.Fatalf("stale = %d, the queue holds %d cancelled entries", e.stale, stale)
	}
}

func checkAgainstModel(t *rapid.T, p *plan) *Engine {
	want := runModel(p)
	mode := rapid.SampledFrom(runModes).Draw(t, "mode")
	chunk := Duration(rapid.IntRange(1, 40).Draw(t, "chunk")) * time.Millisecond
	got, e := runEngine(t, p, mode, chunk)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: engine log differs from the model (-model +engine):\n%s", mode, diff)
	}
	fired := map[int]bool{}
	for _, x := range got {
		switch {
		case x.Op == "fire" && fired[x.ID]:
			t.Fatalf("event %d fired twice", x.ID)
		case x.Op == "fire":
			fired[x.ID] = true
		case x.Op == "cancel" && x.OK && fired[x.ID]:
			t.Fatalf("event %d cancelled after it fired", x.ID)
		}
	}
	for _, x := range got {
		if x.Op == "cancel" && x.OK && fired[x.ID] {
			t.Fatalf("event %d fired after it was cancelled", x.ID)
		}
	}
	st := e.Stats()
	if want := uint64(len(fired)); st.Fired != want {
		t.Fatalf("Stats.Fired = %d, want %d", st.Fired, want)
	}
	if st.Fired+st.Cancelled != st.Scheduled {
		t.Fatalf("Stats: %d fired + %d cancelled != %d scheduled", st.Fired, st.Cancelled, st.Scheduled)
	}
	return e
}

// TestOrderMatchesModel: for any schedule, with handlers that schedule,
// cancel and stop, the engine fires what a sorted slice would, in the same
// order, and Cancel and Pending agree with it.
func TestOrderMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkAgainstModel(t, drawPlan(t, 0, 30, 150, 3))
	})
}

// TestCompactionKeepsOrder: cancelling most of a large queue, before and
// during the run, triggers compaction; the order must not change.
func TestCompactionKeepsOrder(t *testing.T) {
	compactions := 0
	rapid.Check(t, func(t *rapid.T) {
		// At least 130 events and as many cancels: enough to pass the
		// threshold of 64 cancelled entries and half the queue.
		e := checkAgainstModel(t, drawPlan(t, 130, 300, 600, 8))
		compactions += e.compactions
	})
	if compactions == 0 {
		t.Error("no schedule triggered a compaction; the test proves nothing")
	}
}

// TestSameSeedSameRun: a run is a pure function of the seed and the
// schedule, whichever way it is driven.
func TestSameSeedSameRun(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawPlan(t, 0, 30, 150, 3)
		first, e1 := runEngine(t, p, runIdle, 0)
		for _, mode := range runModes {
			again, e2 := runEngine(t, p, mode, 7*time.Millisecond)
			if diff := cmp.Diff(first, again); diff != "" {
				t.Fatalf("%s run differs from the first (-first +again):\n%s", mode, diff)
			}
			if diff := cmp.Diff(e1.Stats(), e2.Stats()); diff != "" {
				t.Fatalf("%s run: stats differ:\n%s", mode, diff)
			}
		}
	})
}

func TestCompactionShrinksQueue(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	var fired []int
	hs := make([]Handle, 1000)
	for i := range hs {
		hs[i] = e.At(Time(1000-i), k, func() { fired = append(fired, i) })
	}
	var want []int
	for i := range hs {
		if i%10 == 0 {
			want = append(want, i)
			continue
		}
		if !e.Cancel(hs[i]) {
			t.Fatalf("Cancel(%d) = false for a pending event", i)
		}
	}
	if e.entries() >= 500 {
		t.Errorf("after 900 cancels of 1000 the queue holds %d entries; compaction did not run", e.entries())
	}
	checkQueue(t, e)
	if e.Len() != 100 {
		t.Errorf("Len() = %d, want 100", e.Len())
	}
	e.RunUntilIdle()
	slices.Reverse(want) // later i, earlier time
	if diff := cmp.Diff(want, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
}

func TestCancel(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	if e.Cancel(Handle{}) || e.Pending(Handle{}) {
		t.Error("the zero Handle is pending or cancellable")
	}
	var h1, h2 Handle
	fired := ""
	h1 = e.At(1, k, func() {
		fired += "1"
		if e.Cancel(h1) {
			t.Error("an event cancelled itself while firing")
		}
		if !e.Cancel(h2) {
			t.Error("Cancel of a later event at the same instant reported false")
		}
	})
	h2 = e.At(1, k, func() { fired += "2" })
	e.RunUntilIdle()
	if fired != "1" {
		t.Errorf("fired %q, want %q", fired, "1")
	}
	// The slot of a fired event is reused; its old handle must stay dead.
	h3 := e.At(5, k, func() { fired += "3" })
	if e.Pending(h1) || e.Cancel(h1) || e.Cancel(h2) {
		t.Error("a stale handle reached a reused slot")
	}
	if !e.Pending(h3) {
		t.Error("the new event is not pending")
	}
	e.RunUntilIdle()
	if fired != "13" {
		t.Errorf("fired %q, want %q", fired, "13")
	}
}

func TestPastTimeFiresNowAfterThoseDue(t *testing.T) {
	e := New(1)
	a, b := testKinds[0], testKinds[1]
	var got []string
	rec := func(s string) func() { return func() { got = append(got, fmt.Sprintf("%s@%v", s, e.Now())) } }
	e.At(10*Time(time.Second), a, func() {
		rec("first")()
		e.At(3*Time(time.Second), a, rec("past-a"))
		e.At(0, b, rec("past-b"))
	})
	e.At(10*Time(time.Second), a, rec("second"))
	e.At(10*Time(time.Second), b, rec("phase1"))
	e.RunUntilIdle()
	want := []string{"first@10s", "second@10s", "past-a@10s", "phase1@10s", "past-b@10s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRunUntil(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	var got []Time
	for _, s := range []int{1, 2, 2, 5, 9} {
		e.At(Time(s)*Time(time.Second), k, func() { got = append(got, e.Now()) })
	}
	e.RunUntil(5 * Time(time.Second))
	want := []Time{Time(time.Second), 2 * Time(time.Second), 2 * Time(time.Second), 5 * Time(time.Second)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RunUntil(5s) fired (-want +got):\n%s", diff)
	}
	e.RunUntil(7 * Time(time.Second))
	if e.Now() != 7*Time(time.Second) || len(got) != 4 {
		t.Errorf("RunUntil(7s): clock %v, %d fired; want 7s, 4", e.Now(), len(got))
	}
	// The clock never goes back.
	e.RunUntil(3 * Time(time.Second))
	if e.Now() != 7*Time(time.Second) {
		t.Errorf("RunUntil(3s) at 7s moved the clock to %v", e.Now())
	}
	e.RunFor(2 * time.Second)
	if e.Now() != 9*Time(time.Second) || len(got) != 5 {
		t.Errorf("RunFor(2s): clock %v, %d fired; want 9s, 5", e.Now(), len(got))
	}
}

func TestStopFromHandler(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	n := 0
	for i := 1; i <= 5; i++ {
		e.At(Time(i), k, func() {
			n++
			if i == 2 {
				e.Stop()
			}
		})
	}
	e.RunUntil(100)
	if n != 2 || !e.Stopped() || e.Now() != 2 {
		t.Fatalf("after Stop at the 2nd event: %d fired, Stopped %v, clock %v; want 2, true, 2", n, e.Stopped(), e.Now())
	}
	e.RunUntil(100)
	if n != 5 || e.Stopped() || e.Now() != 100 {
		t.Fatalf("resumed: %d fired, Stopped %v, clock %v; want 5, false, 100", n, e.Stopped(), e.Now())
	}
}

// TestStepAfterStop: Step starts a run of its own, so a Stop left over from
// an earlier run must not make it refuse to advance.
func TestStepAfterStop(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	e.At(1, k, func() { e.Stop() })
	e.At(2, k, func() {})
	var advances []Time
	e.OnAdvance(func(next Time) { advances = append(advances, next) })
	e.RunUntilIdle()
	if !e.Stopped() || e.Len() != 1 {
		t.Fatalf("Stopped %v, Len %d; want true, 1", e.Stopped(), e.Len())
	}
	if !e.Step() {
		t.Fatal("Step after a stopped run fired nothing")
	}
	if e.Stopped() || e.Now() != 2 {
		t.Errorf("Stopped %v, clock %v; want false, 2", e.Stopped(), e.Now())
	}
	if diff := cmp.Diff([]Time{1, 2}, advances); diff != "" {
		t.Errorf("advances (-want +got):\n%s", diff)
	}
}

// TestOnAdvance: the hook sees every distinct advance once, before the
// clock moves; a Stop in it leaves the clock and the queue as they were,
// and the next run asks again.
func TestOnAdvance(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := New(1)
		k := testKinds[0]
		times := rapid.SliceOfN(rapid.IntRange(0, 20), 1, 30).Draw(t, "times")
		end := Time(rapid.IntRange(0, 25).Draw(t, "end"))
		stopAt := rapid.IntRange(0, 30).Draw(t, "stopAt")
		var fired []Time
		for _, at := range times {
			e.At(Time(at), k, func() { fired = append(fired, e.Now()) })
		}
		var calls []Time
		stopped := false
		e.OnAdvance(func(next Time) {
			if next <= e.Now() {
				t.Fatalf("OnAdvance(%v) with the clock at %v", next, e.Now())
			}
			calls = append(calls, next)
			if len(calls)-1 == stopAt && !stopped {
				stopped = true
				e.Stop()
			}
		})
		e.RunUntil(end)
		if stopped {
			if !e.Stopped() {
				t.Fatal("Stop in OnAdvance did not stop the run")
			}
			before := len(fired)
			if e.Now() == calls[len(calls)-1] {
				t.Fatalf("the clock moved to %v although OnAdvance stopped", e.Now())
			}
			if before > 0 && e.Now() != fired[before-1] {
				t.Fatalf("clock %v, last event fired at %v", e.Now(), fired[before-1])
			}
			e.RunUntil(end)
		}
		// Expected: each distinct event time up to end, then end itself.
		var want []Time
		last := Time(0)
		for _, at := range slices.Sorted(slices.Values(times)) {
			if Time(at) > last && Time(at) <= end {
				want = append(want, Time(at))
				last = Time(at)
			}
		}
		if end > last {
			want = append(want, end)
		}
		if stopped {
			// The vetoed advance is asked for a second time.
			want = slices.Insert(want, stopAt, want[stopAt])
		}
		if diff := cmp.Diff(want, calls); diff != "" {
			t.Fatalf("OnAdvance calls (-want +got):\n%s", diff)
		}
		if e.Now() != end {
			t.Fatalf("clock %v, want %v", e.Now(), end)
		}
	})
}

// TestOnAdvanceMaySchedule: a hook that schedules or cancels (a progress
// report, an interruption that injects an event) must not confuse the run:
// what it schedules before the advance fires before it, and what it cancels
// does not fire.
func TestOnAdvanceMaySchedule(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	var got []string
	rec := func(s string) func() { return func() { got = append(got, fmt.Sprintf("%s@%v", s, e.Now())) } }
	e.At(10, k, rec("a"))
	h := e.At(20, k, rec("cancelled"))
	e.At(30, k, rec("c"))
	calls := 0
	e.OnAdvance(func(next Time) {
		got = append(got, fmt.Sprintf("advance %v", next))
		calls++
		switch calls {
		case 1: // about to go to 10: schedule something sooner
			e.At(e.Now(), k, rec("now"))
			e.At(5, k, rec("b"))
		case 4: // about to go to 20: cancel that very event
			e.Cancel(h)
		case 6: // the final advance of RunUntil: schedule before its end
			e.At(40, k, rec("d"))
		}
	})
	e.RunUntil(50)
	want := []string{
		"advance 10ns", "now@0s", "advance 5ns", "b@5ns", "advance 10ns", "a@10ns",
		"advance 20ns", "advance 30ns", "c@30ns",
		"advance 50ns", "advance 40ns", "d@40ns", "advance 50ns",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if e.Now() != 50 || e.Len() != 0 {
		t.Errorf("clock %v, %d pending; want 50ns, 0", e.Now(), e.Len())
	}
}

func TestRunWhile(t *testing.T) {
	e := New(1)
	k := testKinds[0]
	n := 0
	for i := range 10 {
		e.At(Time(i), k, func() { n++ })
	}
	e.RunWhile(func() bool { return n < 4 })
	if n != 4 || e.Now() != 3 {
		t.Errorf("RunWhile(n<4): %d fired, clock %v; want 4, 3ns", n, e.Now())
	}
	e.RunWhile(func() bool { return true })
	if n != 10 || e.Len() != 0 {
		t.Errorf("RunWhile(true): %d fired, %d left; want 10, 0", n, e.Len())
	}
}
