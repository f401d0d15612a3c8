package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TestBackoffDuration pins scheduling_queue.go calculateBackoffDuration
// with podInitialBackoffSeconds 1 and podMaxBackoffSeconds 10.
func TestBackoffDuration(t *testing.T) {
	var got []time.Duration
	for attempts := 1; attempts <= 6; attempts++ {
		got = append(got, (&queuedPod{attempts: attempts}).backoffDuration())
	}
	want := []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backoff (-want +got):\n%s", diff)
	}
}

func at(d time.Duration) sim.Time { return sim.Time(d) }

// scheduledAt returns when pod name's Scheduled event was recorded and the
// node it names, or -1.
func (h *harness) scheduledAt(name string) (sim.Time, string) {
	for _, r := range h.log.Records() {
		if ev, ok := r.(*record.Event); ok && ev.Reason == "Scheduled" && ev.Object == "Pod/"+name {
			msg := ev.Message
			return sim.Time(ev.T), msg[strings.LastIndex(msg, " ")+1:]
		}
	}
	return -1, ""
}

// TestPendingPod pins what a pod that fits nowhere shows: the event, the
// PodScheduled=False condition with reason Unschedulable and the same
// message (schedule_one.go handleSchedulingFailure, updatePod), and a
// PodStatus record reading Pending.
func TestPendingPod(t *testing.T) {
	h := newHarness("1.36", 1, node("n1", "2", "4Gi", 110))
	h.createPod(pod("big", "3", ""))
	h.e.RunUntil(at(time.Second))
	want := "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
	if diff := cmp.Diff([]string{"Pod/big x1: " + want}, h.events("FailedScheduling")); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	p := h.pod("big")
	if len(p.Status.Conditions) != 1 {
		t.Fatalf("conditions = %+v", p.Status.Conditions)
	}
	c := p.Status.Conditions[0]
	if c.Type != corev1.PodScheduled || c.Status != corev1.ConditionFalse || c.Reason != "Unschedulable" || c.Message != want {
		t.Errorf("condition = %+v", c)
	}
	var rec *record.PodStatus
	for _, r := range h.log.Records() {
		if ps, ok := r.(*record.PodStatus); ok {
			rec = ps
		}
	}
	if rec == nil || rec.Status != "Pending" || rec.Ready != "0/1" || rec.Conditions["PodScheduled"] {
		t.Errorf("PodStatus record = %+v", rec)
	}
}

// TestRetryOnPodDeletion pins the move of unschedulable pods on the
// deletion of an assigned pod (MoveAllToActiveOrBackoffQueue for
// AssignedPodDelete): after its backoff, the pod is tried at once; within
// its backoff, it waits in the backoff queue for the 1 s flush.
func TestRetryOnPodDeletion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		deleteAt time.Duration
		check    func(t *testing.T, h *harness, bound sim.Time)
	}{
		{"after the backoff", 3 * time.Second, func(t *testing.T, h *harness, bound sim.Time) {
			// heard at +5 ms, tried at once, bound 5 ms later
			if want := at(3*time.Second + 10*time.Millisecond); bound != want {
				t.Errorf("bound at %v, want %v", bound, want)
			}
		}},
		{"within the backoff", 500 * time.Millisecond, func(t *testing.T, h *harness, bound sim.Time) {
			// The backoff ends at 1.010 s (failed at 0.010); the pod leaves the
			// backoff queue at the first 1 s flush after that.
			if bound < at(1010*time.Millisecond) || bound > at(2015*time.Millisecond) {
				t.Errorf("bound at %v, want within a flush period after the 1 s backoff", bound)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness("1.36", 1, node("n1", "2", "4Gi", 110))
			h.createPod(pod("a", "1500m", ""))
			h.e.RunUntil(at(5 * time.Millisecond))
			h.createPod(pod("b", "1500m", ""))
			h.e.RunUntil(at(tc.deleteAt))
			if n := len(h.events("FailedScheduling")); n != 1 {
				t.Fatalf("b failed %d times before the deletion, want 1", n)
			}
			h.st.Pods.Delete("default", "a")
			h.e.RunUntil(at(20 * time.Second))
			bound, node := h.scheduledAt("b")
			if node != "n1" {
				t.Fatalf("b not bound: %v %q", bound, node)
			}
			tc.check(t, h, bound)
		})
	}
}

// TestUnschedulableFlush pins flushUnschedulablePodsLeftover: with no
// cluster event, a pod is retried only when it has waited longer than the
// release's limit, at the next 30 s flush.
func TestUnschedulableFlush(t *testing.T) {
	for _, tc := range []struct {
		release string
		limit   time.Duration
	}{{"1.36", 5 * time.Minute}, {"1.20", 60 * time.Second}} {
		t.Run(tc.release, func(t *testing.T) {
			h := newHarness(tc.release, 1, node("n1", "2", "4Gi", 110))
			h.createPod(pod("big", "3", ""))
			h.e.RunUntil(at(tc.limit))
			if n := len(h.events("FailedScheduling")); n != 1 {
				t.Fatalf("%d FailedScheduling before the limit, want 1", n)
			}
			h.e.RunUntil(at(tc.limit + 5*time.Millisecond + unschedulableFlushPeriod))
			// On both releases the scheduler writes through tools/events:
			// the second attempt's event regards the pod at the
			// resourceVersion of the first failure's condition update, so
			// it is an Event of its own, count 1 (event_broadcaster.go
			// getKey holds the regarding reference).
			got := h.events("FailedScheduling")
			if len(got) != 2 || !strings.HasPrefix(got[1], "Pod/big x1: ") {
				t.Fatalf("want a second attempt within one flush period after the limit, got %q", got)
			}
		})
	}
}

// TestNodeAddedMovesPods pins the move on a node add: the pending pod is
// bound to the new node as soon as the scheduler hears of it.
func TestNodeAddedMovesPods(t *testing.T) {
	h := newHarness("1.36", 1, node("n1", "1", "4Gi", 110))
	h.createPod(pod("big", "3", ""))
	h.e.RunUntil(at(10 * time.Second))
	h.st.Nodes.Create(node("n2", "4", "4Gi", 110))
	h.e.RunUntil(at(20 * time.Second))
	bound, n := h.scheduledAt("big")
	if n != "n2" || bound != at(10*time.Second+10*time.Millisecond) {
		t.Errorf("bound to %q at %v, want n2 at 10.010 s", n, bound)
	}
}
