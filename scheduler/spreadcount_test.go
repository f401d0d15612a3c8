package scheduler

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/store"
)

// recount is the spreading's count as kube-scheduler makes it, afresh over
// every pod of every node (podtopologyspread/common.go
// countPodsMatchSelector; 1.11 selector_spreading.go): the assigned pods
// not terminating, in namespace, matching any of anyOf, by node name.
func recount(assigned map[types.UID]*corev1.Pod, namespace string, anyOf []labels.Selector) map[string]int {
	out := map[string]int{}
	for _, p := range assigned {
		if p.DeletionTimestamp != nil || p.Namespace != namespace {
			continue
		}
		for _, sel := range anyOf {
			if sel.Matches(labels.Set(p.Labels)) {
				out[p.Spec.NodeName]++
				break
			}
		}
	}
	return out
}

// byNodeName is the kept count c by node name, leaving out the nodes that
// count no pod.
func byNodeName(s *spreadCounts, c *selectorCount) map[string]int {
	out := map[string]int{}
	for name, id := range s.nodeIDs {
		if n := c.on(id); n != 0 {
			out[name] = n
		}
	}
	return out
}

// drawSpreadPod draws a version of the pod uid: its namespace, labels,
// terminating or not, and its node ("gone" is a node the scheduler does
// not know).
func drawSpreadPod(t *rapid.T, uid types.UID) *corev1.Pod {
	p := pod(string(uid), rapid.SampledFrom([]string{"", "100m", "1"}).Draw(t, "cpu"), "")
	p.UID = uid
	p.Namespace = rapid.SampledFrom([]string{"default", "other"}).Draw(t, "namespace")
	p.Labels = map[string]string{}
	for _, k := range []string{"app", "pod-template-hash", "tier"} {
		if v := rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, k); v != "" {
			p.Labels[k] = v
		}
	}
	if rapid.Bool().Draw(t, "terminating") {
		ts := store.WallSeconds(0)
		p.DeletionTimestamp = &ts
	}
	p.Spec.NodeName = rapid.SampledFrom([]string{"n1", "n2", "n3", "gone"}).Draw(t, "node")
	return p
}

// drawSelectors draws the spreading selectors of a pod as the scheduler
// makes them from its Services' maps and ReplicaSets' label selectors:
// their AND as one selector, or the list of them, any of which counts a
// pod (before 1.14).
func drawSelectors(t *rapid.T) []labels.Selector {
	one := func() labels.Selector {
		ls := &metav1.LabelSelector{MatchLabels: map[string]string{}}
		for _, k := range []string{"app", "pod-template-hash"} {
			if v := rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "sel-"+k); v != "" {
				ls.MatchLabels[k] = v
			}
		}
		switch rapid.IntRange(0, 3).Draw(t, "expression") {
		case 1:
			ls.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}
		case 2:
			ls.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"b"}}}
		case 3:
			ls.MatchExpressions = []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}}
		}
		sel, err := metav1.LabelSelectorAsSelector(ls)
		if err != nil {
			t.Fatal(err)
		}
		return sel
	}
	sels := []labels.Selector{one()}
	for rapid.Bool().Draw(t, "and") && len(sels) < 3 {
		sels = append(sels, one())
	}
	if rapid.Bool().Draw(t, "any") {
		return sels
	}
	return []labels.Selector{allOf(sels)}
}

