package record

// KindErrorBudget is the kind of the record that reports, at the end of a
// run, how much of a traffic target's error budget the run spent.
const KindErrorBudget = "ErrorBudget"

// ErrorBudget closes the traffic of a target that has an SLO: its
// objective, the requests that got an outcome, how many were bad (not a
// 2xx or 3xx answer, or slower than the latency threshold), how many bad
// ones the objective allows over that many requests, and the share of that
// allowance spent (1 is the whole budget; above 1 the objective is missed).
type ErrorBudget struct {
	Header
	// Availability is the objective as a fraction, 0.999 for 99.9 %.
	Availability float64 `json:"availability"`
	// Latency is the threshold above which an answer is bad; absent when
	// the SLO has none.
	Latency  *Dur    `json:"latency,omitempty"`
	Requests int     `json:"requests"`
	Bad      int     `json:"bad"`
	Allowed  float64 `json:"allowed"`
	Spent    float64 `json:"spent"`
}
