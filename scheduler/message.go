package scheduler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/probesim/probesim/model/version"
)

// Preemption's verdict per node for a pod that no lower-priority pod could
// make room for (plugins/defaultpreemption SelectVictimsOnNode and
// preemption.go nodesWherePreemptionMightHelp). The model has no pod
// priorities, so preemption never finds victims.
const (
	noVictims  = "No preemption victims found for incoming pod"
	notHelpful = "Preemption is not helpful for scheduling"
)

// fitError is framework.FitError: how many nodes there were and each
// node's verdict.
type fitError struct {
	numNodes int
	verdicts []verdict // one per node that was filtered
}

// histogram is FitError.Error's sortReasonsHistogram: "N reason" for each
// reason, sorted as strings (so "10 ..." sorts before "2 ...").
func histogram(counts map[string]int) string {
	parts := make([]string, 0, len(counts))
	for r, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// message is the FailedScheduling message and the PodScheduled condition's
// message: framework/types.go FitError.Error (core/generic_scheduler.go
// before 1.21) with, from 1.24, the default preemption plugin's own
// FitError for the same nodes appended after "preemption: ". 1.1 words it
// as its generic_scheduler.go does.
func (f *fitError) message(p *version.Profile) string {
	if f.numNodes == 0 {
		// ErrNoNodesAvailable, before any filter runs.
		return "no nodes available to schedule pods"
	}
	if !p.PodWorkers() {
		// 1.1 names one failed predicate of one node.
		return "Failed for reason " + legacyPredicate(f.verdicts[0]) + " and possibly others"
	}
	counts := map[string]int{}
	preempt := map[string]int{}
	for _, v := range f.verdicts {
		for _, r := range v.reasons {
			counts[r]++
		}
		if v.unresolvable {
			preempt[notHelpful]++
		} else {
			preempt[noVictims]++
		}
	}
	msg := fmt.Sprintf("0/%d nodes are available: %s.", f.numNodes, histogram(counts))
	if p.SchedulerPreemptionMessage() {
		post := fmt.Sprintf("preemption: 0/%d nodes are available: %s.", f.numNodes, histogram(preempt))
		if p.SchedulerPreemptionDoublePeriod() {
			post += "."
		}
		msg += " " + post
	}
	return msg
}

// legacyPredicate names the 1.1 predicate behind a verdict.
func legacyPredicate(v verdict) string {
	switch r := v.reasons[0]; {
	case strings.HasPrefix(r, "Insufficient") || strings.HasPrefix(r, "Too many"):
		return "PodFitsResources"
	case strings.Contains(r, "selector") || strings.Contains(r, "affinity"):
		return "MatchNodeSelector"
	case strings.Contains(r, "node name") || strings.Contains(r, "hostname"):
		return "HostName"
	}
	return "PodFitsResources"
}
