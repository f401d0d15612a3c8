package controller

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// deploymentComplete is deployment_util.go DeploymentComplete: every
// desired replica updated and available, no other replica, and the spec
// observed.
func deploymentComplete(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	r := replicas(d.Spec.Replicas)
	return st.UpdatedReplicas == r && st.Replicas == r && st.AvailableReplicas == r && st.ObservedGeneration >= d.Generation
}

// DeploymentProgressing is deployment_util.go DeploymentProgressing:
// progress is more updated replicas, fewer old ones, or more ready or
// available ones than the status the Deployment has.
func DeploymentProgressing(old, cur *appsv1.DeploymentStatus) bool {
	oldOld := old.Replicas - old.UpdatedReplicas
	curOld := cur.Replicas - cur.UpdatedReplicas
	return cur.UpdatedReplicas > old.UpdatedReplicas || curOld < oldOld ||
		cur.ReadyReplicas > old.ReadyReplicas || cur.AvailableReplicas > old.AvailableReplicas
}

// DeploymentTimedOut is deployment_util.go DeploymentTimedOut: the
// Progressing condition of st was last updated more than
// progressDeadlineSeconds before now (strictly), or already says so; never
// after a completed rollout.
func DeploymentTimedOut(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now sim.Time) bool {
	if !hasProgressDeadline(d) {
		return false
	}
	cond := getCondition(st, appsv1.DeploymentProgressing)
	if cond == nil {
		return false
	}
	switch cond.Reason {
	case ReasonNewReplicaSetAvailable:
		return false
	case ReasonProgressDeadlineExceeded:
		return true
	}
	from := store.SimTime(cond.LastUpdateTime)
	return from.Add(sim.Duration(*d.Spec.ProgressDeadlineSeconds)*time.Second) < now
}

// syncRolloutStatus is progress.go syncRolloutStatus.
func (c *Controller) syncRolloutStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) {
	st := c.calculateStatus(all, newRS, d)
	if !hasProgressDeadline(d) {
		removeCondition(&st, appsv1.DeploymentProgressing)
	}
	cur := getCondition(&d.Status, appsv1.DeploymentProgressing)
	// "If there is only one replica set that is active then that means we
	// are not running a new rollout and this is a resync where we don't
	// need to estimate any progress."
	complete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewReplicaSetAvailable
	if hasProgressDeadline(d) && !complete {
		switch {
		case deploymentComplete(d, &st):
			msg := fmt.Sprintf("Deployment %q has successfully progressed.", d.Name)
			if newRS != nil {
				msg = fmt.Sprintf("ReplicaSet %q has successfully progressed.", newRS.Name)
			}
			c.setCondition(&st, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewReplicaSetAvailable, msg)
		case DeploymentProgressing(&d.Status, &st):
			msg := fmt.Sprintf("Deployment %q is progressing.", d.Name)
			if newRS != nil {
				msg = fmt.Sprintf("ReplicaSet %q is progressing.", newRS.Name)
			}
			// Progress refreshes lastUpdateTime even with the same
			// reason; lastTransitionTime stays if the status was True.
			cond := c.newCondition(appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonReplicaSetUpdated, msg)
			if cur != nil {
				if cur.Status == corev1.ConditionTrue {
					cond.LastTransitionTime = cur.LastTransitionTime
				}
				removeCondition(&st, appsv1.DeploymentProgressing)
			}
			st.Conditions = append(st.Conditions, cond)
		case DeploymentTimedOut(d, &st, c.now()):
			msg := fmt.Sprintf("Deployment %q has timed out progressing.", d.Name)
			if newRS != nil {
				msg = fmt.Sprintf("ReplicaSet %q has timed out progressing.", newRS.Name)
			}
			c.setCondition(&st, appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonProgressDeadlineExceeded, msg)
		}
	}
	// ReplicaFailure conditions are not modelled: the model's pod creates
	// never fail.
	if apiequality.Semantic.DeepEqual(d.Status, st) {
		c.requeueStuckDeployment(d, &st)
		return
	}
	d.Status = st
	c.updateDeploymentStatus(d)
}

// RequeueAfter is the arithmetic of progress.go requeueStuckDeployment:
// how long after now to look at a Deployment again for its progress
// deadline (lastUpdateTime + progressDeadlineSeconds − now, plus a second
// "to avoid milliseconds skew in AddAfter"); 0 for at once (rate-limited);
// −1 for no need.
func RequeueAfter(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now sim.Time) sim.Duration {
	cur := getCondition(&d.Status, appsv1.DeploymentProgressing)
	if !hasProgressDeadline(d) || cur == nil {
		return -1
	}
	if deploymentComplete(d, st) || cur.Reason == ReasonProgressDeadlineExceeded {
		return -1
	}
	after := store.SimTime(cur.LastUpdateTime).Add(sim.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Sub(now)
	if after < time.Second {
		return 0
	}
	return after + time.Second
}

func (c *Controller) requeueStuckDeployment(d *appsv1.Deployment, st *appsv1.DeploymentStatus) {
	switch after := RequeueAfter(d, st, c.now()); {
	case after == 0:
		c.dQueue.AddRateLimited(store.Key(d))
	case after > 0:
		c.dQueue.AddAfter(store.Key(d), after)
	}
}
