package sim_test

import (
	"fmt"
	"time"

	"github.com/probesim/probesim/sim"
)

// Kinds are registered once, in package variables. The phase orders events
// at the same instant: the container's exit (phase 0) comes before the
// kubelet's sync that observes it (phase 1), whatever order they were
// scheduled in.
var (
	exitKind = sim.NewKind("example/container-exit", 0)
	syncKind = sim.NewKind("example/kubelet-sync", 1)
)

func Example() {
	e := sim.New(42)
	running := true
	e.At(sim.Time(2*time.Second), syncKind, func() {
		fmt.Printf("%v sync: running=%v\n", e.Now(), running)
	})
	e.At(sim.Time(2*time.Second), exitKind, func() {
		running = false
		fmt.Printf("%v exit\n", e.Now())
	})
	e.After(time.Second, syncKind, func() {
		fmt.Printf("%v sync: running=%v\n", e.Now(), running)
	})
	e.RunUntilIdle()
	for _, k := range e.Stats().ByKind {
		fmt.Println(k.Kind, k.Count)
	}
	// Output:
	// 1s sync: running=true
	// 2s exit
	// 2s sync: running=false
	// example/container-exit 1
	// example/kubelet-sync 2
}

// A Ticker behaves like a Go time.Ticker whose reader is sometimes busy:
// here a probe that takes 2.5 s on a 1 s period. The tick that comes while
// it runs is kept and handed over when it ends; the others are dropped; the
// schedule stays on the whole-second grid.
func ExampleTicker() {
	e := sim.New(1)
	probe := sim.NewKind("example/probe", 1)
	var tk *sim.Ticker
	n := 0
	tk = e.NewTicker(time.Second, probe, func() {
		n++
		fmt.Printf("probe %d at %v\n", n, e.Now())
		if n == 2 {
			tk.Busy()
			e.After(2500*time.Millisecond, probe, tk.Idle)
		}
	})
	e.RunUntil(sim.Time(6 * time.Second))
	// Output:
	// probe 1 at 1s
	// probe 2 at 2s
	// probe 3 at 4.5s
	// probe 4 at 5s
	// probe 5 at 6s
}
