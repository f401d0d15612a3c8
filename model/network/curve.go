package network

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/probesim/probesim/sim"
)

// Curve is a request rate that varies with time: a periodic, piecewise
// linear function. Between two points the rate changes linearly; after the
// last point it runs linearly to the first point of the next period. Two
// points at the same time make a step (an on/off pattern is four points).
//
// A generator with a curve sends its requests where the curve's integral,
// the expected number of requests since Origin, crosses k + 1/2 (constant
// arrivals), or at the integral's inverse of a unit-rate Poisson process
// (Poisson arrivals, the time-change construction). So the count of
// constant arrivals over any interval is the curve's integral over it,
// rounded, and never drifts.
type Curve struct {
	// Period after which the curve repeats (24h for a daily curve).
	Period sim.Duration
	// Origin is the simulated time at which the curve's time is 0.
	Origin sim.Time
	// Points, sorted by At, with At from 0 to Period.
	Points []CurvePoint

	segs  []curveSeg
	total float64 // requests over one period
}

// CurvePoint is the rate at one time of the curve's period.
type CurvePoint struct {
	At        sim.Duration
	PerSecond float64
}

// curveSeg is one linear piece: from start, length long, rate r0 to r1,
// with cum requests before it in the period.
type curveSeg struct {
	start, length sim.Duration
	r0, r1        float64
	cum           float64
}

// requests over the first x seconds of the segment.
func (s *curveSeg) area(x float64) float64 {
	l := s.length.Seconds()
	return s.r0*x + (s.r1-s.r0)*x*x/(2*l)
}

// inverse returns the seconds into the segment at which its area reaches
// a (0 <= a <= its whole area).
func (s *curveSeg) inverse(a float64) float64 {
	l := s.length.Seconds()
	k := (s.r1 - s.r0) / (2 * l)
	// Solve k·x² + r0·x = a in the form that loses no precision when k is
	// small or negative.
	disc := s.r0*s.r0 + 4*k*a
	if disc < 0 {
		disc = 0
	}
	den := s.r0 + math.Sqrt(disc)
	if den <= 0 {
		return 0
	}
	return min(max(2*a/den, 0), l)
}

// Validate reports what makes the curve unusable: points out of order or
// out of the period, a negative or infinite rate, or no request at all
// (every rate 0, or the only positive ones at an instant).
func (c *Curve) Validate() error {
	cp := *c
	cp.segs = nil
	return cp.compile()
}

// compile checks the curve and computes its segments.
func (c *Curve) compile() error {
	if c.Period <= 0 {
		return errors.New("a rate curve needs a positive period")
	}
	if len(c.Points) == 0 {
		return errors.New("a rate curve needs at least one point")
	}
	prev := sim.Duration(-1)
	for _, p := range c.Points {
		if p.At < prev || p.At < 0 || p.At > c.Period {
			return fmt.Errorf("rate curve points must be in time order within the period %s", time.Duration(c.Period))
		}
		if !(p.PerSecond >= 0) || math.IsInf(p.PerSecond, 0) {
			return fmt.Errorf("rate curve point at %s: rate must be a finite number >= 0", time.Duration(p.At))
		}
		prev = p.At
	}
	c.segs = c.segs[:0]
	cum := 0.0
	add := func(from, to CurvePoint) {
		if to.At <= from.At {
			return
		}
		s := curveSeg{start: from.At, length: to.At - from.At, r0: from.PerSecond, r1: to.PerSecond, cum: cum}
		cum += s.area(s.length.Seconds())
		c.segs = append(c.segs, s)
	}
	pts := c.Points
	if pts[0].At > 0 {
		// Before the first point: the wrap from the last point of the
		// previous period.
		last := pts[len(pts)-1]
		span := (c.Period - last.At) + pts[0].At
		r := pts[0].PerSecond + (last.PerSecond-pts[0].PerSecond)*float64(pts[0].At)/float64(span)
		add(CurvePoint{0, r}, pts[0])
	}
	for i := 1; i < len(pts); i++ {
		add(pts[i-1], pts[i])
	}
	if last := pts[len(pts)-1]; last.At < c.Period {
		r := pts[0].PerSecond
		if pts[0].At > 0 {
			span := (c.Period - last.At) + pts[0].At
			r = last.PerSecond + (pts[0].PerSecond-last.PerSecond)*float64(c.Period-last.At)/float64(span)
		}
		add(last, CurvePoint{c.Period, r})
	}
	c.total = cum
	if !(c.total > 0) || math.IsInf(c.total, 0) {
		return errors.New("the rate curve sends no requests: its rate is 0 at every moment")
	}
	return nil
}

// Integral returns the expected number of requests from Origin to time t.
func (c *Curve) Integral(t sim.Time) float64 {
	tau := sim.Duration(t - c.Origin)
	if tau <= 0 {
		return 0
	}
	n, off := tau/c.Period, tau%c.Period
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].start+c.segs[i].length > off })
	v := float64(n) * c.total
	if i == len(c.segs) {
		return v + c.total
	}
	s := &c.segs[i]
	return v + s.cum + s.area((off - s.start).Seconds())
}

// inverse returns the first time at which Integral reaches a.
func (c *Curve) inverse(a float64) sim.Time {
	if a <= 0 {
		return c.Origin
	}
	n := math.Floor(a / c.total)
	rem := a - n*c.total
	if rem <= 0 && n > 0 {
		// Exactly the end of a period: the last moment of the previous one
		// that reaches it.
		n--
		rem = c.total
	}
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].cum+c.segs[i].area(c.segs[i].length.Seconds()) >= rem })
	if i == len(c.segs) {
		i = len(c.segs) - 1
	}
	s := &c.segs[i]
	x := s.inverse(rem - s.cum)
	at := float64(n)*float64(c.Period) + float64(s.start) + x*float64(time.Second)
	if at > float64(sim.Never-c.Origin) || at != at {
		return sim.Never
	}
	return c.Origin.Add(sim.Duration(math.Round(at)))
}

// Daily returns a day-long curve that follows a cosine from trough to peak:
// the peak at peakAt (a time of day), the trough twelve hours away,
// sampled every 15 minutes and interpolated linearly (within 0.2 % of the
// cosine). Simulated time 0 is midnight.
func Daily(peak, trough float64, peakAt sim.Duration) *Curve {
	const step = 15 * time.Minute
	c := &Curve{Period: 24 * time.Hour}
	for at := sim.Duration(0); at <= 24*time.Hour; at += step {
		phase := 2 * math.Pi * float64(at-peakAt) / float64(24*time.Hour)
		c.Points = append(c.Points, CurvePoint{At: at, PerSecond: trough + (peak-trough)*(1+math.Cos(phase))/2})
	}
	return c
}

// OnOff returns a curve that sends perSecond for on, then nothing for off,
// starting at origin.
func OnOff(perSecond float64, on, off sim.Duration, origin sim.Time) *Curve {
	return &Curve{Period: on + off, Origin: origin, Points: []CurvePoint{
		{0, perSecond}, {on, perSecond}, {on, 0}, {on + off, 0},
	}}
}
