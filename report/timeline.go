package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// DefaultWidth is the width of the timeline when the output is not a
// terminal: the classic 80 columns.
const DefaultWidth = 80

// MinWidth is the narrowest timeline drawn; narrower requests get this.
const MinWidth = 40

// The glyphs of the timeline, one character per column. States fill a
// column; marks, more important, replace the state in their column.
const (
	glyphNone        = ' '
	glyphUnscheduled = '?'
	glyphPending     = '.'
	glyphWaiting     = '.'
	glyphBackOff     = '~'
	glyphImage       = 'i'
	glyphRunning     = '-'
	glyphReady       = '='
	glyphTerminating = '>'
	glyphExited      = '_'

	glyphKilled    = 'X'
	glyphExitMark  = 'x'
	glyphRestarted = '^'
	glyphLiveness  = 'L'
	glyphReadiness = 'R'
	glyphStartup   = 'S'
	glyphDeleted   = 'D'
)

// niceSteps are the column durations the timeline picks from: round
// enough that the time axis falls on round numbers, close enough to each
// other that the lanes use most of the width.
var niceSteps = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second, 6 * time.Second,
	10 * time.Second, 12 * time.Second, 15 * time.Second, 20 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute, 5 * time.Minute, 6 * time.Minute,
	10 * time.Minute, 12 * time.Minute, 15 * time.Minute, 20 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// roundTicks are the intervals the axis labels: a subset of niceSteps
// that reads well ("2m", not "3m20s").
var roundTicks = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond,
	50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// Timeline writes the run as ASCII lanes over time, at most width columns
// wide: a lane per pod (what the API shows), under it a lane per container
// (its process, readiness, waits and marks), then a lane per Service (its
// ready endpoints), a time axis above, and a legend below. Each column is
// a fixed slice of simulated time; a column shows the state that fills
// most of it, or the most important mark in it.
func Timeline(w io.Writer, records []record.Record, width int) error {
	bw := bufio.NewWriter(w)
	l := BuildLanes(records)
	writeTimeline(bw, l, width)
	return bw.Flush()
}

// timelineRow is one line of lanes: a label and a glyph per column.
type timelineRow struct {
	label string
	cells []byte
}

// scale is the mapping of columns to simulated time.
type scale struct {
	step sim.Duration
	cols int
}

func (s scale) colStart(c int) sim.Time { return sim.Time(s.step) * sim.Time(c) }

// pickScale chooses the smallest round column duration that fits the run
// [0, end] into at most cols columns.
func pickScale(end sim.Time, cols int) scale {
	if cols < 1 {
		cols = 1
	}
	for _, st := range niceSteps {
		n := int((sim.Duration(end) + st - 1) / st)
		if n <= cols {
			return scale{step: st, cols: max(n, 1)}
		}
	}
	st := niceSteps[len(niceSteps)-1]
	for int((sim.Duration(end)+st-1)/st) > cols {
		st *= 2
	}
	return scale{step: st, cols: max(int((sim.Duration(end)+st-1)/st), 1)}
}

func writeTimeline(w *bufio.Writer, l *Lanes, width int) {
	width = max(width, MinWidth)
	// Labels: pods flush left, their containers indented under them.
	var labels []string
	for _, p := range l.Pods {
		labels = append(labels, p.Name)
		for _, c := range p.Containers {
			labels = append(labels, "  "+c.Name)
		}
	}
	for _, s := range l.Services {
		labels = append(labels, "svc/"+s.Name)
	}
	labelW := 0
	for _, s := range labels {
		labelW = max(labelW, len(s))
	}
	labelW = min(labelW, max(width/3, 12))
	room := width - labelW - 1     // columns right of the labels
	sc := pickScale(l.End, room-1) // the axis's last tick takes one more

	title := fmt.Sprintf("Timeline of %s (release %s, seed %d):", l.Run.Scenario, l.Run.Release, l.Run.Seed)
	scaleText := fmt.Sprintf("%s, %s per column", sim.FormatShort(sim.Duration(l.End)), sim.FormatShort(sc.step))
	for _, line := range wrapWords("", title+" "+scaleText, width) {
		fmt.Fprintf(w, "%s\n", line)
	}
	fmt.Fprintf(w, "\n")
	axisLabels, axisTicks := timeAxis(sc, room)
	pad := strings.Repeat(" ", labelW+1)
	fmt.Fprintf(w, "%s%s\n%s%s\n", pad, strings.TrimRight(axisLabels, " "), pad, axisTicks)

	var rows []timelineRow
	for _, p := range l.Pods {
		rows = append(rows, timelineRow{label: p.Name, cells: podLaneCells(&p, sc)})
		for _, c := range p.Containers {
			rows = append(rows, timelineRow{label: "  " + c.Name, cells: containerLaneCells(&c, sc)})
		}
	}
	for _, s := range l.Services {
		rows = append(rows, timelineRow{label: "svc/" + s.Name, cells: serviceLaneCells(&s, sc)})
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "(no pods or services in this run)\n")
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s %s\n", labelW, shorten(r.label, labelW), strings.TrimRight(string(r.cells), " "))
	}

	// Windows without ready endpoints, exactly: a column cannot show them.
	var outages []string
	for _, s := range l.Services {
		for _, z := range s.Zero {
			if z.Initial {
				continue
			}
			text := fmt.Sprintf("svc/%s %s to %s (%s)", s.Name, Clock(z.Start), Clock(z.End), sim.FormatShort(z.End.Sub(z.Start).Round(time.Millisecond)))
			outages = append(outages, wrapWords("  ", text, width)...)
		}
	}
	if len(outages) > 0 {
		fmt.Fprintf(w, "\nNo ready endpoints:\n%s\n", strings.Join(outages, "\n"))
	}
	fmt.Fprintf(w, "\n")
	writeLegend(w, width)
}

