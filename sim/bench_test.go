package sim

import (
	"container/heap"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// The hold model is the classic benchmark for event queues: the queue holds
// a steady N events, and each fired event schedules one more at now plus a
// random offset, so every iteration costs one pop and one push at size N.

var benchSizes = []int{1_000, 100_000, 1_000_000}

var benchKind = NewKind("bench/hold", 3)

// benchOffsets returns a fixed table of offsets, drawn once so that the
// benchmarks measure the queue and not the generator. Exponential offsets
// with a mean of 1 ms make new events land all over the heap, as they do in
// a simulation with many components on different periods.
func benchOffsets() []Duration {
	r := NewStream(1, "bench/offsets")
	off := make([]Duration, 1<<16)
	for i := range off {
		off[i] = Duration(r.ExpFloat64()*1e6) + 1
	}
	return off
}

const offMask = 1<<16 - 1

type hold struct {
	e    *Engine
	off  []Duration
	i    int
	fire func() // h.step, bound once so that scheduling allocates nothing
}

func (h *hold) step() {
	h.e.After(h.off[h.i&offMask], benchKind, h.fire)
	h.i++
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// cpuClock measures the CPU time a benchmark uses (user and system, every
// thread): on a shared machine a steadier figure than wall time, which
// also counts the time other jobs hold the cores.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{cpuNow()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64((cpuNow()-c.start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkEngine(b *testing.B) {
	off := benchOffsets()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("queued=%d", n), func(b *testing.B) {
			h := &hold{e: New(1), off: off}
			h.fire = h.step
			for range n {
				h.step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for range b.N {
				h.e.Step()
			}
			b.StopTimer()
			cpu.report(b)
			reportRate(b)
			if h.e.Len() != n {
				b.Fatalf("queue holds %d events, want %d", h.e.Len(), n)
			}
		})
	}
}

// int64Heap is the least a heap of times can be with container/heap.
type int64Heap []int64

func (h int64Heap) Len() int           { return len(h) }
func (h int64Heap) Less(i, j int) bool { return h[i] < h[j] }
func (h int64Heap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *int64Heap) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *int64Heap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func prefillHeap(off []Duration, n int) *int64Heap {
	h := make(int64Heap, 0, n+1)
	for i := range n {
		h = append(h, int64(off[i&offMask]))
	}
	heap.Init(&h)
	return &h
}

// BenchmarkBareHeap is the floor the engine is measured against: the same
// hold model on container/heap, without handlers, kinds or cancellation.
// Replacing the minimum in place and calling heap.Fix is pop-then-push
// without boxing the int64 into an interface, so it does not allocate.
func BenchmarkBareHeap(b *testing.B) {
	off := benchOffsets()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("queued=%d", n), func(b *testing.B) {
			h := prefillHeap(off, n)
			i := n
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for range b.N {
				(*h)[0] += int64(off[i&offMask])
				heap.Fix(h, 0)
				i++
			}
			b.StopTimer()
			cpu.report(b)
			reportRate(b)
		})
	}
}

// BenchmarkBareHeapPopPush is the literal pop-then-push on container/heap;
// it pays for boxing the pushed int64 into an interface.
func BenchmarkBareHeapPopPush(b *testing.B) {
	off := benchOffsets()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("queued=%d", n), func(b *testing.B) {
			h := prefillHeap(off, n)
			i := n
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for range b.N {
				now := heap.Pop(h).(int64)
				heap.Push(h, now+int64(off[i&offMask]))
				i++
			}
			b.StopTimer()
			cpu.report(b)
			reportRate(b)
		})
	}
}

// timerChurn models readiness and liveness workers whose timers are pushed
// back far more often than they fire: every event resets one other timer,
// which is a Cancel and a schedule, and re-arms the timer that fired.
type timerChurn struct {
	e      *Engine
	off    []Duration
	i      int
	timers []*Timer
}

func (c *timerChurn) fired(t *Timer) {
	c.timers[c.i%len(c.timers)].Reset(c.off[c.i&offMask])
	c.i++
	t.Reset(c.off[c.i&offMask])
	c.i++
}

func BenchmarkTimerReset(b *testing.B) {
	off := benchOffsets()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("queued=%d", n), func(b *testing.B) {
			c := &timerChurn{e: New(1), off: off, timers: make([]*Timer, n)}
			for j := range c.timers {
				var t *Timer
				t = c.e.NewTimer(benchKind, func() { c.fired(t) })
				c.timers[j] = t
				t.Reset(off[j&offMask])
			}
			// Cancelled entries make the queue grow to about twice the live
			// events before compaction trims it. Run through a few cycles
			// first so that the timed part is the steady state, where the
			// queue's backing array is reused and nothing is allocated.
			for range 5 * n {
				c.e.Step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for range b.N {
				c.e.Step()
			}
			b.StopTimer()
			cpu.report(b)
			reportRate(b)
			if c.e.Len() != n {
				b.Fatalf("queue holds %d events, want %d", c.e.Len(), n)
			}
		})
	}
}

// tickReader is a ticker's reader in the shape of the kubelet's probe
// workers: the ticker inside it, a little state beside it.
type tickReader struct {
	ticker Ticker
	ticks  int
}

func (r *tickReader) Tick() { r.ticks++ }

// BenchmarkTickers fires the ticks of n tickers of one period, started at
// random phases, each embedded in its reader: the ticks go through one lane
// (lane.go). An iteration is one tick.
func BenchmarkTickers(b *testing.B) {
	off := benchOffsets()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tickers=%d", n), func(b *testing.B) {
			e := New(1)
			readers := make([]tickReader, n)
			for j := range readers {
				// Start each ticker at its own instant, so that the
				// lane's order is not the order of the readers in memory.
				e.At(Time(off[j&offMask]*Duration(j%97+1)), benchKind, func() {
					e.StartTicker(&readers[j].ticker, 10*time.Second, benchKind, &readers[j])
				})
			}
			for range 2 * n {
				e.Step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for range b.N {
				e.Step()
			}
			b.StopTimer()
			cpu.report(b)
			reportRate(b)
			if e.Len() != n {
				b.Fatalf("queue holds %d events, want %d", e.Len(), n)
			}
		})
	}
}
