package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/report"
)

// TestGoldenLaneViews keeps the timeline, HTML and trace of two built-ins: a
// rollout stalled on readiness and a liveness-driven crash loop.
func TestGoldenLaneViews(t *testing.T) {
	for _, name := range []string{"readiness-stall", "liveness-404-crashloop"} {
		for _, f := range []struct{ format, ext string }{{"timeline", "timeline"}, {"html", "html"}, {"trace", "trace.json"}} {
			t.Run(name+"/"+f.format, func(t *testing.T) {
				code, out, stderr := call(t, "--scenario", name, "-o", f.format)
				skipUnsupported(t, code, stderr)
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				golden(t, name+"."+f.ext+".golden", out)
			})
		}
	}
}

func TestTraceIsJSON(t *testing.T) {
	code, out, stderr := call(t, "--scenario", "liveness-404-crashloop", "-o", "trace")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.TraceEvents) == 0 {
		t.Fatalf("not a trace: %v", err)
	}
}

// TestTimelineWidth checks where the timeline's width comes from: --width,
// else the terminal stdout is (its size, else $COLUMNS), else 80 columns,
// whatever $COLUMNS says, when stdout is a pipe or a file.
func TestTimelineWidth(t *testing.T) {
	widest := func(out string) int {
		n := 0
		for _, l := range strings.Split(out, "\n") {
			n = max(n, len(l))
		}
		return n
	}
	run := func(term func() int, args ...string) string {
		var out, errb bytes.Buffer
		e := newEnv(strings.NewReader(""), &out, &errb)
		e.stdoutWidth = term
		if code := e.run(append([]string{"--scenario", "liveness-404-crashloop", "-o", "timeline"}, args...)); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	t.Setenv("COLUMNS", "150")
	if w := widest(run(nil)); w > report.DefaultWidth {
		t.Errorf("not a terminal: %d wide, want at most %d", w, report.DefaultWidth)
	}
	if w := widest(run(func() int { return 120 })); w > 120 || w <= report.DefaultWidth {
		t.Errorf("a 120-column terminal: %d wide", w)
	}
	if w := widest(run(func() int { return 0 })); w > 150 || w <= 120 {
		t.Errorf("a terminal of unknown size, COLUMNS=150: %d wide", w)
	}
	if w := widest(run(func() int { return 120 }, "--width", "60")); w > 60 {
		t.Errorf("--width 60: %d wide", w)
	}
	code, _, stderr := call(t, "--scenario", "readiness-stall", "-o", "timeline", "--width", "10")
	if code != exitUsage || !strings.Contains(stderr, "--width 10: expected at least 40 columns") {
		t.Errorf("--width 10: exit %d, %s", code, stderr)
	}
}

// TestOutputDocTimeline keeps the timeline excerpt of docs/output.md what
// the tool prints.
func TestOutputDocTimeline(t *testing.T) {
	doc, err := os.ReadFile("../../docs/output.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Timeline\n")
	_, block, ok2 := strings.Cut(section, "```\n")
	block, _, ok3 := strings.Cut(block, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/output.md has no timeline example under ## Timeline")
	}
	code, out, stderr := call(t, "--scenario", "liveness-404-crashloop", "-o", "timeline")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(out, block); diff != "" {
		t.Errorf("docs/output.md's timeline differs from simulate --scenario liveness-404-crashloop -o timeline (-tool +doc):\n%s", diff)
	}
}

// TestWatchWithView checks that --watch, which owns standard output, takes
// a lane view only into --out.
func TestWatchWithView(t *testing.T) {
	code, _, stderr := call(t, "--scenario", "readiness-stall", "--watch", "-o", "html")
	if code != exitUsage || !strings.Contains(stderr, "with --output html, give --out FILE for the output") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	out := t.TempDir() + "/run.html"
	code, _, stderr = call(t, "--scenario", "readiness-stall", "--watch", "-o", "html", "--out", out)
	page, _ := os.ReadFile(out)
	if code != exitOK || !strings.Contains(string(page), `<svg xmlns="http://www.w3.org/2000/svg" class="lanes"`) {
		t.Errorf("exit %d: %s; page %.200s", code, stderr, page)
	}
}
