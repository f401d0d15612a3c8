package report

import (
	"bufio"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/probesim/probesim/model/record"
)

// budgets writes the error budget of every traffic target with an SLO, from
// the ErrorBudget records that close the run; nothing when there are none.
func budgets(w *bufio.Writer, records []record.Record) {
	var bs []*record.ErrorBudget
	for _, r := range records {
		if b, ok := r.(*record.ErrorBudget); ok {
			bs = append(bs, b)
		}
	}
	if len(bs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nError budget:\n")
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	fmt.Fprintf(tw, "TARGET\tSLO\tREQUESTS\tBAD\tALLOWED\tSPENT\n")
	for _, b := range bs {
		slo := percent(b.Availability)
		if b.Latency != nil {
			slo += " within " + time.Duration(*b.Latency).String()
		}
		spent := strconv.FormatFloat(b.Spent*100, 'f', 1, 64) + "%"
		if b.Spent > 1 {
			spent += " (exhausted)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", b.Object, slo, b.Requests, b.Bad,
			strconv.FormatFloat(b.Allowed, 'f', 1, 64), spent)
	}
	tw.Flush()
}

// percent formats a fraction as a percentage with at most three decimals.
func percent(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 3, 64)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s + "%"
}
