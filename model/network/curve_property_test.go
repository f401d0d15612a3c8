package network

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TestCurveCountsProperty checks, for random piecewise-linear curves and
// random windows, that a constant-arrival generator has sent, by every
// second's end, exactly the number of k + 1/2 crossings of the curve's
// integral: the count never drifts from the integral, whatever the shape.
func TestCurveCountsProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		period := sim.Duration(rapid.IntRange(2, 120).Draw(rt, "period")) * time.Second
		n := rapid.IntRange(1, 6).Draw(rt, "points")
		var pts []CurvePoint
		at := sim.Duration(0)
		for i := range n {
			if i > 0 {
				at += sim.Duration(rapid.Int64Range(0, int64(period-at)).Draw(rt, "gap"))
			}
			pts = append(pts, CurvePoint{At: at, PerSecond: float64(rapid.IntRange(0, 50).Draw(rt, "rate"))})
		}
		pts[rapid.IntRange(0, n-1).Draw(rt, "positive")].PerSecond += 1
		from := sim.Time(rapid.IntRange(0, 30).Draw(rt, "from")) * sim.Time(time.Second)
		origin := sim.Time(rapid.IntRange(0, 10).Draw(rt, "origin")) * sim.Time(time.Second)
		c := &Curve{Period: period, Origin: origin, Points: pts}
		f := newFakeNet("1.36", 1, Options{})
		if err := f.net.AddTraffic(Traffic{Target: "service/web", Curve: c, From: from}); err != nil {
			if c.Validate() == nil {
				rt.Fatalf("AddTraffic refused a valid curve: %v", err)
			}
			rt.Skip("a positive rate only at an instant: no requests")
		}
		end := from + sim.Time(3*period)
		f.e.RunUntil(end)
		ref := *c
		if err := ref.compile(); err != nil {
			rt.Fatal(err)
		}
		// crossings counts k + 1/2 in [I(from), I(t)).
		crossings := func(t sim.Time) int {
			return int(math.Ceil(ref.Integral(t)-0.5)) - int(math.Ceil(ref.Integral(from)-0.5))
		}
		sent := 0
		for _, r := range f.log.Records() {
			q, ok := r.(*record.Requests)
			if !ok {
				continue
			}
			sent += q.Sent
			t := sim.Time(q.T)
			want := crossings(t)
			// Float rounding may move a request that falls close to a
			// second's boundary across it: by nanoseconds where the rate
			// is high, by up to about a microsecond where it is near zero
			// (inverting a flat integral magnifies its rounding).
			if d := sent - want; d < -1 || d > 1 || (d != 0 && !nearBoundary(&ref, t)) {
				rt.Fatalf("by %v: sent %d, the integral has %d crossings", t, sent, want)
			}
		}
	})
}

// nearBoundary reports whether a crossing of the integral lies within a
// millisecond of t. A microsecond is too narrow where the rate is zero: the
// integral then moves by less than its own rounding across the window
// (seen: a crossing at the end of a period whose rate falls to 0 there).
func nearBoundary(c *Curve, t sim.Time) bool {
	a, b := c.Integral(t-sim.Time(time.Millisecond)), c.Integral(t+sim.Time(time.Millisecond))
	return math.Ceil(a-0.5) != math.Ceil(b-0.5)
}

// BenchmarkCurveTraffic measures the per-request cost of a generator on a
// daily curve: the integral's inverse per request, on top of the data
// plane and counting. One op is one request.
func BenchmarkCurveTraffic(b *testing.B) {
	f := newFakeNet("1.36", 1, Options{})
	for i := range 3 {
		f.setPod(i, true)
	}
	f.e.RunUntil(sim.Time(10 * time.Second))
	from := f.e.Now()
	c := Daily(1000, 1000, 0) // flat at 1000/s: b.N requests take b.N ms
	if err := f.net.AddTraffic(Traffic{Target: "service/web", Curve: c, From: from, Until: from.Add(sim.Duration(b.N) * time.Millisecond), Timeout: time.Second}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	f.e.RunUntil(from.Add(sim.Duration(b.N)*time.Millisecond + 2*time.Second))
	b.StopTimer()
	if s, _ := f.net.Summary("", "service/web"); s.Sent < b.N-1 || s.Sent > b.N+1 {
		b.Fatalf("sent %d, want %d", s.Sent, b.N)
	}
}
