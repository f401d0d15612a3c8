package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Requirement is one --require: either a condition on each run that a
// share of the runs must meet ("startup-kills == 0 in 99%"), or a
// condition on a statistic of the point ("time-to-ready.p99 <= 90s").
type Requirement struct {
	Text   string
	Metric MetricDef
	// Stat is the statistic compared, or "" for a per-run condition.
	Stat  string
	Op    string
	Value float64
	// Share is the fraction of runs that must meet a per-run condition.
	Share float64
}

var ops = []string{"==", "!=", "<=", ">=", "<", ">"}

func compare(a float64, op string, b float64) bool {
	const eps = 1e-9 // values are sums of milliseconds; equality within rounding
	switch op {
	case "==":
		return math.Abs(a-b) <= eps
	case "!=":
		return math.Abs(a-b) > eps
	case "<=":
		return a <= b+eps
	case ">=":
		return a >= b-eps
	case "<":
		return a < b-eps
	case ">":
		return a > b+eps
	}
	return false
}

// ParseRequirement parses --require:
//
//	startup-kills == 0 in 99%      a per-run condition met by 99% of runs
//	restarts <= 1                  met by every run
//	time-to-ready.p99 <= 90s       a condition on a statistic
//	expect.2 in 95%                an expectation held in 95% of runs
//	expectations in 100%           every expectation held in every run
func ParseRequirement(s string) (Requirement, error) {
	r := Requirement{Text: strings.TrimSpace(s), Share: 1}
	body := r.Text
	if i := strings.LastIndex(body, " in "); i >= 0 {
		share := strings.TrimSpace(body[i+4:])
		p, ok := strings.CutSuffix(share, "%")
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if !ok || err != nil || !(v > 0 && v <= 100) {
			return r, fmt.Errorf("--require %q: expected a share of runs after \"in\", like 99%%, got %q", s, share)
		}
		r.Share = v / 100
		body = strings.TrimSpace(body[:i])
	}
	left, op, right := body, "", ""
	for _, o := range ops {
		if i := strings.Index(body, o); i >= 0 {
			left, op, right = strings.TrimSpace(body[:i]), o, strings.TrimSpace(body[i+len(o):])
			break
		}
	}
	name, stat, hasStat := strings.Cut(left, ".")
	if strings.HasPrefix(left, "expect.") {
		name, stat, hasStat = left, "", false
	}
	d, ok := Lookup(name)
	switch {
	case !ok && op == "" && strings.ContainsAny(left, " <>=!~"):
		return r, fmt.Errorf("--require %q: expected METRIC OP VALUE [in P%%], like 'startup-kills == 0 in 99%%', with OP one of == != < <= > >=", s)
	case !ok:
		return r, fmt.Errorf("--require %q: unknown metric %q; the metrics are %s", s, name, MetricNames())
	}
	r.Metric = d
	if hasStat {
		if _, ok := (Stats{}).Stat(stat); !ok {
			return r, fmt.Errorf("--require %q: unknown statistic %q: expected mean, p50, p90, p99, max or min", s, stat)
		}
		if r.Share != 1 || strings.Contains(r.Text, " in ") {
			return r, fmt.Errorf("--require %q: a statistic (%s) is of the point, not of each run: drop \"in ...\"", s, stat)
		}
		r.Stat = stat
	}
	switch {
	case op == "" && d.Unit == Share && !hasStat:
		r.Op, r.Value = "==", 1 // "expect.2 in 95%": it held
	case op == "":
		return r, fmt.Errorf("--require %q: expected METRIC OP VALUE [in P%%], like 'startup-kills == 0 in 99%%'", s)
	default:
		v, err := ParseNumber(right)
		if err != nil {
			return r, fmt.Errorf("--require %q: %v", s, err)
		}
		r.Op, r.Value = op, v
	}
	return r, nil
}

