package version

import "time"

// Switches of kube-scheduler and of the node lifecycle controller. Each
// names the release where the behaviour was confirmed in the sources and
// where the boundary is inferred; docs/fidelity.md ("Scheduling and node
// lifecycle") has the evidence.

// SchedulerMaxNodeScore is the top of a score plugin's range: 10 for the
// priority functions up to 1.14 (pkg/scheduler/api MaxPriority, 1.11), 100
// for the framework's MaxNodeScore from 1.17 (1.20 confirmed).
func (p *Profile) SchedulerMaxNodeScore() int64 {
	if p.AtLeast(17) {
		return 100
	}
	return 10
}

// BalancedAllocationStd reports whether NodeResourcesBalancedAllocation
// scores (1 - standard deviation of the cpu and memory fractions) over the
// pods' actual requests (1.26 confirmed; the generalisation landed in 1.23,
// inferred), rather than (1 - |cpu fraction - memory fraction|) over the
// non-zero requests with a full node scoring 0 (1.11-1.21 confirmed).
func (p *Profile) BalancedAllocationStd() bool { return p.AtLeast(23) }

// BalancedAllocationSkipsBestEffort reports whether BalancedAllocation
// gives a pod without any request score 0 everywhere (1.33 confirmed,
// kubernetes#129138).
func (p *Profile) BalancedAllocationSkipsBestEffort() bool { return p.AtLeast(33) }

// BalancedAllocationImprovement reports whether BalancedAllocation scores
// the change in the node's balance that the pod makes, 50 + (50 + with -
// without)/2, instead of the balance with the pod (1.36 confirmed).
func (p *Profile) BalancedAllocationImprovement() bool { return p.AtLeast(36) }

// SchedulerPreemptionMessage reports whether FailedScheduling messages end
// with the default preemption plugin's verdict ("preemption: 0/3 nodes are
// available: ..."), added in 1.24 (kubernetes#107775; 1.21 has none, 1.26
// has it).
func (p *Profile) SchedulerPreemptionMessage() bool { return p.AtLeast(24) }

// SchedulerPreemptionDoublePeriod reports whether the preemption part is
// appended with the format " %v." after a message that already ends with a
// period, so that the event ends "..". (1.26 confirmed; 1.30 appends " %v";
// 1.28 inferred to be the old form).
func (p *Profile) SchedulerPreemptionDoublePeriod() bool {
	return p.SchedulerPreemptionMessage() && !p.AtLeast(30)
}

// TaintReasonForm is how TaintToleration words its filter failure: 0 for
// "node(s) had taints that the pod didn't tolerate" (1.11), 1 for
// "node(s) had taint {k: v}, that the pod didn't tolerate" (1.20, 1.21),
// 2 for "node(s) had untolerated taint {k: v}" (1.26-1.34; from 1.22,
// inferred) and 3 for "node(s) had untolerated taint(s)" (1.35).
func (p *Profile) TaintReasonForm() int {
	switch {
	case p.AtLeast(35):
		return 3
	case p.AtLeast(22):
		return 2
	case p.AtLeast(18):
		return 1
	}
	return 0
}

// NodeAffinityReason is NodeAffinity's filter failure: "node(s) didn't
// match Pod's node affinity/selector" from 1.21, "node(s) didn't match
// Pod's node affinity" in 1.20 and "node(s) didn't match node selector"
// (the MatchNodeSelector predicate) before (1.11).
func (p *Profile) NodeAffinityReason() string {
	switch {
	case p.AtLeast(21):
		return "node(s) didn't match Pod's node affinity/selector"
	case p.AtLeast(18):
		return "node(s) didn't match Pod's node affinity"
	}
	return "node(s) didn't match node selector"
}

// NodeNameReason is NodeName's filter failure: "requested node name" from
// 1.21, "requested hostname" before.
func (p *Profile) NodeNameReason() string {
	if p.AtLeast(21) {
		return "node(s) didn't match the requested node name"
	}
	return "node(s) didn't match the requested hostname"
}

// TooManyPodsReason is NodeResourcesFit's failure when the node's pods
// count is full: "Too many pods" (1.20 confirmed), "Insufficient pods"
// for the 1.11 PodFitsResources predicate.
func (p *Profile) TooManyPodsReason() string {
	if p.AtLeast(18) {
		return "Too many pods"
	}
	return "Insufficient pods"
}

// UnschedulableFlushAfter is how long a pod may stay among the
// unschedulable pods before the 30 s flush moves it back to be retried
// without any cluster event: 60 s (unschedulableQTimeInterval, 1.20,
// 1.21), 5 min (DefaultPodMaxInUnschedulablePodsDuration, 1.26-1.36; from
// 1.22, inferred).
func (p *Profile) UnschedulableFlushAfter() time.Duration {
	if p.AtLeast(22) {
		return 5 * time.Minute
	}
	return 60 * time.Second
}

// NodeMonitorGracePeriod is the node lifecycle controller's
// node-monitor-grace-period: 40 s, 50 s from 1.32 (defaults.go).
func (p *Profile) NodeMonitorGracePeriod() time.Duration {
	if p.AtLeast(32) {
		return 50 * time.Second
	}
	return 40 * time.Second
}

// TaintBasedEvictions reports whether an unreachable node is tainted
// (node.kubernetes.io/unreachable, NoSchedule and NoExecute) and its pods
// are evicted by the taint manager when their tolerations run out
// (TaintNodesByCondition beta 1.12, TaintBasedEvictions beta 1.13). Before,
// the scheduler skipped nodes not Ready and the node controller deleted a
// lost node's pods after pod-eviction-timeout, marking them NodeLost
// (1.11).
func (p *Profile) TaintBasedEvictions() bool { return p.AtLeast(13) }
