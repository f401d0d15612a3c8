package controller

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
)

// Reasons of the Deployment conditions (deployment_util.go).
const (
	ReasonReplicaSetUpdated          = "ReplicaSetUpdated"
	ReasonNewReplicaSetCreated       = "NewReplicaSetCreated"
	ReasonFoundNewReplicaSet         = "FoundNewReplicaSet"
	ReasonNewReplicaSetAvailable     = "NewReplicaSetAvailable"
	ReasonProgressDeadlineExceeded   = "ProgressDeadlineExceeded"
	ReasonDeploymentPaused           = "DeploymentPaused"
	ReasonDeploymentResumed          = "DeploymentResumed"
	ReasonMinimumReplicasAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumReplicasUnavailable = "MinimumReplicasUnavailable"
)

// maxRevHistoryLengthInChars is the deployment controller's limit on the
// revision-history annotation (sync.go).
const maxRevHistoryLengthInChars = 2000

// deploymentEvent is addDeployment/updateDeployment/deleteDeployment.
func (c *Controller) deploymentEvent(ev store.EventType, d, _ *appsv1.Deployment) {
	if ev == store.Deleted {
		delete(c.rollout, store.Key(d))
	}
	c.dQueue.Add(store.Key(d))
}

// rsEventForDeployment is addReplicaSet/updateReplicaSet/deleteReplicaSet:
// queue the owning Deployment.
func (c *Controller) rsEventForDeployment(_ store.EventType, rs, _ *appsv1.ReplicaSet) {
	if d, ok := controllerIn(c.s.Deployments, rs, "Deployment"); ok {
		c.dQueue.Add(store.Key(d))
	}
}

// podEventForDeployment is deletePod: the Deployment controller watches pods
// only to start a Recreate rollout once no old pod is left.
func (c *Controller) podEventForDeployment(ev store.EventType, pod, _ *corev1.Pod) {
	if ev != store.Deleted {
		return
	}
	// getDeploymentForPod: the pod's ReplicaSet may still exist.
	rs, ok := controllerIn(c.s.ReplicaSets, pod, "ReplicaSet")
	if !ok {
		return
	}
	d, ok := controllerIn(c.s.Deployments, rs, "Deployment")
	if !ok || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		return
	}
	if n := len(c.podMap(d, c.ownedReplicaSets(d))); n == 0 {
		c.dQueue.Add(store.Key(d))
	}
}

// podMap is getPodMapForDeployment, flattened: the pods of d's ReplicaSets,
// by name.
func (c *Controller) podMap(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) []*corev1.Pod {
	uids := make([]types.UID, 0, len(rsList))
	for _, rs := range rsList {
		if !slices.Contains(uids, rs.UID) {
			uids = append(uids, rs.UID)
		}
	}
	return c.podsOfOwners(d.Namespace, uids)
}

// syncDeployment is deployment_controller.go syncDeployment. It works on a
// copy of the Deployment that status writes keep up to date, as the real
// one mutates its deep copy.
func (c *Controller) syncDeployment(key string) {
	ns, name := splitKey(key)
	cur, ok := c.s.Deployments.Get(ns, name)
	if !ok {
		return
	}
	d := cur.DeepCopy()
	rsList := c.ownedReplicaSets(d)
	if d.DeletionTimestamp != nil {
		c.syncStatusOnly(d, rsList)
		return
	}
	c.checkPausedConditions(d)
	if d.Spec.Paused {
		c.sync(d, rsList)
		return
	}
	// Rollback through spec.rollbackTo is gone from apps/v1; kubectl
	// rollout undo is a client-side template change.
	if c.isScalingEvent(d, rsList) {
		c.sync(d, rsList)
		return
	}
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
		c.rolloutRecreate(d, rsList)
		return
	}
	c.rolloutRolling(d, rsList)
}

// syncStatusOnly is sync.go syncStatusOnly.
func (c *Controller) syncStatusOnly(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) {
	newRS, oldRSs := c.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	c.syncDeploymentStatus(append(oldRSs, newRS), newRS, d)
}

