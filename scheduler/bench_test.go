package scheduler

import (
	corev1 "k8s.io/api/core/v1"

	"fmt"
	"testing"
	"time"
)

// BenchmarkPlacement places pods created in one burst on a cluster of
// nodes and reports the cost per scheduled pod (filters, scores, spreading,
// binding), the part of a run the scheduler adds.
func BenchmarkPlacement(b *testing.B) {
	for _, tc := range []struct{ nodes, pods int }{{10, 200}, {1000, 2000}} {
		b.Run(fmt.Sprintf("nodes=%d/pods=%d", tc.nodes, tc.pods), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var nodes = make([]*corev1.Node, 0, tc.nodes)
				for j := range tc.nodes {
					nodes = append(nodes, node(fmt.Sprintf("n%04d", j), "16", "64Gi", 110))
				}
				h := newHarness("1.36", uint64(i+1), nodes...)
				for j := range tc.pods {
					h.createPod(pod(fmt.Sprintf("p%05d", j), "100m", "128Mi"))
				}
				b.StartTimer()
				h.e.RunUntil(at(time.Second))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tc.pods), "ns/pod")
		})
	}
}
