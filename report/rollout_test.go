package report

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

func dcSnapshot(t *testing.T, at float64, change string, gen, observed, latest int64, replicas, updated, total, available int32, reason, message string) *record.Snapshot {
	t.Helper()
	dc := api.DeploymentConfig{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Generation: gen},
		Spec:       api.DeploymentConfigSpec{Replicas: replicas, Triggers: []api.DeploymentTriggerPolicy{{Type: "ConfigChange"}}},
		Status: api.DeploymentConfigStatus{LatestVersion: latest, ObservedGeneration: observed,
			Replicas: total, UpdatedReplicas: updated, AvailableReplicas: available},
	}
	if reason != "" {
		dc.Status.Conditions = []api.DeploymentCondition{{Type: "Progressing", Status: "True", Reason: reason, Message: message}}
	}
	raw, err := json.Marshal(&dc)
	if err != nil {
		t.Fatal(err)
	}
	return &record.Snapshot{Header: record.Header{T: record.Seconds(sim.Time(at * float64(time.Second))), Kind: record.KindSnapshot, Object: "DeploymentConfig/web"}, Change: change, Value: raw}
}

// TestRolloutStatusDeploymentConfig pins `oc rollout status dc/web` (origin
// 3.11 DeploymentConfigStatusViewer): a line per watch event, the
// condition's message when the new replication controller is available,
// and the timed-out message as the error.
func TestRolloutStatusDeploymentConfig(t *testing.T) {
	records := []record.Record{
		&record.Run{Header: record.Header{Kind: record.KindRun}, Release: "1.11"},
		dcSnapshot(t, 0, "ADDED", 1, 0, 0, 2, 0, 0, 0, "", ""),
		dcSnapshot(t, 0.01, "MODIFIED", 1, 1, 1, 2, 0, 0, 0, "ReplicationControllerUpdated", ""),
		dcSnapshot(t, 5, "MODIFIED", 1, 1, 1, 2, 2, 2, 1, "ReplicationControllerUpdated", ""),
		dcSnapshot(t, 9, "MODIFIED", 1, 1, 1, 2, 2, 2, 2, "NewReplicationControllerAvailable", `replication controller "web-1" successfully rolled out`),
	}
	lines, ok, err := RolloutStatus(records, "DeploymentConfig", "web", 0)
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, Clock(l.T)+" "+l.Line)
	}
	want := []string{
		"00:00.000 Waiting for latest deployment config spec to be observed by the controller loop...",
		"00:00.010 Waiting for rollout to finish: 0 out of 2 new replicas have been updated...",
		"00:05.000 Waiting for rollout to finish: 1 of 2 updated replicas are available...",
		`00:09.000 replication controller "web-1" successfully rolled out`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}

	records[4] = dcSnapshot(t, 600, "MODIFIED", 1, 1, 1, 2, 2, 2, 1, "ProgressDeadlineExceeded", `replication controller "web-1" has failed progressing`)
	lines, _, _ = RolloutStatus(records, "DeploymentConfig", "web", 0)
	if last := lines[len(lines)-1]; !last.Err || last.Line != `error: replication controller "web-1" has failed progressing` {
		t.Errorf("timed out: %+v", last)
	}
	if _, ok, _ := RolloutStatus(records, "DeploymentConfig", "api", 0); ok {
		t.Error("a DeploymentConfig that does not exist was found")
	}
}
