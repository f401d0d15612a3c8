package network

import (
	"testing"
	"time"

	"github.com/probesim/probesim/sim"
)

// BenchmarkRequests measures the per-request cost of service and route
// traffic through the model (generator, data plane or router, outcome
// counting), with a backend that answers at once: one op is one request.
func BenchmarkRequests(b *testing.B) {
	for _, target := range []string{"service/web", "route/web"} {
		b.Run(target, func(b *testing.B) {
			f := newFakeNet("1.36", 1, Options{})
			for i := range 3 {
				f.setPod(i, true)
			}
			f.net.AddRoute(Route{Name: "web", Service: "web"})
			f.e.RunUntil(sim.Time(10 * time.Second))
			from := f.e.Now()
			const rate = 1000
			if err := f.net.AddTraffic(Traffic{Target: target, Rate: rate, From: from, Until: from.Add(sim.Duration(b.N) * time.Second / rate), Timeout: time.Second}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			f.e.RunUntil(from.Add(sim.Duration(b.N)*time.Second/rate + 2*time.Second))
			b.StopTimer()
			s, _ := f.net.Summary("", target)
			if s.OK != b.N {
				b.Fatalf("%d OK of %d: %+v", s.OK, b.N, s)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
		})
	}
}
