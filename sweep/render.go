package sweep

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Report is what the renderers show: results, and the recommendation if
// requirements or an objective were given.
type Report struct {
	Results *Results
	// Stats are the statistics the table shows per metric (default mean
	// and p99); CSV, JSON and HTML show them all.
	Stats []string
	Rec   *Recommendation
	// AllMetrics shows every metric in the table, even those that are the
	// same at every point (the user chose them with --metrics).
	AllMetrics bool
	// Reqs and Obj are what the recommendation was made from.
	Reqs []Requirement
	Obj  *Objective
}

// DimNames returns the results' point columns.
func (r *Report) DimNames() []string {
	h := r.Results.Header
	if len(h.Variants) > 0 {
		return []string{"variant"}
	}
	var out []string
	for _, d := range h.Dims {
		out = append(out, d.Path)
	}
	return out
}

// shown returns the indexes of the metrics that apply to at least one point.
func (r *Report) shown() []int {
	var out []int
	for i := range r.Results.Header.Metrics {
		for _, p := range r.Results.Points {
			if p.Metrics[i].N > 0 {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func (r *Report) def(i int) MetricDef {
	d, _ := Lookup(r.Results.Header.Metrics[i])
	return d
}

// tableMetrics returns the metrics the table shows: those the user chose
// or, by default, those that differ between points; the others are
// described in one line each ("restarts mean 0").
func (r *Report) tableMetrics() (shown []int, same []string) {
	h := r.Results.Header
	expects := 0
	for _, n := range h.Metrics {
		if strings.HasPrefix(n, "expect.") {
			expects++
		}
	}
	for _, i := range r.shown() {
		name := h.Metrics[i]
		if expects == 1 && strings.HasPrefix(name, "expect.") && hasName(h.Metrics, "expectations") {
			continue // the same as expectations
		}
		if !r.AllMetrics && len(r.Results.Points) > 1 && r.constant(i) {
			m := r.Results.Points[0].Metrics[i]
			same = append(same, name+" "+statsText(r.def(i).Unit, m.Stats))
			continue
		}
		shown = append(shown, i)
	}
	if len(shown) == 0 && len(same) > 0 { // nothing differs: show it all
		r.AllMetrics = true
		defer func() { r.AllMetrics = false }()
		return r.tableMetrics()
	}
	return shown, same
}

func hasName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// constant reports whether metric i has the same statistics at every point.
func (r *Report) constant(i int) bool {
	first := r.Results.Points[0].Metrics[i].Stats
	for _, p := range r.Results.Points[1:] {
		s := p.Metrics[i].Stats
		s.MaxSeed = first.MaxSeed
		if !sameStats(s, first) {
			return false
		}
	}
	return true
}

func sameStats(a, b Stats) bool {
	eq := func(x, y Num) bool {
		return x == y || math.IsNaN(float64(x)) && math.IsNaN(float64(y))
	}
	return a.N == b.N && a.Censored == b.Censored && eq(a.Mean, b.Mean) && eq(a.P50, b.P50) &&
		eq(a.P90, b.P90) && eq(a.P99, b.P99) && eq(a.Max, b.Max) && eq(a.Min, b.Min)
}

// statsText describes a distribution in words: "70.019s in every run", or
// "mean 1.2, p50 1, p90 2, p99 3, max 3".
func statsText(u Unit, s Stats) string {
	if s.Min == s.Max {
		return FormatValue(u, float64(s.Max)) + " in every run"
	}
	var parts []string
	for _, name := range statNames {
		v, _ := s.Stat(name)
		parts = append(parts, name+" "+FormatValue(u, v))
	}
	return strings.Join(parts, ", ")
}

// Table writes the terminal table: one row per point, the point's values,
// then the chosen statistics of each metric; then the recommendation.
func (r *Report) Table(w io.Writer) error {
	stats := r.Stats
	if len(stats) == 0 {
		stats = []string{"mean", "p99"}
	}
	h := r.Results.Header
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	dims := r.DimNames()
	shown, same := r.tableMetrics()
	var top, sub []string
	for _, d := range dims {
		top = append(top, shortPath(d))
		sub = append(sub, "")
	}
	for _, i := range shown {
		for k, s := range stats {
			name := ""
			if k == 0 {
				name = strings.ToUpper(r.def(i).Name)
			}
			top = append(top, name)
			sub = append(sub, s)
		}
	}
	fmt.Fprintln(tw, strings.Join(top, "\t")+"\t")
	fmt.Fprintln(tw, strings.Join(sub, "\t")+"\t")
	censored := false
	for _, p := range r.Results.Points {
		cells := append([]string(nil), p.Values...)
		for _, i := range shown {
			m := p.Metrics[i]
			for _, s := range stats {
				v, _ := m.Stat(s)
				cell := FormatValue(r.def(i).Unit, v)
				if m.Censored > 0 && s != "min" && r.def(i).Unit == Seconds {
					cell = "≥" + cell
					censored = true
				}
				cells = append(cells, cell)
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s x %s (%d..%d)", plural(len(r.Results.Points), "point"), plural(h.Seeds, "seed"), h.FirstSeed, h.FirstSeed+uint64(h.Seeds)-1)
	if len(r.Results.Points) < h.Points {
		fmt.Fprintf(w, ", %d of the sweep's %d points", len(r.Results.Points), h.Points)
	}
	fmt.Fprintln(w, ".")
	if censored {
		fmt.Fprintln(w, "≥: some runs ended before it happened; they count as the run's length.")
	}
	if len(same) > 0 {
		fmt.Fprintf(w, "The same at every point: %s.\n", strings.Join(same, ", "))
	}
	if r.Rec != nil {
		fmt.Fprintln(w)
		fmt.Fprintln(w, Wrap(r.Rec.Text, 100))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// Wrap folds a paragraph at width columns.
func Wrap(s string, width int) string {
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if col+1+len(word) > width {
				b.WriteByte('\n')
				col = 0
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

// CSV writes one row per point and metric, with every statistic.
func (r *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := append([]string{"point"}, r.DimNames()...)
	head = append(head, "metric", "unit", "runs", "censored", "mean", "p50", "p90", "p99", "max", "min", "max_seed")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, p := range r.Results.Points {
		for i, m := range p.Metrics {
			row := append([]string{strconv.Itoa(p.Index)}, p.Values...)
			row = append(row, m.Name, string(r.def(i).Unit), strconv.Itoa(m.N), strconv.Itoa(m.Censored))
			for _, v := range []Num{m.Mean, m.P50, m.P90, m.P99, m.Max, m.Min} {
				row = append(row, csvNum(float64(v)))
			}
			seed := ""
			if m.N > 0 {
				seed = strconv.FormatUint(m.MaxSeed, 10)
			}
			row = append(row, seed)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvNum(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// jsonReport is the shape of --output json.
type jsonReport struct {
	Sweep          Header         `json:"sweep"`
	Points         []jsonPoint    `json:"points"`
	Recommendation *jsonRecommend `json:"recommendation,omitempty"`
}

type jsonPoint struct {
	Index   int               `json:"index"`
	Values  map[string]string `json:"values"`
	Metrics []jsonMetric      `json:"metrics"`
}

type jsonMetric struct {
	Name string `json:"name"`
	Unit Unit   `json:"unit"`
	Stats
}

type jsonRecommend struct {
	Requirements []string `json:"requirements,omitempty"`
	Objective    string   `json:"objective,omitempty"`
	Meeting      int      `json:"meeting"`
	Best         *int     `json:"best"`
	RunnerUp     *int     `json:"runnerUp"`
	Closest      *int     `json:"closest,omitempty"`
	Text         string   `json:"text"`
}

// JSON writes the report as one JSON document (statistics, not runs; the
// results file has the runs).
func (r *Report) JSON(w io.Writer) error {
	out := jsonReport{Sweep: r.Results.Header, Points: []jsonPoint{}}
	dims := r.DimNames()
	for _, p := range r.Results.Points {
		jp := jsonPoint{Index: p.Index, Values: map[string]string{}}
		for i, v := range p.Values {
			jp.Values[dims[i]] = v // encoding/json sorts map keys: deterministic
		}
		for i, m := range p.Metrics {
			jp.Metrics = append(jp.Metrics, jsonMetric{Name: m.Name, Unit: r.def(i).Unit, Stats: m.Stats})
		}
		out.Points = append(out.Points, jp)
	}
	if r.Rec != nil {
		jr := &jsonRecommend{Meeting: r.Rec.Meeting, Text: r.Rec.Text}
		for _, q := range r.Reqs {
			jr.Requirements = append(jr.Requirements, q.Text)
		}
		if r.Obj != nil {
			jr.Objective = r.Obj.String()
		}
		idx := func(p *PointResult) *int {
			if p == nil {
				return nil
			}
			return &p.Index
		}
		jr.Best, jr.RunnerUp, jr.Closest = idx(r.Rec.Best), idx(r.Rec.RunnerUp), idx(r.Rec.Closest)
		out.Recommendation = jr
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
