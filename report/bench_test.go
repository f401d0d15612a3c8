package report

import (
	"io"
	"testing"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// longCrashLoop is a crash loop of n cycles on one pod: a start, three
// liveness failures, a kill, an exit, a status change, a back-off wait.
func longCrashLoop(n int) []record.Record {
	base := crashLoop()
	recs := append([]record.Record(nil), base[:8]...)
	t := 60.0
	for i := 2; i < n+2; i++ {
		recs = append(recs,
			probe(t+10, "web", "liveness", "failure", i),
			probe(t+20, "web", "liveness", "failure", i),
			probe(t+30, "web", "liveness", "failure", i),
			ev(t+30, ctrPath, "Killing", "Container web failed liveness probe, will be restarted"),
			exited(t+30.5, "web", i, 137, "Error"),
			podStatus(t+31, "Running", "0/1", "CrashLoopBackOff", int32(i), false),
			ctr(t+60, "web", i+1, "running"),
			podStatus(t+61, "Running", "1/1", "Running", int32(i), true),
		)
		t += 61
	}
	return append(recs, &record.End{Header: record.Header{T: record.Seconds(sim.Time((t + 10) * float64(time.Second))), Kind: "End"}})
}

func BenchmarkBuildLanes(b *testing.B) {
	recs := longCrashLoop(1000)
	b.ReportAllocs()
	for b.Loop() {
		BuildLanes(recs)
	}
}

func BenchmarkViews(b *testing.B) {
	recs := longCrashLoop(1000)
	for _, v := range []struct {
		name string
		f    func(io.Writer, []record.Record) error
	}{
		{"timeline", func(w io.Writer, r []record.Record) error { return Timeline(w, r, 120) }},
		{"html", HTML},
		{"trace", Trace},
	} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := v.f(io.Discard, recs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
