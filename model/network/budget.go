package network

import (
	"fmt"
	"math"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// SLO is a traffic target's service-level objective: the share of requests
// that must be good, a request being good when it gets a 2xx or 3xx answer
// (within Latency, if set).
type SLO struct {
	// Availability is the objective as a fraction: 0.999 for 99.9 %. It
	// must be above 0 and below 1 (an objective of 100 % allows no bad
	// request, so its budget cannot be spent by a share).
	Availability float64
	// Latency, if positive, makes an answer slower than it bad.
	Latency sim.Duration
}

// Budget is how much of an SLO's error budget a target's traffic spent.
type Budget struct {
	SLO SLO
	// Requests that got an outcome; Bad of them were not good.
	Requests, Bad int
	// Allowed is how many bad requests the objective allows over Requests:
	// (1 - Availability) · Requests.
	Allowed float64
	// Spent is Bad / Allowed: 0.5 is half the budget, above 1 the
	// objective is missed. With no requests it is 0.
	Spent float64
}

// setSLO gives the target its objective, which every generator must agree
// on.
func (t *target) setSLO(s *SLO) error {
	if s == nil {
		return nil
	}
	if !(s.Availability > 0 && s.Availability < 1) {
		return fmt.Errorf("slo availability must be above 0%% and below 100%%, got %v", s.Availability)
	}
	if t.slo != nil && *t.slo != *s {
		return fmt.Errorf("two traffic entries give %s different SLOs", t.name)
	}
	c := *s
	t.slo = &c
	return nil
}

// slowAnswer reports whether an ok answer of latency lat is bad under the
// target's SLO.
func (t *target) slowAnswer(lat sim.Duration) bool {
	return t.slo != nil && t.slo.Latency > 0 && lat > t.slo.Latency
}

// BudgetOf computes the error budget spent by requests settled, bad of
// which were bad, under objective s.
func BudgetOf(s SLO, requests, bad int) Budget {
	b := Budget{SLO: s, Requests: requests, Bad: bad}
	b.Allowed = (1 - s.Availability) * float64(requests)
	if requests > 0 {
		b.Spent = float64(bad) / b.Allowed
	}
	return b
}

// budget returns the target's budget over the run so far, or nil without
// an SLO.
func (t *target) budget() *Budget {
	if t.slo == nil {
		return nil
	}
	bad := t.total.resolved - t.total.ok + t.total.slow
	b := BudgetOf(*t.slo, t.total.resolved, bad)
	return &b
}

// Finish writes an ErrorBudget record for every target with an SLO, in
// target order. The cluster calls it once, before the log's End record.
func (n *Network) Finish() {
	for _, t := range n.tgtOrder {
		b := t.budget()
		if b == nil {
			continue
		}
		r := &record.ErrorBudget{
			Header:       record.Header{Object: t.object},
			Availability: b.SLO.Availability,
			Requests:     b.Requests, Bad: b.Bad,
			Allowed: round6(b.Allowed), Spent: round6(b.Spent),
		}
		if b.SLO.Latency > 0 {
			l := record.Dur(b.SLO.Latency)
			r.Latency = &l
		}
		n.log.Add(n.e.Now(), record.KindErrorBudget, r)
	}
}

// round6 keeps six decimals, so that the log shows 0.25, not
// 0.24999999999999997.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// String formats a budget as the text report shows it.
func (b Budget) String() string {
	s := fmt.Sprintf("SLO %s", FormatPercent(b.SLO.Availability))
	if b.SLO.Latency > 0 {
		s += " within " + time.Duration(b.SLO.Latency).String()
	}
	return fmt.Sprintf("%s: %d of %d requests bad, %.1f allowed, %s of the budget spent",
		s, b.Bad, b.Requests, b.Allowed, FormatPercent(b.Spent))
}

// FormatPercent formats a fraction as a percentage with up to three
// decimals: 0.999 as "99.9%".
func FormatPercent(f float64) string {
	s := fmt.Sprintf("%.3f", f*100)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s + "%"
}
