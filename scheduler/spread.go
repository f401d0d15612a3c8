package scheduler

import (
	"math"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Weights of the default spreading scores: PodTopologySpread's 2 in the
// default profile (apis/config/v1/default_plugins.go), SelectorSpread's 1
// in the default provider before it (1.11 defaults.go).
const (
	topologySpreadWeight = 2
	selectorSpreadWeight = 1
	// hostnameMaxSkew is the system default constraint on
	// kubernetes.io/hostname (podtopologyspread/plugin.go
	// systemDefaultConstraints: maxSkew 3, ScheduleAnyway). Its zone
	// constraint scores nothing on nodes without a zone label.
	hostnameMaxSkew = 3
)

// spreadScores is the default spreading of a release's profile, weighted,
// for each feasible node: from 1.20 PodTopologySpread with the system
// default constraints (DefaultPodTopologySpread; SelectorSpread is off),
// before SelectorSpread. Pods of the same Service and ReplicaSet are
// spread over the nodes.
//
// The scores are valid until the next call.
func (s *Scheduler) spreadScores(pod *corev1.Pod, feasible []*nodeInfo) []int64 {
	out := s.spreadBuf.scores(len(feasible))
	q := s.spreadQuery(pod)
	if s.cfg.Profile.AtLeast(20) {
		if q == nil {
			return out // no default constraints: the plugin skips
		}
		cnt := s.matchingPods(q, feasible)
		// scoring.go Score and NormalizeScore.
		w := math.Log(float64(len(feasible) + 2))
		raw := cnt // each count is read once, before its raw score is written
		minRaw, maxRaw := int64(math.MaxInt64), int64(0)
		for i, c := range cnt {
			raw[i] = int64(math.Round(float64(c)*w + float64(hostnameMaxSkew-1)))
			minRaw, maxRaw = min(minRaw, raw[i]), max(maxRaw, raw[i])
		}
		for i := range raw {
			score := int64(100)
			if maxRaw != 0 {
				score = 100 * (maxRaw + minRaw - raw[i]) / maxRaw
			}
			out[i] = topologySpreadWeight * score
		}
		return out
	}
	if q == nil {
		// No selector: every node scores the maximum
		// (selector_spreading.go CalculateSpreadPriorityMap).
		for i := range out {
			out[i] = selectorSpreadWeight * s.cfg.Profile.SchedulerMaxNodeScore()
		}
		return out
	}
	cnt := s.matchingPods(q, feasible)
	var maxCount int64
	for _, c := range cnt {
		maxCount = max(maxCount, c)
	}
	maxScore := float64(s.cfg.Profile.SchedulerMaxNodeScore())
	for i, c := range cnt {
		f := maxScore
		if maxCount > 0 {
			f = maxScore * float64(maxCount-c) / float64(maxCount)
		}
		out[i] = selectorSpreadWeight * int64(f)
	}
	return out
}

// matchingPods is, for each feasible node, the number of assigned pods on
// it that q counts (in its namespace, matching any of its selectors) and
// that are not terminating. The counts are valid until the next call.
func (s *Scheduler) matchingPods(q *spreadQuery, feasible []*nodeInfo) []int64 {
	cnt := s.spreadBuf.counts(len(feasible))
	if len(q.anyOf) == 0 {
		return cnt
	}
	c := s.spread.lookup(q, s.assigned)
	for i, ni := range feasible {
		cnt[i] = int64(c.on(ni.spreadID))
	}
	return cnt
}

// spreadBuffers are the slices spreadScores and matchingPods return,
// reused from one cycle to the next.
type spreadBuffers struct {
	out, cnt []int64
}

// scores returns the scores buffer of length n, zeroed.
func (b *spreadBuffers) scores(n int) []int64 {
	b.out = zeroed(b.out, n)
	return b.out
}

// counts returns the counts buffer of length n, zeroed.
func (b *spreadBuffers) counts(n int) []int64 {
	b.cnt = zeroed(b.cnt, n)
	return b.cnt
}

func zeroed(buf []int64, n int) []int64 {
	if cap(buf) < n {
		return make([]int64, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// allOf is the selector that matches what every one of sels matches.
func allOf(sels []labels.Selector) labels.Selector {
	out := labels.NewSelector()
	for _, sel := range sels {
		reqs, ok := sel.Requirements()
		if !ok {
			return labels.Nothing()
		}
		out = out.Add(reqs...)
	}
	return out
}

// defaultSelector is helper.DefaultSelector: the selectors of the Services
// that select the pod, merged, and the selector of its controlling
// ReplicaSet (owner, nil if it has none) added.
func defaultSelector(pod *corev1.Pod, services []*corev1.Service, owner *appsv1.ReplicaSet) labels.Selector {
	set := labels.Set{}
	for _, svc := range services {
		if svc.Namespace == pod.Namespace && len(svc.Spec.Selector) > 0 &&
			labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			set = labels.Merge(set, svc.Spec.Selector)
		}
	}
	sel := set.AsSelector()
	if owner == nil {
		return sel
	}
	if other, err := metav1.LabelSelectorAsSelector(owner.Spec.Selector); err == nil {
		if reqs, ok := other.Requirements(); ok {
			sel = sel.Add(reqs...)
		}
	}
	return sel
}

// legacySelectors is selector_spreading.go getSelectors (1.11): the
// selectors of the Services and ReplicaSets that select the pod.
func legacySelectors(pod *corev1.Pod, services []*corev1.Service, replicaSets []*appsv1.ReplicaSet) []labels.Selector {
	var out []labels.Selector
	podLabels := labels.Set(pod.Labels)
	for _, svc := range services {
		if svc.Namespace == pod.Namespace && len(svc.Spec.Selector) > 0 {
			if sel := labels.SelectorFromSet(svc.Spec.Selector); sel.Matches(podLabels) {
				out = append(out, sel)
			}
		}
	}
	for _, rs := range replicaSets {
		if rs.Namespace != pod.Namespace {
			continue
		}
		if sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector); err == nil && !sel.Empty() && sel.Matches(podLabels) {
			out = append(out, sel)
		}
	}
	return out
}
