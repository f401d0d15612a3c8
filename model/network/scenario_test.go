package network

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// TestSIGTERMWithoutPreStop is issue #8's first scenario: an app that exits
// at once on SIGTERM, with no preStop hook. The kubelet and the endpoint
// controller hear of the deletion at the same time; the process is gone
// while the data plane, waiting out its minSyncPeriod, still sends it new
// connections. Requests fail in that window and only there. A preStop
// sleep longer than the window removes the failures.
func TestSIGTERMWithoutPreStop(t *testing.T) {
	const apps = `
web:*:
  start: 1s
  http: {8080: {"*": {status: 200, latency: 5ms}}}
`
	type result struct {
		failures, refused, timeouts int
	}
	run := func(t *testing.T, opts Options, preStop bool) (result, *harness) {
		opts.RecordRequests = true
		h := newHarness(t, "1.36", 11, apps, opts)
		h.service(false)
		for _, n := range []string{"web-1", "web-2", "web-3"} {
			h.pod(n, "web:1", func(p *corev1.Pod) {
				if preStop {
					p.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 5}}}
				}
			})
		}
		if err := h.net.AddTraffic(Traffic{Target: "service/web", Rate: 200, From: sim.Time(20 * time.Second), Until: sim.Time(40 * time.Second), Timeout: time.Second}); err != nil {
			t.Fatal(err)
		}
		h.deleteAt(30*time.Second, "web-1")
		h.deleteAt(30*time.Second+400*ms, "web-2")
		h.run(45 * time.Second)
		// When did the data plane stop routing to web-2? At the second
		// Dataplane drop after 30 s.
		var drops []time.Duration
		prev := 3
		for _, ep := range h.endpoints() {
			if secs(ep.T) >= 30*time.Second && ep.Dataplane < prev {
				drops = append(drops, secs(ep.T))
			}
			prev = ep.Dataplane
		}
		if len(drops) < 2 {
			t.Fatalf("data plane drops %v", drops)
		}
		var r result
		for _, q := range h.requests() {
			if q.Outcome == "answered" && q.Status == 200 {
				continue
			}
			r.failures++
			switch q.Outcome {
			case "refused":
				r.refused++
			case "timeout":
				r.timeouts++
			}
			sent := secs(q.Sent)
			if sent < 30*time.Second || sent > drops[1] || (q.Pod != "web-1" && q.Pod != "web-2") {
				t.Errorf("request sent at %v to %s failed (%s) outside the window [30s, %v]", sent, q.Pod, q.Outcome, drops[1])
			}
		}
		s, _ := h.net.Summary("", "service/web")
		if s.Sent != s.OK+s.Errors()+s.InFlight {
			t.Errorf("summary does not add up: %+v", s)
		}
		return r, h
	}
	t.Run("reject", func(t *testing.T) {
		r, _ := run(t, Options{VanishedIP: Reject}, false)
		if r.failures == 0 || r.refused != r.failures {
			t.Errorf("failures %+v, want some, all refused", r)
		}
	})
	t.Run("blackhole", func(t *testing.T) {
		r, _ := run(t, Options{}, false)
		if r.failures == 0 || r.refused+r.timeouts != r.failures {
			t.Errorf("failures %+v, want some, refused or timed out", r)
		}
	})
	t.Run("preStop", func(t *testing.T) {
		r, _ := run(t, Options{}, true)
		if r.failures != 0 {
			t.Errorf("failures %+v with a 5 s preStop sleep, want none", r)
		}
	})
}

// TestRouteCrashLoop is the second scenario: every pod behind a route
// crash-loops. The router answers 503 ("Application is not available")
// while it has no ready endpoint, and 200 in the windows where one is.
func TestRouteCrashLoop(t *testing.T) {
	for _, release := range []string{"1.11", "1.36"} {
		t.Run(release, func(t *testing.T) {
			h := newHarness(t, release, 5, `
web:*:
  start: 1s
  http: {8080: {"*": 200}}
  exit: {after: 20s, code: 1}
`, Options{RecordRequests: true})
			h.service(false)
			h.pod("web-1", "web:1", nil)
			h.pod("web-2", "web:1", nil)
			h.net.AddRoute(Route{Name: "web", Service: "web"})
			if err := h.net.AddTraffic(Traffic{Target: "route/web", Rate: 20, Timeout: time.Second, Until: sim.Time(5 * time.Minute)}); err != nil {
				t.Fatal(err)
			}
			h.run(5*time.Minute + 5*time.Second)
			s, _ := h.net.Summary("default", "route/web")
			if s.OK == 0 || s.Codes[503] == 0 {
				t.Fatalf("summary %+v: want both 200s and 503s", s)
			}
			if s.Sent != s.OK+s.Errors()+s.InFlight {
				t.Errorf("summary does not add up: %+v", s)
			}
			in := func(at time.Duration) bool {
				for _, w := range s.ZeroEndpoints {
					if sim.Time(at) >= w.Start && sim.Time(at) < w.End {
						return true
					}
				}
				return false
			}
			for _, q := range h.requests() {
				zero := in(secs(q.Sent))
				switch {
				case q.Status == 503 && !zero:
					t.Errorf("503 at %v outside a window with no endpoint", secs(q.Sent))
				case q.Status == 200 && zero:
					t.Errorf("200 at %v inside a window with no endpoint", secs(q.Sent))
				}
			}
		})
	}
}

// TestReadinessDependency is the third scenario: a readiness probe that
// checks a dependency which goes down at 60 s turns every pod unready, and
// the Service has no endpoint: new connections are refused by kube-proxy's
// REJECT rule. The same app whose readiness probe does not check the
// dependency keeps serving.
func TestReadinessDependency(t *testing.T) {
	const apps = `
web:*:
  start: 1s
  http:
    8080:
      /message: 200
      /healthz: 200
      /ready:
      - {untilAt: 60s, status: 200}
      - {status: 503}
`
	for _, tc := range []struct {
		probe    string
		failures bool
	}{{"/ready", true}, {"/healthz", false}} {
		t.Run(tc.probe, func(t *testing.T) {
			h := newHarness(t, "1.36", 2, apps, Options{})
			h.service(false)
			for _, n := range []string{"web-1", "web-2"} {
				h.pod(n, "web:1", func(p *corev1.Pod) { p.Spec.Containers[0].ReadinessProbe = readiness(tc.probe, 5) })
			}
			if err := h.net.AddTraffic(Traffic{Target: "service/web", Rate: 20, Path: "/message", From: sim.Time(20 * time.Second), Timeout: time.Second}); err != nil {
				t.Fatal(err)
			}
			h.run(2 * time.Minute)
			s, _ := h.net.Summary("", "service/web")
			c, _ := h.net.Endpoints("default", "web")
			if !tc.failures {
				if s.Errors() != 0 || c.Ready != 2 || len(s.ZeroEndpoints) != 0 {
					t.Errorf("summary %+v, endpoints %+v: want no errors and 2 ready", s, c)
				}
				return
			}
			if c.Ready != 0 || c.Dataplane != 0 || s.Refused == 0 || s.Refused != s.Errors() {
				t.Errorf("summary %+v, endpoints %+v: want 0 ready and refusals", s, c)
			}
			if len(s.ZeroEndpoints) != 1 || s.ZeroEndpoints[0].Start < sim.Time(60*time.Second) || s.ZeroEndpoints[0].Start > sim.Time(80*time.Second) {
				t.Errorf("zero-endpoint windows %v: want one from about 60-75 s", s.ZeroEndpoints)
			}
		})
	}
}
