package main

import (
	"strings"
	"testing"
)

// The pods of the two built-ins the view goldens use: pod names come from
// the seeded name stream, so they are stable for a seed.
const (
	crashPod = "nodejs-ex-8dd758c84-wcxxh"
	stallPod = "web-694966c79d-6774m"
)

// TestGoldenViews pins every kubectl-style view on two built-ins: a pod
// driven into CrashLoopBackOff by a liveness probe answering 404, and a
// rollout stalled by a readiness probe until its progress deadline.
func TestGoldenViews(t *testing.T) {
	crash := []string{"--scenario", "liveness-404-crashloop", "-q"}
	stall := []string{"--scenario", "readiness-stall", "-q"}
	cases := []struct {
		golden string
		args   []string
		code   int
	}{
		{"crashloop-run-at.txt", append([]string{"run", "--at", "2m30s", "--at", "3m30s"}, crash...), exitOK},
		{"crashloop-get-pods.txt", append([]string{"get", "pods", "--at", "3m30s"}, crash...), exitOK},
		{"crashloop-get-wide.txt", append([]string{"get", "pods,deploy,rs,svc,endpointslices", "-o", "wide", "--at", "2m40s"}, crash...), exitOK},
		{"crashloop-describe-pod.txt", append([]string{"describe", "pod", crashPod, "--at", "3m30s"}, crash...), exitOK},
		{"crashloop-describe-deploy.txt", append([]string{"describe", "deploy/nodejs-ex", "--at", "3m30s"}, crash...), exitOK},
		{"crashloop-rollout-status.txt", append([]string{"rollout", "status", "deploy/nodejs-ex"}, crash...), exitOK},
		{"crashloop-explain-pod.txt", append([]string{"explain", "pod/" + crashPod, "--at", "5m"}, crash...), exitOK},
		{"crashloop-explain-restart.txt", append([]string{"explain", "pod/" + crashPod, "--restart", "5"}, crash...), exitOK},
		{"crashloop-explain-deploy.txt", append([]string{"explain", "deploy/nodejs-ex", "--at", "2m40s"}, crash...), exitOK},
		{"crashloop-watch.txt", append([]string{"run", "--watch", "--until", "5m"}, crash...), exitOK},
		{"stall-run-at.txt", append([]string{"run", "--at", "1m30s"}, stall...), exitOK},
		{"stall-get-pods.txt", append([]string{"get", "pods", "--at", "5m"}, stall...), exitOK},
		{"stall-get-wide.txt", append([]string{"get", "deploy,rs,svc,endpointslices", "-o", "wide", "--at", "11m30s"}, stall...), exitOK},
		{"stall-describe-pod.txt", append([]string{"describe", "pod", stallPod, "--at", "11m30s"}, stall...), exitOK},
		{"stall-describe-deploy.txt", append([]string{"describe", "deployment", "web", "--at", "11m30s"}, stall...), exitOK},
		{"stall-rollout-status.txt", append([]string{"rollout", "status", "deployment/web", "--at", "1m"}, stall...), exitFailed},
		{"stall-explain-pod.txt", append([]string{"explain", "pod/" + stallPod, "--at", "5m"}, stall...), exitOK},
		{"stall-explain-deploy.txt", append([]string{"explain", "deploy/web"}, stall...), exitOK},
		{"stall-explain-deploy-before.txt", append([]string{"explain", "deploy/web", "--at", "5m"}, stall...), exitOK},
		{"stall-watch.txt", append([]string{"run", "--watch", "--until", "2m"}, stall...), exitOK},
		// kubectl 1.11 (OKD 3.11): ShortHumanDuration, no "(ago)", IP and
		// NODE only in -o wide, "kubelet, node" in FROM.
		{"crashloop311-get-wide.txt", []string{"get", "dc,rc,pods", "-o", "wide", "--at", "3m", "--scenario", "liveness-404-crashloop-311", "-q"}, exitOK},
		// OKD 3.11 DeploymentConfig: oc get dc/rc and oc rollout status.
		{"dc-get-wide.txt", []string{"get", "dc,rc,pods", "-o", "wide", "--at", "5m", "--scenario", "readiness-stall-dc", "-q"}, exitOK},
		{"dc-rollout-status.txt", []string{"rollout", "status", "dc/web", "--at", "1m", "--scenario", "readiness-stall-dc", "-q"}, exitOK},
		{"crashloop311-describe-pod.txt", []string{"describe", "pod", "nodejs-ex-1-wcxxh", "--at", "3m", "--scenario", "liveness-404-crashloop-311", "-q"}, exitOK},
		// Init containers: Init:0/1 with the app waiting PodInitializing,
		// Init:CrashLoopBackOff, and the init container's restarts.
		{"init-describe-pod.txt", []string{"describe", "pod", "web-dbc6d5d8f-wcxxh", "--at", "10s", "--scenario", "init-container", "-q"}, exitOK},
		{"init-run-at.txt", []string{"run", "--at", "2m8s", "--at", "2m24s", "--scenario", "init-container", "-q"}, exitOK},
		{"init-explain-pod.txt", []string{"explain", "pod/web-69c57854f9-p8jb5", "--scenario", "init-container", "-q"}, exitOK},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			code, out, stderr := call(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			golden(t, "views/"+tc.golden, out)
		})
	}
}

