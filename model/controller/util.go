package controller

import (
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// Annotations and labels the Deployment controller writes
// (deployment/util/deployment_util.go, apps/v1 types).
const (
	RevisionAnnotation        = "deployment.kubernetes.io/revision"
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	// PodTemplateHashLabel is apps/v1 DefaultDeploymentUniqueLabelKey.
	PodTemplateHashLabel = "pod-template-hash"
	// PodDeletionCostAnnotation is core/v1 PodDeletionCost.
	PodDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"
)

// ResolveFenceposts resolves maxSurge and maxUnavailable against the desired
// replicas in one step (deployment_util.go ResolveFenceposts): surge rounds
// up, unavailable rounds down, and if both come to zero unavailable becomes
// 1. A nil value counts as 0. Invalid values (validation rejects them) give
// 0. It is a private equivalent of the function package api will provide.
func ResolveFenceposts(maxSurge, maxUnavailable *intstr.IntOrString, desired int32) (surge, unavailable int32) {
	// Callers in deployment_util.go ignore the error of a malformed value
	// (validation rejects those): both resolve to zero.
	surge, unavailable, err := api.ResolveFenceposts(maxSurge, maxUnavailable, desired)
	if err != nil {
		return 0, 0
	}
	return surge, unavailable
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1 // SetDefaults_Deployment / SetDefaults_ReplicaSet
	}
	return *p
}

func isRolling(d *appsv1.Deployment) bool {
	return d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType
}

func rollingParams(d *appsv1.Deployment) (surge, unavailable *intstr.IntOrString) {
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		return ru.MaxSurge, ru.MaxUnavailable
	}
	// SetDefaults_Deployment: 25% / 25%.
	q := intstr.FromString("25%")
	return &q, &q
}

// MaxUnavailable is deployment_util.go MaxUnavailable: 0 for Recreate or 0
// replicas, else the resolved value capped at replicas.
func MaxUnavailable(d *appsv1.Deployment) int32 {
	r := replicas(d.Spec.Replicas)
	if !isRolling(d) || r == 0 {
		return 0
	}
	s, u := rollingParams(d)
	_, mu := ResolveFenceposts(s, u, r)
	return min(mu, r)
}

// MaxSurge is deployment_util.go MaxSurge: 0 for Recreate.
func MaxSurge(d *appsv1.Deployment) int32 {
	if !isRolling(d) {
		return 0
	}
	s, u := rollingParams(d)
	ms, _ := ResolveFenceposts(s, u, replicas(d.Spec.Replicas))
	return ms
}

// NewRSNewReplicas is deployment_util.go NewRSNewReplicas: the size the new
// ReplicaSet may have now. Rolling: grow by what replicas+maxSurge leaves
// over Σ spec.replicas, never past replicas. Recreate: replicas.
func NewRSNewReplicas(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) int32 {
	r := replicas(d.Spec.Replicas)
	if !isRolling(d) {
		return r
	}
	cur := specSum(all)
	maxTotal := r + MaxSurge(d)
	if cur >= maxTotal {
		return replicas(newRS.Spec.Replicas)
	}
	up := min(maxTotal-cur, r-replicas(newRS.Spec.Replicas))
	return replicas(newRS.Spec.Replicas) + up
}

// MaxScaledDown is the bound of reconcileOldReplicaSets (rolling.go):
// Σspec − (replicas − maxUnavailable) − (newRS.spec − newRS.available).
func MaxScaledDown(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) int32 {
	minAvailable := replicas(d.Spec.Replicas) - MaxUnavailable(d)
	newUnavailable := replicas(newRS.Spec.Replicas) - newRS.Status.AvailableReplicas
	return specSum(all) - minAvailable - newUnavailable
}

// specSum is GetReplicaCountForReplicaSets.
func specSum(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += replicas(rs.Spec.Replicas)
		}
	}
	return n
}

// statusSum adds a status field over ReplicaSets
// (GetActualReplicaCountForReplicaSets and friends).
func statusSum(rss []*appsv1.ReplicaSet, f func(*appsv1.ReplicaSetStatus) int32) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += f(&rs.Status)
		}
	}
	return n
}

func statusReplicas(s *appsv1.ReplicaSetStatus) int32  { return s.Replicas }
func statusReady(s *appsv1.ReplicaSetStatus) int32     { return s.ReadyReplicas }
func statusAvailable(s *appsv1.ReplicaSetStatus) int32 { return s.AvailableReplicas }

// activeRSs is controller_utils.go FilterActiveReplicaSets: those with
// spec.replicas > 0.
func activeRSs(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs != nil && replicas(rs.Spec.Replicas) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// olderRS is ReplicaSetsByCreationTimestamp: creation time, then name.
func olderRS(a, b *appsv1.ReplicaSet) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Name < b.Name
}

// revision is deployment_util.go Revision: 0 when absent or unparsable.
func revision(rs *appsv1.ReplicaSet) int64 {
	v, err := strconv.ParseInt(rs.Annotations[RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

func intAnnotation(rs *appsv1.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

// IsPodReady is pkg/api/v1/pod IsPodReady.
func IsPodReady(p *corev1.Pod) bool {
	c := readyCondition(p)
	return c != nil && c.Status == corev1.ConditionTrue
}

func readyCondition(p *corev1.Pod) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == corev1.PodReady {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// IsPodAvailable is pkg/api/v1/pod IsPodAvailable: Ready, and either
// minReadySeconds is 0 or the Ready condition's lastTransitionTime (one
// second resolution) plus minReadySeconds is strictly before now.
func IsPodAvailable(p *corev1.Pod, minReadySeconds int32, now sim.Time) bool {
	c := readyCondition(p)
	if c == nil || c.Status != corev1.ConditionTrue {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	if c.LastTransitionTime.IsZero() {
		return false
	}
	return store.SimTime(c.LastTransitionTime).Add(sim.Duration(minReadySeconds)*1e9) < now
}

// isPodActive is controller_utils.go IsPodActive: not terminal and not being
// deleted.
func isPodActive(p *corev1.Pod) bool {
	return p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && p.DeletionTimestamp == nil
}

// controllerIn returns the object of table t that controls o through a
// controller reference of the given kind: the same name and UID (a
// recreated namesake is not the controller). ok is false if there is none.
func controllerIn[T store.Object](t *store.Table[T], o metav1.Object, kind string) (owner T, ok bool) {
	ref := metav1.GetControllerOfNoCopy(o)
	if ref == nil || ref.Kind != kind {
		return owner, false
	}
	owner, ok = t.Get(o.GetNamespace(), ref.Name)
	if !ok || owner.GetUID() != ref.UID {
		var none T
		return none, false
	}
	return owner, true
}

// controlledIn lists, by name, the objects of table t in namespace ns whose
// controller has the given UID.
func controlledIn[T interface {
	store.Object
	metav1.Object
}](t *store.Table[T], ns string, uid types.UID) []T {
	var out []T
	for _, o := range t.List() {
		if o.GetNamespace() == ns && controllerUID(o) == uid {
			out = append(out, o)
		}
	}
	return out
}

// controllerUID returns the UID of an object's controller reference, or "".
func controllerUID(o metav1.Object) types.UID {
	// NoCopy: GetControllerOf copies the reference to the heap, once per
	// pod per sync.
	if r := metav1.GetControllerOfNoCopy(o); r != nil {
		return r.UID
	}
	return ""
}
