package sweep

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// HTML writes a self-contained report: for each metric a line plot over
// one varied setting, or heatmaps over two (one per combination of the
// others), then every number in a table. The plots are inline SVG: the file
// needs no network and no script.
func (r *Report) HTML(w io.Writer) error {
	var b strings.Builder
	h := r.Results.Header
	name := "sweep"
	if len(h.Scenarios) > 0 {
		var names []string
		for _, s := range h.Scenarios {
			names = append(names, s.Name)
		}
		name = strings.Join(names, " vs ")
	}
	esc := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep: %s</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
th{background:#f4f4f4}
.rec{background:#eef6ee;border-left:4px solid #4a4;padding:.6em 1em}
svg text{font-size:11px;font-family:system-ui,sans-serif}
.help{color:#555}
</style></head><body>
<h1>Sweep: %s</h1>
`, esc(name), esc(name))
	fmt.Fprintf(&b, "<p>%d points × %d seeds (%d–%d), %s", len(r.Results.Points), h.Seeds, h.FirstSeed, h.FirstSeed+uint64(h.Seeds)-1, esc(h.Sampling.String()))
	for _, d := range h.Dims {
		fmt.Fprintf(&b, "; <code>%s</code> = %s", esc(d.Path), esc(strings.Join(d.Values, ", ")))
	}
	for _, v := range h.Variants {
		fmt.Fprintf(&b, "; <b>%s</b>: %s %s", esc(v.Label), esc(h.Scenarios[v.Source].Name), esc(strings.Join(v.Sets, " ")))
	}
	b.WriteString(".</p>\n")
	if r.Rec != nil {
		fmt.Fprintf(&b, "<p class=\"rec\">%s</p>\n", esc(r.Rec.Text))
	}
	dims := r.DimNames()
	for _, i := range r.shown() {
		d := r.def(i)
		fmt.Fprintf(&b, "<h2>%s</h2>\n<p class=\"help\">%s (%s). Definitions: docs/sweeps.md.</p>\n", esc(d.Name), esc(d.Help), esc(string(d.Unit)))
		switch {
		case len(h.Dims) >= 2 && h.Sampling.Kind == "":
			r.heatmaps(&b, i, d)
		case len(h.Dims) >= 2:
			for k := 0; k < len(h.Dims) && k < 4; k++ {
				r.linePlot(&b, i, d, k, true)
			}
		default:
			r.linePlot(&b, i, d, 0, h.Sampling.Kind != "")
		}
	}
	b.WriteString("<h2>All numbers</h2>\n<table><tr>")
	for _, d := range dims {
		fmt.Fprintf(&b, "<th>%s</th>", esc(shortPath(d)))
	}
	b.WriteString("<th>metric</th><th>runs</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>max seed</th></tr>\n")
	for _, p := range r.Results.Points {
		for _, i := range r.shown() {
			m, d := p.Metrics[i], r.def(i)
			b.WriteString("<tr>")
			for _, v := range p.Values {
				fmt.Fprintf(&b, "<td>%s</td>", esc(v))
			}
			fmt.Fprintf(&b, "<td style=\"text-align:left\">%s</td><td>%d</td>", esc(m.Name), m.N)
			for _, v := range []Num{m.Mean, m.P50, m.P90, m.P99, m.Max} {
				fmt.Fprintf(&b, "<td>%s</td>", esc(FormatValue(d.Unit, float64(v))))
			}
			fmt.Fprintf(&b, "<td>%d</td></tr>\n", m.MaxSeed)
		}
	}
	b.WriteString("</table>\n</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// valueOrder returns the position of each value of dimension k, in the
// order --vary listed them (or, for a comparison, the variants' order).
func (r *Report) valueOrder(k int) []string {
	h := r.Results.Header
	if len(h.Variants) > 0 {
		var out []string
		for _, v := range h.Variants {
			out = append(out, v.Label)
		}
		return out
	}
	if k < len(h.Dims) {
		return h.Dims[k].Values
	}
	return nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

var lineColors = []string{"#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#7f7f7f"}

// linePlot draws mean, p50, p90, p99 and max of metric i over dimension
// k. With scatter, points are not joined (a sample: several points share
// an x).
func (r *Report) linePlot(b *strings.Builder, i int, d MetricDef, k int, scatter bool) {
	xs := r.valueOrder(k)
	if len(xs) == 0 {
		xs = []string{""}
	}
	const W, H, L, R, T, B = 640, 260, 70, 110, 14, 46
	lo, hi := math.Inf(1), math.Inf(-1)
	type pt struct {
		x int
		v [5]float64
	}
	var pts []pt
	for _, p := range r.Results.Points {
		x := 0
		if k < len(p.Values) {
			x = indexOf(xs, p.Values[k])
		}
		m := p.Metrics[i]
		q := pt{x: x}
		for s, name := range statNames {
			q.v[s], _ = m.Stat(name)
			if !math.IsNaN(q.v[s]) {
				lo, hi = math.Min(lo, q.v[s]), math.Max(hi, q.v[s])
			}
		}
		pts = append(pts, q)
	}
	if math.IsInf(lo, 0) {
		return
	}
	lo = math.Min(lo, 0)
	if hi <= lo {
		hi = lo + 1
	}
	px := func(x int) float64 {
		if len(xs) == 1 {
			return L + (W-L-R)/2
		}
		return L + float64(x)*(W-L-R)/float64(len(xs)-1)
	}
	py := func(v float64) float64 { return T + (H-T-B)*(1-(v-lo)/(hi-lo)) }
	dimName := "variant"
	if k < len(r.Results.Header.Dims) {
		dimName = shortPath(r.Results.Header.Dims[k].Path)
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="%s over %s">`+"\n", W, H, html.EscapeString(d.Name), html.EscapeString(dimName))
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`+"\n", L, H-B, W-R, H-B, L, T, L, H-B)
	for t := 0; t <= 4; t++ {
		v := lo + (hi-lo)*float64(t)/4
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%s</text><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>`+"\n", L-4, py(v)+4, html.EscapeString(FormatValue(d.Unit, v)), L, py(v), W-R, py(v))
	}
	step := max(1, len(xs)/12)
	for x, label := range xs {
		if x%step == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", px(x), H-B+14, html.EscapeString(label))
		}
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", (L+W-R)/2, H-8, html.EscapeString(dimName))
	// Drawn from max down to mean, so that the mean is on top; max is
	// dashed, as p99 often equals it.
	for s := len(statNames) - 1; s >= 0; s-- {
		name, color := statNames[s], lineColors[s]
		dash := ""
		if name == "max" {
			dash = ` stroke-dasharray="4 3"`
		}
		if !scatter {
			var path []string
			for _, q := range pts {
				if q.x >= 0 && !math.IsNaN(q.v[s]) {
					path = append(path, fmt.Sprintf("%.1f,%.1f", px(q.x), py(q.v[s])))
				}
			}
			if len(path) > 1 {
				fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="1.5"%s points="%s"/>`+"\n", color, dash, strings.Join(path, " "))
			}
		}
		for _, q := range pts {
			if q.x >= 0 && !math.IsNaN(q.v[s]) {
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s %s</title></circle>`+"\n", px(q.x), py(q.v[s]), color, name, html.EscapeString(FormatValue(d.Unit, q.v[s])))
			}
		}
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", W-R+10, T+s*16, color, W-R+24, T+s*16+9, name)
	}
	b.WriteString("</svg>\n")
}

