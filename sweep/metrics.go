package sweep

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// Unit is what a metric counts, for formatting.
type Unit string

// Units of metrics.
const (
	Count   Unit = "count"
	Seconds Unit = "seconds"
	Share   Unit = "share" // 0 to 1; a 0/1 per run, so its mean is a share of runs
)

// MetricDef defines a metric: its name, unit and one-line meaning. The
// full definitions are in docs/sweeps.md.
type MetricDef struct {
	Name string
	Unit Unit
	Help string
}

// Metrics are the metrics every run yields, in the order reports list
// them. Expectations add expect.1, expect.2, ... (docs/sweeps.md).
var Metrics = []MetricDef{
	{"restarts", Count, "container restarts, summed over pods (kubectl's RESTARTS)"},
	{"startup-kills", Count, "containers killed after a failed startup or liveness probe before any of their probes had succeeded"},
	{"probe-kills", Count, "containers killed after a failed startup or liveness probe"},
	{"time-to-first-ready", Seconds, "from the start of the run to the first pod Ready"},
	{"time-to-all-ready", Seconds, "from the start of the run to the first moment every pod is Ready and every Deployment has all its replicas ready"},
	{"rollout-duration", Seconds, "duration of the last rollout started (Progressing until NewReplicaSetAvailable or ProgressDeadlineExceeded)"},
	{"rollout-complete", Share, "1 if every rollout of the run completed, 0 if one failed or was still progressing at the end"},
	{"crashloop-seconds", Seconds, "pod-seconds shown as CrashLoopBackOff"},
	{"error-rate", Share, "requests that did not get a 2xx or 3xx answer, over requests sent"},
	{"zero-endpoint-seconds", Seconds, "seconds a Service had no ready endpoint, summed over Services"},
	{"expectations", Share, "1 if every expectation of the scenario held"},
}

// aliases are other names users reach for.
var aliases = map[string]string{
	"time-to-ready":  "time-to-all-ready",
	"kills":          "probe-kills",
	"crashloop-time": "crashloop-seconds",
}

// Lookup returns the definition of a metric by name or alias; expect.N is
// the N-th expectation's pass (1) or fail (0).
func Lookup(name string) (MetricDef, bool) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	for _, m := range Metrics {
		if m.Name == name {
			return m, true
		}
	}
	if n, ok := strings.CutPrefix(name, "expect."); ok {
		if i, err := strconv.Atoi(n); err == nil && i >= 1 && strconv.Itoa(i) == n {
			return MetricDef{Name: name, Unit: Share, Help: "1 if expectation " + n + " held"}, true
		}
	}
	return MetricDef{}, false
}

// MetricNames returns every metric name, for messages.
func MetricNames() string {
	var names []string
	for _, m := range Metrics {
		names = append(names, m.Name)
	}
	return strings.Join(names, ", ") + ", expect.N"
}

// Value is one run's value of a metric. A value can be censored: the thing
// measured had not happened by the end of the run (a pod never Ready), and
// the value is the run's length, a lower bound. NaN means the metric does
// not apply to the run (no Service, no traffic, no rollout).
type Value struct {
	V        float64
	Censored bool
}

// Measure computes the metrics of one finished run from its records: the
// log alone, as a user's script would from the JSONL, never the live model.
// results are the run's expectation verdicts (nil: none). The values are
// in the order of defs.
func Measure(records []record.Record, results []scenarios.Result, defs []MetricDef) []Value {
	m := newMeter()
	for _, r := range records {
		m.add(r)
	}
	m.finish()
	out := make([]Value, len(defs))
	for i, d := range defs {
		out[i] = m.value(d.Name, results)
	}
	return out
}

// meter is the single pass over a run's records.
type meter struct {
	now, end sim.Time

	pods      map[string]*podState
	podOrder  []string
	instances map[string]*instance // by "pod\x00container"
	deploys   map[string]*deployState
	deployOrd []string
	services  map[string]*serviceState
	svcOrder  []string

	firstReady, allReady sim.Time // -1 until it happens
	startupKills         int
	probeKills           int
	sent, ok             int
	lastRollout          *rollout
	rollouts             []*rollout
}

