package kubectl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/api"
)

// TestDeploymentConfigRow pins origin's printDeploymentConfig (3.11):
// REVISION is latestVersion, CURRENT updatedReplicas, a test config's
// DESIRED says so, and TRIGGERED BY is the sorted set of "config" and
// "image(...)" for automatic image triggers, prefixed with the sorted
// container names when the template has several containers and does not
// have every one the trigger names.
func TestDeploymentConfigRow(t *testing.T) {
	two := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web"}, {Name: "proxy"}}}}
	one := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web"}}}}
	image := func(auto bool, kind string, names ...string) api.DeploymentTriggerPolicy {
		return api.DeploymentTriggerPolicy{Type: api.DeploymentTriggerOnImageChange, ImageChangeParams: &api.DeploymentTriggerImageChangeParams{
			Automatic: auto, ContainerNames: names, From: corev1.ObjectReference{Kind: kind, Name: "web:latest"}}}
	}
	config := api.DeploymentTriggerPolicy{Type: api.DeploymentTriggerOnConfigChange}
	for _, tc := range []struct {
		name string
		dc   api.DeploymentConfig
		want []string
	}{
		{"config trigger", api.DeploymentConfig{Spec: api.DeploymentConfigSpec{Replicas: 3, Template: one, Triggers: []api.DeploymentTriggerPolicy{config}},
			Status: api.DeploymentConfigStatus{LatestVersion: 2, UpdatedReplicas: 1}}, []string{"web", "2", "3", "1", "config"}},
		{"test config, no triggers", api.DeploymentConfig{Spec: api.DeploymentConfigSpec{Replicas: 1, Test: true, Template: one}},
			[]string{"web", "0", "1 (during test)", "0", ""}},
		{"image and config, one container", api.DeploymentConfig{Spec: api.DeploymentConfigSpec{Replicas: 1, Template: one,
			Triggers: []api.DeploymentTriggerPolicy{image(true, "ImageStreamTag", "web"), config}}},
			[]string{"web", "0", "1", "0", "config,image(web:latest)"}},
		{"image on one of two containers", api.DeploymentConfig{Spec: api.DeploymentConfigSpec{Replicas: 1, Template: two,
			Triggers: []api.DeploymentTriggerPolicy{image(true, "ImageStreamTag", "web")}}},
			[]string{"web", "0", "1", "0", "image(web:latest)"}},
		{"image naming a container the template lacks", api.DeploymentConfig{Spec: api.DeploymentConfigSpec{Replicas: 1, Template: two,
			Triggers: []api.DeploymentTriggerPolicy{image(true, "ImageStreamTag", "web", "db")}}},
			[]string{"web", "0", "1", "0", "image(db,web:web:latest)"}},
		{"manual image trigger not shown, DockerImage kind", api.DeploymentConfig{Spec: api.DeploymentConfigSpec{Replicas: 1, Template: one,
			Triggers: []api.DeploymentTriggerPolicy{image(false, "ImageStreamTag", "web"), image(true, "DockerImage", "web")}}},
			[]string{"web", "0", "1", "0", "DockerImage(web:latest)"}},
	} {
		tc.dc.Name = "web"
		if diff := cmp.Diff(tc.want, DeploymentConfig(&tc.dc)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestReplicationControllerRow pins DESIRED (spec, 1 when unset), CURRENT
// (status.replicas) and READY.
func TestReplicationControllerRow(t *testing.T) {
	n := int32(3)
	rc := &corev1.ReplicationController{Spec: corev1.ReplicationControllerSpec{Replicas: &n},
		Status: corev1.ReplicationControllerStatus{Replicas: 2, ReadyReplicas: 1}}
	rc.Name = "web-2"
	if diff := cmp.Diff([]string{"web-2", "3", "2", "1"}, ReplicationController(rc)); diff != "" {
		t.Error(diff)
	}
	rc.Spec.Replicas = nil
	if got := ReplicationController(rc)[1]; got != "1" {
		t.Errorf("DESIRED of an unset size = %s, want 1 (the default)", got)
	}
}
