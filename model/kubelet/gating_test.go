package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// gatingCase sets up one probe worker against a hand-made status cache.
type gatingCase struct {
	name      string
	typ       probeType
	noStatus  bool
	phase     corev1.PodPhase
	id        string // the cached container ID; "" for none
	state     string // running, terminated or waiting
	started   bool
	sinceMs   int64 // now − StartedAt, in ms
	delay     int32 // initialDelaySeconds
	onHold    bool
	workerID  string // the worker's last container ID
	policy    corev1.RestartPolicy
	keepGoing bool
	probed    bool
	stored    result // the results manager's value afterwards, for the cached ID
	check     bool   // whether to check stored
	hold      bool
}

// TestDoProbeGating pins the gates of worker.go doProbe in their order
// (docs/fidelity.md P3): no status; terminal phase; no container ID; a new
// container ID resets the result and the hold; the hold; a container not
// running fails, and ends the worker only if it never restarts; the
// initial delay on whole seconds; startup gating.
func TestDoProbeGating(t *testing.T) {
	for _, tc := range []gatingCase{
		{name: "no status yet", typ: liveness, noStatus: true, keepGoing: true},
		{name: "terminal pod ends the worker", typ: readiness, phase: corev1.PodSucceeded, id: "c1", state: "terminated", keepGoing: false},
		{name: "no container ID", typ: liveness, phase: corev1.PodPending, state: "waiting", keepGoing: true},
		{name: "new container: initial readiness Failure", typ: readiness, phase: corev1.PodRunning, id: "c1", state: "running", started: true, sinceMs: 500, delay: 5, keepGoing: true, stored: failure, check: true},
		{name: "new container: initial liveness Success", typ: liveness, phase: corev1.PodRunning, id: "c1", state: "running", started: true, sinceMs: 500, delay: 5, keepGoing: true, stored: success, check: true},
		{name: "new container: initial startup Unknown", typ: startup, phase: corev1.PodRunning, id: "c1", state: "running", sinceMs: 500, delay: 5, keepGoing: true, stored: unknown, check: true},
		{name: "new container lifts the hold", typ: liveness, phase: corev1.PodRunning, id: "c2", workerID: "c1", onHold: true, state: "running", started: true, sinceMs: 30000, keepGoing: true, probed: true, stored: success, check: true},
		{name: "on hold", typ: liveness, phase: corev1.PodRunning, id: "c1", workerID: "c1", onHold: true, state: "running", started: true, sinceMs: 30000, keepGoing: true, hold: true},
		{name: "not running fails", typ: readiness, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "terminated", keepGoing: true, stored: failure, check: true},
		{name: "not running, never restarts: worker ends", typ: readiness, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "terminated", policy: corev1.RestartPolicyNever, keepGoing: false, stored: failure, check: true},
		// StartedAt is cut to whole seconds in the cache (P4): a container
		// that started 4.1 s ago counts 5 s, one that started 3.9 s ago 4 s.
		{name: "initial delay: 3.9 s counts 4 s", typ: liveness, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "running", started: true, sinceMs: 3900, delay: 5, keepGoing: true},
		{name: "initial delay: 4.1 s counts 5 s", typ: liveness, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "running", started: true, sinceMs: 4100, delay: 5, keepGoing: true, probed: true},
		{name: "liveness waits for startup", typ: liveness, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "running", started: false, sinceMs: 60000, keepGoing: true},
		{name: "startup stops once started", typ: startup, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "running", started: true, sinceMs: 60000, keepGoing: true},
		{name: "startup probes until started", typ: startup, phase: corev1.PodRunning, id: "c1", workerID: "c1", state: "running", started: false, sinceMs: 60000, keepGoing: true, probed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "1.34", 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
			h.run(time.Minute) // a whole second, away from zero
			now := h.e.Now()
			pod := onePod(corev1.Container{})
			pod.Spec.RestartPolicy = tc.policy
			if pod.Spec.RestartPolicy == "" {
				pod.Spec.RestartPolicy = corev1.RestartPolicyAlways
			}
			ps := &podState{k: h.k, pod: pod, object: "Pod/web"}
			c := &containerState{spec: &pod.Spec.Containers[0]}
			ps.containers = []*containerState{c}
			in := &instance{n: 1, id: tc.id, running: tc.state == "running", startedAt: now.Add(-time.Duration(tc.sinceMs) * time.Millisecond)}
			in.proc = &fakeProc{start: in.startedAt}
			c.instances = []*instance{in}
			if !tc.noStatus {
				cs := corev1.ContainerStatus{Name: "app", ContainerID: tc.id, Started: &tc.started}
				switch tc.state {
				case "running":
					cs.State.Running = &corev1.ContainerStateRunning{}
				case "terminated":
					cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1}
				default:
					cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
				}
				ps.keepStatus(corev1.PodStatus{Phase: tc.phase, ContainerStatuses: []corev1.ContainerStatus{cs}})
			}
			probe := httpGetProbe("/", tc.delay, 10, 3)
			w := newProbeWorker(h.k, ps, c, tc.typ, probe)
			w.containerID, w.onHold = tc.workerID, tc.onHold
			if tc.workerID != "" {
				w.storedID, w.stored = tc.workerID, w.initial
			}
			keepGoing, probed := w.doProbe()
			if keepGoing != tc.keepGoing || probed != tc.probed || w.onHold != tc.hold {
				t.Errorf("keepGoing %v, probed %v, onHold %v; want %v, %v, %v", keepGoing, probed, w.onHold, tc.keepGoing, tc.probed, tc.hold)
			}
			if r, _ := w.get(tc.id); tc.check && r != tc.stored {
				t.Errorf("stored result %v, want %v", r, tc.stored)
			}
		})
	}
}

// TestThresholds pins doProbe's counting (P6): the stored result changes only
// after failureThreshold failures or successThreshold successes in a row;
// results are sent only when the stored value changes.
func TestThresholds(t *testing.T) {
	for _, tc := range []struct {
		name          string
		typ           probeType
		success, fail int32
		initial       result
		results       []result
		stored        []result // the stored value after each result
	}{
		{"ready, then 3 failures", readiness, 1, 3, success, []result{failure, failure, failure}, []result{success, success, failure}},
		{"readiness success needs 2 in a row", readiness, 2, 3, failure, []result{success, failure, success, success}, []result{failure, failure, failure, success}},
		{"liveness failure run broken by a success", liveness, 1, 2, success, []result{failure, success, failure, failure}, []result{success, success, success, failure}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "1.34", 1, fakeApps{proc: func(int, sim.Time) *fakeProc { return &fakeProc{} }})
			pod := onePod(corev1.Container{})
			ps := &podState{k: h.k, pod: pod, object: "Pod/web"}
			c := &containerState{spec: &pod.Spec.Containers[0]}
			ps.containers = []*containerState{c}
			p := httpGetProbe("/", 0, 10, tc.fail)
			p.SuccessThreshold = tc.success
			w := newProbeWorker(h.k, ps, c, tc.typ, p)
			w.containerID, w.storedID, w.stored = "c1", "c1", tc.initial
			for i, r := range tc.results {
				w.busy = true
				w.finish(probeOutcome{result: r, instance: 1})
				if got, _ := w.get("c1"); got != tc.stored[i] {
					t.Fatalf("after result %d (%v): stored %v, want %v", i+1, r, got, tc.stored[i])
				}
			}
		})
	}
}