// heatmaps draws the mean of metric i over the first two dimensions (rows:
// the first, columns: the second), one heatmap per combination of the
// other dimensions' values (at most 8).
func (r *Report) heatmaps(b *strings.Builder, i int, d MetricDef) {
	h := r.Results.Header
	rows, cols := h.Dims[0].Values, h.Dims[1].Values
	type key string
	type cell struct {
		v        float64
		censored bool
	}
	panels := map[key]map[[2]int]cell{}
	var order []key
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range r.Results.Points {
		k := key(strings.Join(p.Values[2:], "\x00"))
		if panels[k] == nil {
			if len(order) == 8 {
				continue
			}
			panels[k] = map[[2]int]cell{}
			order = append(order, k)
		}
		v := float64(p.Metrics[i].Mean)
		panels[k][[2]int{indexOf(rows, p.Values[0]), indexOf(cols, p.Values[1])}] = cell{v, p.Metrics[i].Censored > 0}
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 0) {
		return
	}
	const cw, ch, L, T = 70, 22, 60, 58
	for _, k := range order {
		if len(h.Dims) > 2 {
			var parts []string
			for j, v := range strings.Split(string(k), "\x00") {
				parts = append(parts, shortPath(h.Dims[2+j].Path)+"="+v)
			}
			fmt.Fprintf(b, "<h3>%s</h3>\n", html.EscapeString(strings.Join(parts, ", ")))
		}
		W, H := L+cw*len(cols)+10, T+ch*len(rows)+10
		fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="mean %s">`+"\n", W, H, html.EscapeString(d.Name))
		W = max(W, 420)
		fmt.Fprintf(b, `<text x="4" y="14">mean per point, darker is higher; columns: %s →</text>`+"\n", html.EscapeString(shortPath(h.Dims[1].Path)))
		fmt.Fprintf(b, `<text x="4" y="30">rows: %s ↓</text>`+"\n", html.EscapeString(shortPath(h.Dims[0].Path)))
		for c, v := range cols {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", L+c*cw+cw/2, T-6, html.EscapeString(v))
		}
		for rIdx, rv := range rows {
			fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", L-6, T+rIdx*ch+ch/2+4, html.EscapeString(rv))
			for c := range cols {
				cl, ok := panels[k][[2]int{rIdx, c}]
				fill, label := "#eee", ""
				if v := cl.v; ok && !math.IsNaN(v) {
					f := 0.0
					if hi > lo {
						f = (v - lo) / (hi - lo)
					}
					fill, label = heat(f), FormatValue(d.Unit, v)
					if cl.censored {
						label = "≥" + label
					}
				}
				fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#fff"><title>%s</title></rect>`, L+c*cw, T+rIdx*ch, cw, ch, fill, html.EscapeString(label))
				fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", L+c*cw+cw/2, T+rIdx*ch+ch/2+4, html.EscapeString(label))
			}
		}
		b.WriteString("</svg>\n")
	}
}

// heat maps 0..1 to a light-yellow to red scale.
func heat(f float64) string {
	f = math.Max(0, math.Min(1, f))
	r := 255.0
	g := 245 - 175*f
	bl := 200 - 170*f
	return fmt.Sprintf("#%02x%02x%02x", int(r), int(g), int(bl))
}
