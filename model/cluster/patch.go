package cluster

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"

	"github.com/probesim/probesim/model/api"
)

// ApplyPatch applies a manifest the way `kubectl apply` treats the fields
// it names: if no object of that kind and name exists, obj is created;
// otherwise raw, the manifest as JSON, is merged into the existing object
// with a strategic merge patch (lists such as containers merged by name), so
// a manifest that only names a new image changes only the image. obj is the
// manifest decoded (and defaulted) for the create case.
func (c *Cluster) ApplyPatch(obj any, raw []byte) error {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		if cur, ok := c.store.Deployments.Get(namespaceOf(o.Namespace), o.Name); ok {
			var n appsv1.Deployment
			if err := mergeInto(*cur, raw, &n); err != nil {
				return fmt.Errorf("deployments %q: %w", o.Name, err)
			}
			return c.Apply(&n)
		}
	case *appsv1.ReplicaSet:
		if cur, ok := c.store.ReplicaSets.Get(namespaceOf(o.Namespace), o.Name); ok {
			var n appsv1.ReplicaSet
			if err := mergeInto(*cur, raw, &n); err != nil {
				return fmt.Errorf("replicasets %q: %w", o.Name, err)
			}
			return c.Apply(&n)
		}
	case *corev1.Service:
		if cur, ok := c.store.Services.Get(namespaceOf(o.Namespace), o.Name); ok {
			var n corev1.Service
			if err := mergeInto(*cur, raw, &n); err != nil {
				return fmt.Errorf("services %q: %w", o.Name, err)
			}
			return c.Apply(&n)
		}
	case *corev1.ReplicationController:
		if cur, ok := c.store.ReplicationControllers.Get(namespaceOf(o.Namespace), o.Name); ok {
			var n corev1.ReplicationController
			if err := mergeInto(*cur, raw, &n); err != nil {
				return fmt.Errorf("replicationcontrollers %q: %w", o.Name, err)
			}
			return c.Apply(&n)
		}
	case *api.DeploymentConfig:
		if cur, ok := c.store.DeploymentConfigs.Get(namespaceOf(o.Namespace), o.Name); ok {
			var n api.DeploymentConfig
			if err := mergeInto(*cur, raw, &n); err != nil {
				return fmt.Errorf("deploymentconfigs %q: %w", o.Name, err)
			}
			return c.Apply(&n)
		}
	case *corev1.Pod:
		if cur, ok := c.store.Pods.Get(namespaceOf(o.Namespace), o.Name); ok {
			var n corev1.Pod
			if err := mergeInto(*cur, raw, &n); err != nil {
				return fmt.Errorf("pods %q: %w", o.Name, err)
			}
			return c.Apply(&n)
		}
	}
	// Nothing to merge into: the manifest is created, with the API
	// server's defaults (an apply body is decoded undefaulted).
	if o, ok := obj.(api.Object); ok {
		api.Default(o)
	}
	return c.Apply(obj)
}

// mergeInto patches cur with raw (strategic merge, using the struct tags of
// out's type) and decodes the result into out.
func mergeInto[T any](cur T, raw []byte, out *T) error {
	base, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	merged, err := strategicpatch.StrategicMergePatch(base, raw, *out)
	if err != nil {
		return fmt.Errorf("merging the manifest: %w", err)
	}
	return json.Unmarshal(merged, out)
}
