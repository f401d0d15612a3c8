// Package kubectl computes what kubectl prints for the model's objects: the
// READY, STATUS and RESTARTS columns of `kubectl get pods`, as a function of
// the API object alone, exactly as kubectl derives them.
package kubectl

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NodeUnreachablePodReason is the pod status reason the node lifecycle
// controller sets on pods of an unreachable node (pkg/util/node).
const NodeUnreachablePodReason = "NodeLost"

// PodRow holds the columns of `kubectl get pods` that depend on the object.
type PodRow struct {
	Ready    string // "1/2"
	Status   string // "Running", "CrashLoopBackOff", "Init:0/1", "Terminating", ...
	Restarts int32
	// LastRestart is the newest FinishedAt among the containers' last
	// terminations: kubectl prints RESTARTS as "5 (20s ago)" counting from
	// it, that is from the last exit, not from the restart.
	LastRestart metav1.Time
}

// Pod computes a pod's row the way printPod in
// pkg/printers/internalversion/printers.go (v1.28 onwards) does: the phase,
// replaced by the pod's reason, then by init container state, then by the
// reason of the first container in spec order that is waiting or
// terminated; a Completed pod with a running container reads Running or
// NotReady by its Ready condition; "Terminating" when a deletion timestamp
// is set on a pod not yet in a terminal phase, and "Unknown" for a pod of a
// lost node. Restartable init containers (sidecars) are not modelled.
//
// minor is the Kubernetes release (1.minor) whose printer to follow; the
// rules that changed are C3 and C4 of docs/fidelity.md: before 1.20 a
// Completed pod with a running ready container reads Running whatever its
// Ready condition; from 1.35 an error exit's reason replaces Completed
// when no container runs ready; before 1.31 a terminal pod being deleted
// reads Terminating too.
func Pod(pod *corev1.Pod, minor int) PodRow {
	restarts := int32(0)
	totalContainers := len(pod.Spec.Containers)
	readyContainers := 0
	var lastRestart metav1.Time
	noteRestart := func(c *corev1.ContainerStatus) {
		if t := c.LastTerminationState.Terminated; t != nil && lastRestart.Before(&t.FinishedAt) {
			lastRestart = t.FinishedAt
		}
	}

	reason := string(pod.Status.Phase)
	if pod.Status.Reason != "" {
		reason = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			reason = corev1.PodReasonSchedulingGated
		}
	}

	initializing := false
	for i := range pod.Status.InitContainerStatuses {
		c := &pod.Status.InitContainerStatuses[i]
		restarts += c.RestartCount
		noteRestart(c)
		switch {
		case c.State.Terminated != nil && c.State.Terminated.ExitCode == 0:
			continue
		case c.State.Terminated != nil:
			if c.State.Terminated.Reason == "" {
				if c.State.Terminated.Signal != 0 {
					reason = fmt.Sprintf("Init:Signal:%d", c.State.Terminated.Signal)
				} else {
					reason = fmt.Sprintf("Init:ExitCode:%d", c.State.Terminated.ExitCode)
				}
			} else {
				reason = "Init:" + c.State.Terminated.Reason
			}
			initializing = true
		case c.State.Waiting != nil && c.State.Waiting.Reason != "" && c.State.Waiting.Reason != "PodInitializing":
			reason = "Init:" + c.State.Waiting.Reason
			initializing = true
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(pod.Spec.InitContainers))
			initializing = true
		}
		break
	}

	if !initializing || podInitialized(pod) {
		restarts = 0
		lastRestart = metav1.Time{}
		hasRunning := false
		errorReason := ""
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			c := &pod.Status.ContainerStatuses[i]
			restarts += c.RestartCount
			noteRestart(c)
			switch {
			case c.State.Waiting != nil && c.State.Waiting.Reason != "":
				reason = c.State.Waiting.Reason
			case c.State.Terminated != nil:
				switch t := c.State.Terminated; {
				case t.Reason != "":
					reason = t.Reason
				case t.Signal != 0:
					reason = fmt.Sprintf("Signal:%d", t.Signal)
				default:
					reason = fmt.Sprintf("ExitCode:%d", t.ExitCode)
				}
				if c.State.Terminated.ExitCode != 0 {
					errorReason = reason
				}
			case c.Ready && c.State.Running != nil:
				hasRunning = true
				readyContainers++
			}
		}
		// A Completed pod with a container still running ready is Running
		// (or NotReady); from 1.35 an error exit speaks first.
		if reason == "Completed" {
			switch {
			case hasRunning && (minor < 20 || hasPodReadyCondition(pod.Status.Conditions)):
				reason = "Running"
			case minor >= 35 && errorReason != "":
				reason = errorReason
			case hasRunning:
				reason = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil && pod.Status.Reason == NodeUnreachablePodReason {
		reason = "Unknown"
	} else if pod.DeletionTimestamp != nil && (minor < 31 || (pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed)) {
		reason = "Terminating"
	}

	return PodRow{
		Ready:       fmt.Sprintf("%d/%d", readyContainers, totalContainers),
		Status:      reason,
		Restarts:    restarts,
		LastRestart: lastRestart,
	}
}

func podInitialized(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodInitialized {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func hasPodReadyCondition(conds []corev1.PodCondition) bool {
	for _, c := range conds {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}
