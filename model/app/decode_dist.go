package app

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/sim"
)

const distExpected = `expected a duration like "1.5s" or a distribution: {uniform: [MIN, MAX]}, {normal: {mean, stddev}}, {lognormal: {p50, p99}}, {exponential: {mean}} or {percentiles: {p0, p50, ...}}`

// dist decodes a duration or a distribution of durations.
func (d *decoder) dist(n *yaml.Node, p ynode.Path) (Dist, bool) {
	n = ynode.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		if n != nil && n.Kind == yaml.ScalarNode {
			v, ok := d.Duration(n, p)
			return Fixed(v), ok
		}
		d.Errorf(n, p, "%s; got %s", distExpected, ynode.Describe(n))
		return Dist{}, false
	}
	entries, ok := d.Fields(n, p, "uniform", "normal", "lognormal", "exponential", "percentiles")
	if !ok {
		return Dist{}, false
	}
	if len(entries) != 1 {
		if len(entries) > 1 || len(n.Content) == 0 {
			d.Errorf(n, p, "%s; a distribution has exactly one of these keys", distExpected)
		}
		return Dist{}, false
	}
	e := entries[0]
	switch e.Key {
	case "uniform":
		return d.uniform(e.Value, e.Path)
	case "normal":
		return d.normal(e.Value, e.Path)
	case "lognormal":
		return d.lognormal(e.Value, e.Path)
	case "exponential":
		return d.exponential(e.Value, e.Path)
	default:
		return d.percentiles(e.Value, e.Path)
	}
}

func (d *decoder) uniform(n *yaml.Node, p ynode.Path) (Dist, bool) {
	items, ok := d.Sequence(n, p)
	if !ok {
		return Dist{}, false
	}
	if len(items) != 2 {
		d.Errorf(n, p, "expected [MIN, MAX], got a list of %d", len(items))
		return Dist{}, false
	}
	lo, ok1 := d.Duration(items[0], p.Index(0))
	hi, ok2 := d.Duration(items[1], p.Index(1))
	if !ok1 || !ok2 {
		return Dist{}, false
	}
	if hi < lo {
		d.Errorf(n, p, "expected MIN <= MAX, got [%s, %s]", lo, hi)
		return Dist{}, false
	}
	if lo == hi {
		return Fixed(lo), true
	}
	return Dist{kind: distUniform, a: float64(lo), b: float64(hi)}, true
}

// params decodes a mapping of required duration parameters.
func (d *decoder) params(n *yaml.Node, p ynode.Path, names ...string) ([]sim.Duration, bool) {
	entries, ok := d.Fields(n, p, names...)
	if !ok {
		return nil, false
	}
	vals := make([]sim.Duration, len(names))
	got := make([]bool, len(names))
	all := true
	for _, e := range entries {
		i := slices.Index(names, e.Key)
		vals[i], got[i] = d.Duration(e.Value, e.Path)
		if !got[i] {
			all = false
		}
	}
	for i, name := range names {
		if !got[i] && !hasKey(n, name) {
			d.Errorf(n, p, "expected %s: DURATION", name)
			all = false
		}
	}
	return vals, all
}

func (d *decoder) normal(n *yaml.Node, p ynode.Path) (Dist, bool) {
	v, ok := d.params(n, p, "mean", "stddev")
	if !ok {
		return Dist{}, false
	}
	if v[1] == 0 {
		return Fixed(v[0]), true
	}
	return Dist{kind: distNormal, a: float64(v[0]), b: float64(v[1])}, true
}

func (d *decoder) lognormal(n *yaml.Node, p ynode.Path) (Dist, bool) {
	v, ok := d.params(n, p, "p50", "p99")
	if !ok {
		return Dist{}, false
	}
	switch {
	case v[0] <= 0:
		d.Errorf(n, p, "expected p50 > 0 (a lognormal distribution has no zero), got %s", v[0])
		return Dist{}, false
	case v[1] < v[0]:
		d.Errorf(n, p, "expected p99 >= p50, got p50 %s and p99 %s", v[0], v[1])
		return Dist{}, false
	}
	return Lognormal(v[0], v[1]), true
}

func (d *decoder) exponential(n *yaml.Node, p ynode.Path) (Dist, bool) {
	v, ok := d.params(n, p, "mean")
	if !ok {
		return Dist{}, false
	}
	if v[0] == 0 {
		return Fixed(0), true
	}
	return Dist{kind: distExponential, a: float64(v[0])}, true
}

// percentiles decodes {pN: duration, ...}: N from 0 to 100 (decimals
// allowed, as in p99.9), values not decreasing with N. A missing p0 or p100
// takes the value of the nearest given percentile.
func (d *decoder) percentiles(n *yaml.Node, p ynode.Path) (Dist, bool) {
	entries, ok := d.Mapping(n, p)
	if !ok {
		return Dist{}, false
	}
	var pts []pctPoint
	good := true
	for _, e := range entries {
		pc, err := strconv.ParseFloat(strings.TrimPrefix(e.Key, "p"), 64)
		if !strings.HasPrefix(e.Key, "p") || err != nil || pc < 0 || pc > 100 || pc != pc {
			d.Errorf(e.KeyNode, e.Path, "expected a percentile key p0 to p100 (p50, p99.9), got %q", e.Key)
			good = false
			continue
		}
		v, ok := d.Duration(e.Value, e.Path)
		if !ok {
			good = false
			continue
		}
		pts = append(pts, pctPoint{pc, float64(v)})
	}
	if !good {
		return Dist{}, false
	}
	if len(pts) == 0 {
		d.Errorf(n, p, "expected at least one percentile, like p50: 40s")
		return Dist{}, false
	}
	slices.SortStableFunc(pts, func(a, b pctPoint) int {
		switch {
		case a.p < b.p:
			return -1
		case a.p > b.p:
			return 1
		}
		return 0
	})
	for i := 1; i < len(pts); i++ {
		if pts[i].p == pts[i-1].p {
			d.Errorf(n, p, "percentile %v is given twice", pts[i].p)
			return Dist{}, false
		}
		if pts[i].v < pts[i-1].v {
			d.Errorf(n, p, "expected values that do not decrease as the percentile grows, got p%v %s above p%v %s",
				pts[i-1].p, sim.Duration(pts[i-1].v), pts[i].p, sim.Duration(pts[i].v))
			return Dist{}, false
		}
	}
	if pts[0].p > 0 {
		pts = slices.Insert(pts, 0, pctPoint{0, pts[0].v})
	}
	if last := pts[len(pts)-1]; last.p < 100 {
		pts = append(pts, pctPoint{100, last.v})
	}
	if pts[0].v == pts[len(pts)-1].v {
		return Fixed(sim.Duration(pts[0].v)), true
	}
	return Dist{kind: distPercentiles, pts: pts}, true
}