// sync is sync.go sync: scale proportionally, clean up, update status. It
// runs for paused Deployments and for scaling events.
func (c *Controller) sync(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) {
	newRS, oldRSs := c.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	c.scale(d, newRS, oldRSs)
	if d.Spec.Paused && d.Annotations[appsv1.DeprecatedRollbackTo] == "" {
		c.cleanupDeployment(oldRSs, d)
	}
	c.syncDeploymentStatus(append(oldRSs, newRS), newRS, d)
}

// checkPausedConditions is sync.go checkPausedConditions.
func (c *Controller) checkPausedConditions(d *appsv1.Deployment) {
	if !hasProgressDeadline(d) {
		return
	}
	cond := getCondition(&d.Status, appsv1.DeploymentProgressing)
	if cond != nil && cond.Reason == ReasonProgressDeadlineExceeded {
		// "If we have reported lack of progress, do not overwrite it with
		// a paused condition."
		return
	}
	paused := cond != nil && cond.Reason == ReasonDeploymentPaused
	switch {
	case d.Spec.Paused && !paused:
		c.setCondition(&d.Status, appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonDeploymentPaused, "Deployment is paused")
	case !d.Spec.Paused && paused:
		c.setCondition(&d.Status, appsv1.DeploymentProgressing, corev1.ConditionUnknown, ReasonDeploymentResumed, "Deployment is resumed")
	default:
		return
	}
	c.updateDeploymentStatus(d)
}

// isScalingEvent is sync.go isScalingEvent: an active ReplicaSet whose
// desired-replicas annotation differs from spec.replicas.
func (c *Controller) isScalingEvent(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) bool {
	newRS, oldRSs := c.getAllReplicaSetsAndSyncRevision(d, rsList, false)
	for _, rs := range activeRSs(append(oldRSs, newRS)) {
		desired, ok := intAnnotation(rs, DesiredReplicasAnnotation)
		if ok && desired != replicas(d.Spec.Replicas) {
			return true
		}
	}
	return false
}

// findNewReplicaSet is deployment_util.go FindNewReplicaSet: the oldest
// ReplicaSet whose template equals the Deployment's, ignoring the
// pod-template-hash label.
func findNewReplicaSet(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	sorted := append([]*appsv1.ReplicaSet(nil), rsList...)
	sort.Slice(sorted, func(i, j int) bool { return olderRS(sorted[i], sorted[j]) })
	for _, rs := range sorted {
		if equalIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
			return rs
		}
	}
	return nil
}

// equalIgnoreHash is deployment_util.go EqualIgnoreHash: the templates are
// semantically equal once the pod-template-hash label is taken out of
// both. It compares in place rather than on copies: the labels key by key
// (as Semantic.DeepEqual compares maps, a nil map equal to an empty one),
// then the rest of the metadata and the spec.
func equalIgnoreHash(a, b *corev1.PodTemplateSpec) bool {
	if !labelsEqualIgnoring(a.Labels, b.Labels, PodTemplateHashLabel) {
		return false
	}
	am, bm := a.ObjectMeta, b.ObjectMeta // copies of the structs: the maps stay shared and unmodified
	am.Labels, bm.Labels = nil, nil
	return apiequality.Semantic.DeepEqual(&am, &bm) && apiequality.Semantic.DeepEqual(&a.Spec, &b.Spec)
}

// labelsEqualIgnoring reports whether a and b hold the same labels, apart
// from key.
func labelsEqualIgnoring(a, b map[string]string, key string) bool {
	n := 0
	for k, v := range a {
		if k == key {
			continue
		}
		if w, ok := b[k]; !ok || w != v {
			return false
		}
		n++
	}
	m := len(b)
	if _, ok := b[key]; ok {
		m--
	}
	return n == m
}

// getAllReplicaSetsAndSyncRevision is sync.go
// getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked
// and missing) and all the old ones.
func (c *Controller) getAllReplicaSetsAndSyncRevision(d *appsv1.Deployment, rsList []*appsv1.ReplicaSet, create bool) (*appsv1.ReplicaSet, []*appsv1.ReplicaSet) {
	existing := findNewReplicaSet(d, rsList)
	var old []*appsv1.ReplicaSet
	for _, rs := range rsList {
		if existing == nil || rs.UID != existing.UID {
			old = append(old, rs)
		}
	}
	return c.getNewReplicaSet(d, existing, old, create), old
}

