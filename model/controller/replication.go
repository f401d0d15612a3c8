package controller

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// ReplicationControllerSource is the source of the replication manager's
// events (kube-controller-manager's "replication-controller").
var ReplicationControllerSource = events.Source{Component: "replication-controller"}

var kindRCSync = sim.NewKind("controller/replicationcontroller/sync", 50)

// The replication manager is the ReplicaSet controller behind a conversion
// layer (pkg/controller/replication/replication_controller.go wraps
// replicaset.NewBaseController with conversion.go's adapters), so the model
// converts each ReplicationController to a ReplicaSet view and runs the same
// manageReplicas and status arithmetic on it. Only the owner kind, the
// event source and the expectations key differ.

func rcOwner(key string) podOwner {
	return podOwner{kind: "ReplicationController", apiVersion: "v1", source: ReplicationControllerSource, expKey: "rc/" + key}
}

// rsView is conversion.go's ReplicationController-to-ReplicaSet conversion:
// same metadata and template, the map selector as matchLabels.
func rsView(rc *corev1.ReplicationController) *appsv1.ReplicaSet {
	rs := &appsv1.ReplicaSet{ObjectMeta: rc.ObjectMeta}
	rs.Spec.Replicas = rc.Spec.Replicas
	rs.Spec.MinReadySeconds = rc.Spec.MinReadySeconds
	rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: rc.Spec.Selector}
	if rc.Spec.Template != nil {
		rs.Spec.Template = *rc.Spec.Template
	}
	rs.Status = appsv1.ReplicaSetStatus{
		Replicas: rc.Status.Replicas, FullyLabeledReplicas: rc.Status.FullyLabeledReplicas,
		ReadyReplicas: rc.Status.ReadyReplicas, AvailableReplicas: rc.Status.AvailableReplicas,
		ObservedGeneration: rc.Status.ObservedGeneration,
	}
	return rs
}

// rcEventForRC is the replication manager's handler of its own objects.
func (c *Controller) rcEventForRC(ev store.EventType, rc, _ *corev1.ReplicationController) {
	key := store.Key(rc)
	if ev == store.Deleted {
		delete(c.exp, rcOwner(key).expKey)
		delete(c.encodedDCs, rc.UID)
		return
	}
	c.rcQueue.Add(key)
}

// podEventForRC is the replication manager's pod handler; see podEventForRS.
func (c *Controller) podEventForRC(ev store.EventType, pod, old *corev1.Pod) {
	rc, ok := controllerIn(c.s.ReplicationControllers, pod, "ReplicationController")
	if !ok {
		return
	}
	key := store.Key(rc)
	c.podEventForOwner(c.rcQueue, key, rcOwner(key).expKey, rc.Spec.MinReadySeconds, ev, pod, old)
}

// syncReplicationController is syncReplicaSet for a ReplicationController.
func (c *Controller) syncReplicationController(key string) {
	ns, name := splitKey(key)
	o := rcOwner(key)
	rc, ok := c.s.ReplicationControllers.Get(ns, name)
	if !ok {
		delete(c.exp, o.expKey)
		return
	}
	view := rsView(rc)
	needsSync := c.satisfied(o.expKey)
	st := c.rsStatus(view)
	if needsSync && rc.DeletionTimestamp == nil {
		c.manageReplicas(int(st.Replicas), view, o)
	}
	want := corev1.ReplicationControllerStatus{
		Replicas: st.Replicas, FullyLabeledReplicas: st.FullyLabeledReplicas,
		ReadyReplicas: st.ReadyReplicas, AvailableReplicas: st.AvailableReplicas,
		ObservedGeneration: rc.Generation, Conditions: rc.Status.Conditions,
	}
	if rc.Status.ObservedGeneration != rc.Generation || rc.Status.Replicas != want.Replicas ||
		rc.Status.FullyLabeledReplicas != want.FullyLabeledReplicas || rc.Status.ReadyReplicas != want.ReadyReplicas ||
		rc.Status.AvailableReplicas != want.AvailableReplicas {
		if cur, ok := c.s.ReplicationControllers.Get(ns, name); ok && cur.UID == rc.UID {
			cp := cur.DeepCopy()
			cp.Status = want
			c.s.ReplicationControllers.Update(cp)
			rc = cp
		}
	}
	if rc.Spec.MinReadySeconds > 0 && rc.Status.ReadyReplicas == replicas(rc.Spec.Replicas) &&
		rc.Status.AvailableReplicas != replicas(rc.Spec.Replicas) {
		c.rcQueue.AddAfter(key, sim.Duration(rc.Spec.MinReadySeconds)*time.Second)
	}
}
