package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// The geometry of the SVG timeline, in CSS pixels.
const (
	svgLabelW = 250 // the label column
	svgPlotW  = 860 // the lanes
	svgRightM = 20
	svgTopM   = 34 // room for the time axis
	svgRowH   = 20
	svgBarH   = 12
	svgGapH   = 6 // between one pod's group and the next
)

// HTML writes the run as one self-contained HTML page: the header, the SVG
// timeline of lanes (hovering over a span or mark tells what and when),
// its legend, the key moments, a `kubectl get pods` snapshot at the end and
// every object's events. The page loads nothing: styles and its small
// script are inline, so it opens offline and can be mailed or attached to
// a ticket.
func HTML(w io.Writer, records []record.Record) error {
	bw := bufio.NewWriter(w)
	l := BuildLanes(records)
	title := "probesim: " + l.Run.Scenario
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n", esc(title), pageCSS)
	fmt.Fprintf(bw, "<h1>%s</h1>\n", esc(l.Run.Scenario))
	fmt.Fprintf(bw, "<p class=\"meta\">release %s &middot; seed %d &middot; %s of simulated time &middot; log hash <code>%s</code></p>\n",
		esc(l.Run.Release), l.Run.Seed, esc(sim.FormatShort(sim.Duration(l.End))), esc(l.Hash))

	fmt.Fprintf(bw, "<section id=\"timeline\">\n<h2>Timeline</h2>\n")
	writeSVG(bw, l)
	bw.WriteString(legendHTML)
	fmt.Fprintf(bw, "</section>\n")

	fmt.Fprintf(bw, "<section id=\"summary\">\n<h2>Summary</h2>\n")
	var hdr strings.Builder
	hw := bufio.NewWriter(&hdr)
	header(hw, records, l.End)
	hw.Flush()
	fmt.Fprintf(bw, "<pre class=\"header\">%s</pre>\n", esc(hdr.String()))
	fmt.Fprintf(bw, "<h3>Key moments</h3>\n<table class=\"moments\">\n<thead><tr><th>Time</th><th>Object</th><th>What</th></tr></thead>\n<tbody>\n")
	for _, m := range Moments(records) {
		fmt.Fprintf(bw, "<tr><td class=\"t\">%s</td><td>%s</td><td>%s</td></tr>\n", Clock(m.T), esc(m.Object), esc(m.What))
	}
	fmt.Fprintf(bw, "</tbody>\n</table>\n")
	fmt.Fprintf(bw, "<h3>Pods at %s</h3>\n<table class=\"pods\">\n<thead><tr><th>NAME</th><th>READY</th><th>STATUS</th><th>RESTARTS</th><th>AGE</th></tr></thead>\n<tbody>\n", Clock(l.End))
	for _, p := range Pods(records, l.End) {
		fmt.Fprintf(bw, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(p.Name), esc(p.Ready), esc(p.Status), esc(p.Restarts), esc(p.Age))
	}
	fmt.Fprintf(bw, "</tbody>\n</table>\n</section>\n")

	fmt.Fprintf(bw, "<section id=\"events\">\n<h2>Events</h2>\n")
	groups := Events(records, l.End)
	if len(groups) == 0 {
		fmt.Fprintf(bw, "<p>&lt;none&gt;</p>\n")
	}
	for _, g := range groups {
		fmt.Fprintf(bw, "<h3>%s</h3>\n<table class=\"events\">\n<thead><tr><th>Type</th><th>Reason</th><th>Age</th><th>From</th><th>Message</th><th>Last seen</th></tr></thead>\n<tbody>\n", esc(g[0].Object))
		for _, r := range g {
			fmt.Fprintf(bw, "<tr class=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"t\">%s</td></tr>\n",
				strings.ToLower(esc(r.Type)), esc(r.Type), esc(r.Reason), esc(r.Age), esc(r.From), esc(r.Message), Clock(r.Last))
		}
		fmt.Fprintf(bw, "</tbody>\n</table>\n")
	}
	fmt.Fprintf(bw, "</section>\n<script>\n%s</script>\n</body>\n</html>\n", pageJS)
	return bw.Flush()
}

// SVG writes the timeline of a run as a standalone SVG document, the same
// drawing the HTML page embeds.
func SVG(w io.Writer, records []record.Record) error {
	bw := bufio.NewWriter(w)
	writeSVG(bw, BuildLanes(records))
	return bw.Flush()
}

func esc(s string) string { return html.EscapeString(s) }