// TestSpreadCountsProperty checks that the counts the scheduler keeps as
// pods are assumed, updated and forgotten are at every step the counts a
// fresh pass over its cached pods gives, for every selector kept, and for
// any selector asked about; and that the nodes' pod counts follow the
// cached pods through updates.
func TestSpreadCountsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := newHarness("1.36", 1, node("n1", "4", "8Gi", 110), node("n2", "4", "8Gi", 110), node("n3", "4", "8Gi", 110))
		s := h.s
		uids := []types.UID{"u0", "u1", "u2", "u3", "u4", "u5"}
		for step := range rapid.IntRange(1, 60).Draw(t, "steps") {
			uid := rapid.SampledFrom(uids).Draw(t, "uid")
			_, cached := s.assigned[uid]
			op := rapid.SampledFrom([]string{"change", "forget", "lookup"}).Draw(t, "op")
			switch {
			case op == "lookup":
				ns := rapid.SampledFrom([]string{"default", "other"}).Draw(t, "lookup-namespace")
				sels := drawSelectors(t)
				got := byNodeName(s.spread, s.spread.lookup(newSpreadQuery(ns, sels), s.assigned))
				if diff := cmp.Diff(recount(s.assigned, ns, sels), got, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("step %d: lookup %s/%v (-recount +kept):\n%s", step, ns, sels, diff)
				}
			case op == "forget" && cached:
				s.forget(uid)
			case !cached:
				p := drawSpreadPod(t, uid)
				s.assume(p, p.Spec.NodeName)
			default:
				s.update(drawSpreadPod(t, uid))
			}
			for key, c := range s.spread.byKey {
				want := recount(s.assigned, c.namespace, c.anyOf)
				if diff := cmp.Diff(want, byNodeName(s.spread, c), cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("step %d: %q (-recount +kept):\n%s", step, key, diff)
				}
				total := 0
				for _, n := range want {
					total += n
				}
				if c.total != total {
					t.Fatalf("step %d: %q total %d, recount %d", step, key, c.total, total)
				}
				for _, name := range []string{"n1", "n2", "n3"} {
					// The count a cycle reads, by the node's number.
					if got := c.on(s.byName[name].spreadID); got != want[name] {
						t.Fatalf("step %d: %q on node %s: %d, recount %d", step, key, name, got, want[name])
					}
				}
				if !slices.Contains(s.spread.byNamespace[c.namespace], c) {
					t.Fatalf("step %d: %q not listed in its namespace", step, key)
				}
			}
			listed := 0
			for _, list := range s.spread.byNamespace {
				listed += len(list)
			}
			if listed != len(s.spread.byKey) {
				t.Fatalf("step %d: %d entries listed, %d kept", step, listed, len(s.spread.byKey))
			}
			for _, name := range []string{"n1", "n2", "n3"} {
				want := newNodeInfo(s.byName[name].node)
				for _, uid := range slices.Sorted(maps.Keys(s.assigned)) {
					if p := s.assigned[uid]; p.Spec.NodeName == name {
						want.addPod(p)
					}
				}
				if got := s.byName[name]; got.pods != want.pods || got.requested != want.requested || got.nonZero != want.nonZero {
					t.Fatalf("step %d: node %s holds %d pods %+v, its cached pods %d %+v", step, name, got.pods, got.requested, want.pods, want.requested)
				}
			}
		}
	})
}

// TestSpreadCountsDropZeros checks that a selector whose pods are all gone
// or terminating is not kept, and is counted afresh when asked about again.
func TestSpreadCountsDropZeros(t *testing.T) {
	h := newHarness("1.36", 1, node("n1", "4", "8Gi", 110))
	s := h.s
	sel := []labels.Selector{labels.SelectorFromSet(labels.Set{"app": "web"})}
	web := func(uid string) *corev1.Pod {
		p := pod(uid, "", "")
		p.UID, p.Labels, p.Spec.NodeName = types.UID(uid), map[string]string{"app": "web"}, "n1"
		return p
	}
	s.assume(web("a"), "n1")
	if got := s.spread.lookup(newSpreadQuery("default", sel), s.assigned).on(s.spread.nodeIDs["n1"]); got != 1 {
		t.Fatalf("count %d, want 1", got)
	}
	gone := web("a")
	ts := store.WallSeconds(0)
	gone.DeletionTimestamp = &ts
	s.update(gone)
	if len(s.spread.byKey) != 0 {
		t.Fatalf("kept %v after its only pod began terminating", slices.Collect(maps.Keys(s.spread.byKey)))
	}
	s.assume(web("b"), "n1")
	if got := s.spread.lookup(newSpreadQuery("default", sel), s.assigned).on(s.spread.nodeIDs["n1"]); got != 1 {
		t.Fatalf("count %d after a new pod, want 1", got)
	}
}
