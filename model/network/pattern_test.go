package network

import (
	"math"
	"testing"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// sentPerSecond returns the sent counts of the Requests records of
// Service/web, indexed by second.
func (h *harness) sentPerSecond(seconds int) []int {
	out := make([]int, seconds)
	for _, r := range h.log.Records() {
		if q, ok := r.(*record.Requests); ok && q.Object == "Service/web" {
			// A second's record is written as it closes, at its end.
			if s := int(time.Duration(q.T)/time.Second) - 1; s >= 0 && s < seconds {
				out[s] += q.Sent
			}
		}
	}
	return out
}

// noPods is a harness with Service web and no pod: every request is
// refused at once, so only the generator is under test.
func noPods(t *testing.T, seed uint64) *harness {
	h := newHarness(t, "1.36", seed, `{}`, Options{})
	h.service(false)
	return h
}

func addTraffic(t *testing.T, h *harness, tr Traffic) {
	t.Helper()
	if tr.Target == "" {
		tr.Target = "service/web"
	}
	if err := h.net.AddTraffic(tr); err != nil {
		t.Fatal(err)
	}
}

func TestBurstExactCounts(t *testing.T) {
	h := noPods(t, 1)
	// 50 requests at once every 10 s from 5 s, until 65 s: bursts at 5, 15,
	// ..., 55.
	addTraffic(t, h, Traffic{Rate: 50, Per: 10 * time.Second, Arrival: Burst,
		From: sim.Time(5 * time.Second), Until: sim.Time(65 * time.Second)})
	h.run(70 * time.Second)
	got := h.sentPerSecond(70)
	for s, n := range got {
		want := 0
		if s >= 5 && s < 65 && (s-5)%10 == 0 {
			want = 50
		}
		if n != want {
			t.Errorf("second %d: sent %d, want %d", s, n, want)
		}
	}
	sum, _ := h.net.Summary("", "service/web")
	if sum.Sent != 300 || sum.Refused != 300 {
		t.Errorf("summary %+v, want 300 sent and refused", sum)
	}
}

func TestOnOffConstantExactCounts(t *testing.T) {
	h := noPods(t, 1)
	// 10/s for 5 s, silent for 5 s, from 0: 50 requests per 10 s, at
	// k/10 + 0.05 s within each on window.
	addTraffic(t, h, Traffic{Curve: OnOff(10, 5*time.Second, 5*time.Second, 0), Until: sim.Time(60 * time.Second)})
	h.run(61 * time.Second)
	got := h.sentPerSecond(60)
	for s, n := range got {
		want := 0
		if s%10 < 5 {
			want = 10
		}
		if n != want {
			t.Errorf("second %d: sent %d, want %d", s, n, want)
		}
	}
}

func TestRampExactCounts(t *testing.T) {
	h := noPods(t, 1)
	// The rate climbs from 0 to 100/s over 100 s, then stops for 100 s:
	// the integral is t²/2 requests during the climb, 5000 over it.
	c := &Curve{Period: 200 * time.Second, Points: []CurvePoint{
		{0, 0}, {100 * time.Second, 100}, {100 * time.Second, 0}, {200 * time.Second, 0},
	}}
	addTraffic(t, h, Traffic{Curve: c})
	h.run(300 * time.Second)
	got := h.sentPerSecond(300)
	cum := 0
	for s, n := range got {
		cum += n
		var want int
		switch {
		case s < 100:
			// Requests at the times the integral crosses k + 1/2.
			l := float64((s+1)*(s+1)) / 2
			want = int(math.Ceil(l - 0.5))
		case s < 200:
			want = 5000
		default:
			l := float64((s-199)*(s-199)) / 2
			want = 5000 + int(math.Ceil(l-0.5))
		}
		if cum != want {
			t.Fatalf("by the end of second %d: sent %d, want %d", s, cum, want)
		}
	}
}

func TestDailyCurve(t *testing.T) {
	c := Daily(10, 2, 14*time.Hour)
	if err := c.compile(); err != nil {
		t.Fatal(err)
	}
	// The sampled cosine stays within 0.2 % of the cosine's integral at
	// every quarter hour and integrates, over a day, to the mean rate.
	for at := time.Duration(0); at <= 24*time.Hour; at += 17 * time.Minute {
		x := at.Seconds()
		w := 2 * math.Pi / 86400
		exact := 6*x + 4*(math.Sin(w*(x-14*3600))-math.Sin(w*(-14*3600)))/w
		if got := c.Integral(sim.Time(at)); math.Abs(got-exact) > 0.002*max(exact, 1000) {
			t.Errorf("integral to %s: %.1f, cosine %.1f", at, got, exact)
		}
	}
	h := noPods(t, 1)
	addTraffic(t, h, Traffic{Curve: Daily(10, 2, 14*time.Hour), Until: sim.Time(24 * time.Hour)})
	h.run(24*time.Hour + time.Second)
	sum, _ := h.net.Summary("", "service/web")
	if sum.Sent != 6*86400 {
		t.Errorf("a day of a 2..10/s curve sent %d, want %d", sum.Sent, 6*86400)
	}
	got := h.sentPerSecond(86400)
	window := func(from time.Duration) int {
		n := 0
		for s := int(from.Seconds()); s < int(from.Seconds())+60; s++ {
			n += got[s]
		}
		return n
	}
	if n := window(14 * time.Hour); n < 599 || n > 601 {
		t.Errorf("the minute after the 14:00 peak sent %d, want 600±1", n)
	}
	if n := window(2 * time.Hour); n < 119 || n > 121 {
		t.Errorf("the minute after the 02:00 trough sent %d, want 120±1", n)
	}
}

func TestPoissonCurveBounds(t *testing.T) {
	h := noPods(t, 7)
	// Poisson at 10/s, 30 s on and 30 s off, for an hour: 18000 expected,
	// standard deviation 134; nothing in the off windows.
	addTraffic(t, h, Traffic{Curve: OnOff(10, 30*time.Second, 30*time.Second, 0), Arrival: Poisson})
	h.run(time.Hour)
	got := h.sentPerSecond(3600)
	total := 0
	for s, n := range got {
		total += n
		if s%60 >= 30 && n != 0 {
			t.Errorf("second %d is off, sent %d", s, n)
		}
	}
	if total < 18000-4*134 || total > 18000+4*134 {
		t.Errorf("sent %d, want 18000 ± 536 (4 sd)", total)
	}
}

func TestCurveRejected(t *testing.T) {
	h := noPods(t, 1)
	for _, tr := range []Traffic{
		{Target: "service/web", Curve: &Curve{Period: time.Minute, Points: []CurvePoint{{0, 0}}}},
		{Target: "service/web", Curve: &Curve{Period: time.Minute, Points: []CurvePoint{{30 * time.Second, 1}, {10 * time.Second, 1}}}},
		{Target: "service/web", Curve: OnOff(1, time.Second, time.Second, 0), Arrival: Burst},
		{Target: "service/web", Rate: 1, SLO: &SLO{Availability: 1}},
	} {
		if err := h.net.AddTraffic(tr); err == nil {
			t.Errorf("AddTraffic(%+v) accepted", tr)
		}
	}
}

func TestErrorBudget(t *testing.T) {
	const apps = `
web:*:
  http: {8080: {"/slow": {status: 200, latency: 300ms}, "*": {status: 200, latency: 5ms}}}
`
	h := newHarness(t, "1.36", 3, apps, Options{})
	h.service(false)
	h.pod("web-1", "web:1", nil)
	slo := &SLO{Availability: 0.99, Latency: 100 * time.Millisecond}
	// 10/s to / from 20 s to 30 s: 100 good; 1/s to /slow: 10 slow, bad.
	addTraffic(t, h, Traffic{Rate: 10, From: sim.Time(20 * time.Second), Until: sim.Time(30 * time.Second), SLO: slo})
	addTraffic(t, h, Traffic{Rate: 1, Path: "/slow", From: sim.Time(20 * time.Second), Until: sim.Time(30 * time.Second), SLO: slo})
	if err := h.net.AddTraffic(Traffic{Target: "service/web", Rate: 1, SLO: &SLO{Availability: 0.9}}); err == nil {
		t.Error("a second, different SLO for the same target was accepted")
	}
	h.run(40 * time.Second)
	sum, _ := h.net.Summary("", "service/web")
	if sum.Errors() != 0 || sum.Sent != 110 {
		t.Fatalf("summary %+v: want 110 sent, no errors", sum)
	}
	b := sum.Budget
	// 10 bad (the slow ones) of 110: 1.1 allowed, 10/1.1 spent.
	if b == nil || b.Requests != 110 || b.Bad != 10 || math.Abs(b.Allowed-1.1) > 1e-9 || math.Abs(b.Spent-10/1.1) > 1e-9 {
		t.Fatalf("budget %+v", b)
	}
	h.net.Finish()
	var eb *record.ErrorBudget
	slow := 0
	for _, r := range h.log.Records() {
		switch r := r.(type) {
		case *record.ErrorBudget:
			eb = r
		case *record.Requests:
			slow += r.Slow
		}
	}
	if eb == nil || eb.Bad != 10 || eb.Requests != 110 || eb.Spent != 9.090909 || eb.Availability != 0.99 {
		t.Fatalf("ErrorBudget record %+v", eb)
	}
	if slow != 10 {
		t.Errorf("Requests records count %d slow answers, want 10", slow)
	}
	if got := b.String(); got != "SLO 99% within 100ms: 10 of 110 requests bad, 1.1 allowed, 909.091% of the budget spent" {
		t.Errorf("String() = %q", got)
	}
}

// TestClientRetries pins the client's retries: a refused or timed-out
// attempt is retried at once with a fresh timeout, the request counts once
// with its last outcome, and its latency runs from the first attempt.
func TestClientRetries(t *testing.T) {
	h := newHarness(t, "1.36", 1, `{web:*: {http: {8080: {"/ready": 200, "*": {status: 200, latency: 2s}}}}}`, Options{RecordRequests: true})
	h.service(false)
	// No endpoint before the pod is ready (about 1 s): refused, three
	// attempts at the same instant.
	addTraffic(t, h, Traffic{Rate: 1, Until: sim.Time(500 * time.Millisecond), Retries: 2, Timeout: 500 * time.Millisecond})
	h.pod("web-1", "web:1", nil)
	// Answers take 2 s: each attempt times out after 500 ms.
	addTraffic(t, h, Traffic{Rate: 1, From: sim.Time(20 * time.Second), Until: sim.Time(23 * time.Second), Retries: 1, Timeout: 500 * time.Millisecond})
	h.run(30 * time.Second)
	reqs := h.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d Request records, want 4", len(reqs))
	}
	for _, q := range reqs[:1] {
		if q.Outcome != "refused" || q.Attempts != 3 || q.Latency != 0 {
			t.Errorf("request before the pod: %+v, want refused after 3 attempts at once", q)
		}
	}
	for _, q := range reqs[1:] {
		if q.Outcome != "timeout" || q.Attempts != 2 || time.Duration(q.Latency) != time.Second {
			t.Errorf("request to a slow pod: %+v, want a timeout after 2 attempts and 1 s", q)
		}
	}
	sum, _ := h.net.Summary("", "service/web")
	if sum.Sent != 4 || sum.Refused != 1 || sum.Timeout != 3 {
		t.Errorf("summary %+v: want 4 sent, 1 refused, 3 timeouts (counted once each)", sum)
	}
}