// px formats a coordinate with one decimal, without a trailing ".0".
func px(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// svgScale maps simulated time to x.
type svgScale struct{ end sim.Time }

func (s svgScale) x(t sim.Time) float64 {
	if s.end <= 0 {
		return svgLabelW
	}
	return svgLabelW + float64(t)/float64(s.end)*svgPlotW
}

// svgRow is one lane of the drawing.
type svgRow struct {
	kind, label string
	y           float64
}

func writeSVG(w *bufio.Writer, l *Lanes) {
	sc := svgScale{end: l.End}
	// Rows first, to know the height.
	y := float64(svgTopM)
	type podRows struct {
		pod  svgRow
		ctrs []svgRow
	}
	var pods []podRows
	for _, p := range l.Pods {
		pr := podRows{pod: svgRow{kind: "pod", label: p.Name, y: y}}
		y += svgRowH
		for _, c := range p.Containers {
			pr.ctrs = append(pr.ctrs, svgRow{kind: "container", label: c.Name, y: y})
			y += svgRowH
		}
		y += svgGapH
		pods = append(pods, pr)
	}
	svcY := make([]float64, len(l.Services))
	for i := range l.Services {
		svcY[i] = y
		y += svgRowH
	}
	height := y + 4
	width := float64(svgLabelW + svgPlotW + svgRightM)
	fmt.Fprintf(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lanes\" width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"sans-serif\" font-size=\"11\">\n",
		px(width), px(height), px(width), px(height))
	fmt.Fprintf(w, "<title>Lanes of %s: pods, containers and services over %s of simulated time</title>\n", esc(l.Run.Scenario), esc(sim.FormatShort(sim.Duration(l.End))))

	// The time axis and its grid.
	step := axisStep(l.End)
	fmt.Fprintf(w, "<g class=\"axis\">\n")
	for t := sim.Time(0); t <= l.End && step > 0; t += sim.Time(step) {
		x := px(sc.x(t))
		lbl := sim.FormatShort(sim.Duration(t))
		if t == 0 {
			lbl = "0"
		}
		fmt.Fprintf(w, "<line class=\"grid\" x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%s\"/><text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x, svgTopM-8, x, px(height-4), x, svgTopM-12, esc(lbl))
	}
	fmt.Fprintf(w, "</g>\n")

	for i, p := range l.Pods {
		pr := pods[i]
		fmt.Fprintf(w, "<g class=\"pod\" data-pod=\"%s\">\n", esc(p.Name))
		podTip := "pod " + p.Name
		if p.Node != "" {
			podTip += " on " + p.Node
		}
		if p.Owner != "" {
			podTip += ", owned by " + p.Owner
		}
		writeLane(w, sc, pr.pod, p.Name, podTip, p.Spans, p.Marks)
		for j, c := range p.Containers {
			writeLane(w, sc, pr.ctrs[j], c.Name, "pod "+p.Name+", container "+c.Name, c.Spans, c.Marks)
		}
		fmt.Fprintf(w, "</g>\n")
	}
	for i, s := range l.Services {
		y := svcY[i]
		fmt.Fprintf(w, "<g class=\"lane service\" data-lane=\"service/%s\">\n", esc(s.Name))
		fmt.Fprintf(w, "<text class=\"label svc\" x=\"4\" y=\"%s\">svc/%s</text>\n", px(y+svgBarH-1), esc(s.Name))
		for _, sp := range s.Spans {
			cls := "e-some"
			if sp.Ready == 0 {
				cls = "e-zero"
			}
			x0, x1 := sc.x(sp.Start), sc.x(sp.End)
			fmt.Fprintf(w, "<rect class=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%d\"><title>svc/%s: %d ready, %d serving endpoints, %s to %s (%s)</title></rect>\n",
				cls, px(x0), px(y+2), px(max(x1-x0, 0.5)), svgBarH-2, esc(s.Name), sp.Ready, sp.Serving, Clock(sp.Start), Clock(sp.End), esc(dur(sp.End.Sub(sp.Start))))
			if x1-x0 >= 14 {
				fmt.Fprintf(w, "<text class=\"count\" x=\"%s\" y=\"%s\">%d</text>\n", px(x0+3), px(y+svgBarH-2), sp.Ready)
			}
		}
		fmt.Fprintf(w, "</g>\n")
	}
	fmt.Fprintf(w, "</svg>\n")
}

// axisStep picks a round tick interval giving about eight ticks.
func axisStep(end sim.Time) sim.Duration {
	for _, st := range roundTicks {
		if sim.Duration(end)/st <= 10 {
			return st
		}
	}
	return sim.Duration(end) / 8
}

// writeLane draws one pod or container lane: its label, a rectangle per
// span and a symbol per mark, each with a <title> that the browser (and
// the page's script) shows on hover.
func writeLane(w *bufio.Writer, sc svgScale, row svgRow, name, who string, spans []Span, marks []Mark) {
	y := row.y
	fmt.Fprintf(w, "<g class=\"lane %s\" data-lane=\"%s\">\n", row.kind, esc(row.kind+"/"+name))
	x := "4"
	cls := "label pod"
	if row.kind == "container" {
		x, cls = "18", "label"
	}
	fmt.Fprintf(w, "<text class=\"%s\" x=\"%s\" y=\"%s\"><title>%s</title>%s</text>\n", cls, x, px(y+svgBarH-1), esc(who), esc(shorten(name, 40)))
	for _, s := range spans {
		x0, x1 := sc.x(s.Start), sc.x(s.End)
		what := s.State.String()
		switch {
		case s.State == StateWaiting:
			what = "waiting: " + s.Reason
		case row.kind == "pod" && s.Reason != "":
			what += " (STATUS " + s.Reason + ")"
		}
		if s.Instance > 0 {
			what += ", start #" + strconv.Itoa(s.Instance)
		}
		fmt.Fprintf(w, "<rect class=\"s-%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%d\"><title>%s\n%s: %s to %s (%s)</title></rect>\n",
			spanClass(s), px(x0), px(y+1), px(max(x1-x0, 0.5)), svgBarH, esc(who), esc(what), Clock(s.Start), Clock(s.End), esc(dur(s.End.Sub(s.Start))))
	}
	for _, m := range marks {
		mx := sc.x(m.T)
		var shape, label string
		switch m.Kind {
		case MarkProbeFailed:
			// A small downward triangle above the bar.
			shape = fmt.Sprintf("<path class=\"m-%s\" d=\"M%s %sl-3.5 -5h7z\"", m.Probe, px(mx), px(y+3))
			label = m.Probe + " probe failed"
		case MarkKilled:
			shape = fmt.Sprintf("<path class=\"m-kill\" d=\"M%s %sl7 7m0 -7l-7 7\"", px(mx-3.5), px(y+3.5))
			label = "Killing"
		case MarkExited:
			shape = fmt.Sprintf("<circle class=\"m-exit\" cx=\"%s\" cy=\"%s\" r=\"2.5\"", px(mx), px(y+svgBarH+3))
			label = "process exited"
		case MarkRestarted:
			shape = fmt.Sprintf("<path class=\"m-restart\" d=\"M%s %sl3.5 5h-7z\"", px(mx), px(y+svgBarH+1))
			label = "restarted"
		case MarkDeleted:
			shape = fmt.Sprintf("<path class=\"m-deleted\" d=\"M%s %sv%d\"", px(mx), px(y-1), svgBarH+4)
			label = "deleted"
		case MarkScheduled:
			continue // the end of the unscheduled span shows it
		}
		if m.Instance > 0 {
			label += " (start #" + strconv.Itoa(m.Instance) + ")"
		}
		fmt.Fprintf(w, "%s><title>%s\n%s at %s: %s</title></%s>\n", shape, esc(who), esc(label), Clock(m.T), esc(m.Detail), shapeTag(shape))
	}
	fmt.Fprintf(w, "</g>\n")
}

func shapeTag(shape string) string {
	tag, _, _ := strings.Cut(strings.TrimPrefix(shape, "<"), " ")
	return tag
}

// spanClass is the CSS class suffix of a span: its state, or for waits the
// kind of wait.
func spanClass(s Span) string {
	if s.State == StateWaiting {
		switch {
		case s.Reason == ReasonBackOff:
			return "backoff"
		case IsImageWait(s.Reason):
			return "image"
		}
	}
	return s.State.String()
}

// The page's colours. The lane colours are distinct in hue and in
// lightness, so that they read in grey too.
const pageCSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #1b1b1b; background: #ffffff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: #555; margin: 0; }
code, pre, td.t { font-family: ui-monospace, monospace; font-size: 12px; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid #ccc; }
tr.warning td:first-child { color: #b71c1c; }
svg.lanes { display: block; overflow: visible; }
svg.lanes text { fill: #1b1b1b; }
svg.lanes .label.pod, svg.lanes .label.svc { font-weight: 600; }
svg.lanes .axis text { fill: #555; }
svg.lanes .grid { stroke: #e6e6e6; stroke-width: 1; }
svg.lanes text.count { fill: #ffffff; font-size: 9px; pointer-events: none; }
.s-ready { fill: #2e7d32; }
.s-running { fill: #81c784; }
.s-pending { fill: #cfd8dc; }
.s-unscheduled { fill: #fff176; }
.s-waiting { fill: #b0bec5; }
.s-backoff { fill: #ef6c00; }
.s-image { fill: #8e24aa; }
.s-terminating { fill: #c62828; }
.s-exited { fill: #616161; }
.e-some { fill: #1565c0; }
.e-zero { fill: #e53935; }
.m-liveness { fill: #b71c1c; }
.m-readiness { fill: #f9a825; }
.m-startup { fill: #6a1b9a; }
.m-kill { stroke: #000000; stroke-width: 2; fill: none; }
.m-exit { fill: #000000; }
.m-restart { fill: #0d47a1; }
.m-deleted { stroke: #000000; stroke-width: 2; }
svg.lanes rect:hover, svg.lanes path:hover, svg.lanes circle:hover { opacity: 0.75; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0 0; padding: 0; list-style: none; font-size: 12px; }
.legend svg { vertical-align: middle; margin-right: 4px; }
#tip { position: absolute; display: none; max-width: 480px; padding: 4px 8px; background: #263238; color: #ffffff; font-size: 12px; white-space: pre-wrap; border-radius: 3px; pointer-events: none; }
`

// legendHTML explains the colours and symbols of the SVG.
const legendHTML = `<ul class="legend">
<li><svg width="14" height="10"><rect class="s-ready" width="14" height="10"/></svg>ready</li>
<li><svg width="14" height="10"><rect class="s-running" width="14" height="10"/></svg>running, not ready</li>
<li><svg width="14" height="10"><rect class="s-waiting" width="14" height="10"/></svg>waiting to start (creating, restarting)</li>
<li><svg width="14" height="10"><rect class="s-backoff" width="14" height="10"/></svg>CrashLoopBackOff back-off</li>
<li><svg width="14" height="10"><rect class="s-image" width="14" height="10"/></svg>image pull back-off</li>
<li><svg width="14" height="10"><rect class="s-terminating" width="14" height="10"/></svg>terminating</li>
<li><svg width="14" height="10"><rect class="s-exited" width="14" height="10"/></svg>exited</li>
<li><svg width="14" height="10"><rect class="s-pending" width="14" height="10"/></svg>pod pending</li>
<li><svg width="14" height="10"><rect class="s-unscheduled" width="14" height="10"/></svg>pod unscheduled</li>
<li><svg width="10" height="10"><path class="m-liveness" d="M5 8l-4 -6h8z"/></svg>liveness probe failed</li>
<li><svg width="10" height="10"><path class="m-readiness" d="M5 8l-4 -6h8z"/></svg>readiness probe failed</li>
<li><svg width="10" height="10"><path class="m-startup" d="M5 8l-4 -6h8z"/></svg>startup probe failed</li>
<li><svg width="10" height="10"><path class="m-kill" d="M1 1l8 8m0 -8l-8 8"/></svg>killed (Killing event)</li>
<li><svg width="10" height="10"><circle class="m-exit" cx="5" cy="5" r="3"/></svg>process exited</li>
<li><svg width="10" height="10"><path class="m-restart" d="M5 2l4 6h-8z"/></svg>restarted</li>
<li><svg width="10" height="10"><path class="m-deleted" d="M5 0v10"/></svg>pod deleted</li>
<li><svg width="14" height="10"><rect class="e-some" width="14" height="10"/></svg>service has ready endpoints (count inside)</li>
<li><svg width="14" height="10"><rect class="e-zero" width="14" height="10"/></svg>no ready endpoints</li>
</ul>
`

// pageJS shows an element's <title> at once, next to the pointer, where
// the browser's own tooltip would take a second to appear.
const pageJS = `(function () {
  var tip = document.createElement("div");
  tip.id = "tip";
  document.body.appendChild(tip);
  var svg = document.querySelector("svg.lanes");
  if (!svg) { return; }
  function titleOf(el) {
    for (; el && el !== svg; el = el.parentNode) {
      var t = el.firstElementChild;
      for (; t; t = t.nextElementSibling) {
        if (t.tagName === "title") { return t.textContent; }
      }
    }
    return "";
  }
  svg.addEventListener("mousemove", function (ev) {
    var text = titleOf(ev.target);
    if (!text) { tip.style.display = "none"; return; }
    tip.textContent = text;
    tip.style.left = (ev.pageX + 14) + "px";
    tip.style.top = (ev.pageY + 14) + "px";
    tip.style.display = "block";
  });
  svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
})();
`