// getNewReplicaSet is sync.go getNewReplicaSet. existing is
// findNewReplicaSet of the Deployment and its ReplicaSets, which
// kube-controller-manager finds again here; its caller has just found it
// from the same objects.
func (c *Controller) getNewReplicaSet(d *appsv1.Deployment, existing *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet, create bool) *appsv1.ReplicaSet {
	var maxOld int64
	for _, rs := range oldRSs {
		maxOld = max(maxOld, revision(rs))
	}
	newRevision := strconv.FormatInt(maxOld+1, 10)

	if existing != nil {
		cp := existing.DeepCopy()
		changed := setNewReplicaSetAnnotations(d, cp, newRevision, true)
		if changed || cp.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			if cp.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
				cp.Spec.MinReadySeconds = d.Spec.MinReadySeconds
				cp.Generation++
			}
			c.s.ReplicaSets.Update(cp)
			return cp
		}
		needsUpdate := setDeploymentRevision(d, cp.Annotations[RevisionAnnotation])
		// "If no other Progressing condition has been recorded and we need
		// to estimate the progress of this deployment then it is likely
		// that old users started caring about progress."
		if hasProgressDeadline(d) && getCondition(&d.Status, appsv1.DeploymentProgressing) == nil {
			c.setCondition(&d.Status, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonFoundNewReplicaSet,
				fmt.Sprintf("Found new replica set %q", cp.Name))
			needsUpdate = true
		}
		if needsUpdate {
			c.updateDeploymentStatus(d)
		}
		return cp
	}
	if !create {
		return nil
	}

	tmpl := d.Spec.Template.DeepCopy()
	hash := c.cfg.PodTemplateHash(tmpl, d.Status.CollisionCount)
	tmpl.Labels = cloneAdd(d.Spec.Template.Labels, PodTemplateHashLabel, hash)
	sel := d.Spec.Selector.DeepCopy()
	if sel == nil {
		sel = &metav1.LabelSelector{}
	}
	sel.MatchLabels = cloneAdd(sel.MatchLabels, PodTemplateHashLabel, hash)
	yes := true
	zero := int32(0)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:      d.Name + "-" + hash,
			Namespace: d.Namespace,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "apps/v1", Kind: "Deployment", Name: d.Name, UID: d.UID,
				Controller: &yes, BlockOwnerDeletion: &yes,
			}},
			Labels: tmpl.Labels,
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        &zero,
			MinReadySeconds: d.Spec.MinReadySeconds,
			Selector:        sel,
			Template:        *tmpl,
		},
	}
	n := NewRSNewReplicas(d, append(append([]*appsv1.ReplicaSet(nil), oldRSs...), rs), rs)
	rs.Spec.Replicas = &n
	setNewReplicaSetAnnotations(d, rs, newRevision, false)
	if _, taken := c.s.ReplicaSets.Get(rs.Namespace, rs.Name); taken {
		// A hash collision: the real controller bumps
		// status.collisionCount and tries again on the next sync.
		cc := int32(0)
		if d.Status.CollisionCount != nil {
			cc = *d.Status.CollisionCount
		}
		cc++
		d.Status.CollisionCount = &cc
		c.updateDeploymentStatus(d)
		c.dQueue.AddRateLimited(store.Key(d))
		return nil
	}
	rs.UID = types.UID(c.s.NewUID())
	rs.CreationTimestamp = store.WallSeconds(c.now())
	rs.Generation = 1
	c.s.ReplicaSets.Create(rs)
	c.object("ReplicaSet", rs.Name, "created", "Deployment/"+d.Name)
	if n > 0 {
		c.event(DeploymentSource, "Deployment/"+d.Name, "ScalingReplicaSet", c.scaleMessage("up", rs.Name, 0, n))
	}
	needsUpdate := setDeploymentRevision(d, newRevision)
	if hasProgressDeadline(d) {
		c.setCondition(&d.Status, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewReplicaSetCreated,
			fmt.Sprintf("Created new replica set %q", rs.Name))
		needsUpdate = true
	}
	if needsUpdate {
		c.updateDeploymentStatus(d)
	}
	return rs
}

func cloneAdd(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}

// annotationsToSkip is deployment_util.go annotationsToSkip.
func skipAnnotation(k string) bool {
	switch k {
	case corev1.LastAppliedConfigAnnotation, RevisionAnnotation, RevisionHistoryAnnotation,
		DesiredReplicasAnnotation, MaxReplicasAnnotation, appsv1.DeprecatedRollbackTo:
		return true
	}
	return false
}

