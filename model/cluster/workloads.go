package cluster

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/controller"
	"github.com/probesim/probesim/model/record"
)

// This file holds what a user does to workloads with kubectl or oc: apply a
// DeploymentConfig, scale, pause, resume, and roll back.

// exitProcess routes a process exit to the kubelet of the pod's node.
func (c *Cluster) exitProcess(pod *corev1.Pod, container string, code int) error {
	k := c.Kubelet(pod.Spec.NodeName)
	if k == nil {
		return fmt.Errorf("pod %q is not bound to a node", pod.Name)
	}
	return k.ExitProcess(pod, container, code)
}

// applyDC creates or updates a DeploymentConfig. The model does not run
// lifecycle hooks, so a config with one is refused rather than rolled out
// without it.
func (c *Cluster) applyDC(o *api.DeploymentConfig) error {
	if hasHooks(&o.Spec.Strategy) {
		return fmt.Errorf("deploymentconfigs %q: lifecycle hooks (pre, mid, post) are not supported by the model yet", o.Name)
	}
	if o.Spec.Strategy.Type == api.DeploymentStrategyTypeCustom {
		return fmt.Errorf("deploymentconfigs %q: the Custom strategy is not supported by the model yet", o.Name)
	}
	return applyTo(c, c.store.DeploymentConfigs, dcCopy(o), "DeploymentConfig", c.engine.Now(), func(cur, n *api.DeploymentConfig) bool {
		changed := !sameJSON(cur.Spec, n.Spec)
		n.Status = cur.Status
		return changed
	})
}

func hasHooks(s *api.DeploymentStrategy) bool {
	if p := s.RecreateParams; p != nil && (p.Pre != nil || p.Mid != nil || p.Post != nil) {
		return true
	}
	if p := s.RollingParams; p != nil && (p.Pre != nil || p.Post != nil) {
		return true
	}
	return false
}

func dcCopy(o *api.DeploymentConfig) *api.DeploymentConfig {
	var out api.DeploymentConfig
	b, err := json.Marshal(o)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		panic(fmt.Sprintf("copying DeploymentConfig %s: %v", o.Name, err))
	}
	return &out
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Scale sets the replicas of a Deployment, ReplicaSet, DeploymentConfig or
// ReplicationController, as `kubectl scale` (or `oc scale`) does through the
// scale subresource: spec.replicas changes and metadata.generation with it.
// A Deployment scaled in the middle of a rollout is scaled proportionally
// by its controller; a DeploymentConfig's new size reaches its active RC
// only once no rollout runs.
func (c *Cluster) Scale(kind, namespace, name string, replicas int32) error {
	namespace = namespaceOf(namespace)
	switch kind {
	case "Deployment":
		cur, ok := c.store.Deployments.Get(namespace, name)
		if !ok {
			return fmt.Errorf("deployments.apps %q not found", name)
		}
		if cur.Spec.Replicas != nil && *cur.Spec.Replicas == replicas {
			return nil
		}
		d := cur.DeepCopy()
		d.Spec.Replicas = &replicas
		d.Generation++
		c.store.Deployments.Update(d)
	case "ReplicaSet":
		cur, ok := c.store.ReplicaSets.Get(namespace, name)
		if !ok {
			return fmt.Errorf("replicasets.apps %q not found", name)
		}
		if cur.Spec.Replicas != nil && *cur.Spec.Replicas == replicas {
			return nil
		}
		rs := cur.DeepCopy()
		rs.Spec.Replicas = &replicas
		rs.Generation++
		c.store.ReplicaSets.Update(rs)
	case "DeploymentConfig":
		cur, ok := c.store.DeploymentConfigs.Get(namespace, name)
		if !ok {
			return fmt.Errorf("deploymentconfigs.apps.openshift.io %q not found", name)
		}
		if cur.Spec.Replicas == replicas {
			return nil
		}
		dc := dcCopy(cur)
		dc.Spec.Replicas = replicas
		dc.Generation++
		c.store.DeploymentConfigs.Update(dc)
	case "ReplicationController":
		cur, ok := c.store.ReplicationControllers.Get(namespace, name)
		if !ok {
			return fmt.Errorf("replicationcontrollers %q not found", name)
		}
		if cur.Spec.Replicas != nil && *cur.Spec.Replicas == replicas {
			return nil
		}
		rc := cur.DeepCopy()
		rc.Spec.Replicas = &replicas
		rc.Generation++
		c.store.ReplicationControllers.Update(rc)
	default:
		return fmt.Errorf("cannot scale a %s: expected a Deployment, ReplicaSet, DeploymentConfig or ReplicationController", kind)
	}
	return nil
}

