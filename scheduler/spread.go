package scheduler

import (
	"math"

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
func (s *Scheduler) spreadScores(pod *corev1.Pod, feasible []*nodeInfo) []int64 {
	out := make([]int64, len(feasible))
	counts := func(matches func(*corev1.Pod) bool) []int64 {
		c := make([]int64, len(feasible))
		idx := map[string]int{}
		for i, ni := range feasible {
			idx[ni.node.Name] = i
		}
		// Counting: the order of the map's iteration does not matter.
		for _, p := range s.assigned {
			i, ok := idx[p.Spec.NodeName]
			if !ok || p.DeletionTimestamp != nil || p.Namespace != pod.Namespace || !matches(p) {
				continue
			}
			c[i]++
		}
		return c
	}
	if s.cfg.Profile.AtLeast(20) {
		sel := s.defaultSelector(pod)
		if sel.Empty() {
			return out // no default constraints: the plugin skips
		}
		cnt := counts(func(p *corev1.Pod) bool { return sel.Matches(labels.Set(p.Labels)) })
		// scoring.go Score and NormalizeScore.
		w := math.Log(float64(len(feasible) + 2))
		raw := make([]int64, len(feasible))
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
	sels := s.legacySelectors(pod)
	if len(sels) == 0 {
		// No selector: every node scores the maximum
		// (selector_spreading.go CalculateSpreadPriorityMap).
		for i := range out {
			out[i] = selectorSpreadWeight * s.cfg.Profile.SchedulerMaxNodeScore()
		}
		return out
	}
	cnt := counts(func(p *corev1.Pod) bool {
		for _, sel := range sels {
			if !sel.Matches(labels.Set(p.Labels)) {
				return false
			}
		}
		return true
	})
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

// defaultSelector is helper.DefaultSelector: the selectors of the Services
// that select the pod, merged, and the selector of its controlling
// ReplicaSet added.
func (s *Scheduler) defaultSelector(pod *corev1.Pod) labels.Selector {
	set := labels.Set{}
	for _, svc := range s.cfg.Store.Services.List() {
		if svc.Namespace == pod.Namespace && len(svc.Spec.Selector) > 0 &&
			labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			set = labels.Merge(set, svc.Spec.Selector)
		}
	}
	sel := set.AsSelector()
	owner := metav1.GetControllerOfNoCopy(pod)
	if owner == nil || owner.Kind != "ReplicaSet" {
		return sel
	}
	rs, ok := s.cfg.Store.ReplicaSets.Get(pod.Namespace, owner.Name)
	if !ok {
		return sel
	}
	if other, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector); err == nil {
		if reqs, ok := other.Requirements(); ok {
			sel = sel.Add(reqs...)
		}
	}
	return sel
}

// legacySelectors is selector_spreading.go getSelectors (1.11): the
// selectors of the Services and ReplicaSets that select the pod.
func (s *Scheduler) legacySelectors(pod *corev1.Pod) []labels.Selector {
	var out []labels.Selector
	podLabels := labels.Set(pod.Labels)
	for _, svc := range s.cfg.Store.Services.List() {
		if svc.Namespace == pod.Namespace && len(svc.Spec.Selector) > 0 {
			if sel := labels.SelectorFromSet(svc.Spec.Selector); sel.Matches(podLabels) {
				out = append(out, sel)
			}
		}
	}
	for _, rs := range s.cfg.Store.ReplicaSets.List() {
		if rs.Namespace != pod.Namespace {
			continue
		}
		if sel, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector); err == nil && !sel.Empty() && sel.Matches(podLabels) {
			out = append(out, sel)
		}
	}
	return out
}
