package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const warmFile = "../../sweep/testdata/warmup-60s.yaml"

var warmVary = []string{
	"--vary", "deployment/warm:containers[warm].startupProbe.periodSeconds=10,20",
	"--vary", "deployment/warm:containers[warm].startupProbe.failureThreshold=2..8/2",
}

func sweepArgs(extra ...string) []string {
	args := append([]string{"sweep", "-f", warmFile, "--seeds", "2", "-q"}, warmVary...)
	return append(args, extra...)
}

// TestSweepTable pins the table and the recommendation of a small sweep of
// the 60 s warm-up (its boundary is derived in sweep.TestStartupBoundary).
func TestSweepTable(t *testing.T) {
	code, out, stderr := call(t, sweepArgs("--require", "startup-kills == 0 in 99%", "--minimize", "time-to-ready.p99")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "sweep-warmup.txt.golden", out)
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "Recommended: startupProbe.periodSeconds=10, startupProbe.failureThreshold=8,") {
		t.Errorf("no recommendation of periodSeconds=10 failureThreshold=8:\n%s", out)
	}
}

// TestSweepFormats: every format renders, the same for 1 and 4 workers.
func TestSweepFormats(t *testing.T) {
	for _, format := range []string{"csv", "json", "html", "jsonl"} {
		_, one, _ := call(t, sweepArgs("-o", format, "--workers", "1")...)
		code, four, stderr := call(t, sweepArgs("-o", format, "--workers", "4")...)
		if code != exitOK {
			t.Fatalf("-o %s: exit %d: %s", format, code, stderr)
		}
		if one != four {
			t.Errorf("-o %s differs between 1 and 4 workers", format)
		}
		if format == "html" && (!strings.Contains(one, "<svg") || strings.Contains(one, "http://") && !strings.Contains(one, `xmlns="http://www.w3.org/2000/svg"`)) {
			t.Errorf("-o html has no inline SVG or refers to the network")
		}
	}
}

// TestSweepShardsMergeResume runs three shards into files, merges them,
// and checks the merged file equals one whole sweep's; then resumes a
// file cut in the middle of a line.
func TestSweepShardsMergeResume(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.jsonl")
	if code, _, stderr := call(t, sweepArgs("--out", whole)...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var shards []string
	for _, i := range []string{"0", "1", "2"} {
		name := filepath.Join(dir, "shard-"+i+".jsonl")
		if code, _, stderr := call(t, sweepArgs("--shard", i+"/3", "--out", name)...); code != exitOK {
			t.Fatalf("shard %s: exit %d: %s", i, code, stderr)
		}
		shards = append(shards, name)
	}
	merged := filepath.Join(dir, "merged.jsonl")
	code, table, stderr := call(t, append([]string{"sweep", "merge", "--out", merged}, shards...)...)
	if code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	want, _ := os.ReadFile(whole)
	got, _ := os.ReadFile(merged)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("merged shards differ from the whole sweep:\n%s", diff)
	}
	_, wholeTable, _ := call(t, "sweep", "merge", whole)
	if table != wholeTable {
		t.Errorf("the merged table differs from the whole sweep's")
	}
	code, _, stderr = call(t, "sweep", "merge", shards[0], shards[1])
	if code != exitUsage || !strings.Contains(stderr, "points are missing") {
		t.Errorf("merging 2 of 3 shards: exit %d, %s", code, stderr)
	}

	// Resume: keep the header, two points and half a line.
	lines := strings.SplitAfter(string(want), "\n")
	cut := filepath.Join(dir, "cut.jsonl")
	os.WriteFile(cut, []byte(strings.Join(lines[:3], "")+lines[3][:20]), 0o644)
	if code, _, stderr := call(t, sweepArgs("--out", cut, "--resume")...); code != exitOK {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	got, _ = os.ReadFile(cut)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("resumed file differs from the whole sweep:\n%s", diff)
	}
	// Resuming another sweep's file is refused.
	code, _, stderr = call(t, sweepArgs("--out", cut, "--resume", "--seeds", "3")...)
	if code != exitUsage || !strings.Contains(stderr, "another sweep") {
		t.Errorf("resume of another sweep: exit %d, %s", code, stderr)
	}
}

func TestSweepErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "-f", warmFile}, "nothing to vary"},
		{[]string{"sweep", "-f", warmFile, "--vary", "x"}, "expected PATH=VALUES"},
		{[]string{"sweep", "-f", warmFile, "--vary", "a=10..1"}, "range"},
		{[]string{"sweep", "-f", warmFile, "--vary", "deployment/nope:spec.replicas=1,2"}, "no Deployment/nope"},
		{[]string{"sweep", "-f", warmFile, "--vary", "duration=1m", "--metrics", "latency"}, "unknown metric"},
		{[]string{"sweep", "-f", warmFile, "--vary", "duration=1m", "--require", "restarts ~ 0"}, "expected METRIC OP VALUE"},
		{[]string{"sweep", "-f", warmFile, "--vary", "duration=1m", "--shard", "3/3"}, "--shard"},
		{[]string{"sweep", "-f", warmFile, "--vary", "duration=1m", "--resume"}, "--out"},
		{[]string{"compare", warmFile}, "--set-a"},
		{[]string{"sweep", "-f", warmFile, "--vary", "duration=1m", "--metrics", "restarts", "--minimize", "time-to-ready.p99"}, "does not record time-to-all-ready"},
	} {
		code, _, stderr := call(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

func TestCompare(t *testing.T) {
	code, out, stderr := call(t, "compare", warmFile, "--seeds", "2", "-q",
		"--set-a", "deployment/warm:containers[warm].startupProbe.failureThreshold=6",
		"--set-b", "deployment/warm:containers[warm].startupProbe.failureThreshold=7")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "compare-warmup.txt.golden", out)
}

// TestSweepJobExample runs the scenario and the --vary paths of
// docs/examples/sweep-job.yaml (one value each, one seed, one shard of
// four), so that the example keeps working.
func TestSweepJobExample(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "  app.yaml: |\n")
	end := strings.Index(text, "\n---\napiVersion: batch/v1")
	if start < 0 || end < start {
		t.Fatal("no app.yaml in the ConfigMap")
	}
	var scenario strings.Builder
	for _, line := range strings.Split(text[start+len("  app.yaml: |\n"):end], "\n") {
		scenario.WriteString(strings.TrimPrefix(line, "    ") + "\n")
	}
	file := filepath.Join(t.TempDir(), "app.yaml")
	os.WriteFile(file, []byte(scenario.String()), 0o644)
	args := []string{"sweep", "-f", file, "--seeds", "1", "--until", "2m", "-q", "-o", "csv", "--shard", "0/4"}
	base := len(args)
	for _, line := range strings.Split(text, "\n") {
		if _, rest, ok := strings.Cut(line, "--vary '"); ok {
			path, _, _ := strings.Cut(rest, "=")
			args = append(args, "--vary", path+"=10")
		}
	}
	if len(args) != base+4 {
		t.Fatalf("found %d --vary in the example, want 2", (len(args)-base)/2)
	}
	if code, _, stderr := call(t, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestSweepInterruptAndProgress: a signal stops the sweep with exit 130
// and the finished points kept; --resume completes the file. The progress
// bar is drawn on a terminal only.
func TestSweepInterruptAndProgress(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.jsonl")
	if code, _, stderr := call(t, sweepArgs("--out", whole)...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	part := filepath.Join(dir, "part.jsonl")
	var out, errb strings.Builder
	e := newEnv(strings.NewReader(""), &out, &errb)
	e.interrupt("INT") // stops at the first run's end
	if code := e.run(sweepArgs("--out", part, "--workers", "1")); code != exitInterrupted {
		t.Fatalf("exit %d, want 130: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "--resume") {
		t.Errorf("the interruption does not say how to continue: %s", errb.String())
	}
	if code, _, stderr := call(t, sweepArgs("--out", part, "--resume")...); code != exitOK {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	want, _ := os.ReadFile(whole)
	got, _ := os.ReadFile(part)
	if string(want) != string(got) {
		t.Errorf("interrupted and resumed file differs from the whole sweep")
	}

	for _, tty := range []bool{false, true} {
		var out, errb strings.Builder
		e := newEnv(strings.NewReader(""), &out, &errb)
		e.stderrTTY = tty
		args := append([]string{"sweep", "-f", warmFile, "--seeds", "2"}, warmVary...)
		if code := e.run(args); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		drawn := strings.Contains(errb.String(), "16/16 runs")
		if drawn != tty {
			t.Errorf("stderr a terminal %v: progress drawn %v:\n%q", tty, drawn, errb.String())
		}
	}
}

// TestSweepDocOutputs reruns the sweep and the comparison of
// docs/sweeps.md whose output the page shows, and requires the page to
// show exactly what they print today (with -q: the page shows stdout).
func TestSweepDocOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 280 simulations")
	}
	src, err := os.ReadFile("../../docs/sweeps.md")
	if err != nil {
		t.Fatal(err)
	}
	pair := regexp.MustCompile("(?s)```sh\n(simulate (?:sweep|compare) .*?)```\n\n```\n(.*?)```")
	n := 0
	for _, m := range pair.FindAllStringSubmatch(string(src), -1) {
		cmds := joinContinuations(strings.TrimSpace(m[1]))
		if len(cmds) != 1 {
			t.Fatalf("expected one command before the output, got %q", cmds)
		}
		args, ok := simulateArgs("go run ./cmd/simulate" + strings.TrimPrefix(cmds[0], "simulate"))
		if !ok {
			t.Fatalf("cannot run %q", cmds[0])
		}
		n++
		code, out, stderr := call(t, append(args, "-q")...)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", cmds[0], code, stderr)
		}
		if diff := cmp.Diff(m[2], out); diff != "" {
			t.Errorf("docs/sweeps.md shows another output for %s (-doc +now):\n%s", cmds[0], diff)
		}
	}
	if n != 2 {
		t.Errorf("found %d commands with their output in docs/sweeps.md, want 2", n)
	}
}