// setNewReplicaSetAnnotations is deployment_util.go
// SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the
// revision (keeping the history of a reused ReplicaSet), and on creation set
// the replicas annotations. It reports whether anything changed.
func setNewReplicaSetAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision string, exists bool) bool {
	changed := false
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	keys := make([]string, 0, len(d.Annotations))
	for k := range d.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := d.Annotations[k]; !skipAnnotation(k) && rs.Annotations[k] != v {
			rs.Annotations[k] = v
			changed = true
		}
	}
	oldRevision, had := rs.Annotations[RevisionAnnotation]
	oldN, err := strconv.ParseInt(oldRevision, 10, 64)
	if err != nil {
		if oldRevision != "" {
			return false
		}
		oldN = 0
	}
	newN, _ := strconv.ParseInt(newRevision, 10, 64)
	if oldN < newN {
		rs.Annotations[RevisionAnnotation] = newRevision
		changed = true
		if had {
			// Rolling back to this ReplicaSet: keep its old revisions.
			hist := rs.Annotations[RevisionHistoryAnnotation]
			if hist == "" {
				rs.Annotations[RevisionHistoryAnnotation] = oldRevision
			} else {
				parts := strings.Split(hist, ",")
				total := len(hist) + len(oldRevision) + 1
				start := 0
				for total > maxRevHistoryLengthInChars && start < len(parts) {
					total -= len(parts[start]) + 1
					start++
				}
				if total <= maxRevHistoryLengthInChars {
					rs.Annotations[RevisionHistoryAnnotation] = strings.Join(append(parts[start:], oldRevision), ",")
				}
			}
		}
	}
	if !exists && setReplicasAnnotations(rs, replicas(d.Spec.Replicas), replicas(d.Spec.Replicas)+MaxSurge(d)) {
		changed = true
	}
	return changed
}

// setReplicasAnnotations is deployment_util.go SetReplicasAnnotations.
func setReplicasAnnotations(rs *appsv1.ReplicaSet, desired, maxReplicas int32) bool {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	changed := false
	if s := strconv.Itoa(int(desired)); rs.Annotations[DesiredReplicasAnnotation] != s {
		rs.Annotations[DesiredReplicasAnnotation] = s
		changed = true
	}
	if s := strconv.Itoa(int(maxReplicas)); rs.Annotations[MaxReplicasAnnotation] != s {
		rs.Annotations[MaxReplicasAnnotation] = s
		changed = true
	}
	return changed
}

func replicasAnnotationsNeedUpdate(rs *appsv1.ReplicaSet, desired, maxReplicas int32) bool {
	return rs.Annotations[DesiredReplicasAnnotation] != strconv.Itoa(int(desired)) ||
		rs.Annotations[MaxReplicasAnnotation] != strconv.Itoa(int(maxReplicas))
}

// setDeploymentRevision is deployment_util.go SetDeploymentRevision.
func setDeploymentRevision(d *appsv1.Deployment, rev string) bool {
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	if d.Annotations[RevisionAnnotation] == rev {
		return false
	}
	d.Annotations[RevisionAnnotation] = rev
	return true
}

// scaleMessage formats the ScalingReplicaSet event for the release.
func (c *Controller) scaleMessage(op, rs string, from, to int32) string {
	switch c.cfg.Options.ScaleMessage {
	case ScaleFromTo:
		return fmt.Sprintf("Scaled %s replica set %s from %d to %d", op, rs, from, to)
	case ScaleToFrom:
		return fmt.Sprintf("Scaled %s replica set %s to %d from %d", op, rs, to, from)
	}
	return fmt.Sprintf("Scaled %s replica set %s to %d", op, rs, to)
}

// scaleReplicaSetAndRecordEvent is sync.go scaleReplicaSetAndRecordEvent.
func (c *Controller) scaleReplicaSetAndRecordEvent(rs *appsv1.ReplicaSet, to int32, d *appsv1.Deployment) (bool, *appsv1.ReplicaSet) {
	from := replicas(rs.Spec.Replicas)
	if from == to {
		return false, rs
	}
	op := "down"
	if from < to {
		op = "up"
	}
	return c.scaleReplicaSet(rs, to, d, op)
}

