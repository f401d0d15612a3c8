package controller

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// rolloutRecreate is recreate.go rolloutRecreate: scale every old
// ReplicaSet to zero, wait until no old pod is left (terminating ones
// included), then create or scale the new ReplicaSet to full size.
func (c *Controller) rolloutRecreate(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) {
	// "Don't create a new RS if not already existed, so that we avoid
	// scaling up before scaling down."
	newRS, oldRSs := c.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	all := append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)

	// scaleDownOldReplicaSetsForRecreate.
	scaled := false
	for _, rs := range activeRSs(oldRSs) {
		if ok, _ := c.scaleReplicaSetAndRecordEvent(rs, 0, d); ok {
			scaled = true
		}
	}
	if scaled {
		c.syncRolloutStatus(c.refresh(all), newRS, d)
		return
	}
	if c.oldPodsRunning(newRS, oldRSs, c.podMap(d, rsList)) {
		c.syncRolloutStatus(all, newRS, d)
		return
	}
	if newRS == nil {
		newRS, oldRSs = c.getAllReplicaSetsAndSyncRevision(d, c.ownedReplicaSets(d), true)
		if newRS == nil {
			return
		}
		all = append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)
	}
	// scaleUpNewReplicaSetForRecreate.
	if ok, rs := c.scaleReplicaSetAndRecordEvent(newRS, replicas(d.Spec.Replicas), d); ok {
		newRS = rs
		all[len(all)-1] = rs
	}
	if deploymentComplete(d, &d.Status) {
		c.cleanupDeployment(oldRSs, d)
	}
	c.syncRolloutStatus(all, newRS, d)
}

// refresh returns the stored versions of ReplicaSets.
func (c *Controller) refresh(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	out := make([]*appsv1.ReplicaSet, len(rss))
	for i, rs := range rss {
		if rs == nil {
			continue
		}
		out[i] = rs
		if cur, ok := c.s.ReplicaSets.Get(rs.Namespace, rs.Name); ok && cur.UID == rs.UID {
			out[i] = cur
		}
	}
	return out
}

// oldPodsRunning is recreate.go oldPodsRunning: old ReplicaSets still
// report replicas, or a pod of one exists that is not Succeeded or Failed.
func (c *Controller) oldPodsRunning(newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet, pods []*corev1.Pod) bool {
	if statusSum(oldRSs, statusReplicas) > 0 {
		return true
	}
	for _, p := range pods {
		if newRS != nil && controllerUID(p) == newRS.UID {
			continue
		}
		if p.Status.Phase != corev1.PodFailed && p.Status.Phase != corev1.PodSucceeded {
			return true
		}
	}
	return false
}
