package scheduler

import (
	corev1 "k8s.io/api/core/v1"
)

// Defaults the scheduler assumes for a container without a request when it
// scores (pkg/scheduler/util/pod_resources.go DefaultMilliCPURequest,
// DefaultMemoryRequest): pods without requests still spread.
const (
	defaultMilliCPU = 100
	defaultMemory   = 200 * 1024 * 1024
)

// resources is the part of a resource list the scheduler models.
type resources struct {
	milliCPU int64
	memory   int64
}

func (r *resources) add(o resources) {
	r.milliCPU += o.milliCPU
	r.memory += o.memory
}

func (r *resources) sub(o resources) {
	r.milliCPU -= o.milliCPU
	r.memory -= o.memory
}

// podRequests is the pod's effective request (resource/helpers.go
// PodRequests): the sum over its containers, or the largest init
// container's if that is more, plus the pod overhead. A container with a
// limit and no request requests its limit, as API defaulting sets it.
// nonZero gives containers without a cpu or memory request the scoring
// defaults instead of 0.
func podRequests(pod *corev1.Pod, nonZero bool) resources {
	var sum resources
	for i := range pod.Spec.Containers {
		sum.add(containerRequests(&pod.Spec.Containers[i], nonZero))
	}
	for i := range pod.Spec.InitContainers {
		c := containerRequests(&pod.Spec.InitContainers[i], nonZero)
		sum.milliCPU = max(sum.milliCPU, c.milliCPU)
		sum.memory = max(sum.memory, c.memory)
	}
	if q, ok := pod.Spec.Overhead[corev1.ResourceCPU]; ok {
		sum.milliCPU += q.MilliValue()
	}
	if q, ok := pod.Spec.Overhead[corev1.ResourceMemory]; ok {
		sum.memory += q.Value()
	}
	return sum
}

func containerRequests(c *corev1.Container, nonZero bool) resources {
	var r resources
	if q, ok := request(c, corev1.ResourceCPU); ok {
		r.milliCPU = q.MilliValue()
	} else if nonZero {
		r.milliCPU = defaultMilliCPU
	}
	if q, ok := request(c, corev1.ResourceMemory); ok {
		r.memory = q.Value()
	} else if nonZero {
		r.memory = defaultMemory
	}
	return r
}

func request(c *corev1.Container, name corev1.ResourceName) (interface {
	MilliValue() int64
	Value() int64
}, bool) {
	if q, ok := c.Resources.Requests[name]; ok {
		return &q, true
	}
	if q, ok := c.Resources.Limits[name]; ok {
		return &q, true
	}
	return nil, false
}

// candidate is a pod being scheduled with its requests, computed once per
// cycle rather than once per node.
type candidate struct {
	pod     *corev1.Pod
	req     resources // actual requests, for the filter and BalancedAllocation
	nonZero resources // with the scoring defaults, for LeastAllocated
}

func newCandidate(pod *corev1.Pod) *candidate {
	return &candidate{pod: pod, req: podRequests(pod, false), nonZero: podRequests(pod, true)}
}

// nodeInfo is the scheduler cache's view of one node: the node object and
// the sum of what the pods assigned to it request.
type nodeInfo struct {
	node        *corev1.Node
	allocatable resources
	maxPods     int64
	requested   resources // actual requests
	nonZero     resources // requests with the scoring defaults
	pods        int64
	// spreadID is the node's number in the spreading counts
	// (spreadCounts.nodeID).
	spreadID int
}

func newNodeInfo(n *corev1.Node) *nodeInfo {
	ni := &nodeInfo{}
	ni.setNode(n)
	return ni
}

func (ni *nodeInfo) setNode(n *corev1.Node) {
	ni.node = n
	a := n.Status.Allocatable
	ni.allocatable = resources{milliCPU: a.Cpu().MilliValue(), memory: a.Memory().Value()}
	ni.maxPods = a.Pods().Value()
}

func (ni *nodeInfo) addPod(pod *corev1.Pod) {
	ni.requested.add(podRequests(pod, false))
	ni.nonZero.add(podRequests(pod, true))
	ni.pods++
}

func (ni *nodeInfo) removePod(pod *corev1.Pod) {
	ni.requested.sub(podRequests(pod, false))
	ni.nonZero.sub(podRequests(pod, true))
	ni.pods--
}
