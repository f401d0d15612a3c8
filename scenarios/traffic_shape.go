package scenarios

import (
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/network"
	"github.com/probesim/probesim/sim"
)

// checkShape reports the combinations of rate, arrival, burst and pattern
// that do not make one generator.
func (t *Traffic) checkShape(d *ynode.Decoder, n *yaml.Node, p ynode.Path) {
	hasRate, hasBurst, hasPattern := child(n, "rate") != nil, child(n, "burst") != nil, child(n, "pattern") != nil
	switch {
	case t.Arrival == "burst":
		if !hasBurst {
			d.Errorf(n, p, "missing burst: arrival: burst needs burst: {size: N, every: DURATION}")
		}
		if hasRate {
			d.Errorf(child(n, "rate"), p.Key("rate"), "a burst's rate is its size and interval: remove rate")
		}
		if hasPattern {
			d.Errorf(child(n, "pattern"), p.Key("pattern"), "arrival: burst takes no pattern")
		}
	case hasBurst:
		d.Errorf(child(n, "burst"), p.Key("burst"), "burst needs arrival: burst")
	case !hasRate:
		d.Errorf(n, p, "missing rate: expected requests per second, like 20/s")
	case hasPattern && t.Curve != nil:
		d.Errorf(child(n, "pattern"), p.Key("pattern"), "a pattern takes one rate, like 20/s, not a curve")
	}
}

// decodeBurst decodes burst: {size: 50, every: 10s}.
func decodeBurst(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (size int, every time.Duration) {
	entries, ok := d.Fields(n, p, "size", "every")
	if !ok {
		return 0, 0
	}
	for _, e := range entries {
		switch e.Key {
		case "size":
			size, _ = d.IntRange(e.Value, e.Path, 1, 1000000)
		case "every":
			every, _ = positiveDuration(d, e.Value, e.Path)
		}
	}
	if child(n, "size") == nil || child(n, "every") == nil {
		d.Errorf(n, p, "expected burst: {size: N, every: DURATION}, like {size: 50, every: 10s}")
	}
	return size, every
}

// decodePattern decodes pattern: {on: 30s, off: 90s}.
func decodePattern(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (on, off time.Duration) {
	entries, ok := d.Fields(n, p, "on", "off")
	if !ok {
		return 0, 0
	}
	for _, e := range entries {
		switch e.Key {
		case "on":
			on, _ = positiveDuration(d, e.Value, e.Path)
		case "off":
			off, _ = positiveDuration(d, e.Value, e.Path)
		}
	}
	if child(n, "on") == nil || child(n, "off") == nil {
		d.Errorf(n, p, "expected pattern: {on: DURATION, off: DURATION}, like {on: 30s, off: 90s}")
		return 0, 0
	}
	return on, off
}

// ratePoints decodes a daily curve given as points:
// [{at: "09:00", rate: 50/s}, ...], interpolated linearly and repeated
// every 24 hours.
func ratePoints(d *ynode.Decoder, n *yaml.Node, p ynode.Path) *network.Curve {
	items, ok := d.Sequence(n, p)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.Errorf(n, p, "expected at least one point, like [{at: \"09:00\", rate: 50/s}]")
		return nil
	}
	c := &network.Curve{Period: 24 * time.Hour}
	before := len(d.Errors())
	prev := sim.Duration(-1)
	for i, it := range items {
		ip := p.Index(i)
		var pt network.CurvePoint
		entries, ok := d.Fields(it, ip, "at", "rate")
		if !ok {
			continue
		}
		for _, e := range entries {
			switch e.Key {
			case "at":
				if v, ok := timeOfDay(d, e.Value, e.Path); ok {
					pt.At = v
					if v < prev {
						d.Errorf(e.Value, e.Path, "expected the points in time order: %s comes before the previous point's %s", clockOf(v), clockOf(prev))
					}
					prev = v
				}
			case "rate":
				pt.PerSecond = rateOrZero(d, e.Value, e.Path)
			}
		}
		if child(it, "at") == nil || child(it, "rate") == nil {
			d.Errorf(it, ip, "expected a point {at: HH:MM, rate: N/s}")
		}
		c.Points = append(c.Points, pt)
	}
	if len(d.Errors()) > before {
		return nil
	}
	if err := c.Validate(); err != nil {
		d.Errorf(n, p, "%v", err)
		return nil
	}
	return c
}

// dailyCurve decodes rate: {daily: {peak: 100/s, trough: 10/s, peakAt: "14:00"}}.
func dailyCurve(d *ynode.Decoder, n *yaml.Node, p ynode.Path) *network.Curve {
	entries, ok := d.Fields(n, p, "daily")
	if !ok || len(entries) == 0 {
		if ok {
			d.Errorf(n, p, "expected a rate (20/s), a list of points, or {daily: {peak, trough, peakAt}}")
		}
		return nil
	}
	e := entries[0]
	fs, ok := d.Fields(e.Value, e.Path, "peak", "trough", "peakAt")
	if !ok {
		return nil
	}
	before := len(d.Errors())
	peak, trough, peakAt := 0.0, 0.0, sim.Duration(14*time.Hour)
	for _, f := range fs {
		switch f.Key {
		case "peak":
			peak = rate(d, f.Value, f.Path)
		case "trough":
			trough = rateOrZero(d, f.Value, f.Path)
		case "peakAt":
			peakAt, _ = timeOfDay(d, f.Value, f.Path)
		}
	}
	if child(e.Value, "peak") == nil || child(e.Value, "trough") == nil {
		d.Errorf(e.Value, e.Path, "expected {peak: RATE, trough: RATE}, like {peak: 100/s, trough: 10/s, peakAt: \"14:00\"}")
	}
	if len(d.Errors()) == before && trough > peak {
		d.Errorf(child(e.Value, "trough"), e.Path.Key("trough"), "expected a trough no higher than the peak")
	}
	if len(d.Errors()) > before {
		return nil
	}
	return network.Daily(peak, trough, peakAt)
}

// rateOrZero is rate, allowing 0 (a curve may go silent): 0, 0/s, 0/m,
// 0/h.
func rateOrZero(d *ynode.Decoder, n *yaml.Node, p ynode.Path) float64 {
	n = ynode.Resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		num, unit, _ := strings.Cut(n.Value, "/")
		v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		switch strings.TrimSpace(unit) {
		case "", "s", "m", "min", "h":
			if err == nil && v == 0 {
				return 0
			}
		}
	}
	return rate(d, n, p)
}

