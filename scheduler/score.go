package scheduler

import (
	"math"

	"github.com/probesim/probesim/model/version"
)

// score is the sum of the default profile's per-node scores the model
// has, each with its default weight of 1 (apis/config/v1/default_plugins.go):
// NodeResourcesFit with the LeastAllocated strategy and
// NodeResourcesBalancedAllocation. The default spreading, which depends on
// every feasible node, is added by selectHost (spread.go). The other score
// plugins of the default profile give every node the same score when pods
// use no preferred affinity, no PreferNoSchedule taint and no topology
// constraints, or are not modelled (ImageLocality); docs/fidelity.md says
// what that changes.
func score(p *version.Profile, c *candidate, ni *nodeInfo) int64 {
	return leastAllocated(p, c, ni) + balancedAllocation(p, c, ni)
}

// leastAllocated is noderesources least_allocated.go: for cpu and memory
// (weight 1 each), (allocatable - requested) * max / allocatable, with the
// pod's and the node's non-zero requests, averaged; a resource over
// capacity scores 0.
func leastAllocated(p *version.Profile, c *candidate, ni *nodeInfo) int64 {
	maxScore := p.SchedulerMaxNodeScore()
	req := c.nonZero
	var sum, weights int64
	for _, r := range [2][2]int64{
		{ni.nonZero.milliCPU + req.milliCPU, ni.allocatable.milliCPU},
		{ni.nonZero.memory + req.memory, ni.allocatable.memory},
	} {
		requested, capacity := r[0], r[1]
		if capacity == 0 {
			continue
		}
		weights++
		if requested > capacity {
			continue
		}
		sum += (capacity - requested) * maxScore / capacity
	}
	if weights == 0 {
		return 0
	}
	return sum / weights
}

// balancedAllocation is noderesources balanced_allocation.go, in the form
// of the profile's release (version.BalancedAllocationStd and the switches
// after it).
func balancedAllocation(p *version.Profile, c *candidate, ni *nodeInfo) int64 {
	maxScore := float64(p.SchedulerMaxNodeScore())
	if !p.BalancedAllocationStd() {
		// 1.11-1.21: non-zero requests; a full resource scores 0.
		req := c.nonZero
		cpu := fraction(ni.nonZero.milliCPU+req.milliCPU, ni.allocatable.milliCPU)
		mem := fraction(ni.nonZero.memory+req.memory, ni.allocatable.memory)
		if cpu >= 1 || mem >= 1 {
			return 0
		}
		return int64((1 - math.Abs(cpu-mem)) * maxScore)
	}
	req := c.req
	if p.BalancedAllocationSkipsBestEffort() && req.milliCPU == 0 && req.memory == 0 {
		return 0
	}
	with := balance(ni.requested.milliCPU+req.milliCPU, ni.allocatable.milliCPU,
		ni.requested.memory+req.memory, ni.allocatable.memory, maxScore)
	if !p.BalancedAllocationImprovement() {
		return with
	}
	without := balance(ni.requested.milliCPU, ni.allocatable.milliCPU,
		ni.requested.memory, ni.allocatable.memory, maxScore)
	half := int64(maxScore) / 2
	return half + (half+with-without)/2
}

// balance is balancedResourceScore for cpu and memory: (1 - std) * max,
// with std = |cpu fraction - memory fraction| / 2 and fractions capped at 1.
// A resource the node does not have is left out; with one resource left
// the std is 0.
func balance(cpuReq, cpuAlloc, memReq, memAlloc int64, maxScore float64) int64 {
	if cpuAlloc == 0 || memAlloc == 0 {
		return int64(maxScore)
	}
	cpu := min(fraction(cpuReq, cpuAlloc), 1)
	mem := min(fraction(memReq, memAlloc), 1)
	return int64((1 - math.Abs((cpu-mem)/2)) * maxScore)
}

func fraction(requested, capacity int64) float64 {
	if capacity == 0 {
		return 1
	}
	return float64(requested) / float64(capacity)
}
