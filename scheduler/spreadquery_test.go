package scheduler

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"pgregory.net/rapid"
)

// drawLabels draws a small label map: often the same content in a new
// map, sometimes empty or nil.
func drawLabels(t *rapid.T, name string) map[string]string {
	if rapid.IntRange(0, 5).Draw(t, name+"-nil") == 0 {
		return nil
	}
	m := map[string]string{}
	for _, k := range []string{"app", "tier"} {
		if v := rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, name+"-"+k); v != "" {
			m[k] = v
		}
	}
	return m
}

// drawLabelSelector draws a ReplicaSet's selector: nil (which selects
// nothing), empty, or labels with an expression.
func drawLabelSelector(t *rapid.T) *metav1.LabelSelector {
	switch rapid.IntRange(0, 5).Draw(t, "rs-selector") {
	case 0:
		return nil
	case 1:
		return &metav1.LabelSelector{}
	case 2:
		return &metav1.LabelSelector{MatchLabels: drawLabels(t, "rs-match"),
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}}}
	}
	return &metav1.LabelSelector{MatchLabels: drawLabels(t, "rs-match")}
}

// freshSpreadQuery is the spreading query made from what the store holds
// now, without the memo.
func freshSpreadQuery(s *Scheduler, pod *corev1.Pod) *spreadQuery {
	var owner *appsv1.ReplicaSet
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil && ref.Kind == "ReplicaSet" {
		owner, _ = s.cfg.Store.ReplicaSets.Get(pod.Namespace, ref.Name)
	}
	p := s.cfg.Profile
	if !p.AtLeast(20) {
		owner = nil
	}
	return makeSpreadQuery(p.AtLeast(20), p.AtLeast(14), pod, s.cfg.Store.Services.List(), owner, s.cfg.Store.ReplicaSets.List())
}

// TestSpreadQueryMemoProperty checks that the remembered spreading query
// is at every step the one made afresh from the store, as Services and
// ReplicaSets are created, changed (as writers do: a new object) and
// deleted and pods of any namespace, labels and owner are scheduled.
func TestSpreadQueryMemoProperty(t *testing.T) {
	for _, release := range []string{"1.11", "1.14", "1.36"} {
		t.Run(release, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				h := newHarness(release, 1)
				s := h.s
				var last *corev1.Pod
				for step := range rapid.IntRange(1, 40).Draw(t, "steps") {
					ns := rapid.SampledFrom([]string{"default", "other"}).Draw(t, "namespace")
					name := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "name")
					switch rapid.SampledFrom([]string{"service", "replicaset", "delete-service", "delete-replicaset", "pod", "pod"}).Draw(t, "op") {
					case "service":
						svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: corev1.ServiceSpec{Selector: drawLabels(t, "svc")}}
						if !h.st.Services.Create(svc) {
							h.st.Services.Update(svc)
						}
					case "replicaset":
						rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: appsv1.ReplicaSetSpec{Selector: drawLabelSelector(t)}}
						if !h.st.ReplicaSets.Create(rs) {
							h.st.ReplicaSets.Update(rs)
						}
					case "delete-service":
						h.st.Services.Delete(ns, name)
					case "delete-replicaset":
						h.st.ReplicaSets.Delete(ns, name)
					default:
						p := pod("p", "", "")
						p.Namespace = ns
						if last != nil && rapid.Bool().Draw(t, "same-labels") {
							p.Labels = last.Labels // a sibling's map, or the same content
						} else {
							p.Labels = drawLabels(t, "pod")
						}
						yes := true
						switch rapid.IntRange(0, 2).Draw(t, "owner") {
						case 1:
							p.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "owner-name"), Controller: &yes}}
						case 2:
							p.OwnerReferences = []metav1.OwnerReference{{Kind: "StatefulSet", Name: "a", Controller: &yes}}
						}
						last = p
						got, want := s.spreadQuery(p), freshSpreadQuery(s, p)
						if (got == nil) != (want == nil) {
							t.Fatalf("step %d: remembered query %+v, fresh %+v", step, got, want)
						}
						if got == nil {
							continue
						}
						if got.namespace != want.namespace || got.key != want.key || len(got.reqs) != len(want.reqs) {
							t.Fatalf("step %d: remembered query %q, fresh %q", step, got.key, want.key)
						}
						if !slices.EqualFunc(got.reqs, want.reqs, func(a, b labels.Requirements) bool {
							return slices.EqualFunc(a, b, labels.Requirement.Equal)
						}) {
							t.Fatalf("step %d: remembered requirements %v, fresh %v", step, got.reqs, want.reqs)
						}
					}
				}
			})
		})
	}
}
