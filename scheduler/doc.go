// Package scheduler places pods on nodes the way kube-scheduler's default
// profile does for the plugins that change when a pod runs: the filters
// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (nodeSelector
// and required node affinity) and NodeResourcesFit (cpu, memory, pods),
// the scores NodeResourcesFit LeastAllocated and
// NodeResourcesBalancedAllocation with their default weights, a random
// choice among the best nodes, and the scheduling queue's backoff for pods
// that fit nowhere. A pod that fits nowhere gets the FailedScheduling event
// and the PodScheduled=False condition with kube-scheduler's message.
//
// It follows pkg/scheduler in kubernetes/kubernetes; docs/fidelity.md
// ("Scheduling and node lifecycle") records the source per release.
package scheduler