// timeAxis returns the axis's label line and tick line for the scale: a
// tick every few columns, at round times, labelled where the label fits.
func timeAxis(sc scale, room int) (string, string) {
	// Ticks every k columns: the smallest k that leaves room for a label
	// and lands on a round multiple of the step.
	every := 0
	for k := 8; k <= 100 && every == 0; k++ {
		d := sc.step * sim.Duration(k)
		if k >= len(sim.FormatShort(d))+2 && slices.Contains(roundTicks, d) {
			every = k
		}
	}
	if every == 0 {
		every = 10
	}
	labels := make([]byte, max(room, sc.cols+1))
	for i := range labels {
		labels[i] = ' '
	}
	ticks := make([]byte, sc.cols+1)
	for c := 0; c <= sc.cols; c++ {
		switch {
		case c%every == 0:
			ticks[c] = '|'
			lbl := sim.FormatShort(sim.Duration(sc.colStart(c)))
			if c == 0 {
				lbl = "0"
			}
			if c+len(lbl) <= len(labels) {
				copy(labels[c:], lbl)
			}
		case every%2 == 0 && c%(every/2) == 0:
			ticks[c] = '+'
		default:
			ticks[c] = '-'
		}
	}
	return string(labels), string(ticks)
}

// shorten fits a label into n characters, keeping its end, which tells
// pods of one ReplicaSet apart.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 3 {
		return s[len(s)-n:]
	}
	return ".." + s[len(s)-(n-2):]
}

// cover accumulates, per column, how long each glyph's state lasts in it.
type cover struct {
	sc   scale
	time [][]sim.Duration // per column, per glyph index
}

// glyphOrder lists the state glyphs; on a tie the later one wins, so the
// more noteworthy state shows.
var glyphOrder = []byte{glyphExited, glyphPending, glyphUnscheduled, glyphRunning, glyphReady, glyphWaiting, glyphBackOff, glyphImage, glyphTerminating}

func glyphIndex(g byte) int {
	for i, x := range glyphOrder {
		if x == g {
			return i
		}
	}
	return 0
}

func newCover(sc scale) *cover {
	c := &cover{sc: sc, time: make([][]sim.Duration, sc.cols)}
	for i := range c.time {
		c.time[i] = make([]sim.Duration, len(glyphOrder))
	}
	return c
}

// add records glyph g over [a, b).
func (c *cover) add(a, b sim.Time, g byte) {
	if b <= a {
		return
	}
	gi := glyphIndex(g)
	step := sim.Time(c.sc.step)
	for col := int(a / step); col < c.sc.cols && c.sc.colStart(col) < b; col++ {
		lo, hi := max(a, c.sc.colStart(col)), min(b, c.sc.colStart(col+1))
		if hi > lo {
			c.time[col][gi] += hi.Sub(lo)
		}
	}
}

// cells returns the winning glyph of each column (space where nothing is).
func (c *cover) cells() []byte {
	out := make([]byte, c.sc.cols)
	for col := range out {
		out[col] = glyphNone
		var best sim.Duration
		for gi, d := range c.time[col] {
			if d > 0 && d >= best {
				best, out[col] = d, glyphOrder[gi]
			}
		}
	}
	return out
}

// markAt puts glyph g in t's column if it outranks what is there.
func markAt(cells []byte, sc scale, t sim.Time, g byte) {
	col := int(t / sim.Time(sc.step))
	if col >= len(cells) {
		col = len(cells) - 1
	}
	if col < 0 {
		return
	}
	if markRank(g) > markRank(cells[col]) {
		cells[col] = g
	}
}

// markRank orders marks sharing a column: a kill explains the exit and
// restart next to it; an exit matters more than a probe failure.
func markRank(g byte) int {
	switch g {
	case glyphDeleted:
		return 7
	case glyphKilled:
		return 6
	case glyphExitMark:
		return 5
	case glyphRestarted:
		return 4
	case glyphLiveness:
		return 3
	case glyphStartup:
		return 2
	case glyphReadiness:
		return 1
	}
	return 0
}