// Judge tells how a point fares against the requirement: whether it meets
// it, and the share of runs (per-run form) or the statistic's value.
func (r Requirement) Judge(p *PointResult) (met bool, got float64) {
	if v, ok := p.judged[r.Text]; ok {
		return v.met, v.got
	}
	m := p.Metric(r.Metric.Name)
	if m == nil {
		return false, math.NaN()
	}
	if r.Stat != "" {
		v, _ := m.Stat(r.Stat)
		return !math.IsNaN(v) && compare(v, r.Op, r.Value), v
	}
	sh, n := share(m.Runs, func(v float64) bool { return compare(v, r.Op, r.Value) })
	return n > 0 && sh >= r.Share-1e-12, sh
}

// Objective is --minimize or --maximize: a metric's statistic.
type Objective struct {
	Metric   MetricDef
	Stat     string
	Maximize bool
}

// ParseObjective parses METRIC[.STAT] (the statistic defaults to mean).
func ParseObjective(s string, maximize bool) (Objective, error) {
	flag := "--minimize"
	if maximize {
		flag = "--maximize"
	}
	name, stat, hasStat := strings.Cut(strings.TrimSpace(s), ".")
	if strings.HasPrefix(s, "expect.") {
		name, stat, hasStat = s, "", false
	}
	d, ok := Lookup(name)
	if !ok {
		return Objective{}, fmt.Errorf("%s %q: unknown metric %q; the metrics are %s", flag, s, name, MetricNames())
	}
	if !hasStat {
		stat = "mean"
	}
	if _, ok := (Stats{}).Stat(stat); !ok {
		return Objective{}, fmt.Errorf("%s %q: unknown statistic %q: expected mean, p50, p90, p99, max or min", flag, s, stat)
	}
	return Objective{Metric: d, Stat: stat, Maximize: maximize}, nil
}

// String writes the objective as "time-to-all-ready p99".
func (o Objective) String() string { return o.Metric.Name + " " + o.Stat }

func (o Objective) value(p *PointResult) float64 {
	m := p.Metric(o.Metric.Name)
	if m == nil {
		return math.NaN()
	}
	v, _ := m.Stat(o.Stat)
	return v
}

// beats reports whether point p is strictly better than q: by the
// objective, then (when the objective is a quantile or the maximum, often
// tied) by the mean of the same metric. Equal points keep the sweep's
// order.
func (o Objective) beats(p, q *PointResult) bool {
	a, b := o.value(p), o.value(q)
	if o.better(a, b) || o.better(b, a) || o.Stat == "mean" {
		return o.better(a, b)
	}
	mean := Objective{Metric: o.Metric, Stat: "mean", Maximize: o.Maximize}
	return mean.better(mean.value(p), mean.value(q))
}

// better reports whether a is strictly better than b; NaN is worst.
func (o Objective) better(a, b float64) bool {
	switch {
	case math.IsNaN(a):
		return false
	case math.IsNaN(b):
		return true
	case o.Maximize:
		return a > b
	}
	return a < b
}

// Recommendation is the outcome of requirements and an objective.
type Recommendation struct {
	Best, RunnerUp *PointResult
	// Meeting counts the points that meet every requirement.
	Meeting int
	// Closest is set instead of Best when no point meets them all.
	Closest *PointResult
	Text    string
}

// Recommend picks the point that meets every requirement and is best by
// the objective (ties: the lower index), and the runner-up, and explains
// the choice in one paragraph. With no objective the first point meeting
// the requirements wins.
func Recommend(res *Results, dimNames []string, reqs []Requirement, obj *Objective) *Recommendation {
	rec := &Recommendation{}
	var ok []*PointResult
	bestMet, bestScore := -1, math.Inf(-1)
	for _, p := range res.Points {
		met, score := 0, 0.0
		for _, r := range reqs {
			m, got := r.Judge(p)
			if m {
				met++
			} else if r.Stat == "" && !math.IsNaN(got) {
				score += got
			}
		}
		if met == len(reqs) {
			ok = append(ok, p)
			continue
		}
		if met > bestMet || met == bestMet && score > bestScore {
			bestMet, bestScore, rec.Closest = met, score, p
		}
	}
	rec.Meeting = len(ok)
	rank := func(ps []*PointResult) (first, second *PointResult) {
		for _, p := range ps {
			switch {
			case first == nil:
				first = p
			case obj != nil && obj.beats(p, first):
				first, second = p, first
			case second == nil || obj != nil && obj.beats(p, second):
				second = p
			}
		}
		return
	}
	rec.Best, rec.RunnerUp = rank(ok)
	if rec.Best != nil {
		rec.Closest = nil
	}
	rec.Text = rec.explain(res, dimNames, reqs, obj)
	return rec
}

