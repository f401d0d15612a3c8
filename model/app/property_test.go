package app

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/probesim/probesim/sim"
)

// drawDist generates a distribution through the decoder, as a user would
// write it.
func drawDist(t *rapid.T) (Dist, string) {
	ms := func(label string) int { return rapid.IntRange(0, 1e6).Draw(t, label) }
	var src string
	switch rapid.IntRange(0, 5).Draw(t, "kind") {
	case 0:
		src = fmt.Sprintf("%dms", ms("fixed"))
	case 1:
		a, b := ms("a"), ms("b")
		src = fmt.Sprintf("{uniform: [%dms, %dms]}", min(a, b), max(a, b))
	case 2:
		src = fmt.Sprintf("{normal: {mean: %dms, stddev: %dms}}", ms("mean"), ms("stddev"))
	case 3:
		p50 := rapid.IntRange(1, 1e6).Draw(t, "p50")
		src = fmt.Sprintf("{lognormal: {p50: %dms, p99: %dms}}", p50, p50+ms("spread"))
	case 4:
		src = fmt.Sprintf("{exponential: {mean: %dms}}", ms("mean"))
	default:
		n := rapid.IntRange(1, 5).Draw(t, "points")
		ps := rapid.SliceOfNDistinct(rapid.IntRange(0, 100), n, n, rapid.ID[int]).Draw(t, "ps")
		vs := rapid.SliceOfN(rapid.IntRange(0, 1e6), n, n).Draw(t, "vs")
		sortInts(ps)
		sortInts(vs)
		src = "{percentiles: {"
		for i := range ps {
			src += fmt.Sprintf("p%d: %dms, ", ps[i], vs[i])
		}
		src += "}}"
	}
	c, err := Decode(parseYAML(t, "x: {start: "+src+"}"))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return c.Lookup("x").start, src
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestPropDrawWithinSupport(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d, src := drawDist(t)
		lo, hi := d.Bounds()
		r := sim.NewStream(rapid.Uint64().Draw(t, "seed"), "x")
		for range 50 {
			v := d.Draw(r)
			if v < lo || v > hi || v < 0 {
				t.Fatalf("%s drew %s outside [%s, %s]", src, v, lo, hi)
			}
		}
	})
}

func TestPropSameSeedSameDraws(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, src := drawDist(t)
		c, _ := Decode(parseYAML(t, fmt.Sprintf(`x: {start: %s, listen: {81: %s}, exit: {after: %s},
  http: {80: {"*": {status: 200, latency: %s}}}}`, src, src, src, src)))
		seed := rapid.Uint64().Draw(t, "seed")
		n := rapid.IntRange(1, 10).Draw(t, "instance")
		run := func() []sim.Time {
			in := c.Start("x", n, 0, 0, sim.NewStream(seed, "app/x"))
			at, _, _, _ := in.Exit()
			out := []sim.Time{in.ListensAt(80), in.ListensAt(81), at}
			for i := range 5 {
				out = append(out, in.HTTP(sim.Time(i)*sim.Time(time.Hour), 80, "GET", "/").End)
			}
			return out
		}
		a, b := run(), run()
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("draw %d differs: %s vs %s", i, a[i], b[i])
			}
		}
	})
}

func TestPropRefusedBeforeListening(t *testing.T) {
	c := mustDecode(t, `x: {start: {uniform: [1s, 60s]}, listen: {9000: {exponential: {mean: 10s}}}, http: {8080: {"*": 200}}, grpc: {9000: {"*": SERVING}}}`)
	rapid.Check(t, func(t *rapid.T) {
		in := c.Start("x", 1, sim.Time(rapid.Int64Range(0, 1e12).Draw(t, "started")), 0, sim.NewStream(rapid.Uint64().Draw(t, "seed"), "s"))
		port := rapid.SampledFrom([]int{8080, 9000, 7000}).Draw(t, "port")
		at := in.StartedAt().Add(sim.Duration(rapid.Int64Range(0, 120e9).Draw(t, "since")))
		var r Reply
		switch rapid.IntRange(0, 2).Draw(t, "proto") {
		case 0:
			r = in.HTTP(at, port, "GET", "/")
		case 1:
			r = in.TCP(at, port)
		default:
			r = in.GRPC(at, port, "")
		}
		if at < in.ListensAt(port) && r.Kind != Refused {
			t.Fatalf("port %d listens at %s; a request at %s got %v", port, in.ListensAt(port), at, r.Kind)
		}
		if at >= in.ListensAt(port) && r.Kind == Refused {
			t.Fatalf("port %d listens at %s; a request at %s was refused", port, in.ListensAt(port), at)
		}
	})
}

func TestPropHangHoldsTheOnlySlot(t *testing.T) {
	c := mustDecode(t, `x: {concurrency: 1, exit: {after: {uniform: [1m, 10m]}}, http: {80: {/hang: hang, "*": {status: 200, latency: {uniform: [0s, 5s]}}}}}`)
	rapid.Check(t, func(t *rapid.T) {
		in := c.Start("x", 1, 0, 0, sim.NewStream(rapid.Uint64().Draw(t, "seed"), "s"))
		death, _, _, _ := in.Exit()
		times := rapid.SliceOfN(rapid.Int64Range(0, 15*60e9), 1, 20).Draw(t, "times")
		sortInt64s(times)
		hungAt := sim.Never
		for i, ns := range times {
			at := sim.Time(ns)
			path := "/"
			if i == len(times)/2 {
				path = "/hang"
			}
			r := in.HTTP(at, 80, "GET", path)
			if hungAt != sim.Never && r.Kind != Refused && r.Begin < death {
				t.Fatalf("a request began at %s while a hang held the slot until the death at %s", r.Begin, death)
			}
			if path == "/hang" && r.Kind == Reset && r.End != death {
				t.Fatalf("the hang ended at %s, not at the death %s", r.End, death)
			}
			if path == "/hang" && r.Kind != Refused {
				hungAt = r.Begin
			}
		}
	})
}

func sortInt64s(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestPropTimelineSwitchesAtUntil(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		u1 := rapid.IntRange(1, 1000).Draw(t, "u1")
		u2 := u1 + rapid.IntRange(1, 1000).Draw(t, "gap")
		c := mustDecode(t, fmt.Sprintf(`x: {http: {80: {/h: [{until: %dms, status: 500}, {until: %dms, status: 200}, 503]}}}`, u1, u2))
		start := sim.Time(rapid.Int64Range(0, 1e12).Draw(t, "start"))
		in := c.Start("x", 1, start, 0, sim.NewStream(1, "s"))
		status := func(ms int, off sim.Duration) int {
			return in.HTTP(start.Add(sim.Duration(ms)*time.Millisecond+off), 80, "GET", "/h").Status
		}
		for _, c := range []struct {
			ms   int
			off  sim.Duration
			want int
		}{{u1, -1, 500}, {u1, 0, 200}, {u2, -1, 200}, {u2, 0, 503}} {
			if got := status(c.ms, c.off); got != c.want {
				t.Fatalf("at %dms%+dns: status %d, want %d", c.ms, c.off, got, c.want)
			}
		}
	})
}
