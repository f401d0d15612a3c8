package scheduler

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestScores replays cases of kube-scheduler's own score tests:
// noderesources/least_allocated_test.go and balanced_allocation_test.go
// ("nothing scheduled, resources requested, differently sized nodes": a pod
// asking 3 cpu and 5000 bytes on nodes of 4 and 6 cpu and 10000 bytes), in
// each release's form of BalancedAllocation.
func TestScores(t *testing.T) {
	asks := newCandidate(pod("p", "3", "5000"))
	node1, node2 := node("node1", "4", "10000", 110), node("node2", "6", "10000", 110)
	// 1.36 balanced_allocation_test.go "resources requested, pods scheduled
	// with resources": 3 cpu already on each node, 5000 bytes on node4.
	node3, node4 := node("node3", "10", "20000", 110), node("node4", "10", "20000", 110)
	tests := []struct {
		release   string
		scorer    func(*candidate, *nodeInfo) int64
		node      *corev1.Node
		assigned  []*corev1.Pod
		want      int64
		citedFrom string
	}{
		{"1.36", nil, node1, nil, 37, "least_allocated_test.go: (1*100/4 + 5000*100/10000)/2"},
		{"1.36", nil, node2, nil, 50, "least_allocated_test.go"},
		{"1.36", balancedOnly, node1, nil, 68, "balanced_allocation_test.go 1.36: 50 + (50 + 87 - 100)/2"},
		{"1.36", balancedOnly, node2, nil, 75, "balanced_allocation_test.go 1.36"},
		{"1.36", balancedOnly, node3, []*corev1.Pod{pod("a", "3", "")}, 73, "balanced_allocation_test.go 1.36: 85 -> 82"},
		{"1.36", balancedOnly, node4, []*corev1.Pod{pod("a", "3", "5000")}, 74, "balanced_allocation_test.go 1.36: 97 -> 95"},
		{"1.26", balancedOnly, node1, nil, 87, "balanced_allocation_test.go 1.26: (1 - 0.125) * 100"},
		{"1.26", balancedOnly, node2, nil, 100, "balanced_allocation_test.go 1.26"},
		{"1.21", balancedOnly, node1, nil, 75, "balanced_allocation.go 1.21: (1 - |0.75 - 0.5|) * 100"},
		{"1.11", balancedOnly, node1, nil, 7, "balanced_resource_allocation.go 1.11: MaxPriority 10"},
		{"1.11", nil, node2, nil, 5, "least_requested.go 1.11: MaxPriority 10"},
	}
	for _, tc := range tests {
		t.Run(tc.release+"/"+tc.node.Name+"/"+tc.citedFrom, func(t *testing.T) {
			p := profile(tc.release)
			ni := newNodeInfo(tc.node)
			for _, a := range tc.assigned {
				ni.addPod(a)
			}
			var got int64
			if tc.scorer == nil {
				got = leastAllocated(p, asks, ni)
			} else {
				got = balancedAllocation(p, asks, ni)
			}
			if got != tc.want {
				t.Errorf("score = %d, want %d", got, tc.want)
			}
		})
	}
}

// balancedOnly marks a case as BalancedAllocation's.
var balancedOnly = func(*candidate, *nodeInfo) int64 { return 0 }

// TestBalancedSkipsBestEffort pins balanced_allocation.go isBestEffortPod
// (1.33, kubernetes#129138): a pod without requests scores 0 everywhere,
// so that such pods spread by LeastAllocated's defaults alone.
func TestBalancedSkipsBestEffort(t *testing.T) {
	ni := newNodeInfo(node("n", "4", "8Gi", 110))
	if got := balancedAllocation(profile("1.33"), newCandidate(pod("p", "", "")), ni); got != 0 {
		t.Errorf("1.33: %d, want 0", got)
	}
	if got := balancedAllocation(profile("1.32"), newCandidate(pod("p", "", "")), ni); got != 100 {
		t.Errorf("1.32: %d, want 100 (no requests: perfectly balanced)", got)
	}
}

// TestLeastAllocatedDefaults pins the non-zero defaults in scoring: a pod
// without requests counts 100m and 200Mi, so a node with more such pods
// scores lower (pkg/scheduler/util/pod_resources.go).
func TestLeastAllocatedDefaults(t *testing.T) {
	p := profile("1.36")
	empty := newNodeInfo(node("a", "1", "2000Mi", 110))
	busy := newNodeInfo(node("b", "1", "2000Mi", 110))
	busy.addPod(pod("x", "", ""))
	// empty: cpu (1000-100)*100/1000 = 90, memory (2000-200)*100/2000 = 90.
	if got := leastAllocated(p, newCandidate(pod("p", "", "")), empty); got != 90 {
		t.Errorf("empty node: %d, want 90", got)
	}
	if got := leastAllocated(p, newCandidate(pod("p", "", "")), busy); got != 80 {
		t.Errorf("node with one pod: %d, want 80", got)
	}
}
