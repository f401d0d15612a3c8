package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// errorCase is one entry of docs/errors.md: an input that goes wrong, the
// command that shows it, and how to fix it. The test runs the command and
// writes what simulate really says into the page.
type errorCase struct {
	title string
	// files are the scenario files the command can read, by name.
	files map[string]string
	args  []string
	// interrupt stops the run as a signal would, before it starts.
	interrupt bool
	fix       string
}

// sc is a minimal scenario: the Scenario document's head, then body.
func sc(body string) string {
	return "apiVersion: probesim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: app}\nduration: 2m\n" + body
}

const webPod = `---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: web
    image: web:1
    ports: [{containerPort: 8080}]
`

const webService = `---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`

// errorSections groups the cases as the page does.
var errorSections = []struct {
	title, intro string
	cases        []errorCase
}{
	{"Usage (exit code 2)", "The command line itself is wrong. Nothing is run.", []errorCase{
		{title: "Nothing to run", args: []string{"run"},
			fix: "Give a file with `-f FILE` (or `-f -` for standard input) or a built-in with `--scenario NAME`; `simulate scenarios` lists the built-ins."},
		{title: "Unknown flag", args: []string{"run", "--scenario", "readiness-stall", "--seeds", "3"},
			fix: "Check the spelling against `simulate run --help`."},
		{title: "Bad output format", args: []string{"run", "--scenario", "readiness-stall", "-o", "json"},
			fix: "Use `-o text` or `-o jsonl`."},
		{title: "Bad --until", args: []string{"run", "--scenario", "readiness-stall", "--until", "10"},
			fix: "A duration needs a unit: `--until 10m`."},
		{title: "Unknown release", args: []string{"run", "--scenario", "readiness-stall", "--release", "1.99"},
			fix: "Pick one of the profiles that `simulate version` lists."},
		{title: "Unknown built-in scenario", args: []string{"run", "--scenario", "readiness-stal"},
			fix: "`simulate scenarios` lists the built-ins."},
		{title: "File not found", args: []string{"run", "-f", "missing.yaml"},
			fix: "Check the path; it is relative to the current directory."},
		{title: "A --set that does not apply", files: map[string]string{"app.yaml": sc("") + webPod},
			args: []string{"run", "-f", "app.yaml", "--set", "pod/web:containers[api].image=web:2"},
			fix:  "Name a container the manifest has (`containers[web]`), or an index (`containers[0]`). docs/scenarios.md describes `--set` paths."},
		{title: "Bad limit flag", args: []string{"run", "--scenario", "readiness-stall", "--max-output", "lots"},
			fix: "Give a size with a unit: `--max-output 500Mi`."},
	}},
	{"Scenario files (exit code 2)", "The file is read whole and every problem is reported at once, each as `FILE:LINE:COLUMN: FIELD: what was expected`. Nothing is run until the file is clean.", []errorCase{
		{title: "Not YAML", files: map[string]string{"app.yaml": "apiVersion: [probesim\n"}, args: []string{"run", "-f", "app.yaml"},
			fix: "Fix the YAML syntax at that line: an unclosed bracket or quote, or a tab used for indentation."},
		{title: "The first document is not a Scenario", files: map[string]string{"app.yaml": strings.TrimPrefix(webPod, "---\n")}, args: []string{"run", "-f", "app.yaml"},
			fix: "Start the file with the Scenario document (`apiVersion: probesim.dev/v1alpha1`, `kind: Scenario`); the manifests follow it after `---`."},
		{title: "Several problems at once, with suggestions",
			files: map[string]string{"app.yaml": sc("seed: -1\ncluster: {release: \"1.366\"}\ntrafic: []\nactions: [{at: 1s, signal: {pods: app=web, signal: TREM}}]\nexpect: [{at: 1m, pods: app=web, phase: Runing}]\n")},
			args:  []string{"run", "-f", "app.yaml"},
			fix:   "Each line is one problem; fix them all and run again. A misspelt field or value names the one that was probably meant."},
		{title: "A duration without a unit", files: map[string]string{"app.yaml": "apiVersion: probesim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: app}\nduration: 600\n"},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Durations are written as Go and Kubernetes write them: `600s`, `10m`, `1h30m`."},
		{title: "Traffic that would never end", files: map[string]string{"app.yaml": "apiVersion: probesim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: app}\ntraffic: [{target: service/web, rate: 20/s}]\n" + webPod + webService},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Say how long to run: `duration:` in the file, `until:` on the traffic, or `--until` on the command line."},
		{title: "Traffic shapes", files: map[string]string{"app.yaml": sc("traffic:\n- {target: service/web, rate: 5/s, arrival: burst}\n- {target: service/web, rate: [{at: \"18:00\", rate: 5/s}, {at: \"09:00\", rate: 50/s}]}\n- {target: service/web, rate: 1/s, slo: {availability: 100%}}\n")},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "A burst is `arrival: burst` with `burst: {size: N, every: DURATION}` and no `rate`; curve points go in time order; an SLO's availability is below 100 %. docs/scenarios.md, traffic."},
		{title: "An error budget without an SLO", files: map[string]string{"app.yaml": sc("traffic: [{target: service/web, rate: 1/s}]\nexpect: [{at: 2m, traffic: service/web, budgetSpent: \"< 50%\"}]\n")},
			args: []string{"check", "-f", "app.yaml"},
			fix:  "Give the target's traffic an objective: `slo: {availability: 99.9%}`."},
		{title: "A feature gate the release does not have", files: map[string]string{"app.yaml": sc("cluster: {release: \"1.30\", featureGates: {ReduceDefaultCrashLoopBackOffDecay: true}}\n")},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Choose a release that has the gate (the message says from which), or remove it."},
		{title: "A node action names no node of the cluster", files: map[string]string{"app.yaml": sc("actions: [{at: 1m, failNode: {node: node-1}}]\n")},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Name one of `cluster.nodes` (a group with `count: N` is named NAME-1 … NAME-N); without `cluster.nodes` the one node is `node`."},
		{title: "Something this build cannot run yet", files: map[string]string{"app.yaml": sc("actions: [{at: 1m, delete: deploy/web}]\n")},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "The file is valid, but the model does not do this yet; docs/scenarios.md marks what is supported. Remove the entry or wait for the feature."},
	}},
	{"Manifests (exit code 2)", "Kubernetes and OpenShift documents are decoded strictly and validated with the API server's own messages, prefixed with the file, line and column and the object.", []errorCase{
		{title: "Unknown field", files: map[string]string{"app.yaml": sc("") + strings.Replace(webPod, "    ports:", "    livenesProbe: {httpGet: {port: 8080}}\n    ports:", 1)},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Fix the field's name; the suggestion is the closest field the object has."},
		{title: "Invalid value", files: map[string]string{"app.yaml": sc("") + strings.Replace(webPod, "    ports:", "    livenessProbe: {httpGet: {port: 8080}, successThreshold: 2}\n    ports:", 1)},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "The API server would refuse this object with the same message; set the field as the message says."},
		{title: "Unsupported value", files: map[string]string{"app.yaml": sc("") + strings.Replace(webPod, "  containers:", "  restartPolicy: Allways\n  containers:", 1)},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Use one of the supported values."},
		{title: "Unsupported kind", files: map[string]string{"app.yaml": sc("---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\n")},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "The simulator models Pods, Deployments, ReplicaSets, ReplicationControllers, DeploymentConfigs, Services and Routes; leave other objects out of the scenario."},
	}},
	{"During the run", "The run started; the exit code says how it ended.", []errorCase{
		{title: "An action that fails (exit code 2)", files: map[string]string{"app.yaml": sc("actions: [{at: 30s, delete: pod/api}]\n") + webPod},
			args: []string{"run", "-q", "-f", "app.yaml", "-o", "jsonl"},
			fix:  "The action's target does not exist at that time: check its name, or its time against the pods' lives. The log up to the failure is complete and ends with `End`."},
		{title: "An expectation that fails (exit code 1)", files: map[string]string{"app.yaml": sc("expect: [{at: 1m, pods: app=web, restarts: \"> 0\"}]\n") + webPod},
			args: []string{"check", "-q", "-f", "app.yaml"},
			fix:  "The scenario did not behave as expected: the line says what was observed and when. Change the expectation, or the manifests, until it holds."},
	}},
	{"Limits (exit code 3)", "A limit protects the machine from a typo. Each has a flag to raise it (docs/cli.md).", []errorCase{
		{title: "Simulated time", files: map[string]string{"app.yaml": sc("") + webPod}, args: []string{"run", "-f", "app.yaml", "--until", "400h"},
			fix: "Shorten the run, or raise `--max-duration`."},
		{title: "Pods", files: map[string]string{"app.yaml": sc("") + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 50000\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web:1}]}\n"},
			args: []string{"run", "-f", "app.yaml"},
			fix:  "Lower the replicas, or raise `--max-pods`."},
		{title: "Output size", files: map[string]string{"app.yaml": sc("traffic: [{target: service/web, rate: 100/s}]\n") + webPod + webService},
			args: []string{"run", "-q", "-f", "app.yaml", "-o", "jsonl", "--record-requests", "--max-output", "20Ki"},
			fix:  "Raise `--max-output`, or record less (a shorter run, no `--record-requests`). The output holds every record up to the stop and ends with `End`."},
		{title: "Events", args: []string{"run", "-q", "--scenario", "readiness-stall", "--max-events", "500", "-o", "jsonl"},
			fix: "Raise `--max-events`, or leave it out (no limit by default)."},
		{title: "Sweep points", args: []string{"sweep", "--scenario", "startup-probe-fix", "--vary", "deployment/petclinic:containers[petclinic].startupProbe.failureThreshold=1..20", "--vary", "deployment/petclinic:containers[petclinic].startupProbe.periodSeconds=1..20", "--max-points", "100"},
			fix: "Vary fewer values, sample the space (`--sample lhs:N`), or raise `--max-points`."},
	}},
	{"Interruption (exit code 130)", "", []errorCase{
		{title: "Ctrl-C or SIGTERM", args: []string{"run", "--scenario", "readiness-stall", "-o", "jsonl"}, interrupt: true,
			fix: "Nothing to fix: the run stopped at the next event and the log ends with an `Interrupted` record, so it is valid JSONL. A second signal exits at once. With `--out`, the file is left as it was: only a run that finished, or that a limit stopped, replaces it."},
	}},
}

// runCase runs one case in-process and returns its exit code and its
// standard error.
func runCase(t *testing.T, c errorCase) (int, string) {
	var out, errb bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, &errb)
	e.readFile = func(name string) ([]byte, error) {
		if src, ok := c.files[name]; ok {
			return []byte(src), nil
		}
		return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
	}
	if c.interrupt {
		e.interrupt("INT")
	}
	code := e.run(c.args)
	text := errb.String()
	if c.args[0] == "check" {
		text += out.String()
	}
	return code, elide(text)
}

// volatile matches the parts of messages that change whenever the model
// or the built-in library changes, though the error does not: a run's
// hash, the simulated time and log size at which a limit stopped it, the
// list of built-in scenarios.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`sha256:[0-9a-f]{64}`), "sha256:…"},
	{regexp.MustCompile(`stopped at [0-9:.]+:`), "stopped at …:"},
	{regexp.MustCompile(`reached \d+ bytes`), "reached … bytes"},
	{regexp.MustCompile(`the built-in scenarios are [a-z0-9-]+, [a-z0-9-]+, [^(]*\(`), "the built-in scenarios are aggressive-liveness, crashloop-timing, … ("},
}

// elide replaces the volatile parts of a message with "…".
func elide(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// TestErrorsDoc writes docs/errors.md from real runs of every case (go test
// -update rewrites it) and fails when the page differs from what the
// program says, so the catalogue cannot drift.
func TestErrorsDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString(`# Errors

Every kind of error simulate reports, with an input that causes it, what simulate prints, and
how to fix it. The examples are real: this page is generated by running each one
(` + "`go test ./cmd/simulate -run TestErrorsDoc -update`" + `), and the test fails if simulate's
words change without the page. Parts that change with every model release but say nothing
about the error (a run's hash, the time and size at which a limit stopped it, the list of
built-in scenarios) are shown as …

Messages go to standard error, one problem per line, as
` + "`simulate: error: FILE:LINE:COLUMN: FIELD: what was expected`" + `. The exit code says what
kind of error it was:

| code | meaning |
|---|---|
| 0 | the run finished (` + "`check`" + `: every expectation held) |
| 1 | ` + "`check`" + `: an expectation failed |
| 2 | bad input or usage |
| 3 | a limit was reached |
| 130 | interrupted by SIGINT or SIGTERM |

`)
	seen := map[int]bool{}
	for _, sec := range errorSections {
		fmt.Fprintf(&b, "## %s\n\n", sec.title)
		if sec.intro != "" {
			fmt.Fprintf(&b, "%s\n\n", sec.intro)
		}
		for _, c := range sec.cases {
			code, msg := runCase(t, c)
			seen[code] = true
			if code == exitOK {
				t.Errorf("%s: %v succeeded; an error case must fail", c.title, c.args)
			}
			fmt.Fprintf(&b, "### %s\n\n", c.title)
			for _, name := range sortedNames(c.files) {
				fmt.Fprintf(&b, "`%s`:\n\n```yaml\n%s```\n\n", name, c.files[name])
			}
			fmt.Fprintf(&b, "```console\n$ simulate %s\n%s(exit code %d)\n```\n\n", shellJoin(c.args), msg, code)
			fmt.Fprintf(&b, "**Fix:** %s\n\n", c.fix)
		}
	}
	for _, code := range []int{exitFailed, exitUsage, exitLimit, exitInterrupted} {
		if !seen[code] {
			t.Errorf("no example exits with code %d", code)
		}
	}
	got := strings.TrimSuffix(b.String(), "\n")
	const path = "../../docs/errors.md"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("docs/errors.md is out of date (-page +program; go test ./cmd/simulate -run TestErrorsDoc -update rewrites it):\n%s", diff)
	}
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// shellJoin quotes the words a shell would split or expand.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " []{}*?$\"'<>|;&()") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
