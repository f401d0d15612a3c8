package app

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/probesim/probesim/internal/quantity"
	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/sim"
)

// memory decodes `memory: {start: 100Mi, growth: 10Mi/min}`.
func (d *decoder) memory(n *yaml.Node, p ynode.Path) *memorySpec {
	entries, ok := d.Fields(n, p, "start", "growth")
	if !ok {
		return nil
	}
	m := &memorySpec{per: time.Minute}
	good := true
	for _, e := range entries {
		switch e.Key {
		case "start":
			q, ok := d.quantity(e.Value, e.Path)
			good = good && ok
			m.start = q.Value()
		case "growth":
			ok := d.growth(e.Value, e.Path, m)
			good = good && ok
		}
	}
	if !good {
		return nil
	}
	return m
}

// growth decodes a rate like "10Mi/min", "1Mi/s", "5Mi/30s".
func (d *decoder) growth(n *yaml.Node, p ynode.Path, m *memorySpec) bool {
	const want = `expected a rate QUANTITY/TIME like "10Mi/min", "1Mi/s" or "5Mi/30s"`
	s, ok := d.String(n, p)
	if !ok {
		return false
	}
	qs, per, found := strings.Cut(s, "/")
	q, err := quantity.Parse(strings.TrimSpace(qs))
	if !found || err != nil || q.Sign() < 0 {
		d.Errorf(n, p, "%s, got %q", want, s)
		return false
	}
	var dur sim.Duration
	switch per = strings.TrimSpace(per); per {
	case "s", "sec":
		dur = time.Second
	case "m", "min":
		dur = time.Minute
	case "h":
		dur = time.Hour
	default:
		dur, err = ynode.ParseDuration(per)
		if err != nil || dur <= 0 {
			d.Errorf(n, p, "%s, got %q", want, s)
			return false
		}
	}
	m.growth, m.per = q.Value(), dur
	return true
}

// quantity decodes a Kubernetes quantity ("128Mi", "100m", 1, 0.5).
func (d *decoder) quantity(n *yaml.Node, p ynode.Path) (resource.Quantity, bool) {
	n = ynode.Resolve(n)
	if !ynode.IsScalar(n, "!!str") && !ynode.IsScalar(n, "!!int") && !ynode.IsScalar(n, "!!float") {
		d.Errorf(n, p, `expected a quantity like "128Mi" or "100m", got %s`, ynode.Describe(n))
		return resource.Quantity{}, false
	}
	q, err := quantity.Parse(n.Value)
	if err != nil || q.Sign() < 0 {
		d.Errorf(n, p, `expected a non-negative quantity like "128Mi" or "100m", got %q`, n.Value)
		return resource.Quantity{}, false
	}
	return q, true
}

// resources decodes `resources: {cpu: 100m, memory: 128Mi}`.
func (d *decoder) resources(n *yaml.Node, p ynode.Path) Resources {
	entries, _ := d.Fields(n, p, "cpu", "memory")
	var r Resources
	for _, e := range entries {
		q, ok := d.quantity(e.Value, e.Path)
		if !ok {
			continue
		}
		if e.Key == "cpu" {
			r.CPU = &q
		} else {
			r.Memory = &q
		}
	}
	return r
}

// reaction decodes `ignore` or `{exit: N, after: d}` for sig.
func (d *decoder) reaction(n *yaml.Node, p ynode.Path, sig Signal) (reaction, bool) {
	n = ynode.Resolve(n)
	if ynode.IsScalar(n, "!!str") {
		switch n.Value {
		case "ignore":
			return reaction{ignore: true}, true
		case "default":
			return defaultReaction(sig), true
		}
	}
	if n == nil || n.Kind != yaml.MappingNode {
		d.Errorf(n, p, "expected ignore, default or {exit: CODE, after: DURATION}, got %s", ynode.Describe(n))
		return reaction{}, false
	}
	entries, ok := d.Fields(n, p, "exit", "after")
	if !ok {
		return reaction{}, false
	}
	re := reaction{code: 128 + int(sig)}
	good := true
	for _, e := range entries {
		var ok bool
		if e.Key == "exit" {
			re.code, ok = d.IntRange(e.Value, e.Path, 0, 255)
		} else {
			re.after, ok = d.dist(e.Value, e.Path)
		}
		good = good && ok
	}
	return re, good
}

// signals decodes `signals: {NAME: reaction}`; termElsewhere reports that
// onSIGTERM is given beside it.
func (d *decoder) signals(n *yaml.Node, p ynode.Path, termElsewhere bool) map[Signal]reaction {
	entries, _ := d.Mapping(n, p)
	out := map[Signal]reaction{}
	for _, e := range entries {
		sig, err := ParseSignal(e.Key)
		switch {
		case err != nil:
			d.Errorf(e.KeyNode, e.Path, "expected a signal name like TERM, INT, HUP or TSTP: %v", err)
			continue
		case !sig.catchable():
			d.Errorf(e.KeyNode, e.Path, "SIG%s cannot be caught or ignored: its effect is fixed", sig)
			continue
		case sig == SIGTERM && termElsewhere:
			d.Errorf(e.KeyNode, e.Path, "TERM is also given by onSIGTERM: keep one")
			continue
		}
		if _, dup := out[sig]; dup {
			d.Errorf(e.KeyNode, e.Path, "SIG%s is given twice", sig)
			continue
		}
		if re, ok := d.reaction(e.Value, e.Path, sig); ok {
			out[sig] = re
		}
	}
	return out
}

// instances decodes `instances: {"1-3": {...}, "4-": {...}}`.
func (d *decoder) instances(n *yaml.Node, p ynode.Path) []instanceRange {
	entries, _ := d.Mapping(n, p)
	var out []instanceRange
	for _, e := range entries {
		lo, hi, ok := parseRange(e.Key)
		if !ok {
			d.Errorf(e.KeyNode, e.Path, `expected an instance range "N", "N-M" or "N-" (1 = the first start), got %q`, e.Key)
			continue
		}
		b := d.behavior(e.Value, e.Path, modeOverride)
		if b == nil {
			continue
		}
		clash := slices.IndexFunc(out, func(r instanceRange) bool {
			return lo <= upper(r.hi) && r.lo <= upper(hi)
		})
		if clash >= 0 {
			d.Errorf(e.KeyNode, e.Path, "instances %q overlap another range", e.Key)
			continue
		}
		out = append(out, instanceRange{lo, hi, b})
	}
	return out
}

// parseRange parses "N", "N-M" or "N-"; hi is 0 for no end.
func parseRange(s string) (lo, hi int, ok bool) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "-")
	lo, err := strconv.Atoi(a)
	if err != nil || lo < 1 {
		return 0, 0, false
	}
	if !isRange {
		return lo, lo, true
	}
	if b == "" {
		return lo, 0, true
	}
	hi, err = strconv.Atoi(b)
	if err != nil || hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

// upper is the last instance of a range whose hi is 0 for no end.
func upper(hi int) int {
	if hi == 0 {
		return int(^uint(0) >> 1)
	}
	return hi
}
