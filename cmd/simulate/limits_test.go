package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeScenario writes src to a file in a temporary directory.
func writeScenario(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLimits(t *testing.T) {
	data, err := os.ReadFile("testdata/budget.yaml")
	if err != nil {
		t.Fatal(err)
	}
	many := writeScenario(t, "many.yaml", strings.Replace(string(data), "replicas: 2", "replicas: 20000", 1))
	forever := writeScenario(t, "forever.yaml", strings.Replace(string(data), "duration: 2m\n", "", 1))
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"duration", []string{"-f", "testdata/budget.yaml", "--until", "200h"}, exitLimit,
			"testdata/budget.yaml: the run would simulate 200h0m0s, more than --max-duration 168h0m0s; raise --max-duration or shorten the run (--until)"},
		{"duration raised", []string{"-f", "testdata/pod-liveness.yaml", "--until", "1s", "--max-duration", "1s"}, exitOK, ""},
		{"pods before", []string{"-f", many}, exitLimit,
			"the manifests ask for 20000 pods (Deployment/web), more than --max-pods 10000; raise --max-pods or lower the replicas"},
		{"pods during", []string{"-f", "testdata/budget.yaml", "--max-pods", "2", "--set", "actions=[{at: 10s, apply: {kind: Deployment, metadata: {name: web}, spec: {template: {metadata: {labels: {app: web, v: '2'}}}}}}]"}, exitLimit,
			"pods exist, more than --max-pods 2; raise the limit to go on"},
		{"output", []string{"-f", "testdata/budget.yaml", "-o", "jsonl", "--max-output", "20Ki"}, exitLimit,
			"bytes, more than --max-output 20Ki; raise the limit to go on"},
		{"bad output flag", []string{"-f", "testdata/budget.yaml", "--max-output", "lots"}, exitUsage,
			`--max-output "lots": expected a positive size in bytes, like 500Mi or 2Gi`},
		{"forever", []string{"-f", forever}, exitUsage,
			"traffic to Service/web has no until and the scenario no duration, so it would run until the default 10m0s by accident: give duration: in the file, until: on the traffic, or --until"},
		{"forever with --until", []string{"-f", forever, "--until", "1m"}, exitOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := call(t, append([]string{"run", "-q"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Fatalf("exit %d, want %d; stderr:\n%s\nwant it to contain %q", code, tc.code, stderr, tc.msg)
			}
			if tc.code == exitLimit && strings.Contains(strings.Join(tc.args, " "), "jsonl") {
				checkJSONL(t, out, "End")
			}
		})
	}
}
