package scheduler

import (
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestDefaultSpreading pins the default spreading of a ReplicaSet's pods
// behind a Service over equal nodes, where the resource scores alone tie
// on the 1.11 0-10 scale: PodTopologySpread's system default constraint
// on kubernetes.io/hostname from 1.20 (podtopologyspread/scoring.go),
// SelectorSpread before (1.11 selector_spreading.go). Six replicas on
// three nodes land two on each, for every seed.
func TestDefaultSpreading(t *testing.T) {
	for _, release := range []string{"1.11", "1.20", "1.36"} {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", release, seed), func(t *testing.T) {
				h := newHarness(release, seed, node("n1", "64", "256Gi", 110), node("n2", "64", "256Gi", 110), node("n3", "64", "256Gi", 110))
				sel := map[string]string{"app": "web"}
				h.st.Services.Create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: corev1.ServiceSpec{Selector: sel}})
				h.st.ReplicaSets.Create(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "default"},
					Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: sel}}})
				yes := true
				for i := range 6 {
					p := pod(fmt.Sprintf("web-%d", i), "", "")
					p.Labels = sel
					p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", Controller: &yes}}
					h.createPod(p)
					h.e.RunUntil(h.e.Now().Add(time.Second))
				}
				per := map[string]int{}
				for _, p := range h.st.Pods.List() {
					per[p.Spec.NodeName]++
				}
				if per["n1"] != 2 || per["n2"] != 2 || per["n3"] != 2 {
					t.Errorf("pods per node = %v, want 2 each", per)
				}
			})
		}
	}
}

// TestSpreadingSkipsTerminating pins that a terminating pod does not count
// for spreading while its replacement is placed, as when a ReplicaSet
// replaces a deleted pod: podtopologyspread/common.go
// countPodsMatchSelector from 1.20, 1.11 selector_spreading.go
// CalculateSpreadPriorityMap ("Ignore the previous deleted version for
// spreading purposes") before. The scheduler's cache must therefore hold
// the version of a bound pod that has its deletionTimestamp (cache.go
// UpdatePod). Two of the ReplicaSet's pods on n1 are being deleted, one
// runs on n2: the replacement goes to n1, which has none that count (it
// went to n2 when the cache kept the pods as first bound).
func TestSpreadingSkipsTerminating(t *testing.T) {
	for _, release := range []string{"1.11", "1.20", "1.36"} {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", release, seed), func(t *testing.T) {
				h := newHarness(release, seed, node("n1", "64", "256Gi", 110), node("n2", "64", "256Gi", 110))
				sel := map[string]string{"app": "web"}
				h.st.Services.Create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: corev1.ServiceSpec{Selector: sel}})
				h.st.ReplicaSets.Create(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "default"},
					Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: sel}}})
				yes := true
				web := func(name, node string) {
					p := pod(name, "", "")
					p.Labels = sel
					p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", Controller: &yes}}
					p.Spec.NodeName = node
					h.createPod(p)
				}
				web("web-a", "n1")
				web("web-b", "n1")
				web("web-c", "n2")
				h.e.RunUntil(h.e.Now().Add(time.Second))
				for _, name := range []string{"web-a", "web-b"} {
					if !h.st.DeletePod("default", name, nil, h.e.Now()) || h.pod(name).DeletionTimestamp == nil {
						t.Fatalf("%s: not terminating", name)
					}
				}
				h.e.RunUntil(h.e.Now().Add(time.Second))
				web("web-d", "")
				h.e.RunUntil(h.e.Now().Add(time.Second))
				if got := h.pod("web-d").Spec.NodeName; got != "n1" {
					t.Errorf("replacement on %q, want n1 (n2 runs the only pod that counts)", got)
				}
			})
		}
	}
}

// TestSpreadingSelectorsAnyOrAll pins how a pod's several spreading
// selectors combine, in a rollout behind a Service: 1.11's SelectorSpread
// counts a pod matching any of them (selector_spreading.go
// CalculateSpreadPriorityMap), so the old ReplicaSet's pods, which the
// Service selects, count for the new one's; from 1.14 a pod must match all
// of them (kubernetes#72801; one merged selector in helper.DefaultSelector
// from 1.20), so they do not. Two old pods run on n1 and one new pod on
// n2: the next new pod goes to n2 on 1.11 and to n1 after.
func TestSpreadingSelectorsAnyOrAll(t *testing.T) {
	for _, tc := range []struct{ release, want string }{
		{"1.1", "n2"}, {"1.11", "n2"}, {"1.14", "n1"}, {"1.18", "n1"}, {"1.20", "n1"}, {"1.36", "n1"},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", tc.release, seed), func(t *testing.T) {
				h := newHarness(tc.release, seed, node("n1", "64", "256Gi", 110), node("n2", "64", "256Gi", 110))
				h.st.Services.Create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
					Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}}})
				yes := true
				for _, rev := range []string{"1", "2"} {
					h.st.ReplicaSets.Create(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-" + rev, Namespace: "default"},
						Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", "pod-template-hash": rev}}}})
				}
				web := func(name, rev, node string) {
					p := pod(name, "", "")
					p.Labels = map[string]string{"app": "web", "pod-template-hash": rev}
					p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-" + rev, Controller: &yes}}
					p.Spec.NodeName = node
					h.createPod(p)
				}
				web("web-1-a", "1", "n1")
				web("web-1-b", "1", "n1")
				web("web-2-a", "2", "n2")
				h.e.RunUntil(h.e.Now().Add(time.Second))
				web("web-2-b", "2", "")
				h.e.RunUntil(h.e.Now().Add(time.Second))
				if got := h.pod("web-2-b").Spec.NodeName; got != tc.want {
					t.Errorf("new pod on %q, want %s", got, tc.want)
				}
			})
		}
	}
}
