package controller

import (
	"math"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// podPhaseOrdinal is controller_utils.go podPhaseToOrdinal: Pending <
// Unknown < Running (other phases, absent from the map, count as 0).
func podPhaseOrdinal(p corev1.PodPhase) int {
	switch p {
	case corev1.PodUnknown:
		return 1
	case corev1.PodRunning:
		return 2
	}
	return 0
}

// rankedPods is controller_utils.go ActivePodsWithRanks: pods ordered so
// that the ones to delete first come first.
type rankedPods struct {
	pods []*corev1.Pod
	rank []int // active related pods on the same node
	now  sim.Time
	opts *Options
}

func (s rankedPods) Len() int { return len(s.pods) }
func (s rankedPods) Swap(i, j int) {
	s.pods[i], s.pods[j] = s.pods[j], s.pods[i]
	s.rank[i], s.rank[j] = s.rank[j], s.rank[i]
}

// Less follows ActivePodsWithRanks.Less rule by rule.
func (s rankedPods) Less(i, j int) bool {
	a, b := s.pods[i], s.pods[j]
	// 1. Unassigned < assigned.
	if a.Spec.NodeName != b.Spec.NodeName && (a.Spec.NodeName == "" || b.Spec.NodeName == "") {
		return a.Spec.NodeName == ""
	}
	// 2. PodPending < PodUnknown < PodRunning.
	if pa, pb := podPhaseOrdinal(a.Status.Phase), podPhaseOrdinal(b.Status.Phase); pa != pb {
		return pa < pb
	}
	// 3. Not ready < ready.
	ra, rb := IsPodReady(a), IsPodReady(b)
	if ra != rb {
		return !ra
	}
	// 4. Lower pod-deletion-cost < higher (PodDeletionCost gate, beta 1.22).
	if s.opts.PodDeletionCost {
		if ca, cb := deletionCost(a), deletionCost(b); ca != cb {
			return ca < cb
		}
	}
	// 5. Doubled up < not doubled up: more active related pods on the node.
	if s.rank[i] != s.rank[j] {
		return s.rank[i] > s.rank[j]
	}
	// 6. Ready for less time < more time (log2-bucketed with
	// LogarithmicScaleDown, beta 1.22; equal buckets fall to the UID).
	if ra && rb {
		ta, tb := readySince(a), readySince(b)
		if ta != tb {
			if d, ok := s.compareTimes(ta, tb); ok {
				if d == 0 {
					return a.UID < b.UID
				}
				return d < 0
			}
			return afterOrZero(ta, tb)
		}
	}
	// 7. More restarts < fewer.
	if ma, mb := maxRestarts(a), maxRestarts(b); ma != mb {
		return ma > mb
	}
	// 8. Empty creation time < newer < older.
	ca, cb := creation(a), creation(b)
	if ca != cb {
		if d, ok := s.compareTimes(ca, cb); ok {
			if d == 0 {
				return a.UID < b.UID
			}
			return d < 0
		}
		return afterOrZero(ca, cb)
	}
	return false
}

// noTime marks an absent timestamp.
const noTime = sim.Time(math.MinInt64)

// compareTimes is logarithmicRankDiff, when LogarithmicScaleDown applies and
// both times are set: the difference of floor(log2(now − t)) in
// nanoseconds, −1 for times not before now.
func (s rankedPods) compareTimes(t1, t2 sim.Time) (int64, bool) {
	if !s.opts.LogarithmicScaleDown || t1 == noTime || t2 == noTime {
		return 0, false
	}
	r := func(t sim.Time) int64 {
		if d := s.now - t; d > 0 {
			return int64(math.Log2(float64(d)))
		}
		return -1
	}
	return r(t1) - r(t2), true
}

// afterOrZero: a zero time sorts first, else the later one does.
func afterOrZero(t1, t2 sim.Time) bool {
	if t1 == noTime || t2 == noTime {
		return t1 == noTime
	}
	return t1 > t2
}

func readySince(p *corev1.Pod) sim.Time {
	c := readyCondition(p)
	if c == nil || c.Status != corev1.ConditionTrue || c.LastTransitionTime.IsZero() {
		return noTime
	}
	return store.SimTime(c.LastTransitionTime)
}

func creation(p *corev1.Pod) sim.Time {
	if p.CreationTimestamp.IsZero() {
		return noTime
	}
	return store.SimTime(p.CreationTimestamp)
}

func maxRestarts(p *corev1.Pod) int32 {
	var m int32
	for _, c := range p.Status.ContainerStatuses {
		m = max(m, c.RestartCount)
	}
	return m
}

// deletionCost is GetDeletionCostFromPodAnnotations; an invalid value counts
// as 0 (validation rejects it).
func deletionCost(p *corev1.Pod) int32 {
	v, ok := p.Annotations[PodDeletionCostAnnotation]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0
	}
	return int32(n)
}

// PodsToDelete is replica_set.go getPodsToDelete: the first diff of pods in
// ActivePodsWithRanks order, each ranked by the active pods of related
// (same-owner) ReplicaSets on its node (getPodsRankedByRelatedPodsOnSameNode).
// Real clusters sort a list in informer (map) order with an unstable sort, so
// ties that Less leaves open are random there; the model first orders pods by
// name, which makes its choice one of those a cluster could make.
func PodsToDelete(pods, related []*corev1.Pod, diff int, now sim.Time, opts Options) []*corev1.Pod {
	if diff >= len(pods) {
		return pods
	}
	sorted := append([]*corev1.Pod(nil), pods...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	onNode := map[string]int{}
	for _, p := range related {
		if isPodActive(p) {
			onNode[p.Spec.NodeName]++
		}
	}
	rank := make([]int, len(sorted))
	for i, p := range sorted {
		rank[i] = onNode[p.Spec.NodeName]
	}
	sort.Stable(rankedPods{pods: sorted, rank: rank, now: now, opts: &opts})
	return sorted[:diff]
}
