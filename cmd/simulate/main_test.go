package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// call runs the command line in-process and returns the exit code, stdout
// and stderr.
func call(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// skipUnsupported skips a test whose scenario this build of the model
// cannot run yet (exit 2 with "not supported"), so that it starts checking
// as soon as the model can.
func skipUnsupported(t *testing.T, code int, stderr string) {
	t.Helper()
	if code == exitUsage && strings.Contains(stderr, "not supported") {
		t.Skipf("the model cannot run this yet:\n%s", stderr)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

// checkJSONL checks that every line is a JSON object, the first a Run and
// the last an End (or, when interrupted, Interrupted).
func checkJSONL(t *testing.T, out, last string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
		if i == 0 && m["kind"] != "Run" {
			t.Errorf("first line is %v, want Run", m["kind"])
		}
		if i == len(lines)-1 && m["kind"] != last {
			t.Errorf("last line is %v, want %s", m["kind"], last)
		}
	}
}

func TestDeterministicJSONL(t *testing.T) {
	for _, args := range [][]string{
		{"--scenario", "readiness-stall", "--output", "jsonl"},
		{"run", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl", "--seed", "3"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, a, stderr := call(t, args...)
			skipUnsupported(t, code, stderr)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			_, b, _ := call(t, args...)
			if a != b {
				t.Fatal("two runs with the same seed differ")
			}
			checkJSONL(t, a, "End")
		})
	}
}

func TestGoldenJSONL(t *testing.T) {
	type goldenCase struct {
		golden string
		args   []string
	}
	cases := []goldenCase{{"pod-liveness.jsonl.golden", []string{"run", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl"}}}
	// Every built-in has its golden log: a change of the model that moves
	// any number a built-in prints shows up here, to be reviewed and
	// accepted with -update.
	for _, b := range scenarios.List() {
		cases = append(cases, goldenCase{b.Name + ".jsonl.golden", []string{"--scenario", b.Name, "-o", "jsonl"}})
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			code, out, stderr := call(t, tc.args...)
			skipUnsupported(t, code, stderr)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, tc.golden, out)
		})
	}
}

func TestGoldenText(t *testing.T) {
	code, out, stderr := call(t, "run", "-f", "testdata/pod-liveness.yaml")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "pod-liveness.txt.golden", out)
}

func TestBadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: probesim.dev/v1alpha1\nkind: Scenario\nduraton: 5m\n"), 0o644)
	code, out, stderr := call(t, "run", "-f", bad)
	if code != exitUsage || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	want := "simulate: error: " + bad + `:3:1: duraton: unknown field "duraton" (did you mean "duration"?)`
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, want)
	}
	code, _, stderr = call(t, "run", "-f", filepath.Join(dir, "missing.yaml"))
	if code != exitUsage || !strings.Contains(stderr, "missing.yaml: no such file") {
		t.Errorf("missing file: exit %d, %s", code, stderr)
	}
}

