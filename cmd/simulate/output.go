package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
)

// outputFormats lists the --output formats of simulate run, in the order
// help and errors name them.
var outputFormats = []string{"text", "jsonl", "timeline", "html", "trace"}

// checkOutput reports a --output value that is not a known format.
func checkOutput(format string) error {
	for _, f := range outputFormats {
		if f == format {
			return nil
		}
	}
	return usageErr("--output %q: expected %s", format, strings.Join(outputFormats, ", "))
}

// render writes a finished run as a timeline, an HTML page or a trace:
// the formats drawn from the whole log (text is runner.go's; jsonl
// streams as the run goes).
func (e *env) render(w io.Writer, format string, records []record.Record, width int, toFile bool) error {
	switch format {
	case "timeline":
		return report.Timeline(w, records, e.timelineWidth(width, toFile))
	case "html":
		return report.HTML(w, records)
	case "trace":
		return report.Trace(w, records)
	}
	return nil
}

// viewNeeds returns which records a lane view reads, for record.Log.Keep:
// the trace draws every kind (traffic as counters), the timeline and the
// page all but Requests.
func viewNeeds(format string) func(kind string) bool {
	if format == "trace" {
		return nil
	}
	return report.LanesNeed
}

// timelineWidth is the width of --output timeline: --width if given, else
// the terminal's width when standard output is one (its size, or
// $COLUMNS), else report.DefaultWidth, so that piped output does not
// depend on the window it was run in.
func (e *env) timelineWidth(flag int, toFile bool) int {
	if flag > 0 {
		return flag
	}
	if toFile || e.stdoutWidth == nil {
		return report.DefaultWidth
	}
	if n := e.stdoutWidth(); n > 0 {
		return n
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return report.DefaultWidth
}

// fmtWidthErr is the error of a --width that cannot be used.
func fmtWidthErr(n int) error {
	return usageErr("--width %d: expected at least %d columns", n, report.MinWidth)
}
