package scheduler

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BenchmarkPlacement places pods created in one burst on a cluster of
// nodes and reports the cost per scheduled pod (filters, scores, spreading,
// binding), the part of a run the scheduler adds. In the spread cases the
// pods are a ReplicaSet's behind a Service, so the default spreading
// counts them (without a selector it has nothing to count). cpu-ns/pod is
// the CPU time of the placing alone (user and system, every thread): on a
// shared machine a steadier figure than ns/pod.
func BenchmarkPlacement(b *testing.B) {
	for _, tc := range []struct {
		release     string
		nodes, pods int
		spread      bool
	}{
		{"1.36", 10, 200, false}, {"1.36", 1000, 2000, false},
		{"1.36", 50, 1000, true}, {"1.36", 500, 10000, true}, {"1.11", 500, 10000, true},
	} {
		name := fmt.Sprintf("nodes=%d/pods=%d", tc.nodes, tc.pods)
		if tc.spread {
			name = fmt.Sprintf("spread/%s/nodes=%d/pods=%d", tc.release, tc.nodes, tc.pods)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var nodes = make([]*corev1.Node, 0, tc.nodes)
				for j := range tc.nodes {
					nodes = append(nodes, node(fmt.Sprintf("n%04d", j), "16", "64Gi", 110))
				}
				h := newHarness(tc.release, uint64(i+1), nodes...)
				sel := map[string]string{"app": "web"}
				yes := true
				if tc.spread {
					h.st.Services.Create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
						Spec: corev1.ServiceSpec{Selector: sel}})
					h.st.ReplicaSets.Create(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "default"},
						Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: sel}}})
				}
				for j := range tc.pods {
					p := pod(fmt.Sprintf("p%05d", j), "100m", "128Mi")
					if tc.spread {
						p.Labels = sel
						p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", Controller: &yes}}
					}
					h.createPod(p)
				}
				start := cpuTime()
				b.StartTimer()
				h.e.RunUntil(at(time.Second))
				b.StopTimer()
				cpu += cpuTime() - start
				if h.s.Pending() != 0 {
					b.Fatalf("%d pods left pending", h.s.Pending())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tc.pods), "ns/pod")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*tc.pods), "cpu-ns/pod")
		})
	}
}

// cpuTime is the CPU time the process has used, user and system, on every
// thread.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
