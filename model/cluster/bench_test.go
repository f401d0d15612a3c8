package cluster

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

func probe(path string) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(8080)}},
		PeriodSeconds: 10, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3,
	}
}

// benchDeployment returns the workload of docs/performance.md: one
// Deployment of n replicas whose container has a liveness and a readiness
// HTTP probe at period 10 s, defaulted as the API server would store it.
func benchDeployment(n int) []any {
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(n)),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1",
					LivenessProbe: probe("/healthz"), ReadinessProbe: probe("/ready")}}},
			},
		},
	}
	api.Default(d)
	return []any{d}
}

// benchNodes returns the n/20 nodes (at least one) the workload runs on.
func benchNodes(pods int) []Node {
	nodes := make([]Node, max(pods/20, 1))
	for i := range nodes {
		nodes[i].Name = fmt.Sprintf("node-%d", i+1)
	}
	return nodes
}

// benchKeep is what `simulate run` keeps of a log for the text report
// (report.TextNeeds, which the model may not import): every kind but the
// per-probe and per-second ones.
func benchKeep(kind string) bool { return kind != record.KindProbe && kind != record.KindRequests }

// runWorkload runs the workload of pods for d as `simulate run` does: the
// log streamed and hashed, only the text report's kinds kept. It returns
// the kernel events fired and the largest heap (in-use object bytes)
// sampled after each simulated minute.
func runWorkload(tb testing.TB, pods int, d time.Duration, seed uint64) (events, peakHeap uint64) {
	log := record.NewLog(io.Discard)
	log.Keep(benchKeep)
	c, err := New(Config{Seed: seed, Nodes: benchNodes(pods), Objects: benchDeployment(pods)}, log)
	if err != nil {
		tb.Fatal(err)
	}
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for t := sim.Time(0); t < sim.Time(d); {
		t = min(t+sim.Time(time.Minute), sim.Time(d))
		if err := c.RunUntil(t); err != nil {
			tb.Fatal(err)
		}
		metrics.Read(heap)
		peakHeap = max(peakHeap, heap[0].Value.Uint64())
	}
	c.Finish()
	return c.Engine().Stats().Fired, peakHeap
}

// benchWorkload runs one whole-model benchmark: every iteration a whole
// run of a new cluster (seed = iteration), reporting model events per
// second, ns and allocations per event, the peak heap of any iteration and
// the speed-up over real time.
func benchWorkload(b *testing.B, pods int, d time.Duration) {
	allocs := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	runtime.GC()
	metrics.Read(allocs)
	before := allocs[0].Value.Uint64()
	var events, peak uint64
	seed := uint64(0)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		seed++
		n, p := runWorkload(b, pods, d, seed)
		events += n
		peak = max(peak, p)
	}
	sec := b.Elapsed().Seconds()
	cpu := cpuTime() - cpu0
	metrics.Read(allocs)
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
	b.ReportMetric(float64(allocs[0].Value.Uint64()-before)/float64(events), "allocs/event")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(b.N)*d.Seconds()/sec, "x-realtime")
}

// modelSizes are the workloads of docs/performance.md. The large ones take
// from seconds to minutes per iteration and run only when asked for by
// name (-bench BenchmarkModelLarge), never with -bench . and never in
// `go test ./...`.
var modelSizes = []struct {
	pods  int
	d     time.Duration
	large bool
}{
	{100, time.Hour, false},
	{1000, time.Hour, false},
	{100, 24 * time.Hour, false},
	{10000, time.Hour, true},
	{1000, 24 * time.Hour, true},
	{10000, 24 * time.Hour, true},
}

func sizeName(pods int, d time.Duration) string {
	if d == 24*time.Hour {
		return fmt.Sprintf("pods=%d/1d", pods)
	}
	return fmt.Sprintf("pods=%d/%s", pods, strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m"))
}

// BenchmarkModel runs the small and medium workloads: pods=100 and 1000 for
// a simulated hour, pods=100 for a day.
func BenchmarkModel(b *testing.B) {
	for _, s := range modelSizes {
		if !s.large {
			b.Run(sizeName(s.pods, s.d), func(b *testing.B) { benchWorkload(b, s.pods, s.d) })
		}
	}
}

// BenchmarkModelLarge runs the large workloads (pods=1000 for a day,
// pods=10000 for an hour and a day). It is skipped unless -bench names it:
//
//	go test -run '^$' -bench 'ModelLarge/pods=1000/1d' -benchtime 1x ./model/cluster/
func BenchmarkModelLarge(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "ModelLarge") {
		b.Skip("large workloads run only when -bench names BenchmarkModelLarge")
	}
	for _, s := range modelSizes {
		if s.large {
			b.Run(sizeName(s.pods, s.d), func(b *testing.B) { benchWorkload(b, s.pods, s.d) })
		}
	}
}

// cpuTime is the CPU time the process has used, user and system, on every
// thread (the garbage collector's included). On a shared machine it is a
// steadier measure of cost than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
