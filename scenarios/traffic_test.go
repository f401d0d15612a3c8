package scenarios

import (
	"testing"
	"time"

	"github.com/probesim/probesim/model/network"
	"github.com/probesim/probesim/sim"
)

func TestTrafficShapes(t *testing.T) {
	src := head + `traffic:
- {target: service/web, arrival: burst, burst: {size: 50, every: 10s}, from: 5s}
- {target: service/web, rate: 20/s, pattern: {on: 30s, off: 90s}, from: 1m, slo: {availability: 99.9%, latency: 300ms}}
- {target: route/web, rate: [{at: "00:00", rate: 0}, {at: "09:00", rate: 50/s}, {at: "18:00", rate: 50/s}]}
- {target: route/web, rate: {daily: {peak: 100/s, trough: 10/s, peakAt: "15:00"}}, arrival: poisson}
expect:
- {at: 5m, traffic: service/web, budgetSpent: "< 50%"}
`
	s, err := Load("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]network.Traffic, len(s.Traffic))
	for i, tr := range s.Traffic {
		got[i] = tr.network()
	}
	if g := got[0]; g.Arrival != network.Burst || g.Rate != 50 || g.Per != 10*time.Second || g.From != sim.Time(5*time.Second) {
		t.Errorf("burst: %+v", g)
	}
	slo := network.SLO{Availability: 0.999, Latency: 300 * time.Millisecond}
	if g := got[1]; g.Curve == nil || g.Curve.Period != 2*time.Minute || g.Curve.Origin != sim.Time(time.Minute) || g.SLO == nil || *g.SLO != slo {
		t.Errorf("pattern: %+v", g)
	}
	if g := got[2]; g.Curve == nil || g.Curve.Period != 24*time.Hour || len(g.Curve.Points) != 3 || g.Curve.Points[1] != (network.CurvePoint{At: 9 * time.Hour, PerSecond: 50}) {
		t.Errorf("points: %+v", g.Curve)
	}
	if g := got[3]; g.Curve == nil || g.Arrival != network.Poisson || g.Curve.Points[60].PerSecond != 100 {
		t.Errorf("daily: %+v", g)
	}
	if x := s.Expect[0]; x.SLO == nil || *x.SLO != slo || x.BudgetSpent == nil {
		t.Errorf("budgetSpent expectation: %+v", x)
	}

	_, err = Load("s.yaml", []byte(head+"traffic: [{target: service/web, rate: 1/s}]\nexpect: [{at: 1m, traffic: service/web, budgetSpent: '< 1'}]\n"))
	want := "s.yaml:5:10: expect[0].budgetSpent: no traffic entry gives Service/web an slo: add slo: {availability: 99.9%} to its traffic"
	if err == nil || err.Error() != want {
		t.Errorf("budgetSpent without slo: got %v, want %s", err, want)
	}
}

func TestParseTimeOfDay(t *testing.T) {
	for s, want := range map[string]time.Duration{"00:00": 0, "09:30": 9*time.Hour + 30*time.Minute, "23:59:59": 24*time.Hour - time.Second, "24:00": 24 * time.Hour} {
		if got, err := ParseTimeOfDay(s); err != nil || got != want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "9:00", "24:01", "12:60", "12", "12:00:00:00", "ab:cd", "-1:00"} {
		if _, err := ParseTimeOfDay(s); err == nil {
			t.Errorf("ParseTimeOfDay(%q) accepted", s)
		}
	}
}
