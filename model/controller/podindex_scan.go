package controller

import (
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// The straightforward answers the pod indexes replace, a scan of every pod
// as the controllers made before them: what Config.Straightforward uses,
// what the tests compare the indexes with, and what the indexcheck build
// checks them against: `go test -tags indexcheck ./...` compares every
// status a ReplicaSet or ReplicationController sync computes from the
// index with the scan, in every test of every package, so a writer that
// changed a stored pod in place (which an index cannot see) would be found.

func scanOwnedPods(s *store.Store, namespace string, uid types.UID) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.Pods.List() {
		if p.Namespace == namespace && controllerUID(p) == uid {
			out = append(out, p)
		}
	}
	return out
}

// scanPodsOfOwners lists the pods in namespace whose controller is one of
// uids, by name.
func scanPodsOfOwners(s *store.Store, namespace string, uids []types.UID) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.Pods.List() {
		if p.Namespace == namespace && slices.Contains(uids, controllerUID(p)) {
			out = append(out, p)
		}
	}
	return out
}

// scanDeployerPods lists the deployer pods of rc's deployment that are not
// being deleted, by name.
func scanDeployerPods(s *store.Store, rc *corev1.ReplicationController) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.Pods.List() {
		if p.Namespace == rc.Namespace && p.Labels[DeployerPodForLabel] == rc.Name && p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

// scanStatus is replica_set_utils.go calculateStatus over every active pod
// of rs.
func scanStatus(s *store.Store, rs *appsv1.ReplicaSet, now sim.Time) appsv1.ReplicaSetStatus {
	st := *rs.Status.DeepCopy()
	var n, full, ready, avail int32
	for _, p := range scanOwnedPods(s, rs.Namespace, rs.UID) {
		if !isPodActive(p) {
			continue
		}
		n++
		if hasLabels(p.Labels, rs.Spec.Template.Labels) {
			full++
		}
		if IsPodReady(p) {
			ready++
			if IsPodAvailable(p, rs.Spec.MinReadySeconds, now) {
				avail++
			}
		}
	}
	st.Replicas, st.FullyLabeledReplicas, st.ReadyReplicas, st.AvailableReplicas = n, full, ready, avail
	return st
}

// checkStatus panics if st, computed from the pod index, is not the scan's
// answer; see checkPodIndex.
func (c *Controller) checkStatus(rs *appsv1.ReplicaSet, st appsv1.ReplicaSetStatus) {
	if want := scanStatus(c.s, rs, c.now()); !apiequality.Semantic.DeepEqual(st, want) {
		panic(fmt.Sprintf("pod index: status of %s/%s at %v is %+v, a scan says %+v", rs.Namespace, rs.Name, c.now(), st, want))
	}
}
