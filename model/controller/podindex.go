package controller

import (
	"cmp"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/store"
)

// The replica managers find a ReplicaSet's pods through an index of the pod
// table by controller, as kube-controller-manager's ReplicaSet controller
// does since 1.35 and the Deployment controller since 1.36
// (controller_utils.go AddPodControllerIndexer, keyed by the owner's
// namespace, kind, name and UID; FilterPodsByOwner). A sync
// used to list every pod of the cluster to find its own; one ReplicaSet of
// 10,000 pods synced after each of their status changes at start-up made
// that quadratic. The index also tallies each owner's active pods, so the
// status of a sync needs no walk over them unless minReadySeconds makes
// availability depend on the clock.

// podOwnerKey is the key of the pod index: the pod's namespace and the UID
// of its controller, "" for a pod without one. It is what ownedPods used to
// match on.
type podOwnerKey struct {
	namespace string
	uid       types.UID
}

func podOwnerKeyOf(p *corev1.Pod) podOwnerKey {
	return podOwnerKey{namespace: p.Namespace, uid: controllerUID(p)}
}

// podTally is what a ReplicaSet's status counts of its pods: the active
// ones (controller.FilterActivePods), grouped by their labels, with how many
// of each group are Ready. Grouping by labels rather than counting the
// fully labeled pods keeps the tally independent of the owner's template,
// which the tally cannot see and which may change; an owner's pods almost
// always share one set of labels, so there is one group.
type podTally struct {
	groups []labelGroup
}

type labelGroup struct {
	labels        map[string]string // one pod's labels; stored objects are immutable
	active, ready int32
}

// tallyPod adds a pod to (delta 1) or removes it from (delta −1) a tally.
func tallyPod(t *podTally, p *corev1.Pod, delta int) {
	if !isPodActive(p) {
		return
	}
	i := slices.IndexFunc(t.groups, func(g labelGroup) bool { return maps.Equal(g.labels, p.Labels) })
	if i < 0 {
		i = len(t.groups)
		t.groups = append(t.groups, labelGroup{labels: p.Labels})
	}
	g := &t.groups[i]
	g.active += int32(delta)
	if IsPodReady(p) {
		g.ready += int32(delta)
	}
	if g.active == 0 {
		t.groups = slices.Delete(t.groups, i, i+1)
	}
}

// newPodIndex indexes the store's pods by controller.
func newPodIndex(s *store.Store) *store.Index[*corev1.Pod, podOwnerKey, podTally] {
	return store.NewIndex(s.Pods, podOwnerKeyOf, tallyPod)
}

// deployerPodKey is the key of the deployer pod index: the pod's namespace
// and its openshift.io/deployer-pod-for.name label ("" for none), which
// cleanupDeployerPods matched on. The deployer controller syncs a
// deployment at every change of its ReplicationController (a status write
// per pod that becomes ready or not), and a complete one looks for
// deployer pods to delete each time.
type deployerPodKey struct {
	namespace, deployment string
}

func deployerPodKeyOf(p *corev1.Pod) deployerPodKey {
	return deployerPodKey{namespace: p.Namespace, deployment: p.Labels[DeployerPodForLabel]}
}

// newDeployerPodIndex indexes the store's pods by the deployment whose
// deployer they are.
func newDeployerPodIndex(s *store.Store) *store.Index[*corev1.Pod, deployerPodKey, struct{}] {
	return store.NewIndex[*corev1.Pod, deployerPodKey, struct{}](s.Pods, deployerPodKeyOf, nil)
}

// ownedPods lists the pods whose controller is rs, by name.
func (c *Controller) ownedPods(rs metav1.Object) []*corev1.Pod {
	if c.cfg.Straightforward {
		return scanOwnedPods(c.s, rs.GetNamespace(), rs.GetUID())
	}
	return c.pods.List(podOwnerKey{namespace: rs.GetNamespace(), uid: rs.GetUID()})
}

// activePods lists the active pods whose controller is rs, by name:
// controller.FilterActivePods, so terminating and terminal pods do not
// count and are replaced at once.
func (c *Controller) activePods(rs metav1.Object) []*corev1.Pod {
	owned := c.ownedPods(rs)
	active := owned[:0]
	for _, p := range owned {
		if isPodActive(p) {
			active = append(active, p)
		}
	}
	return active
}

// podsOfOwners lists the pods in namespace whose controller is one of uids
// (which must not repeat), by name.
func (c *Controller) podsOfOwners(namespace string, uids []types.UID) []*corev1.Pod {
	if c.cfg.Straightforward {
		return scanPodsOfOwners(c.s, namespace, uids)
	}
	var out []*corev1.Pod
	for _, uid := range uids {
		out = append(out, c.pods.List(podOwnerKey{namespace: namespace, uid: uid})...)
	}
	if len(uids) > 1 {
		// One namespace: the names order them as Table.List does.
		slices.SortFunc(out, func(a, b *corev1.Pod) int { return cmp.Compare(a.Name, b.Name) })
	}
	return out
}
