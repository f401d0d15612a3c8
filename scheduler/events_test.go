package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
)

// TestPendingPodEvents pins the FailedScheduling Events that the API holds,
// and so what kubectl describe and get events show, for a pod that fits
// nowhere for 17 minutes and is retried at each unschedulable flush. Each
// line is one write: its time, count and first timestamp.
//
// From 1.16 the scheduler writes through tools/events
// (cmd/kube-scheduler/app/options/options.go NewEventBroadcasterAdapter,
// 1.20 and 1.36). Its cache key (event_broadcaster.go getKey) holds the
// regarding pod's resourceVersion, and the first failure's PodScheduled
// condition update (handleSchedulingFailure: Eventf, then updatePod)
// changes it: the second attempt starts a second Event, and the later
// ones, the same message leaving the pod alone, fold into its series.
// Only the series' start is written at once; later counts wait for the
// 30-minute refresh or the 6-minute finish.
func TestPendingPodEvents(t *testing.T) {
	for _, tc := range []struct {
		release string
		want    []string
	}{
		// Attempts at 0, 5m16s, 10m46s, 16m16s (5-minute limit, 30 s
		// flush). The third starts the series with count 2 and patches it
		// (client-go v0.27+); the fourth only counts in memory. kubectl
		// describe: "17m" and "6m14s (x2 over 11m44s)".
		{"1.36", []string{"5ms x1 first 5ms", "5m16.459s x1 first 5m16.459s", "10m46.459s x2 first 5m16.459s"}},
		// The third attempt starts the series at count 1 (client-go before
		// v0.27.0), which the API server rejects (validateV1EventSeries
		// wants 2); the fourth makes it 2, in memory, unwritten yet.
		{"1.26", []string{"5ms x1 first 5ms", "5m16.459s x1 first 5m16.459s"}},
		// Attempts every 90 s (60 s limit). The series starts at count 1
		// (rejected) at 2m46s; the refresh tick at 8m0.95s writes the
		// count so far, 4 (the 1.20 server's table printer shows 5).
		{"1.20", []string{"5ms x1 first 5ms", "1m16.459s x1 first 1m16.459s", "8m0.95s x4 first 1m16.459s"}},
		// tools/record's correlator: one Event counted at every attempt
		// (eventLogger), 12 of the spam filter's 25 tokens.
		{"1.11", []string{"5ms x1 first 5ms", "1m16.459s x2 first 5ms", "2m46.459s x3 first 5ms", "4m16.459s x4 first 5ms",
			"5m46.459s x5 first 5ms", "7m16.459s x6 first 5ms", "8m46.459s x7 first 5ms", "10m16.459s x8 first 5ms",
			"11m46.459s x9 first 5ms", "13m16.459s x10 first 5ms", "14m46.459s x11 first 5ms", "16m16.459s x12 first 5ms"}},
	} {
		t.Run(tc.release, func(t *testing.T) {
			h := newHarness(tc.release, 1, node("n1", "2", "4Gi", 110))
			h.createPod(pod("big", "3", ""))
			h.e.RunUntil(at(17 * time.Minute))
			var got []string
			ms := func(s record.Seconds) time.Duration { return time.Duration(s).Round(time.Millisecond) }
			for _, r := range h.log.Records() {
				if ev, ok := r.(*record.Event); ok && ev.Reason == "FailedScheduling" {
					got = append(got, fmt.Sprintf("%v x%d first %v", ms(ev.T), ev.Count, ms(ev.First)))
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