func TestUnknownScenario(t *testing.T) {
	code, _, stderr := call(t, "--scenario", "nope")
	if code != exitUsage || !strings.Contains(stderr, `unknown scenario "nope": the built-in scenarios are aggressive-liveness, crashloop-timing,`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestBuiltinExpectations runs simulate check on every built-in: the
// expectations each one states about its release profile must hold.
func TestBuiltinExpectations(t *testing.T) {
	for _, b := range scenarios.List() {
		t.Run(b.Name, func(t *testing.T) {
			code, out, stderr := call(t, "check", "--scenario", b.Name)
			if code != exitOK {
				t.Errorf("simulate check --scenario %s: exit %d\n%s%s", b.Name, code, out, stderr)
			}
		})
	}
}

func TestScenarios(t *testing.T) {
	code, out, _ := call(t, "scenarios")
	if code != exitOK || !strings.Contains(out, "readiness-stall") || !strings.HasPrefix(out, "NAME ") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = call(t, "scenarios", "show", "readiness-stall")
	if code != exitOK || !strings.Contains(out, "kind: Scenario") {
		t.Errorf("show: exit %d", code)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "nothing to run"},
		{[]string{"run", "--scenario", "a", "--scenario", "b"}, "run takes one scenario"},
		{[]string{"run", "--scenario", "readiness-stall", "-o", "yaml"}, `--output "yaml": expected text, jsonl, timeline, html, trace`},
		{[]string{"run", "--scenario", "readiness-stall", "--until", "soon"}, `--until "soon"`},
		{[]string{"run", "--scenario", "readiness-stall", "--release", "0.9"}, `--release: unknown release "0.9"`},
		{[]string{"run", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"check"}, "nothing to check"},
	} {
		code, _, stderr := call(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := call(t, "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Kubernetes " + version.Default, "130", "Exit codes:", "Examples:"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	for _, cmd := range []string{"run", "check", "scenarios", "version"} {
		_, out, _ := call(t, cmd, "--help")
		if !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help has no examples", cmd)
		}
	}
	_, out, _ = call(t, "version")
	if !strings.Contains(out, "default "+version.Default) {
		t.Errorf("version: %s", out)
	}
}

func TestCheck(t *testing.T) {
	code, out, stderr := call(t, "check", "-f", "testdata/pod-liveness.yaml")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "seed 1") || !strings.Contains(out, "4 of 4 expectations held") {
		t.Errorf("output:\n%s", out)
	}
	code, out, _ = call(t, "check", "-f", "testdata/pod-liveness.yaml", "--set", `expect[1].restarts=">= 100"`)
	if code != exitFailed || !strings.Contains(out, "FAIL at 4m: pods app=web restarts >= 100") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	// A scenario that cannot load makes the exit code 2, and the others
	// are still checked.
	code, out, _ = call(t, "check", "-f", "testdata/missing.yaml", "-f", "testdata/pod-liveness.yaml")
	if code != exitUsage || !strings.Contains(out, "4 of 4") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestOutFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "run.jsonl")
	code, out, stderr := call(t, "run", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl", "--out", dst)
	if code != exitOK || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, stderr)
	}
	_, want, _ := call(t, "run", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl")
	if got, _ := os.ReadFile(dst); string(got) != want {
		t.Error("--out differs from stdout")
	}
	// A failing run leaves neither the file nor a temporary.
	bad := filepath.Join(dir, "bad.jsonl")
	code, _, _ = call(t, "run", "-f", "testdata/pod-liveness.yaml", "--set", "seed=x", "-o", "jsonl", "--out", bad)
	if code != exitUsage {
		t.Errorf("exit %d", code)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only run.jsonl", len(entries))
	}
}

func TestInterrupt(t *testing.T) {
	var out, errb bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, &errb)
	e.interrupt("INT")
	code := e.run([]string{"run", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl"})
	if code != exitInterrupted {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	checkJSONL(t, out.String(), "Interrupted")
	if !strings.Contains(out.String(), `"signal":"INT"`) {
		t.Errorf("no signal in %s", out.String())
	}
}

func TestMaxEvents(t *testing.T) {
	code, out, stderr := call(t, "run", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl", "--max-events", "100")
	if code != exitLimit || !strings.Contains(stderr, "--max-events 100 reached") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkJSONL(t, out, "End")
}

func TestStdin(t *testing.T) {
	data, _ := os.ReadFile("testdata/pod-liveness.yaml")
	var out, errb bytes.Buffer
	e := newEnv(bytes.NewReader(data), &out, &errb)
	if code := e.run([]string{"run", "-f", "-", "-o", "jsonl", "--stats"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "events fired") {
		t.Errorf("--stats printed nothing: %s", errb.String())
	}
}

// TestManifestFiles runs a scenario that keeps its manifests in the files
// a user deploys (`manifests:`), relative to the scenario file.
func TestManifestFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	deploy := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:v1
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
`
	scenario := `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: files}
duration: 1m
manifests: [../deploy/web.yaml]
expect:
- at: 1m
  pods: app=web
  ready: 1/1
  count: 2
`
	for name, body := range map[string]string{"deploy/web.yaml": deploy, "ci/s.yaml": scenario} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := call(t, "check", "-f", filepath.Join(dir, "ci/s.yaml"))
	if code != exitOK || !strings.Contains(out, "1 of 1 expectations held") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	// From standard input there is no directory to read it from.
	var outb, errb bytes.Buffer
	code = newEnv(strings.NewReader(scenario), &outb, &errb).run([]string{"run", "-f", "-"})
	if stderr = errb.String(); code != exitUsage || !strings.Contains(stderr, "manifest files can be named only by a scenario file") {
		t.Errorf("stdin: exit %d\n%s", code, stderr)
	}
}