// scaleReplicaSet is sync.go scaleReplicaSet: write the size and the
// replicas annotations; an actual size change is a ScalingReplicaSet event.
func (c *Controller) scaleReplicaSet(rs *appsv1.ReplicaSet, to int32, d *appsv1.Deployment, op string) (bool, *appsv1.ReplicaSet) {
	from := replicas(rs.Spec.Replicas)
	desired, maxR := replicas(d.Spec.Replicas), replicas(d.Spec.Replicas)+MaxSurge(d)
	sizeChange := from != to
	if !sizeChange && !replicasAnnotationsNeedUpdate(rs, desired, maxR) {
		return false, rs
	}
	cp := rs.DeepCopy()
	cp.Spec.Replicas = &to
	setReplicasAnnotations(cp, desired, maxR)
	if sizeChange {
		cp.Generation++ // the API server bumps generation on spec changes
	}
	c.s.ReplicaSets.Update(cp)
	if sizeChange {
		c.event(DeploymentSource, "Deployment/"+d.Name, "ScalingReplicaSet", c.scaleMessage(op, cp.Name, from, to))
	}
	return sizeChange, cp
}

// scale is sync.go scale: bring the ReplicaSets to the Deployment's size,
// proportionally when more than one is active.
func (c *Controller) scale(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet) {
	r := replicas(d.Spec.Replicas)
	if rs := findActiveOrLatest(newRS, oldRSs); rs != nil {
		if replicas(rs.Spec.Replicas) != r {
			c.scaleReplicaSetAndRecordEvent(rs, r, d)
		}
		return
	}
	// "If the new replica set is saturated, old replica sets should be
	// fully scaled down."
	if isSaturated(d, newRS) {
		for _, old := range activeRSs(oldRSs) {
			c.scaleReplicaSetAndRecordEvent(old, 0, d)
		}
		return
	}
	if !isRolling(d) {
		return
	}
	all := activeRSs(append(append([]*appsv1.ReplicaSet(nil), oldRSs...), newRS))
	sizes, op := proportionalSizes(d, all)
	for i, rs := range all {
		c.scaleReplicaSet(rs, sizes[i], d, op)
	}
}

// proportionalSizes is the arithmetic of sync.go scale for a rolling
// Deployment with several active ReplicaSets. It sorts all (ReplicaSetsBySizeNewer
// when adding, ReplicaSetsBySizeOlder when removing) and returns the new
// size of each, in that order, and "up", "down" or "".
func proportionalSizes(d *appsv1.Deployment, all []*appsv1.ReplicaSet) ([]int32, string) {
	r := replicas(d.Spec.Replicas)
	var allowed int32
	if r > 0 {
		allowed = r + MaxSurge(d)
	}
	toAdd := allowed - specSum(all)
	op := ""
	switch {
	case toAdd > 0:
		op = "up"
		sort.Slice(all, func(i, j int) bool {
			if a, b := replicas(all[i].Spec.Replicas), replicas(all[j].Spec.Replicas); a != b {
				return a > b
			}
			return olderRS(all[j], all[i]) // newer first
		})
	case toAdd < 0:
		op = "down"
		sort.Slice(all, func(i, j int) bool {
			if a, b := replicas(all[i].Spec.Replicas), replicas(all[j].Spec.Replicas); a != b {
				return a > b
			}
			return olderRS(all[i], all[j]) // older first
		})
	}
	sizes := make([]int32, len(all))
	var added int32
	for i, rs := range all {
		if toAdd != 0 {
			p := proportion(rs, d, toAdd, added)
			sizes[i] = replicas(rs.Spec.Replicas) + p
			added += p
		} else {
			sizes[i] = replicas(rs.Spec.Replicas)
		}
	}
	// "Add/remove any leftovers to the largest replica set."
	if len(all) > 0 && toAdd != 0 {
		sizes[0] = max(sizes[0]+toAdd-added, 0)
	}
	return sizes, op
}

// proportion is deployment_util.go GetReplicaSetProportion.
func proportion(rs *appsv1.ReplicaSet, d *appsv1.Deployment, toAdd, added int32) int32 {
	if rs == nil || replicas(rs.Spec.Replicas) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	frac := fraction(rs, d)
	allowed := toAdd - added
	if toAdd > 0 {
		return min(frac, allowed)
	}
	return max(frac, allowed)
}