type podState struct {
	exists     bool
	ready      bool
	restarts   int32
	crashSince sim.Time // -1 when not in CrashLoopBackOff
	crash      sim.Duration
}

type instance struct {
	n       int
	up      bool   // a probe of this instance has succeeded
	lastLS  string // the last startup or liveness result of this instance
	stopped bool
}

type deployState struct {
	replicas, updated, ready int32
	inRollout                bool
	current                  *rollout
}

type rollout struct {
	start, end sim.Time
	done       bool
	failed     bool
}

type serviceState struct {
	zeroSince sim.Time // -1 when it has ready endpoints
	zero      sim.Duration
}

func newMeter() *meter {
	return &meter{
		pods:       map[string]*podState{},
		instances:  map[string]*instance{},
		deploys:    map[string]*deployState{},
		services:   map[string]*serviceState{},
		firstReady: -1,
		allReady:   -1,
	}
}

func (m *meter) pod(name string) *podState {
	p := m.pods[name]
	if p == nil {
		p = &podState{exists: true, crashSince: -1}
		m.pods[name] = p
		m.podOrder = append(m.podOrder, name)
	}
	return p
}

func (m *meter) add(r record.Record) {
	h := r.Base()
	t := sim.Time(h.T)
	if t > m.now {
		// Judge "all ready" on the state at the end of each instant, not
		// between two records of the same instant.
		m.checkAllReady()
		m.now = t
	}
	switch r := r.(type) {
	case *record.Object:
		if strings.HasPrefix(h.Object, "Pod/") {
			p := m.pod(h.Object)
			if r.Action == "deleted" {
				p.exists = false
				m.closeCrash(p, t)
			} else {
				p.exists = true
			}
		}
	case *record.PodStatus:
		p := m.pod(h.Object)
		p.ready = r.Conditions["Ready"]
		if r.Restarts > p.restarts {
			p.restarts = r.Restarts
		}
		if p.ready && m.firstReady < 0 {
			m.firstReady = t
		}
		if r.Status == "CrashLoopBackOff" {
			if p.crashSince < 0 {
				p.crashSince = t
			}
		} else {
			m.closeCrash(p, t)
		}
	case *record.Container:
		key := h.Object + "\x00" + r.Container
		in := m.instances[key]
		if in == nil || in.n != r.Instance {
			if in != nil && in.n > r.Instance {
				break // a late record of an older instance
			}
			in = &instance{n: r.Instance}
			m.instances[key] = in
		}
		if r.State == "terminated" && !in.stopped {
			in.stopped = true
			if in.lastLS == "failure" {
				m.probeKills++
				if !in.up {
					m.startupKills++
				}
			}
		}
	case *record.Probe:
		in := m.instances[h.Object+"\x00"+r.Container]
		if in == nil || in.n != r.Instance || in.stopped {
			break
		}
		if r.Result == "success" || r.Result == "warning" {
			in.up = true
		}
		if r.Probe != "readiness" {
			in.lastLS = r.Result
			if r.Result == "warning" {
				in.lastLS = "success"
			}
		}
	case *record.Rollout:
		d := m.deploys[h.Object]
		if d == nil {
			d = &deployState{}
			m.deploys[h.Object] = d
			m.deployOrd = append(m.deployOrd, h.Object)
		}
		d.replicas, d.updated, d.ready = r.Replicas, r.Updated, r.Ready
		reason := r.Conditions["Progressing"].Reason
		switch {
		case reason == "ProgressDeadlineExceeded":
			if d.current != nil && !d.current.done {
				d.current.done, d.current.failed, d.current.end = true, true, t
			}
			d.inRollout = false
		case strings.HasSuffix(reason, "Available"): // NewReplicaSetAvailable, NewReplicationControllerAvailable
			if d.current != nil && !d.current.done {
				d.current.done, d.current.end = true, t
			}
			d.inRollout = false
		case reason != "" && !d.inRollout:
			d.inRollout = true
			d.current = &rollout{start: t}
			m.rollouts = append(m.rollouts, d.current)
		}
	case *record.Endpoints:
		s := m.services[h.Object]
		if s == nil {
			s = &serviceState{zeroSince: -1}
			m.services[h.Object] = s
			m.svcOrder = append(m.svcOrder, h.Object)
		}
		if r.Ready == 0 {
			if s.zeroSince < 0 {
				s.zeroSince = t
			}
		} else if s.zeroSince >= 0 {
			s.zero += t.Sub(s.zeroSince)
			s.zeroSince = -1
		}
	case *record.Requests:
		m.sent += r.Sent
		m.ok += r.OK // answered with 2xx or 3xx (docs/output.md)
	case *record.End:
		m.end = t
	case *record.Interrupted:
		m.end = t
	}
}

