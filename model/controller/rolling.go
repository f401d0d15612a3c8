package controller

import (
	"sort"

	appsv1 "k8s.io/api/apps/v1"
)

// rolloutRolling is rolling.go rolloutRolling: scale the new ReplicaSet up
// if it may grow, and stop there; else scale old ones down if availability
// allows; clean up a complete Deployment; update the status.
func (c *Controller) rolloutRolling(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) {
	newRS, oldRSs := c.getAllReplicaSetsAndSyncRevision(d, rsList, true)
	if newRS == nil {
		return // a hash collision; requeued
	}
	all := append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)

	if scaled, rs := c.reconcileNewReplicaSet(all, newRS, d); scaled {
		newRS = rs
		all[len(all)-1] = rs
		c.syncRolloutStatus(all, newRS, d)
		return
	}
	if scaled, olds := c.reconcileOldReplicaSets(all, activeRSs(oldRSs), newRS, d); scaled {
		c.syncRolloutStatus(replaceRSs(all, olds), newRS, d)
		return
	}
	if deploymentComplete(d, &d.Status) {
		c.cleanupDeployment(oldRSs, d)
	}
	c.syncRolloutStatus(all, newRS, d)
}

// replaceRSs returns all with the ReplicaSets of upd (matched by UID) in
// place of their old versions.
func replaceRSs(all, upd []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	out := append([]*appsv1.ReplicaSet(nil), all...)
	for i, rs := range out {
		for _, u := range upd {
			if u != nil && rs != nil && u.UID == rs.UID {
				out[i] = u
			}
		}
	}
	return out
}

// reconcileNewReplicaSet is rolling.go reconcileNewReplicaSet.
func (c *Controller) reconcileNewReplicaSet(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) (bool, *appsv1.ReplicaSet) {
	r := replicas(d.Spec.Replicas)
	switch n := replicas(newRS.Spec.Replicas); {
	case n == r:
		return false, newRS
	case n > r:
		return c.scaleReplicaSetAndRecordEvent(newRS, r, d)
	}
	return c.scaleReplicaSetAndRecordEvent(newRS, NewRSNewReplicas(d, all, newRS), d)
}

// reconcileOldReplicaSets is rolling.go reconcileOldReplicaSets: it may
// remove maxScaledDown = Σspec − minAvailable − newRS unavailable replicas,
// first unhealthy ones, then available ones down to minAvailable. It returns
// whether it scaled anything and the old ReplicaSets as they now are.
func (c *Controller) reconcileOldReplicaSets(all, oldRSs []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) (bool, []*appsv1.ReplicaSet) {
	if specSum(oldRSs) == 0 {
		return false, oldRSs
	}
	maxScaledDown := MaxScaledDown(d, all, newRS)
	if maxScaledDown <= 0 {
		return false, oldRSs
	}
	oldRSs, cleaned, ok := c.cleanupUnhealthyReplicas(oldRSs, d, maxScaledDown)
	if !ok {
		return false, oldRSs
	}
	all = append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS)
	olds, scaled := c.scaleDownOldReplicaSetsForRollingUpdate(all, oldRSs, d)
	return cleaned+scaled > 0, olds
}

// UnhealthyScaleDown is the plan of rolling.go cleanupUnhealthyReplicas:
// oldest first, each old ReplicaSet loses up to spec − available replicas,
// in all at most maxCleanup. It returns the new size of each ReplicaSet of
// olds, which it sorts oldest first, and the total removed. ok is false if
// the real function stops with an error: an old ReplicaSet whose status
// reports more available replicas than its spec (a status written before
// its last scale-down took effect) would be "scaled down" to a larger size.
// The ReplicaSets before it are scaled all the same, and the sync goes on
// as if nothing had been scaled down (reconcileOldReplicaSets returns
// false on the error). This is what keeps a stale availableReplicas from
// scaling old ReplicaSets down twice.
func UnhealthyScaleDown(olds []*appsv1.ReplicaSet, maxCleanup int32) (sizes []int32, total int32, ok bool) {
	sort.Slice(olds, func(i, j int) bool { return olderRS(olds[i], olds[j]) })
	sizes = make([]int32, len(olds))
	for i, rs := range olds {
		sizes[i] = replicas(rs.Spec.Replicas)
	}
	for i, rs := range olds {
		if total >= maxCleanup {
			break
		}
		if sizes[i] == 0 || sizes[i] == rs.Status.AvailableReplicas {
			continue
		}
		n := min(maxCleanup-total, sizes[i]-rs.Status.AvailableReplicas)
		if n < 0 {
			return sizes, total, false
		}
		sizes[i] -= n
		total += n
	}
	return sizes, total, true
}

func (c *Controller) cleanupUnhealthyReplicas(olds []*appsv1.ReplicaSet, d *appsv1.Deployment, maxCleanup int32) ([]*appsv1.ReplicaSet, int32, bool) {
	olds = append([]*appsv1.ReplicaSet(nil), olds...)
	sizes, total, ok := UnhealthyScaleDown(olds, maxCleanup)
	for i, rs := range olds {
		if sizes[i] != replicas(rs.Spec.Replicas) {
			_, olds[i] = c.scaleReplicaSetAndRecordEvent(rs, sizes[i], d)
		}
	}
	return olds, total, ok
}

// AvailableScaleDown is the plan of rolling.go
// scaleDownOldReplicaSetsForRollingUpdate: with Σavailable over all
// ReplicaSets above minAvailable, old ReplicaSets, oldest first, lose the
// excess. It returns the new size of each of olds (sorted oldest first) and
// the total removed.
func AvailableScaleDown(d *appsv1.Deployment, all, olds []*appsv1.ReplicaSet) ([]int32, int32) {
	minAvailable := replicas(d.Spec.Replicas) - MaxUnavailable(d)
	available := statusSum(all, statusAvailable)
	sort.Slice(olds, func(i, j int) bool { return olderRS(olds[i], olds[j]) })
	sizes := make([]int32, len(olds))
	for i, rs := range olds {
		sizes[i] = replicas(rs.Spec.Replicas)
	}
	if available <= minAvailable {
		return sizes, 0
	}
	want := available - minAvailable
	var total int32
	for i := range olds {
		if total >= want {
			break
		}
		if sizes[i] == 0 {
			continue
		}
		n := min(sizes[i], want-total)
		sizes[i] -= n
		total += n
	}
	return sizes, total
}

func (c *Controller) scaleDownOldReplicaSetsForRollingUpdate(all, olds []*appsv1.ReplicaSet, d *appsv1.Deployment) ([]*appsv1.ReplicaSet, int32) {
	olds = append([]*appsv1.ReplicaSet(nil), olds...)
	sizes, total := AvailableScaleDown(d, all, olds)
	for i, rs := range olds {
		if sizes[i] != replicas(rs.Spec.Replicas) {
			_, olds[i] = c.scaleReplicaSetAndRecordEvent(rs, sizes[i], d)
		}
	}
	return olds, total
}
