package scenarios

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

func sec(s float64) record.Seconds { return record.Seconds(sim.Time(s * float64(time.Second))) }

func hdr(t float64, kind, obj string) record.Header {
	return record.Header{T: sec(t), Kind: kind, Object: obj}
}

// run is a synthetic log: a Deployment's ReplicaSet makes pod web-1-a,
// which crash-loops; an apply at 60 s makes a second ReplicaSet whose pod
// has the new template's labels.
func syntheticRun() []record.Record {
	return []record.Record{
		&record.Run{Header: hdr(0, "Run", ""), Seed: 1, Release: "1.36"},
		&record.Object{Header: hdr(0, "Object", "ReplicaSet/web-1"), Action: "created", Owner: "Deployment/web"},
		&record.Object{Header: hdr(0.01, "Object", "Pod/web-1-a"), Action: "created", Owner: "ReplicaSet/web-1"},
		&record.PodStatus{Header: hdr(1, "PodStatus", "Pod/web-1-a"), Phase: "Running", Ready: "0/1", Status: "Running"},
		&record.PodStatus{Header: hdr(12, "PodStatus", "Pod/web-1-a"), Phase: "Running", Ready: "1/1", Status: "Running"},
		&record.Event{Header: hdr(30, "Event", "Pod/web-1-a"), Type: "Normal", Reason: "Killing", Message: "Container web failed liveness probe, will be restarted", Count: 1, Source: "kubelet"},
		&record.PodStatus{Header: hdr(31, "PodStatus", "Pod/web-1-a"), Phase: "Running", Ready: "0/1", Status: "Running", Restarts: 1},
		&record.Object{Header: hdr(60, "Object", "ReplicaSet/web-2"), Action: "created", Owner: "Deployment/web"},
		&record.Object{Header: hdr(60.01, "Object", "Pod/web-2-b"), Action: "created", Owner: "ReplicaSet/web-2"},
		&record.Event{Header: hdr(70, "Event", "Pod/web-1-a"), Type: "Normal", Reason: "Killing", Message: "Container web failed liveness probe, will be restarted", Count: 2, Source: "kubelet"},
		&record.PodStatus{Header: hdr(75, "PodStatus", "Pod/web-1-a"), Phase: "Running", Ready: "0/1", Status: "CrashLoopBackOff", Restarts: 2},
		&record.Rollout{Header: hdr(80, "Rollout", "Deployment/web"), Replicas: 2, Available: 0, Conditions: map[string]record.Condition{"Progressing": {Status: "False", Reason: "ProgressDeadlineExceeded"}}},
		&record.Object{Header: hdr(90, "Object", "Pod/web-1-a"), Action: "deleted"},
		&record.End{Header: hdr(120, "End", ""), Hash: "sha256:x"},
	}
}

const labelsScenario = head + `actions:
- at: 50s
  apply:
    kind: Deployment
    metadata: {name: web}
    spec: {template: {metadata: {labels: {app: web, track: v2}}}}
expect:
- {at: 40s, pods: app=web, restarts: 1, ready: 0/1}
- {at: 40s, pods: track=v2, count: 0}
- {at: 61s, pods: track=v2, count: 1}
- {by: 100s, pods: app=web, status: CrashLoopBackOff}
- {by: 20s, pods: app=web, status: CrashLoopBackOff}
- {never: true, pods: app=web, restarts: "> 1"}
- {always: true, window: [13s, 29s], pods: app=web, ready: 1/1}
- {by: 100s, event: {reason: Killing, object: app=web}, count: 2}
- {never: true, window: [0, 60s], event: {reason: Killing, message: "liveness"}, count: "> 1"}
- {by: 2m, deployment: web, condition: {Progressing: "False", reason: ProgressDeadlineExceeded}}
- {at: 2m, service: web, readyEndpoints: 3}
- {at: 3m, pods: app=web, count: 0}
- {at: 95s, pods: app=web, count: 1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nodejs-ex:v1}]}
`

func TestCheck(t *testing.T) {
	s, err := Load("s.yaml", []byte(labelsScenario))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Pass     bool
		At       string
		Observed string
	}
	var got []row
	for _, r := range s.Check(syntheticRun()) {
		got = append(got, row{r.Pass, fmtTime(r.At), r.Observed})
	}
	want := []row{
		{true, "40s", "1 of 1 pods match: web-1-a 0/1 Running restarts 1"},
		{true, "40s", "no pods match track=v2"},
		{true, "1m1s", "1 of 1 pods match: web-2-b 0/0 Pending restarts 0"},
		{false, "1m40s", "0 of 1 pods match: web-2-b 0/0 Pending restarts 0"},
		{false, "20s", "0 of 1 pods match: web-1-a 1/1 Running restarts 0"},
		{false, "1m15s", "1 of 2 pods match: web-1-a 0/1 CrashLoopBackOff restarts 2; web-2-b 0/0 Pending restarts 0"},
		{true, "29s", "1 of 1 pods match: web-1-a 1/1 Running restarts 0"},
		{true, "1m10s", "2 matching events, the last at 1m10s"},
		{true, "1m", "1 matching event, the last at 30s"},
		{true, "1m20s", "Progressing=False (ProgressDeadlineExceeded)"},
		{false, "2m", "no Endpoints record for Service/web"},
		{false, "2m", "the run ended at 2m, before 3m"},
		{true, "1m35s", "1 of 1 pods match: web-2-b 0/0 Pending restarts 0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}