func (m *meter) closeCrash(p *podState, t sim.Time) {
	if p.crashSince >= 0 {
		p.crash += t.Sub(p.crashSince)
		p.crashSince = -1
	}
}

func (m *meter) checkAllReady() {
	if m.allReady >= 0 {
		return
	}
	any := false
	for _, name := range m.podOrder {
		p := m.pods[name]
		if !p.exists {
			continue
		}
		if !p.ready {
			return
		}
		any = true
	}
	if !any {
		return
	}
	for _, name := range m.deployOrd {
		d := m.deploys[name]
		if d.ready < d.replicas || d.updated < d.replicas {
			return
		}
	}
	m.allReady = m.now
}

func (m *meter) finish() {
	m.checkAllReady()
	if m.end < m.now {
		m.end = m.now
	}
	for _, name := range m.podOrder {
		m.closeCrash(m.pods[name], m.end)
	}
	for _, name := range m.svcOrder {
		s := m.services[name]
		if s.zeroSince >= 0 {
			s.zero += m.end.Sub(s.zeroSince)
			s.zeroSince = -1
		}
	}
	for _, r := range m.rollouts {
		if m.lastRollout == nil || r.start >= m.lastRollout.start {
			m.lastRollout = r
		}
	}
}

func secs(d sim.Duration) float64 { return d.Seconds() }

func (m *meter) value(name string, results []scenarios.Result) Value {
	if a, ok := aliases[name]; ok {
		name = a
	}
	at := func(t sim.Time) Value {
		if t < 0 {
			return Value{V: secs(sim.Duration(m.end)), Censored: true}
		}
		return Value{V: secs(sim.Duration(t))}
	}
	switch name {
	case "restarts":
		var n int32
		for _, p := range m.podOrder {
			n += m.pods[p].restarts
		}
		return Value{V: float64(n)}
	case "startup-kills":
		return Value{V: float64(m.startupKills)}
	case "probe-kills":
		return Value{V: float64(m.probeKills)}
	case "time-to-first-ready":
		return at(m.firstReady)
	case "time-to-all-ready":
		return at(m.allReady)
	case "rollout-duration":
		r := m.lastRollout
		if r == nil {
			return Value{V: math.NaN()}
		}
		if !r.done {
			return Value{V: secs(m.end.Sub(r.start)), Censored: true}
		}
		return Value{V: secs(r.end.Sub(r.start))}
	case "rollout-complete":
		if len(m.rollouts) == 0 {
			return Value{V: math.NaN()}
		}
		for _, r := range m.rollouts {
			if !r.done || r.failed {
				return Value{V: 0}
			}
		}
		return Value{V: 1}
	case "crashloop-seconds":
		var d sim.Duration
		for _, p := range m.podOrder {
			d += m.pods[p].crash
		}
		return Value{V: secs(d)}
	case "error-rate":
		if m.sent == 0 {
			return Value{V: math.NaN()}
		}
		return Value{V: float64(m.sent-min(m.ok, m.sent)) / float64(m.sent)}
	case "zero-endpoint-seconds":
		if len(m.svcOrder) == 0 {
			return Value{V: math.NaN()}
		}
		var d sim.Duration
		for _, s := range m.svcOrder {
			d += m.services[s].zero
		}
		return Value{V: secs(d)}
	case "expectations":
		if len(results) == 0 {
			return Value{V: math.NaN()}
		}
		for _, r := range results {
			if !r.Pass {
				return Value{V: 0}
			}
		}
		return Value{V: 1}
	}
	if n, ok := strings.CutPrefix(name, "expect."); ok {
		i, _ := strconv.Atoi(n)
		if i < 1 || i > len(results) {
			return Value{V: math.NaN()}
		}
		if results[i-1].Pass {
			return Value{V: 1}
		}
		return Value{V: 0}
	}
	panic(fmt.Sprintf("sweep: unknown metric %q", name))
}