// fraction is deployment_util.go getReplicaSetFraction.
func fraction(rs *appsv1.ReplicaSet, d *appsv1.Deployment) int32 {
	r := replicas(d.Spec.Replicas)
	if r == 0 {
		return -replicas(rs.Spec.Replicas)
	}
	dMax := r + MaxSurge(d)
	annotated, ok := intAnnotation(rs, MaxReplicasAnnotation)
	if !ok {
		annotated = d.Status.Replicas
	}
	if annotated == 0 {
		// Kubernetes would divide by zero here; it cannot happen for
		// ReplicaSets the controller annotated. The model adds nothing.
		return 0
	}
	size := float64(replicas(rs.Spec.Replicas)*dMax) / float64(annotated)
	return int32(math.Round(size)) - replicas(rs.Spec.Replicas)
}

// findActiveOrLatest is deployment_util.go FindActiveOrLatest: the only
// active ReplicaSet, or the newest one if none is active, or nil if several
// are.
func findActiveOrLatest(newRS *appsv1.ReplicaSet, oldRSs []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if newRS == nil && len(oldRSs) == 0 {
		return nil
	}
	olds := append([]*appsv1.ReplicaSet(nil), oldRSs...)
	sort.Slice(olds, func(i, j int) bool { return olderRS(olds[j], olds[i]) })
	active := activeRSs(append(append([]*appsv1.ReplicaSet(nil), olds...), newRS))
	switch len(active) {
	case 0:
		if newRS != nil {
			return newRS
		}
		return olds[0]
	case 1:
		return active[0]
	}
	return nil
}

// isSaturated is deployment_util.go IsSaturated.
func isSaturated(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	desired, ok := intAnnotation(rs, DesiredReplicasAnnotation)
	r := replicas(d.Spec.Replicas)
	return ok && replicas(rs.Spec.Replicas) == r && desired == r && rs.Status.AvailableReplicas == r
}

// cleanupDeployment is sync.go cleanupDeployment: delete the oldest old
// ReplicaSets beyond revisionHistoryLimit that have no replicas and no pods.
func (c *Controller) cleanupDeployment(oldRSs []*appsv1.ReplicaSet, d *appsv1.Deployment) {
	if d.Spec.RevisionHistoryLimit == nil || *d.Spec.RevisionHistoryLimit == math.MaxInt32 {
		return
	}
	var alive []*appsv1.ReplicaSet
	for _, rs := range oldRSs {
		if rs != nil && rs.DeletionTimestamp == nil {
			alive = append(alive, rs)
		}
	}
	diff := len(alive) - int(*d.Spec.RevisionHistoryLimit)
	if diff <= 0 {
		return
	}
	// ReplicaSetsByRevision: revision, then creation time.
	sort.Slice(alive, func(i, j int) bool {
		ri, rj := revision(alive[i]), revision(alive[j])
		if ri == rj {
			return olderRS(alive[i], alive[j])
		}
		return ri < rj
	})
	for _, rs := range alive[:diff] {
		if rs.Status.Replicas != 0 || replicas(rs.Spec.Replicas) != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		if c.s.ReplicaSets.Delete(rs.Namespace, rs.Name) {
			c.object("ReplicaSet", rs.Name, "deleted", "Deployment/"+d.Name)
		}
	}
}

// calculateStatus is sync.go calculateStatus.
func (c *Controller) calculateStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) appsv1.DeploymentStatus {
	available := statusSum(all, statusAvailable)
	unavailable := max(specSum(all)-available, 0)
	st := appsv1.DeploymentStatus{
		ObservedGeneration:  d.Generation,
		Replicas:            statusSum(all, statusReplicas),
		UpdatedReplicas:     statusSum([]*appsv1.ReplicaSet{newRS}, statusReplicas),
		ReadyReplicas:       statusSum(all, statusReady),
		AvailableReplicas:   available,
		UnavailableReplicas: unavailable,
		CollisionCount:      d.Status.CollisionCount,
	}
	st.Conditions = append(st.Conditions, d.Status.Conditions...)
	if available >= replicas(d.Spec.Replicas)-MaxUnavailable(d) {
		c.setCondition(&st, appsv1.DeploymentAvailable, corev1.ConditionTrue, ReasonMinimumReplicasAvailable, "Deployment has minimum availability.")
	} else {
		c.setCondition(&st, appsv1.DeploymentAvailable, corev1.ConditionFalse, ReasonMinimumReplicasUnavailable, "Deployment does not have minimum availability.")
	}
	return st
}

