package scenarios

import (
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/network"
	"github.com/probesim/probesim/sim"
)

// Traffic is one source of requests to a Service or Route.
type Traffic struct {
	Pos Pos
	// Target is service/NAME or route/NAME.
	Target ObjectRef
	// Rate is requests per second, when it is one number.
	Rate float64
	// Curve is a rate that varies over the day (a list of points, or a
	// named daily curve), or nil.
	Curve *network.Curve
	// Arrival is constant (evenly spaced), poisson or burst.
	Arrival string
	// BurstSize requests are sent at once every BurstEvery, for burst
	// arrivals.
	BurstSize  int
	BurstEvery time.Duration
	// On and Off, when On is set, alternate the rate with silence,
	// starting with On at from.
	On, Off time.Duration
	// SLO is the target's objective, or nil.
	SLO *network.SLO
	// From and Until bound the traffic in simulated time; Until 0 means
	// the end of the run.
	From, Until time.Duration
	// Timeout is the client's timeout (default 1s).
	Timeout time.Duration
	// Path is the HTTP path requested (default /).
	Path string
	// Retries is how many times the client retries a request that was
	// refused, reset or timed out (default 0).
	Retries int
}

func decodeTraffic(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (Traffic, bool) {
	t := Traffic{Pos: posOf(n, p), Arrival: "constant", Timeout: time.Second, Path: "/"}
	before := len(d.Errors())
	entries, ok := d.Fields(n, p, "target", "rate", "arrival", "burst", "pattern", "from", "until", "timeout", "path", "retries", "slo")
	if !ok {
		return t, false
	}
	for _, e := range entries {
		switch e.Key {
		case "target":
			if r := objectRef(d, e.Value, e.Path); r != nil {
				if r.Kind != "Service" && r.Kind != "Route" {
					d.Errorf(e.Value, e.Path, "expected service/NAME or route/NAME, got %s", r)
				}
				t.Target = *r
			}
		case "rate":
			switch ynode.Resolve(e.Value).Kind {
			case yaml.SequenceNode:
				t.Curve = ratePoints(d, e.Value, e.Path)
			case yaml.MappingNode:
				t.Curve = dailyCurve(d, e.Value, e.Path)
			default:
				t.Rate = rate(d, e.Value, e.Path)
			}
		case "arrival":
			t.Arrival, _ = d.Enum(e.Value, e.Path, "constant", "poisson", "burst")
		case "burst":
			t.BurstSize, t.BurstEvery = decodeBurst(d, e.Value, e.Path)
		case "pattern":
			t.On, t.Off = decodePattern(d, e.Value, e.Path)
		case "slo":
			t.SLO = decodeSLO(d, e.Value, e.Path)
		case "from":
			t.From, _ = d.Duration(e.Value, e.Path)
		case "until":
			t.Until, _ = positiveDuration(d, e.Value, e.Path)
		case "timeout":
			t.Timeout, _ = positiveDuration(d, e.Value, e.Path)
		case "retries":
			if v, ok := d.IntRange(e.Value, e.Path, 0, 100); ok {
				t.Retries = v
			}
		case "path":
			if v, ok := d.String(e.Value, e.Path); ok {
				if !strings.HasPrefix(v, "/") {
					d.Errorf(e.Value, e.Path, "expected a path starting with /, got %q", v)
				}
				t.Path = v
			}
		}
	}
	if t.Target.Name == "" && child(n, "target") == nil {
		d.Errorf(n, p, "missing target: expected service/NAME or route/NAME")
	}
	t.checkShape(d, n, p)
	if t.Until != 0 && t.Until <= t.From {
		d.Errorf(child(n, "until"), p.Key("until"), "expected a time after from (%s), got %s", t.From, t.Until)
	}
	return t, len(d.Errors()) == before
}

// rate decodes "20/s", "1200/m", "0.5/s" or a bare number (per second).
func rate(d *ynode.Decoder, n *yaml.Node, p ynode.Path) float64 {
	if ynode.IsScalar(n, "!!int") || ynode.IsScalar(n, "!!float") {
		v, ok := d.Float(n, p)
		if ok && v > 0 {
			return v
		}
	} else if ynode.IsScalar(n, "!!str") {
		num, unit, _ := strings.Cut(n.Value, "/")
		v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		per := map[string]float64{"": 1, "s": 1, "m": 60, "min": 60, "h": 3600}[strings.TrimSpace(unit)]
		if err == nil && v > 0 && per > 0 && v < 1e9 {
			return v / per
		}
	}
	d.Errorf(n, p, "expected a positive rate like 20/s, 300/m or 2/h, got %s", ynode.Describe(n))
	return 0
}

// network converts a traffic entry into the network's generator. A rate
// with a fraction is sent as a whole number of requests per whole number of
// seconds (0.5/s as 1 per 2 s).
func (t Traffic) network() network.Traffic {
	tr := network.Traffic{
		Target: strings.ToLower(t.Target.Kind) + "/" + t.Target.Name,
		From:   sim.Time(t.From), Until: sim.Time(t.Until),
		Timeout: t.Timeout, Path: t.Path, Method: "GET",
		Retries: t.Retries, SLO: t.SLO,
	}
	if t.Arrival == "poisson" {
		tr.Arrival = network.Poisson
	}
	switch {
	case t.Arrival == "burst":
		tr.Arrival, tr.Rate, tr.Per = network.Burst, t.BurstSize, t.BurstEvery
		return tr
	case t.Curve != nil:
		c := *t.Curve
		tr.Curve = &c
		return tr
	case t.On > 0:
		tr.Curve = network.OnOff(t.Rate, t.On, t.Off, sim.Time(t.From))
		return tr
	}
	n, per := 0, 1
	for per = 1; per <= 1000; per++ {
		x := t.Rate * float64(per)
		if math.Abs(x-math.Round(x)) < 1e-9 {
			break
		}
	}
	per = min(per, 1000)
	n = int(math.Round(t.Rate * float64(per)))
	tr.Rate, tr.Per = n, sim.Duration(per)*time.Second
	return tr
}