// quantile returns the p-quantile (0 < p <= 1) of sorted values by the
// nearest-rank method: the smallest value at least p of the values are
// less than or equal to. It is exact, and always one of the values.
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(p*float64(len(sorted)) - 1e-9))
	rank = max(rank, 1)
	return sorted[min(rank, len(sorted))-1]
}

// Num is a float64 that encodes NaN (not applicable) as JSON null.
type Num float64

// MarshalJSON writes n as a JSON number, or null for NaN.
func (n Num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(n), 'g', -1, 64), nil
}

// UnmarshalJSON reads a JSON number, or null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("expected a number or null, got %s", b)
	}
	*n = Num(v)
	return nil
}

// Stats summarise one metric over a point's runs.
type Stats struct {
	// N counts the runs the metric applied to.
	N int `json:"n"`
	// Censored counts runs where the thing measured had not happened by the
	// end; their value is the run's length.
	Censored int `json:"censored,omitempty"`
	Mean     Num `json:"mean"`
	P50      Num `json:"p50"`
	P90      Num `json:"p90"`
	P99      Num `json:"p99"`
	Max      Num `json:"max"`
	Min      Num `json:"min"`
	// MaxSeed is the seed of the run with the largest value, to replay it.
	MaxSeed uint64 `json:"maxSeed,omitempty"`
}

// summarize computes the stats of values (NaN: not applicable) under the
// given seeds.
func summarize(values []float64, censored []bool, seeds []uint64) Stats {
	var s Stats
	sorted := make([]float64, 0, len(values))
	sum := 0.0
	hi := math.Inf(-1)
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		sorted = append(sorted, v)
		sum += v
		if v > hi {
			hi, s.MaxSeed = v, seeds[i]
		}
		if censored[i] {
			s.Censored++
		}
	}
	s.N = len(sorted)
	if s.N == 0 {
		nan := Num(math.NaN())
		return Stats{Mean: nan, P50: nan, P90: nan, P99: nan, Max: nan, Min: nan}
	}
	sort.Float64s(sorted)
	s.Mean = Num(sum / float64(s.N))
	s.P50 = Num(quantile(sorted, 0.50))
	s.P90 = Num(quantile(sorted, 0.90))
	s.P99 = Num(quantile(sorted, 0.99))
	s.Max = Num(hi)
	s.Min = Num(sorted[0])
	return s
}

// Stat returns one statistic by name: mean, p50, p90, p99, max or min.
func (s Stats) Stat(name string) (float64, bool) {
	switch name {
	case "mean":
		return float64(s.Mean), true
	case "p50", "median":
		return float64(s.P50), true
	case "p90":
		return float64(s.P90), true
	case "p99":
		return float64(s.P99), true
	case "max":
		return float64(s.Max), true
	case "min":
		return float64(s.Min), true
	}
	return 0, false
}

// statNames are the statistics reports show, in order.
var statNames = []string{"mean", "p50", "p90", "p99", "max"}

// FormatValue writes a metric value for people: seconds as 62.4s, shares
// as 97.5%, counts as numbers.
func FormatValue(u Unit, v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case u == Seconds:
		return strconv.FormatFloat(roundTo(v, 3), 'f', -1, 64) + "s"
	case u == Share:
		return strconv.FormatFloat(roundTo(v*100, 2), 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(roundTo(v, 3), 'f', -1, 64)
}

func roundTo(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// ParseNumber reads a threshold of a metric: a number, a duration (90s) or
// a percentage (5%).
func ParseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("expected a number before %%, got %q", p)
		}
		return v / 100, nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d.Seconds(), nil
	}
	return 0, fmt.Errorf("expected a number, a duration (90s) or a percentage (5%%), got %q", s)
}