// TestViewsDoNotChangeTheRun checks that recording objects for the views
// adds Snapshot records and nothing else: every other line of the log is
// the same as without them.
func TestViewsDoNotChangeTheRun(t *testing.T) {
	for _, name := range []string{"liveness-404-crashloop", "readiness-stall"} {
		_, plain, _ := call(t, "--scenario", name, "-o", "jsonl", "-q")
		_, rec, _ := call(t, "--scenario", name, "-o", "jsonl", "-q", "--record-objects")
		var kept []string
		snapshots := 0
		for _, l := range strings.SplitAfter(rec, "\n") {
			if strings.Contains(l, `"kind":"Snapshot"`) {
				snapshots++
				continue
			}
			if !strings.Contains(l, `"kind":"End"`) {
				kept = append(kept, l)
			}
		}
		var want []string
		for _, l := range strings.SplitAfter(plain, "\n") {
			if !strings.Contains(l, `"kind":"End"`) {
				want = append(want, l)
			}
		}
		if snapshots == 0 {
			t.Errorf("%s: no Snapshot records", name)
		}
		if strings.Join(kept, "") != strings.Join(want, "") {
			t.Errorf("%s: recording objects changed the other records", name)
		}
	}
}

func TestViewErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"get", "nodes", "--scenario", "readiness-stall"}, exitUsage, `doesn't have a resource type "nodes"`},
		{[]string{"get", "pods", "nope", "--scenario", "readiness-stall", "-q"}, exitFailed, `pods "nope" not found`},
		{[]string{"get", "pods", "--scenario", "readiness-stall", "--at", "soon"}, exitUsage, `--at "soon"`},
		{[]string{"get", "pods", "--scenario", "readiness-stall", "--at", "5m", "--until", "1m"}, exitUsage, "after the end of the run"},
		{[]string{"describe", "pod/nope", "--scenario", "readiness-stall", "-q"}, exitFailed, `pods "nope" not found`},
		{[]string{"describe", "svc", "web", "--scenario", "readiness-stall"}, exitUsage, "not supported yet"},
		{[]string{"explain", "pod/" + crashPod, "--restart", "99", "--scenario", "liveness-404-crashloop", "-q"}, exitFailed, "there is no restart 99"},
		{[]string{"rollout", "status", "deploy/nope", "--scenario", "readiness-stall", "-q"}, exitFailed, "not found"},
		{[]string{"run", "--scenario", "readiness-stall", "--at", "20m"}, exitUsage, "after the end of the run"},
		{[]string{"run", "--scenario", "readiness-stall", "--watch", "-o", "jsonl"}, exitUsage, "--out FILE"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := call(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
}
