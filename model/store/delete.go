package store

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// DeletePod is the API server's graceful delete of a pod (registry/core/pod
// strategy CheckGracefulDelete): a pod that is not bound to a node, or that
// is already in a terminal phase, is removed at once; any other pod gets a
// deletionTimestamp of now + grace and stays, Terminating, until its kubelet
// has stopped its containers. grace nil means the pod's own
// terminationGracePeriodSeconds (default 30 s). A second delete can only
// shorten the grace period. It reports whether the pod existed.
func (s *Store) DeletePod(namespace, name string, grace *int64, now sim.Time) bool {
	pod, ok := s.Pods.Get(namespace, name)
	if !ok {
		return false
	}
	if pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return s.Pods.Delete(namespace, name)
	}
	g := int64(30)
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		g = *pod.Spec.TerminationGracePeriodSeconds
	}
	if grace != nil {
		g = *grace
	}
	if g < 0 {
		g = 0
	}
	if pod.DeletionGracePeriodSeconds != nil && *pod.DeletionGracePeriodSeconds <= g {
		return true
	}
	p := pod.DeepCopy()
	ts := WallSeconds(now.Add(time.Duration(g) * time.Second))
	p.DeletionTimestamp = &ts
	p.DeletionGracePeriodSeconds = &g
	s.Pods.Update(p)
	return true
}
