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
