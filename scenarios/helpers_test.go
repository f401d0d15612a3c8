package scenarios

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func deploymentContainer(t *testing.T, o any) corev1.Container {
	t.Helper()
	d, ok := o.(*appsv1.Deployment)
	if !ok || len(d.Spec.Template.Spec.Containers) == 0 {
		t.Fatalf("not a deployment with containers: %T", o)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 3 {
		t.Errorf("replicas = %v", d.Spec.Replicas)
	}
	return d.Spec.Template.Spec.Containers[0]
}
