package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func at(s float64) record.Seconds { return record.Seconds(sim.Time(s * float64(time.Second))) }

func h(t float64, kind, obj string) record.Header {
	return record.Header{T: at(t), Kind: kind, Object: obj}
}

func code(c int32) *int32 { return &c }

// sample is a small synthetic run: a pod of a Deployment that becomes
// Ready, is killed by its liveness probe twice and backs off, while its
// Service loses and regains its endpoints and the rollout stalls.
func sample() []record.Record {
	kill := "Container web failed liveness probe, will be restarted"
	unhealthy := "Liveness probe failed: HTTP probe failed with statuscode: 404"
	return []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "sample", Release: "1.35", FeatureGates: map[string]bool{"ReduceDefaultCrashLoopBackOffDecay": true}, Seed: 42, Version: "test"},
		&record.Object{Header: h(0, "Object", "ReplicaSet/web-5d4f"), Action: "created", Owner: "Deployment/web"},
		&record.Object{Header: h(0.01, "Object", "Pod/web-5d4f-x2x"), Action: "created", Owner: "ReplicaSet/web-5d4f"},
		&record.Event{Header: h(0.02, "Event", "Pod/web-5d4f-x2x"), Type: "Normal", Reason: "Scheduled", Message: "Successfully assigned default/web-5d4f-x2x to node", Count: 1, First: record.Seconds(sim.Time(0.02 * float64(time.Second))), Source: "default-scheduler"},
		&record.PodStatus{Header: h(0.03, "PodStatus", "Pod/web-5d4f-x2x"), Phase: "Pending", Ready: "0/1", Status: "ContainerCreating", Node: "node", Conditions: map[string]bool{"Ready": false}},
		&record.Container{Header: h(0.1, "Container", "Pod/web-5d4f-x2x"), Container: "web", Instance: 1, State: "running"},
		&record.Endpoints{Header: h(0.5, "Endpoints", "Service/web")},
		&record.PodStatus{Header: h(1, "PodStatus", "Pod/web-5d4f-x2x"), Phase: "Running", Ready: "0/1", Status: "Running", Node: "node", Conditions: map[string]bool{"Ready": false}},
		&record.Probe{Header: h(3, "Probe", "Pod/web-5d4f-x2x"), Container: "web", Probe: "readiness", Result: "success", Duration: record.Dur(5 * time.Millisecond)},
		&record.PodStatus{Header: h(3.2, "PodStatus", "Pod/web-5d4f-x2x"), Phase: "Running", Ready: "1/1", Status: "Running", Node: "node", Conditions: map[string]bool{"Ready": true}},
		&record.Endpoints{Header: h(3.3, "Endpoints", "Service/web"), Ready: 1, Serving: 1, Dataplane: 1},
		&record.Event{Header: h(20, "Event", "Pod/web-5d4f-x2x"), Type: "Warning", Reason: "Unhealthy", Message: unhealthy, Count: 1, First: record.Seconds(20 * sim.Time(time.Second)), Source: "kubelet"},
		&record.Event{Header: h(30, "Event", "Pod/web-5d4f-x2x"), Type: "Warning", Reason: "Unhealthy", Message: unhealthy, Count: 2, First: record.Seconds(20 * sim.Time(time.Second)), Source: "kubelet"},
		&record.Event{Header: h(40, "Event", "Pod/web-5d4f-x2x"), Type: "Warning", Reason: "Unhealthy", Message: unhealthy, Count: 3, First: record.Seconds(20 * sim.Time(time.Second)), Source: "kubelet"},
		&record.Event{Header: h(40, "Event", "Pod/web-5d4f-x2x"), Type: "Normal", Reason: "Killing", Message: kill, Count: 1, First: record.Seconds(40 * sim.Time(time.Second)), Source: "kubelet"},
		&record.Container{Header: h(40.2, "Container", "Pod/web-5d4f-x2x"), Container: "web", Instance: 1, State: "terminated", Reason: "Error", ExitCode: code(143), Signal: "TERM"},
		&record.PodStatus{Header: h(40.5, "PodStatus", "Pod/web-5d4f-x2x"), Phase: "Running", Ready: "0/1", Status: "Running", Restarts: 1, Node: "node", Conditions: map[string]bool{"Ready": false}},
		&record.Endpoints{Header: h(40.6, "Endpoints", "Service/web"), Ready: 0, Terminating: 0, Dataplane: 1},
		&record.Container{Header: h(41, "Container", "Pod/web-5d4f-x2x"), Container: "web", Instance: 2, State: "running"},
		&record.PodStatus{Header: h(44, "PodStatus", "Pod/web-5d4f-x2x"), Phase: "Running", Ready: "1/1", Status: "Running", Restarts: 1, Node: "node", Conditions: map[string]bool{"Ready": true}},
		&record.Endpoints{Header: h(44.1, "Endpoints", "Service/web"), Ready: 1, Serving: 1, Dataplane: 1},
		&record.Event{Header: h(80, "Event", "Pod/web-5d4f-x2x"), Type: "Normal", Reason: "Killing", Message: kill, Count: 2, First: record.Seconds(40 * sim.Time(time.Second)), Source: "kubelet"},
		&record.Container{Header: h(80.2, "Container", "Pod/web-5d4f-x2x"), Container: "web", Instance: 2, State: "terminated", Reason: "Error", ExitCode: code(143), Signal: "TERM"},
		&record.PodStatus{Header: h(81, "PodStatus", "Pod/web-5d4f-x2x"), Phase: "Running", Ready: "0/1", Status: "CrashLoopBackOff", Restarts: 2, Node: "node", Conditions: map[string]bool{"Ready": false}},
		&record.Event{Header: h(81, "Event", "Pod/web-5d4f-x2x"), Type: "Warning", Reason: "BackOff", Message: "Back-off restarting failed container web in pod web-5d4f-x2x_default(00000000-0000-4000-8000-000000000002)", Count: 1, First: record.Seconds(81 * sim.Time(time.Second)), Source: "kubelet"},
		&record.Rollout{Header: h(90, "Rollout", "Deployment/web"), Replicas: 1, Updated: 1, Conditions: map[string]record.Condition{"Available": {Status: "False", Reason: "MinimumReplicasUnavailable"}, "Progressing": {Status: "True", Reason: "ReplicaSetUpdated"}}},
		&record.Rollout{Header: h(150, "Rollout", "Deployment/web"), Replicas: 1, Updated: 1, Conditions: map[string]record.Condition{"Available": {Status: "False", Reason: "MinimumReplicasUnavailable"}, "Progressing": {Status: "False", Reason: "ProgressDeadlineExceeded"}}},
		&record.Object{Header: h(160, "Object", "Pod/gone"), Action: "created"},
		&record.Object{Header: h(170, "Object", "Pod/gone"), Action: "deleted"},
		&record.End{Header: h(200, "End", ""), Events: 1234, Hash: "sha256:0000"},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

func TestTextGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.txt.golden", b.Bytes())
}

func TestJSONLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := JSONL(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.jsonl.golden", b.Bytes())
}

// TestJSONLIsTheLog checks that JSONL writes exactly the bytes the log
// hashes and streams.
func TestJSONLIsTheLog(t *testing.T) {
	var streamed, rendered bytes.Buffer
	log := record.NewLog(&streamed)
	for _, r := range sample() {
		h := *r.Base()
		log.Add(sim.Time(h.T), h.Kind, r)
	}
	if err := JSONL(&rendered, log.Records()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(streamed.String(), rendered.String()); diff != "" {
		t.Error(diff)
	}
}

func TestClock(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "00:00.000"}, {1500 * time.Millisecond, "00:01.500"}, {62*time.Second + time.Millisecond, "01:02.001"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03.000"},
	} {
		if got := Clock(sim.Time(tc.d)); got != tc.want {
			t.Errorf("Clock(%v) = %s, want %s", tc.d, got, tc.want)
		}
	}
}

func TestPodsAge(t *testing.T) {
	// kubectl measures AGE and "ago" from API timestamps, which hold
	// whole seconds (metav1.Time): a pod created at 0.01 s is 3m20s old at
	// 200 s, and an exit at 80.2 s was 2m ago.
	rows := Pods(sample(), sim.Time(200*time.Second))
	want := []PodRow{{Name: "web-5d4f-x2x", Ready: "0/1", Status: "CrashLoopBackOff", Restarts: "2 (2m ago)", Age: "3m20s"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Error(diff)
	}
	if rows := Pods(sample(), sim.Time(165*time.Second)); len(rows) != 2 || rows[0].Name != "gone" {
		t.Errorf("at 165s: %v", rows)
	}
}
