package app

import (
	"math"
	"math/rand/v2"

	"github.com/probesim/probesim/sim"
)

// distKind is the family of a Dist.
type distKind uint8

const (
	distFixed distKind = iota
	distUniform
	distNormal
	distLognormal
	distExponential
	distPercentiles
)

// z99 is the 99th percentile of the standard normal distribution.
const z99 = 2.3263478740408408

// Dist is a duration that is either fixed or drawn from a distribution. The
// zero Dist is the fixed duration 0. Draws are never negative.
type Dist struct {
	kind  distKind
	fixed sim.Duration
	a, b  float64    // nanoseconds: uniform [a, b]; normal mean a, stddev b; lognormal mu a, sigma b (of ln ns); exponential mean a
	pts   []pctPoint // percentiles: by p ascending, from p=0 to p=100
}

// pctPoint is one point of a piecewise-linear inverse CDF.
type pctPoint struct {
	p float64 // percentile, 0 to 100
	v float64 // nanoseconds
}

// Fixed returns the Dist that is always d.
func Fixed(d sim.Duration) Dist { return Dist{fixed: d} }

// Lognormal returns the lognormal distribution with median p50 and 99th
// percentile p99 (0 < p50 <= p99); it is Fixed(p50) when they are equal.
func Lognormal(p50, p99 sim.Duration) Dist {
	if p99 == p50 {
		return Fixed(p50)
	}
	mu := math.Log(float64(p50))
	return Dist{kind: distLognormal, a: mu, b: (math.Log(float64(p99)) - mu) / z99}
}

// IsFixed reports whether d always draws the same value (and draws nothing
// from the random stream).
func (d Dist) IsFixed() bool { return d.kind == distFixed }

// Draw returns one value of d. A fixed Dist does not touch r. A normal
// distribution is truncated at 0 by drawing again (up to 100 times, then 0).
func (d Dist) Draw(r *rand.Rand) sim.Duration {
	switch d.kind {
	case distUniform:
		lo, hi := int64(d.a), int64(d.b)
		return sim.Duration(lo + int64(r.Uint64N(uint64(hi-lo)+1)))
	case distNormal:
		for range 100 {
			if v := d.a + d.b*r.NormFloat64(); v >= 0 {
				return toDuration(v)
			}
		}
		return 0
	case distLognormal:
		return toDuration(math.Exp(d.a + d.b*r.NormFloat64()))
	case distExponential:
		return toDuration(r.ExpFloat64() * d.a)
	case distPercentiles:
		return toDuration(inverseCDF(d.pts, 100*r.Float64()))
	}
	return d.fixed
}

// Bounds returns the smallest and largest values Draw can return; hi is
// math.MaxInt64 for unbounded distributions.
func (d Dist) Bounds() (lo, hi sim.Duration) {
	switch d.kind {
	case distUniform:
		return sim.Duration(d.a), sim.Duration(d.b)
	case distNormal, distLognormal, distExponential:
		return 0, math.MaxInt64
	case distPercentiles:
		return toDuration(d.pts[0].v), toDuration(d.pts[len(d.pts)-1].v)
	}
	return d.fixed, d.fixed
}

// inverseCDF interpolates linearly between the points around percentile u.
func inverseCDF(pts []pctPoint, u float64) float64 {
	for i := 1; i < len(pts); i++ {
		if u <= pts[i].p {
			lo, hi := pts[i-1], pts[i]
			if hi.p == lo.p {
				return hi.v
			}
			return lo.v + (hi.v-lo.v)*(u-lo.p)/(hi.p-lo.p)
		}
	}
	return pts[len(pts)-1].v
}

// toDuration rounds v nanoseconds to a Duration, clamping to [0, MaxInt64].
func toDuration(v float64) sim.Duration {
	switch {
	case v != v || v <= 0:
		return 0
	case v >= math.MaxInt64:
		return math.MaxInt64
	}
	return sim.Duration(math.Round(v))
}