// syncDeploymentStatus is sync.go syncDeploymentStatus.
func (c *Controller) syncDeploymentStatus(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) {
	st := c.calculateStatus(all, newRS, d)
	if apiequality.Semantic.DeepEqual(d.Status, st) {
		return
	}
	d.Status = st
	c.updateDeploymentStatus(d)
}

// getCondition is deployment_util.go GetDeploymentCondition.
func getCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

func removeCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) {
	out := st.Conditions[:0:0]
	for _, c := range st.Conditions {
		if c.Type != t {
			out = append(out, c)
		}
	}
	st.Conditions = out
}

// newCondition is deployment_util.go NewDeploymentCondition: both times are
// now, as the API stores it (to the second).
func (c *Controller) newCondition(t appsv1.DeploymentConditionType, status corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
	now := store.WallSeconds(c.now())
	return appsv1.DeploymentCondition{Type: t, Status: status, LastUpdateTime: now, LastTransitionTime: now, Reason: reason, Message: msg}
}

// setCondition is deployment_util.go SetDeploymentCondition with a new
// condition: nothing changes if status and reason are the same; the
// transition time is kept if the status is.
func (c *Controller) setCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType, status corev1.ConditionStatus, reason, msg string) {
	cond := c.newCondition(t, status, reason, msg)
	cur := getCondition(st, t)
	if cur != nil && cur.Status == status && cur.Reason == reason {
		return
	}
	if cur != nil && cur.Status == status {
		cond.LastTransitionTime = cur.LastTransitionTime
	}
	removeCondition(st, t)
	st.Conditions = append(st.Conditions, cond)
}

// updateDeploymentStatus writes d's status and annotations (the revision)
// to the store, as UpdateStatus does, and records a Rollout if what it
// shows changed.
func (c *Controller) updateDeploymentStatus(d *appsv1.Deployment) {
	cur, ok := c.s.Deployments.Get(d.Namespace, d.Name)
	if !ok || cur.UID != d.UID {
		return
	}
	cp := cur.DeepCopy()
	cp.Status = *d.Status.DeepCopy()
	if d.Annotations != nil {
		cp.Annotations = make(map[string]string, len(d.Annotations))
		for k, v := range d.Annotations {
			cp.Annotations[k] = v
		}
	}
	c.s.Deployments.Update(cp)
	d.ResourceVersion = cp.ResourceVersion
	c.recordRollout(cp)
}

// recordRollout adds a Rollout record when the replicas or the conditions
// of a Deployment differ from the last one recorded for it.
func (c *Controller) recordRollout(d *appsv1.Deployment) {
	r := &record.Rollout{
		Header:     record.Header{Object: "Deployment/" + d.Name},
		Replicas:   d.Status.Replicas,
		Updated:    d.Status.UpdatedReplicas,
		Ready:      d.Status.ReadyReplicas,
		Available:  d.Status.AvailableReplicas,
		Conditions: map[string]record.Condition{},
	}
	for _, cond := range d.Status.Conditions {
		r.Conditions[string(cond.Type)] = record.Condition{Status: string(cond.Status), Reason: cond.Reason, Message: cond.Message}
	}
	key := store.Key(d)
	if last := c.rollout[key]; last != nil && sameRollout(last, r) {
		return
	}
	c.rollout[key] = r
	c.cfg.Log.Add(c.now(), record.KindRollout, r)
}

func sameRollout(a, b *record.Rollout) bool {
	if a.Replicas != b.Replicas || a.Updated != b.Updated || a.Ready != b.Ready || a.Available != b.Available ||
		len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for k, v := range a.Conditions {
		if b.Conditions[k] != v {
			return false
		}
	}
	return true
}

// hasProgressDeadline is deployment_util.go HasProgressDeadline.
func hasProgressDeadline(d *appsv1.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}
