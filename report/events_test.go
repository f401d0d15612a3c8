package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TestEventsOneRowPerAPIObject checks that two Event objects with the same
// message are two rows, as kubectl describe lists every object: here the
// scheduler's first FailedScheduling and the one that regards the pod after
// its condition update (tools/events getKey holds the resourceVersion),
// whose series later reaches count 2. Writes of one object share the first
// timestamp.
func TestEventsOneRowPerAPIObject(t *testing.T) {
	ev := func(at, first float64, count int32) *record.Event {
		return &record.Event{Header: record.Header{T: record.Seconds(sim.Time(at * 1e9)), Kind: record.KindEvent, Object: "Pod/p"},
			Type: "Warning", Reason: "FailedScheduling", Message: "0/1 nodes are available: 1 Insufficient cpu.", Count: count,
			First: record.Seconds(sim.Time(first * 1e9)), Source: "default-scheduler"}
	}
	records := []record.Record{
		&record.Run{Header: record.Header{Kind: record.KindRun}, Release: "1.36"},
		ev(60, 60, 1), ev(376, 376, 1), ev(706, 376, 2),
	}
	var got []string
	for _, rows := range Events(records, sim.Time(1000e9)) {
		for _, r := range rows {
			got = append(got, r.Age)
		}
	}
	want := []string{"15m", "4m54s (x2 over 10m)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
