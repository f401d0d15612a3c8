package cluster

import (
	"fmt"
	"runtime/metrics"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

func probe(path string) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(8080)}},
		PeriodSeconds: 10, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3,
	}
}

// benchPods returns n pods with a liveness and a readiness probe at period
// 10 s, the workload of docs/performance.md.
func benchPods(n int) []any {
	objs := make([]any, n)
	for i := range objs {
		objs[i] = &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%05d", i)},
			Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyAlways,
				Containers: []corev1.Container{{Name: "app", Image: "app:1",
					LivenessProbe: probe("/healthz"), ReadinessProbe: probe("/ready")}},
			},
		}
	}
	return objs
}

// BenchmarkModel simulates N pods on N/20 nodes for a simulated hour per
// iteration and reports model events per second, ns and allocations per
// event, and the speed-up over real time.
func BenchmarkModel(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("pods=%d/1h", n), func(b *testing.B) {
			objs := benchPods(n)
			nodes := make([]Node, max(n/20, 1))
			for i := range nodes {
				nodes[i].Name = fmt.Sprintf("node-%d", i+1)
			}
			var events uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c, err := New(Config{Seed: uint64(i + 1), Nodes: nodes, Objects: objs}, record.NewLog(nil))
				if err != nil {
					b.Fatal(err)
				}
				if err := c.RunUntil(sim.Time(time.Hour)); err != nil {
					b.Fatal(err)
				}
				events += c.Engine().Stats().Fired
			}
			b.StopTimer()
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(events)/sec, "events/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
			b.ReportMetric(float64(b.N)*3600/sec, "x-realtime")
			s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			metrics.Read(s)
			b.ReportMetric(float64(s[0].Value.Uint64())/(1<<20), "heap-MiB")
		})
	}
}
