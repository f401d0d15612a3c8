package report

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
)

func TestBudgets(t *testing.T) {
	lat := record.Dur(300 * time.Millisecond)
	records := []record.Record{
		&record.ErrorBudget{Header: record.Header{Object: "Route/web"}, Availability: 0.999, Requests: 12000, Bad: 3, Allowed: 12, Spent: 0.25},
		&record.ErrorBudget{Header: record.Header{Object: "Service/web"}, Availability: 0.99, Latency: &lat, Requests: 260, Bad: 60, Allowed: 2.6, Spent: 23.076923},
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	budgets(w, records)
	w.Flush()
	want := `
Error budget:
TARGET        SLO                REQUESTS   BAD   ALLOWED   SPENT
Route/web     99.9%              12000      3     12.0      25.0%
Service/web   99% within 300ms   260        60    2.6       2307.7% (exhausted)
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("budget table (-want +got):\n%s", diff)
	}
	b.Reset()
	budgets(w, nil)
	w.Flush()
	if b.String() != "" {
		t.Errorf("no ErrorBudget records printed %q", b.String())
	}
}
