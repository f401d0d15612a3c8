package kubelet

import (
	corev1 "k8s.io/api/core/v1"
)

// statusEqual reports whether two statuses the kubelet generated are the
// same, over the fields it sets. It replaces a reflective deep comparison on
// the sync path, where it ran for every sync.
func statusEqual(a, b *corev1.PodStatus) bool {
	if a.Phase != b.Phase || a.PodIP != b.PodIP || a.Reason != b.Reason ||
		len(a.Conditions) != len(b.Conditions) || len(a.ContainerStatuses) != len(b.ContainerStatuses) ||
		!a.StartTime.Equal(b.StartTime) {
		return false
	}
	for i := range a.Conditions {
		x, y := &a.Conditions[i], &b.Conditions[i]
		if x.Type != y.Type || x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message ||
			!x.LastTransitionTime.Equal(&y.LastTransitionTime) {
			return false
		}
	}
	return containerStatusesEqual(a.ContainerStatuses, b.ContainerStatuses) &&
		containerStatusesEqual(a.InitContainerStatuses, b.InitContainerStatuses)
}

func containerStatusesEqual(a, b []corev1.ContainerStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Name != y.Name || x.Ready != y.Ready || x.RestartCount != y.RestartCount ||
			x.ContainerID != y.ContainerID || x.Image != y.Image || !boolPtrEqual(x.Started, y.Started) ||
			!stateEqual(&x.State, &y.State) || !stateEqual(&x.LastTerminationState, &y.LastTerminationState) {
			return false
		}
	}
	return true
}

func boolPtrEqual(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func stateEqual(a, b *corev1.ContainerState) bool {
	switch {
	case (a.Waiting == nil) != (b.Waiting == nil), (a.Running == nil) != (b.Running == nil), (a.Terminated == nil) != (b.Terminated == nil):
		return false
	case a.Waiting != nil && (a.Waiting.Reason != b.Waiting.Reason || a.Waiting.Message != b.Waiting.Message):
		return false
	case a.Running != nil && !a.Running.StartedAt.Equal(&b.Running.StartedAt):
		return false
	case a.Terminated != nil:
		x, y := a.Terminated, b.Terminated
		return x.ExitCode == y.ExitCode && x.Signal == y.Signal && x.Reason == y.Reason && x.Message == y.Message &&
			x.ContainerID == y.ContainerID && x.StartedAt.Equal(&y.StartedAt) && x.FinishedAt.Equal(&y.FinishedAt)
	}
	return true
}
