package controller

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/api"
)

// TestDCRolloutStatus pins origin's DeploymentConfigStatusViewer.Status
// (3.x): the first matching case wins, and nothing but the "observed"
// message is said while the controller has not seen the latest generation.
func TestDCRolloutStatus(t *testing.T) {
	cond := func(reason, msg string) []api.DeploymentCondition {
		return []api.DeploymentCondition{{Type: "Progressing", Status: corev1.ConditionTrue, Reason: reason, Message: msg}}
	}
	config := []api.DeploymentTriggerPolicy{{Type: api.DeploymentTriggerOnConfigChange}}
	for _, tc := range []struct {
		name     string
		gen      int64
		spec     api.DeploymentConfigSpec
		st       api.DeploymentConfigStatus
		msg, err string
		done     bool
	}{
		{"image trigger, no version", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: []api.DeploymentTriggerPolicy{{Type: api.DeploymentTriggerOnImageChange}}},
			api.DeploymentConfigStatus{ObservedGeneration: 1}, `Deployment config "web" waiting on image update`, "", false},
		{"no triggers, no version", 1, api.DeploymentConfigSpec{Replicas: 3},
			api.DeploymentConfigStatus{ObservedGeneration: 1}, "", `Deployment config "web" waiting on manual update (use 'oc rollout latest web')`, true},
		{"not observed", 2, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 1, ObservedGeneration: 1, Conditions: cond(ReasonNewRCAvailable, "x")},
			"Waiting for latest deployment config spec to be observed by the controller loop...", "", false},
		{"complete", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 2, ObservedGeneration: 1, Conditions: cond(ReasonNewRCAvailable, `replication controller "web-2" successfully rolled out`)},
			`replication controller "web-2" successfully rolled out`, "", true},
		{"failed", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 2, ObservedGeneration: 1, Conditions: cond(ReasonProgressDeadlineExceeded, `replication controller "web-2" has failed progressing`)},
			"", `replication controller "web-2" has failed progressing`, true},
		{"updating", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 2, ObservedGeneration: 1, Replicas: 4, UpdatedReplicas: 1, Conditions: cond(ReasonRCUpdated, "")},
			"Waiting for rollout to finish: 1 out of 3 new replicas have been updated...", "", false},
		{"old pending termination", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 2, ObservedGeneration: 1, Replicas: 4, UpdatedReplicas: 3, Conditions: cond(ReasonRCUpdated, "")},
			"Waiting for rollout to finish: 1 old replicas are pending termination...", "", false},
		{"not yet available", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 2, ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 2, Conditions: cond(ReasonRCUpdated, "")},
			"Waiting for rollout to finish: 2 of 3 updated replicas are available...", "", false},
		{"all there, deployer not done", 1, api.DeploymentConfigSpec{Replicas: 3, Triggers: config},
			api.DeploymentConfigStatus{LatestVersion: 2, ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3, Conditions: cond(ReasonRCUpdated, "")},
			"Waiting for latest deployment config spec to be observed by the controller loop...", "", false},
	} {
		dc := &api.DeploymentConfig{Spec: tc.spec, Status: tc.st}
		dc.Name, dc.Generation = "web", tc.gen
		msg, done, err := DCRolloutStatus(dc)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if msg != tc.msg || done != tc.done || got != tc.err {
			t.Errorf("%s: got %q, %v, %q; want %q, %v, %q", tc.name, msg, done, got, tc.msg, tc.done, tc.err)
		}
	}
}

// BenchmarkDCRollingUpdate measures a three-replica DeploymentConfig's
// first version and a rolling update to a second, with the fake kubelet.
func BenchmarkDCRollingUpdate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		w := newDCWorld(uint64(i))
		w.s.DeploymentConfigs.Create(dc(3, rolling(intstr.FromString("25%"), intstr.FromString("25%"))))
		w.e.RunUntil(60e9)
		w.setDCImage("web:2")
		w.e.RunUntil(120e9)
		if dcPhase(w.rc("web-2")) != PhaseComplete {
			b.Fatal("the rollout did not complete")
		}
	}
}
