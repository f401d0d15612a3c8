package controller

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// The straightforward answers the pod index replaces, a scan of every pod
// as the controllers made before it, for the tests and for the indexcheck
// build: `go test -tags indexcheck ./...` checks every status a ReplicaSet
// or ReplicationController sync computes against the scan, in every test
// of every package, so a writer that changed a stored pod in place (which
// the index could not see) would be found.

func scanOwnedPods(s *store.Store, namespace string, uid types.UID) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.Pods.List() {
		if p.Namespace == namespace && controllerUID(p) == uid {
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
