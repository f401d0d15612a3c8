package app

import (
	"testing"
	"time"

	"github.com/probesim/probesim/sim"
)

const benchApp = `
web*:
  start: 2s
  concurrency: 8
  http:
    8080:
      /healthz: [{until: 10s, status: 500}, {status: 200}]
      /message: {status: 200, latency: {lognormal: {p50: 5ms, p99: 80ms}}}
      /api/*: {status: 200, latency: {uniform: [1ms, 3ms]}}
      "*": 404
  tcp: {5432: accept}
`

func benchInstance(b fataler) *Instance {
	c := mustDecode(b, benchApp)
	return c.Start("web:1", 1, 0, 0, sim.NewStream(1, "bench"))
}

func BenchmarkHTTP(b *testing.B) {
	in := benchInstance(b)
	paths := []string{"/healthz", "/message", "/api/users", "/nope"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at := sim.Time(i) * sim.Time(10*time.Millisecond)
		in.HTTP(at, 8080, "GET", paths[i%len(paths)])
	}
}

func BenchmarkTCP(b *testing.B) {
	in := benchInstance(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.TCP(sim.Time(i)*sim.Time(time.Millisecond), 5432)
	}
}

func BenchmarkGRPC(b *testing.B) {
	in := NewCatalog().Start("any", 1, 0, 0, sim.NewStream(1, "bench"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.GRPC(sim.Time(i), 9000, "")
	}
}

// TestHTTPDoesNotAllocate keeps requests off the heap in steady state.
func TestHTTPDoesNotAllocate(t *testing.T) {
	in := benchInstance(t)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		at := sim.Time(i) * sim.Time(time.Second)
		in.HTTP(at, 8080, "GET", "/healthz")
		in.HTTP(at, 8080, "GET", "/message")
		in.HTTP(at, 8080, "POST", "/api/x?y=1")
		in.TCP(at, 5432)
		in.TCP(at, 1)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per round of requests", allocs)
	}
}
