package network

import (
	"math"
	"testing"
	"time"

	"github.com/probesim/probesim/sim"
)

// FuzzCurve builds a curve from arbitrary points. It is either refused or
// well behaved: the integral never decreases, and the time its inverse
// gives for a count is one at which the integral has reached that count
// (within float rounding) and no later than needed.
func FuzzCurve(f *testing.F) {
	f.Fuzz(func(t *testing.T, period int64, at1, at2 int64, r0, r1, r2 float64, probe int64) {
		c := &Curve{Period: sim.Duration(period), Points: []CurvePoint{{0, r0}, {sim.Duration(at1), r1}, {sim.Duration(at2), r2}}}
		if c.compile() != nil {
			return
		}
		if c.total > 1e12 || c.Period > 1000*24*time.Hour {
			return // rates beyond any scenario's: float precision is not the point here
		}
		at := sim.Time(probe % int64(10*c.Period+1))
		if at < 0 {
			at = -at
		}
		a, b := c.Integral(at), c.Integral(at+sim.Time(time.Millisecond))
		if b < a-1e-6*max(1, a) {
			t.Fatalf("the integral decreases: %v at %v, %v a millisecond later", a, at, b)
		}
		back := c.inverse(a)
		if back > at+sim.Time(time.Millisecond) && c.Integral(back-sim.Time(time.Millisecond)) >= a+1e-6*max(1, a) {
			t.Fatalf("inverse(%v) = %v, later than %v", a, back, at)
		}
		if got := c.Integral(back); math.Abs(got-a) > 1e-6*max(1, a)+c.total*1e-9 && got < a {
			t.Fatalf("inverse(%v) = %v, where the integral is only %v", a, back, got)
		}
	})
}