// SetPaused pauses (or resumes) a Deployment or DeploymentConfig, as
// `kubectl rollout pause|resume` and `oc rollout pause|resume` do: they
// patch spec.paused, and fail with the object pauser's (resumer's) error if
// it already has that value ("is already paused", "is not paused").
func (c *Cluster) SetPaused(kind, namespace, name string, paused bool) error {
	namespace = namespaceOf(namespace)
	verb, plural := "is already paused", "deployments.apps"
	if !paused {
		verb = "is not paused"
	}
	switch kind {
	case "Deployment":
		cur, ok := c.store.Deployments.Get(namespace, name)
		if !ok {
			return fmt.Errorf("%s %q not found", plural, name)
		}
		if cur.Spec.Paused == paused {
			return fmt.Errorf("deployments.apps %q %s", name, verb)
		}
		d := cur.DeepCopy()
		d.Spec.Paused = paused
		d.Generation++
		c.store.Deployments.Update(d)
	case "DeploymentConfig":
		cur, ok := c.store.DeploymentConfigs.Get(namespace, name)
		if !ok {
			return fmt.Errorf("deploymentconfigs.apps.openshift.io %q not found", name)
		}
		if cur.Spec.Paused == paused {
			return fmt.Errorf("deploymentconfigs.apps.openshift.io %q %s", name, verb)
		}
		dc := dcCopy(cur)
		dc.Spec.Paused = paused
		dc.Generation++
		c.store.DeploymentConfigs.Update(dc)
	default:
		return fmt.Errorf("cannot pause or resume a %s: expected a Deployment or DeploymentConfig", kind)
	}
	return nil
}

// RolloutUndo rolls a Deployment back to a revision (0: the previous one),
// as `kubectl rollout undo` does (kubectl polymorphichelpers rollback.go
// DeploymentRollbacker): it copies that revision's ReplicaSet template
// (without its pod-template-hash label) and annotations into the
// Deployment; the controller then rolls it out as a new revision. Rolling a
// DeploymentConfig back (oc rollout undo, the rollback subresource) is not
// modelled.
func (c *Cluster) RolloutUndo(kind, namespace, name string, toRevision int64) error {
	if kind != "Deployment" {
		return fmt.Errorf("rollout undo of a %s is not supported by the model yet", kind)
	}
	namespace = namespaceOf(namespace)
	cur, ok := c.store.Deployments.Get(namespace, name)
	if !ok {
		return fmt.Errorf("deployments.apps %q not found", name)
	}
	if cur.Spec.Paused {
		return fmt.Errorf("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/%s' and try again", name)
	}
	var owned []*appsv1.ReplicaSet
	for _, rs := range c.store.ReplicaSets.List() {
		if rs.Namespace == namespace && controllerUIDOf(rs.OwnerReferences) == string(cur.UID) {
			owned = append(owned, rs)
		}
	}
	rs, err := rsForRevision(cur.Name, owned, toRevision)
	if err != nil {
		return err
	}
	tmpl := rs.Spec.Template.DeepCopy()
	delete(tmpl.Labels, controller.PodTemplateHashLabel)
	if equalTemplates(tmpl, &cur.Spec.Template) {
		// kubectl prints "skipped rollback (current template already
		// matches revision N)" and changes nothing.
		c.log.Add(c.engine.Now(), record.KindObject, &record.Object{
			Header: record.Header{Object: "Deployment/" + name}, Action: "rollback skipped",
		})
		return nil
	}
	d := cur.DeepCopy()
	d.Spec.Template = *tmpl
	ann := map[string]string{}
	for k, v := range cur.Annotations {
		if skipOnRollback(k) {
			ann[k] = v
		}
	}
	for k, v := range rs.Annotations {
		if !skipOnRollback(k) {
			ann[k] = v
		}
	}
	d.Annotations = ann
	d.Generation++
	c.store.Deployments.Update(d)
	return nil
}

func controllerUIDOf(refs []metav1.OwnerReference) string {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller {
			return string(r.UID)
		}
	}
	return ""
}

// skipOnRollback is rollback.go annotationsToSkip.
func skipOnRollback(k string) bool {
	switch k {
	case corev1.LastAppliedConfigAnnotation, controller.RevisionAnnotation, controller.RevisionHistoryAnnotation,
		controller.DesiredReplicasAnnotation, controller.MaxReplicasAnnotation, appsv1.DeprecatedRollbackTo:
		return true
	}
	return false
}

// rsForRevision is rollback.go rsForRevision: the ReplicaSet of a revision,
// or of the previous one (the second highest) for 0.
func rsForRevision(name string, rss []*appsv1.ReplicaSet, toRevision int64) (*appsv1.ReplicaSet, error) {
	rev := func(rs *appsv1.ReplicaSet) int64 {
		v, err := strconv.ParseInt(rs.Annotations[controller.RevisionAnnotation], 10, 64)
		if err != nil {
			return 0
		}
		return v
	}
	if toRevision > 0 {
		for _, rs := range rss {
			if rev(rs) == toRevision {
				return rs, nil
			}
		}
		return nil, fmt.Errorf("unable to find specified revision %v in history", toRevision)
	}
	sorted := append([]*appsv1.ReplicaSet(nil), rss...)
	sort.SliceStable(sorted, func(i, j int) bool { return rev(sorted[i]) > rev(sorted[j]) })
	if len(sorted) < 2 || rev(sorted[1]) == 0 {
		return nil, fmt.Errorf("no rollout history found for deployment %q", name)
	}
	return sorted[1], nil
}

func equalTemplates(a, b *corev1.PodTemplateSpec) bool {
	x, y := a.DeepCopy(), b.DeepCopy()
	delete(x.Labels, controller.PodTemplateHashLabel)
	delete(y.Labels, controller.PodTemplateHashLabel)
	return sameJSON(x, y)
}

// DeployerLog returns what the deployer process of a deployer pod printed
// (`oc logs <dc>-<N>-deploy`).
func (c *Cluster) DeployerLog(namespace, pod string) []string {
	return c.controllers.DeployerLog(namespaceOf(namespace), pod)
}