// timeOfDay decodes "09:00" or "09:00:30" as the time since midnight;
// "24:00" is the end of the day.
func timeOfDay(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (sim.Duration, bool) {
	v, ok := d.String(n, p)
	if !ok {
		return 0, false
	}
	t, err := ParseTimeOfDay(v)
	if err != nil {
		d.Errorf(ynode.Resolve(n), p, "expected a time of day like \"09:00\" or \"17:30:00\", got %q", v)
		return 0, false
	}
	return t, true
}

// ParseTimeOfDay parses HH:MM or HH:MM:SS, from 00:00 to 24:00, into the
// time since midnight.
func ParseTimeOfDay(s string) (sim.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, errBadTimeOfDay
	}
	var v [3]int
	for i, part := range parts {
		if len(part) != 2 || part[0] < '0' || part[0] > '9' || part[1] < '0' || part[1] > '9' {
			return 0, errBadTimeOfDay
		}
		v[i] = int(part[0]-'0')*10 + int(part[1]-'0')
	}
	if v[1] > 59 || v[2] > 59 || v[0] > 24 || (v[0] == 24 && (v[1] > 0 || v[2] > 0)) {
		return 0, errBadTimeOfDay
	}
	return sim.Duration(v[0])*time.Hour + sim.Duration(v[1])*time.Minute + sim.Duration(v[2])*time.Second, nil
}

type timeOfDayError struct{}

func (timeOfDayError) Error() string { return "expected a time of day from 00:00 to 24:00" }

var errBadTimeOfDay error = timeOfDayError{}

func clockOf(d sim.Duration) string {
	return time.Unix(0, 0).UTC().Add(d).Format("15:04:05")
}

// decodeSLO decodes slo: {availability: 99.9%, latency: 300ms}.
func decodeSLO(d *ynode.Decoder, n *yaml.Node, p ynode.Path) *network.SLO {
	entries, ok := d.Fields(n, p, "availability", "latency")
	if !ok {
		return nil
	}
	s := &network.SLO{}
	before := len(d.Errors())
	for _, e := range entries {
		switch e.Key {
		case "availability":
			v, ok := d.String(e.Value, e.Path)
			if !ok {
				continue
			}
			f, err := ParsePercent(v)
			if err != nil || f <= 0 || f >= 1 {
				d.Errorf(e.Value, e.Path, "expected a percentage above 0%% and below 100%%, like 99.9%%, got %q", v)
				continue
			}
			s.Availability = f
		case "latency":
			s.Latency, _ = positiveDuration(d, e.Value, e.Path)
		}
	}
	if child(n, "availability") == nil {
		d.Errorf(n, p, "missing availability: expected a percentage like 99.9%%")
	}
	if len(d.Errors()) > before {
		return nil
	}
	return s
}

// ParsePercent parses "99.9%" as 0.999.
func ParsePercent(s string) (float64, error) {
	num, ok := strings.CutSuffix(strings.TrimSpace(s), "%")
	if !ok {
		return 0, strconv.ErrSyntax
	}
	num = strings.TrimSpace(num)
	if num == "" || strings.ContainsAny(num, "eEpPxX_") {
		return 0, strconv.ErrSyntax
	}
	// Scaled in the parse, so that 99.9% is the float nearest 0.999.
	v, err := strconv.ParseFloat(num+"e-2", 64)
	if err != nil || v != v {
		return 0, strconv.ErrSyntax
	}
	return v, nil
}
