package scheduler

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
)

// spreadCounts keeps, for the spreading selectors the scheduler has asked
// about, how many assigned pods each node has that the spreading counts:
// not terminating, in the selectors' namespace, matching the selector
// (podtopologyspread/common.go countPodsMatchSelector) or, before 1.14,
// any of them (1.11 selector_spreading.go CalculateSpreadPriorityMap).
// kube-scheduler counts them afresh over each node's pods at every cycle;
// keeping the counts as the cache's pods change gives the same numbers at
// a cost per cycle of the feasible nodes rather than of every assigned pod.
//
// A selector's counts are made by one pass over the assigned pods when it
// is first asked about, then kept up to date by add and sub, which the
// scheduler calls for every pod it puts into or takes out of its cache
// (an update is a sub of the old pod and an add of the new). Counts are
// sums, so they do not depend on the order of any map's iteration (nor do
// they on the nodes' numbers, which may).
//
// The selectors in play are those of the Services and ReplicaSets of the
// pods being scheduled: one per namespace and ReplicaSet, so a handful
// plus one per rollout revision. To keep that bounded in a long run, an
// entry is dropped when its count falls back to zero (the old revision's
// pods are gone or terminating), and every entry at zero is dropped when a
// new one is made; a dropped selector asked about again is counted afresh.
type spreadCounts struct {
	byKey map[string]*selectorCount
	// byNamespace lists the entries of each namespace in the order they
	// were made, for add and sub: a pod only counts in its namespace.
	byNamespace map[string][]*selectorCount
	// nodeIDs numbers the node names pods have been counted on or the
	// scheduler has asked about, so that counts are slices indexed by node
	// rather than maps keyed by name: a cycle reads the count of every
	// feasible node. A name keeps its number for the whole run (a node
	// deleted and made again is the same name); there are as many as the
	// scenario has node names.
	nodeIDs map[string]int
}

// selectorCount is the count of one namespace and list of selectors, by
// node (pods are counted on the node they name, whether or not the
// scheduler knows that node yet). A pod counts if any of the selectors
// matches it: one selector for the releases that match all of a pod's
// selectors (their AND is one selector), several for those that match any.
type selectorCount struct {
	key       string
	namespace string
	anyOf     []labels.Selector
	reqs      []labels.Requirements // of each of anyOf
	// perNode is indexed by spreadCounts.nodeID; nodes past its end count
	// no pod.
	perNode []int
	total   int
}

func newSpreadCounts() *spreadCounts {
	return &spreadCounts{byKey: map[string]*selectorCount{}, byNamespace: map[string][]*selectorCount{}, nodeIDs: map[string]int{}}
}

// nodeID returns the number of the node name, giving it the next one if
// it has none.
func (s *spreadCounts) nodeID(name string) int {
	id, ok := s.nodeIDs[name]
	if !ok {
		id = len(s.nodeIDs)
		s.nodeIDs[name] = id
	}
	return id
}

// on returns the number of counted pods on the node numbered id.
func (c *selectorCount) on(id int) int {
	if id < len(c.perNode) {
		return c.perNode[id]
	}
	return 0
}

// addOn adds delta to the count of the node numbered id.
func (c *selectorCount) addOn(id, delta int) {
	if id >= len(c.perNode) {
		c.perNode = append(c.perNode, make([]int, id+1-len(c.perNode))...)
	}
	c.perNode[id] += delta
	c.total += delta
}

// counted is the spreading's test of an assigned pod.
func (c *selectorCount) counted(p *corev1.Pod) bool {
	return p.DeletionTimestamp == nil && p.Namespace == c.namespace && c.matches(labels.Set(p.Labels))
}

func (c *selectorCount) matches(l labels.Set) bool {
	for _, sel := range c.anyOf {
		if sel.Matches(l) {
			return true
		}
	}
	return false
}

// spreadQuery is what the spreading counts for a pod: the pods of
// namespace that any of anyOf matches, with the key spreadCounts keeps
// their counts under and the selectors' requirements, made once per
// query rather than once per cycle.
type spreadQuery struct {
	namespace string
	anyOf     []labels.Selector // none: the count is 0 everywhere
	key       string
	reqs      []labels.Requirements // of each of anyOf
}

// newSpreadQuery returns the query of the pods in namespace that any of
// anyOf matches. A labels.Nothing among anyOf matches no pod and is left
// out.
func newSpreadQuery(namespace string, anyOf []labels.Selector) *spreadQuery {
	nothing := func(sel labels.Selector) bool {
		_, ok := sel.Requirements()
		return !ok
	}
	if slices.ContainsFunc(anyOf, nothing) {
		anyOf = slices.DeleteFunc(slices.Clone(anyOf), nothing)
	}
	q := &spreadQuery{namespace: namespace, anyOf: anyOf, key: namespace, reqs: make([]labels.Requirements, len(anyOf))}
	for i, sel := range anyOf {
		q.key += "\x00" + sel.String()
		q.reqs[i], _ = sel.Requirements()
	}
	return q
}

// lookup returns the counts of the pods q asks for, making them from
// assigned if they are not kept. q must have a selector. A key that two
// different lists share (only possible with label values the API would
// reject) is counted afresh and not kept.
func (s *spreadCounts) lookup(q *spreadQuery, assigned map[types.UID]*corev1.Pod) *selectorCount {
	if c, ok := s.byKey[q.key]; ok {
		if slices.EqualFunc(c.reqs, q.reqs, func(a, b labels.Requirements) bool {
			return slices.EqualFunc(a, b, labels.Requirement.Equal)
		}) {
			return c
		}
		return s.countAll(&selectorCount{namespace: q.namespace, anyOf: q.anyOf, reqs: q.reqs}, assigned)
	}
	s.dropZeros()
	c := s.countAll(&selectorCount{key: q.key, namespace: q.namespace, anyOf: q.anyOf, reqs: q.reqs}, assigned)
	s.byKey[q.key] = c
	s.byNamespace[q.namespace] = append(s.byNamespace[q.namespace], c)
	return c
}

// countAll fills c by one pass over the assigned pods.
func (s *spreadCounts) countAll(c *selectorCount, assigned map[types.UID]*corev1.Pod) *selectorCount {
	for _, p := range assigned {
		if c.counted(p) {
			c.addOn(s.nodeID(p.Spec.NodeName), 1)
		}
	}
	return c
}

// add counts a pod that enters the scheduler's cache.
func (s *spreadCounts) add(p *corev1.Pod) { s.change(p, 1) }

// sub uncounts a pod that leaves the scheduler's cache, or the old version
// of a pod that is updated.
func (s *spreadCounts) sub(p *corev1.Pod) { s.change(p, -1) }

func (s *spreadCounts) change(p *corev1.Pod, delta int) {
	if p.DeletionTimestamp != nil {
		return // counted nowhere
	}
	zeros := false
	id := -1
	for _, c := range s.byNamespace[p.Namespace] {
		if !c.matches(labels.Set(p.Labels)) {
			continue
		}
		if id < 0 {
			id = s.nodeID(p.Spec.NodeName)
		}
		c.addOn(id, delta)
		zeros = zeros || c.total == 0
	}
	if zeros {
		s.dropZeros()
	}
}

// dropZeros forgets the entries that count no pod.
func (s *spreadCounts) dropZeros() {
	for ns, list := range s.byNamespace {
		kept := slices.DeleteFunc(list, func(c *selectorCount) bool {
			if c.total != 0 {
				return false
			}
			delete(s.byKey, c.key)
			return true
		})
		if len(kept) == 0 {
			delete(s.byNamespace, ns)
		} else {
			s.byNamespace[ns] = kept
		}
	}
}