func stateGlyph(s Span) byte {
	switch s.State {
	case StateUnscheduled:
		return glyphUnscheduled
	case StatePending:
		return glyphPending
	case StateWaiting:
		switch {
		case s.Reason == ReasonBackOff:
			return glyphBackOff
		case IsImageWait(s.Reason):
			return glyphImage
		}
		return glyphWaiting
	case StateRunning:
		return glyphRunning
	case StateReady:
		return glyphReady
	case StateTerminating:
		return glyphTerminating
	case StateExited:
		return glyphExited
	}
	return glyphNone
}

func podLaneCells(p *PodLane, sc scale) []byte {
	cv := newCover(sc)
	for _, s := range p.Spans {
		cv.add(s.Start, s.End, stateGlyph(s))
	}
	cells := cv.cells()
	for _, m := range p.Marks {
		if m.Kind == MarkDeleted {
			markAt(cells, sc, m.T, glyphDeleted)
		}
	}
	return cells
}

func containerLaneCells(c *ContainerLane, sc scale) []byte {
	cv := newCover(sc)
	for _, s := range c.Spans {
		cv.add(s.Start, s.End, stateGlyph(s))
	}
	cells := cv.cells()
	for _, m := range c.Marks {
		if g := markGlyph(m); g != 0 {
			markAt(cells, sc, m.T, g)
		}
	}
	return cells
}

func markGlyph(m Mark) byte {
	switch m.Kind {
	case MarkKilled:
		return glyphKilled
	case MarkExited:
		return glyphExitMark
	case MarkRestarted:
		return glyphRestarted
	case MarkProbeFailed:
		switch m.Probe {
		case "liveness":
			return glyphLiveness
		case "startup":
			return glyphStartup
		default:
			return glyphReadiness
		}
	case MarkDeleted:
		return glyphDeleted
	}
	return 0
}

// serviceCells shows the fewest ready endpoints in each column, so that
// any moment without them shows as 0.
func serviceLaneCells(s *ServiceLane, sc scale) []byte {
	cells := make([]byte, sc.cols)
	fewest := make([]int, sc.cols)
	for i := range cells {
		cells[i], fewest[i] = glyphNone, -1
	}
	step := sim.Time(sc.step)
	for _, sp := range s.Spans {
		for col := int(sp.Start / step); col < sc.cols && sc.colStart(col) < sp.End; col++ {
			if fewest[col] < 0 || sp.Ready < fewest[col] {
				fewest[col] = sp.Ready
			}
		}
	}
	for i, n := range fewest {
		switch {
		case n < 0:
		case n > 9:
			cells[i] = '+'
		default:
			cells[i] = byte('0' + n)
		}
	}
	return cells
}

// wrapWords breaks text between words into lines of at most width
// characters, the first indented by indent, the rest by two more. A word
// longer than a line is left whole.
func wrapWords(indent, text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = indent + word
		case len(line)+1+len(word) > width:
			lines = append(lines, line)
			line = indent + "  " + word
		default:
			line += " " + word
		}
	}
	return append(lines, line)
}

// legendItems explains every glyph, in reading order.
var legendItems = []string{
	"= ready", "- running, not ready", ". waiting to start, or pod pending",
	"~ CrashLoopBackOff back-off", "i image pull back-off", "> terminating", "_ exited", "? unscheduled",
	"L R S liveness, readiness, startup probe failed", "X killed (Killing event)", "x process exited",
	"^ restarted", "D pod deleted", "svc rows: fewest ready endpoints in the column, + for 10 or more",
}

func writeLegend(w *bufio.Writer, width int) {
	for _, line := range wrapItems("Legend:", legendItems, width) {
		fmt.Fprintf(w, "%s\n", line)
	}
}

// wrapItems lays items out after a lead word, two spaces apart, in lines
// of at most width, continuation lines indented under the first item. An
// item too long for a line of its own is broken between words.
func wrapItems(lead string, items []string, width int) []string {
	indent := strings.Repeat(" ", len(lead))
	var lines []string
	line := lead
	fresh := true // nothing but the lead or indent on line yet
	for _, it := range items {
		if len(line)+2+len(it) > width && !fresh {
			lines = append(lines, line)
			line, fresh = indent, true
		}
		if len(line)+2+len(it) <= width {
			line += "  " + it
			fresh = false
			continue
		}
		// Too long even alone: word by word.
		sep := "  "
		for _, word := range strings.Fields(it) {
			if len(line)+len(sep)+len(word) > width && !fresh {
				lines = append(lines, line)
				line, sep = indent+"    ", "  "
			}
			line += sep + word
			sep, fresh = " ", false
		}
	}
	return append(lines, line)
}
