package scheduler

import (
	"maps"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// spreadQueryMemo is the last spreading query made and what it was made
// from. The query depends only on the pod's namespace and labels, the
// Services, and the ReplicaSets (from 1.20 only the pod's controlling
// one); stored objects are immutable, so the same objects, compared by
// pointer, make the same query. The pods of a ReplicaSet are created in a
// burst and scheduled one after another, so the last query is nearly
// always the next one, and a cycle need not list the Services, build and
// merge selectors and print the key of their counts.
type spreadQueryMemo struct {
	made        bool
	namespace   string
	labels      map[string]string
	services    []*corev1.Service
	owner       *appsv1.ReplicaSet   // from 1.20
	replicaSets []*appsv1.ReplicaSet // before 1.20
	query       *spreadQuery
}

// spreadQuery returns what the default spreading counts for pod, or nil if
// it has no selector: from 1.20 helper.DefaultSelector, before it the
// selectors of getSelectors, of which a pod must match any up to 1.11
// (1.11 selector_spreading.go CalculateSpreadPriorityMap; 1.1
// CalculateSpreadPriority), all from 1.14 (kubernetes#72801).
func (s *Scheduler) spreadQuery(pod *corev1.Pod) *spreadQuery {
	services := s.cfg.Store.Services.List()
	var owner *appsv1.ReplicaSet
	var replicaSets []*appsv1.ReplicaSet
	if s.cfg.Profile.AtLeast(20) {
		if ref := metav1.GetControllerOfNoCopy(pod); ref != nil && ref.Kind == "ReplicaSet" {
			owner, _ = s.cfg.Store.ReplicaSets.Get(pod.Namespace, ref.Name)
		}
	} else {
		replicaSets = s.cfg.Store.ReplicaSets.List()
	}
	m := &s.queryMemo
	if m.made && !s.cfg.Straightforward && m.namespace == pod.Namespace && maps.Equal(m.labels, pod.Labels) &&
		slices.Equal(m.services, services) && m.owner == owner && slices.Equal(m.replicaSets, replicaSets) {
		return m.query
	}
	q := makeSpreadQuery(s.cfg.Profile.AtLeast(20), s.cfg.Profile.AtLeast(14), pod, services, owner, replicaSets)
	*m = spreadQueryMemo{made: true, namespace: pod.Namespace, labels: pod.Labels, services: services,
		owner: owner, replicaSets: replicaSets, query: q}
	return q
}

// makeSpreadQuery makes spreadQuery's answer from the objects it reads.
func makeSpreadQuery(topologySpread, matchAll bool, pod *corev1.Pod, services []*corev1.Service, owner *appsv1.ReplicaSet, replicaSets []*appsv1.ReplicaSet) *spreadQuery {
	if topologySpread {
		sel := defaultSelector(pod, services, owner)
		if sel.Empty() {
			return nil
		}
		return newSpreadQuery(pod.Namespace, []labels.Selector{sel})
	}
	sels := legacySelectors(pod, services, replicaSets)
	if len(sels) == 0 {
		return nil
	}
	if matchAll {
		sels = []labels.Selector{allOf(sels)}
	}
	return newSpreadQuery(pod.Namespace, sels)
}
