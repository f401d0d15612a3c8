// Package report renders a run from its records: the JSONL log itself, a
// text story for people (key moments, a `kubectl get pods` snapshot, events
// as `kubectl describe` shows them), and lanes over time (BuildLanes) drawn
// as an ASCII timeline, a self-contained HTML page with an SVG drawing, or
// a Chrome trace for Perfetto.
//
// Renderers are pure functions of a finished run's []record.Record: they
// never look at the live model, the clock or the environment, so a log
// saved as JSONL renders the same as the run that produced it.
package report

import (
	"fmt"
	"io"

	"github.com/probesim/probesim/model/record"
)

// JSONL writes records as the run log's canonical lines, one JSON object
// per line, exactly as model/record encodes them: the run's hash is over
// these bytes. The CLI usually streams the same lines as the run goes
// (record.NewLog's sink); JSONL is for a log already collected.
func JSONL(w io.Writer, records []record.Record) error {
	for i, r := range records {
		if err := record.Encode(w, r); err != nil {
			return fmt.Errorf("writing record %d (%s): %w", i, r.Base().Kind, err)
		}
	}
	return nil
}
