package api

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Unsimulated lists what obj asks for that the API server of release
// 1.minor accepts but the simulator does not model yet, or that the
// release does not have, each at the path of the field that asks for it.
// It is not validation: a valid object can be unsimulated. The scenario
// loader refuses such objects instead of running them as if the field were
// absent.
//
//   - A restartable init container (restartPolicy: Always, a sidecar,
//     SidecarContainers from 1.28) is not simulated yet: its start order,
//     probes, and its termination after the app containers differ from
//     those of a regular init container.
//   - Before 1.6 the pod spec had no initContainers field (1.3 to 1.5 had
//     beta annotations instead); the 1.1 profile refuses them.
//
// obj may be a patch (an apply action's body): whatever it gives is
// checked.
func Unsimulated(obj any, minor int) field.ErrorList {
	spec, p := PodSpecOf(obj)
	if spec == nil {
		return nil
	}
	var errs field.ErrorList
	ic := p.Child("initContainers")
	if len(spec.InitContainers) > 0 && minor < 6 {
		return append(errs, field.Forbidden(ic, fmt.Sprintf("release 1.%d has no init containers (the field came in Kubernetes 1.6); they are not simulated on it", minor)))
	}
	for i := range spec.InitContainers {
		if spec.InitContainers[i].RestartPolicy != nil {
			errs = append(errs, field.Forbidden(ic.Index(i).Child("restartPolicy"), "restartable init containers (sidecars) are not simulated yet; only regular init containers (no restartPolicy) are"))
		}
	}
	return errs
}

// PodSpecOf returns the pod spec of a pod or of a workload's pod template
// (Deployment, ReplicaSet, ReplicationController, DeploymentConfig), and
// its path; nil for other kinds.
func PodSpecOf(obj any) (*corev1.PodSpec, *field.Path) {
	tmpl := field.NewPath("spec", "template", "spec")
	switch o := obj.(type) {
	case *corev1.Pod:
		if o != nil {
			return &o.Spec, field.NewPath("spec")
		}
	case *appsv1.Deployment:
		if o != nil {
			return &o.Spec.Template.Spec, tmpl
		}
	case *appsv1.ReplicaSet:
		if o != nil {
			return &o.Spec.Template.Spec, tmpl
		}
	case *corev1.ReplicationController:
		if o != nil && o.Spec.Template != nil {
			return &o.Spec.Template.Spec, tmpl
		}
	case *DeploymentConfig:
		if o != nil && o.Spec.Template != nil {
			return &o.Spec.Template.Spec, tmpl
		}
	}
	return nil, nil
}
