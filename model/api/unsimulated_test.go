package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestUnsimulated pins what the API accepts but the simulator refuses: a
// restartable init container (a sidecar), in a pod and in a workload's
// template, and any init container on a release before 1.6 (the field did
// not exist). Regular init containers on 1.11+ are not refused.
func TestUnsimulated(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	spec := corev1.PodSpec{InitContainers: []corev1.Container{{Name: "setup"}, {Name: "proxy", RestartPolicy: &always}}}
	cases := []struct {
		obj   any
		minor int
		want  []string
	}{
		{&corev1.Pod{Spec: spec}, 36, []string{"spec.initContainers[1].restartPolicy: Forbidden: restartable init containers (sidecars) are not simulated yet; only regular init containers (no restartPolicy) are"}},
		{&appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}, 36, []string{"spec.template.spec.initContainers[1].restartPolicy: Forbidden: restartable init containers (sidecars) are not simulated yet; only regular init containers (no restartPolicy) are"}},
		{&corev1.Pod{Spec: spec}, 1, []string{"spec.initContainers: Forbidden: release 1.1 has no init containers (the field came in Kubernetes 1.6); they are not simulated on it"}},
		{&corev1.Pod{Spec: corev1.PodSpec{InitContainers: spec.InitContainers[:1]}}, 11, nil},
		{&corev1.ReplicationController{}, 36, nil}, // no template
		{&corev1.Service{}, 36, nil},
	}
	for i, c := range cases {
		var got []string
		for _, e := range Unsimulated(c.obj, c.minor) {
			got = append(got, e.Error())
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("case %d (-want +got):\n%s", i, diff)
		}
	}
}