func describe(dimNames []string, p *PointResult) string {
	return describeValues(dimNames, p.Values, "the scenario as written")
}

func (rec *Recommendation) explain(res *Results, dimNames []string, reqs []Requirement, obj *Objective) string {
	var b strings.Builder
	runs := res.Header.Seeds
	var reqTexts []string
	for _, r := range reqs {
		reqTexts = append(reqTexts, r.Text)
	}
	numbers := func(p *PointResult) string {
		var parts []string
		if obj != nil {
			m := p.Metric(obj.Metric.Name)
			if m != nil {
				parts = append(parts, obj.Metric.Name+" "+statsText(obj.Metric.Unit, m.Stats))
			}
		}
		for _, r := range reqs {
			_, got := r.Judge(p)
			if r.Stat != "" {
				parts = append(parts, fmt.Sprintf("%s.%s %s", r.Metric.Name, r.Stat, FormatValue(r.Metric.Unit, got)))
			} else {
				parts = append(parts, fmt.Sprintf("%s %s %s in %s of runs", r.Metric.Name, r.Op, trimNum(r.Value), FormatValue(Share, got)))
			}
		}
		return strings.Join(parts, "; ")
	}
	switch {
	case len(res.Points) == 0:
		return "No point has results yet."
	case rec.Best == nil:
		fmt.Fprintf(&b, "No point of the %d meets %s. The closest is %s (%s).", len(res.Points), strings.Join(reqTexts, " and "), describe(dimNames, rec.Closest), numbers(rec.Closest))
		return b.String()
	}
	if len(reqs) > 0 {
		fmt.Fprintf(&b, "%d of %d points meet %s over %d seeds each. ", rec.Meeting, len(res.Points), strings.Join(reqTexts, " and "), runs)
	}
	if obj != nil {
		verb := "lowest"
		if obj.Maximize {
			verb = "highest"
		}
		fmt.Fprintf(&b, "Recommended: %s, with the %s %s (%s).", describe(dimNames, rec.Best), verb, obj, numbers(rec.Best))
	} else {
		fmt.Fprintf(&b, "Recommended: %s, the first that meets them (%s).", describe(dimNames, rec.Best), numbers(rec.Best))
	}
	if rec.RunnerUp != nil {
		fmt.Fprintf(&b, " Runner-up: %s (%s)", describe(dimNames, rec.RunnerUp), numbers(rec.RunnerUp))
		if obj != nil {
			a, r := obj.value(rec.Best), obj.value(rec.RunnerUp)
			if !math.IsNaN(a) && !math.IsNaN(r) {
				if d := math.Abs(r - a); d == 0 {
					fmt.Fprintf(&b, ", as good by %s", obj)
					if obj.Stat != "mean" {
						ma := Objective{Metric: obj.Metric, Stat: "mean"}
						if x, y := ma.value(rec.Best), ma.value(rec.RunnerUp); x != y {
							fmt.Fprintf(&b, " but with a %s mean (%s against %s)", map[bool]string{true: "higher", false: "lower"}[y > x], FormatValue(obj.Metric.Unit, y), FormatValue(obj.Metric.Unit, x))
						} else {
							b.WriteString(" and its mean; the recommendation comes first in the sweep's order")
						}
					} else {
						b.WriteString("; the recommendation comes first in the sweep's order")
					}
				} else {
					word := "more"
					if obj.Maximize {
						word = "less"
					}
					fmt.Fprintf(&b, ", %s %s", FormatValue(obj.Metric.Unit, d), word)
				}
			}
		}
		b.WriteString(".")
	} else {
		b.WriteString(" No other point meets the requirements.")
	}
	return b.String()
}

func trimNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
