// Command samemodel runs the simplified probe-and-restart model of
// scripts/simpy/probe_restart.py, line for line, on probesim's kernel
// (package sim): the same workers, thresholds and back-off rule, the same
// kinds of events. Set beside the SimPy script it compares the two
// discrete-event engines on one model; `simulate run -f
// scripts/simpy/workload.yaml` is probesim's whole model on the same
// workload. scripts/simpy/compare runs all three.
//
//	go run ./scripts/simpy/samemodel --pods 1000 --hours 1
package main

import (
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/probesim/probesim/sim"
)

const (
	period           = 10 * time.Second
	failureThreshold = 3
	healthyFor       = 60 * time.Second
	backoffInitial   = 10 * time.Second
	backoffMax       = 300 * time.Second
	backoffExpiry    = 600 * time.Second
)

var (
	kindProbe   = sim.NewKind("samemodel/probe", 60)
	kindRestart = sim.NewKind("samemodel/restart", 20)
)

// pod is a pod's container and the kubelet's state about it, as Pod in the
// Python script.
type pod struct {
	instance     int
	running      bool
	startedAt    sim.Time
	finished     []sim.Time
	hasBackoff   bool
	backoff      sim.Duration
	lastUpdate   sim.Time
	liveFailures int
	onHold       bool
	ready        bool
	probes       int
	restarts     int
}

func (p *pod) start(now sim.Time) {
	p.instance++
	if p.instance > 1 {
		p.restarts++
	}
	p.running, p.startedAt = true, now
	p.liveFailures, p.onHold = 0, false
}

func (p *pod) inBackoff(ts, now sim.Time) bool {
	return p.hasBackoff && ts.Sub(p.lastUpdate) <= backoffExpiry && now.Sub(ts) < p.backoff
}

func (p *pod) nextBackoff(ts, now sim.Time) {
	if !p.hasBackoff || ts.Sub(p.lastUpdate) > backoffExpiry {
		p.hasBackoff, p.backoff = true, backoffInitial
	} else {
		p.backoff = min(2*p.backoff, backoffMax)
	}
	p.lastUpdate = now
}

// kill is the liveness kill and the restart decision of the same sync; it
// returns the wait before the container starts again.
func (p *pod) kill(now sim.Time) sim.Duration {
	p.running, p.ready = false, false
	p.finished = append(p.finished, now)
	if p.instance == 1 {
		return 0
	}
	ts := p.finished[len(p.finished)-2]
	if p.inBackoff(ts, now) {
		wait := p.backoff
		p.nextBackoff(now, now.Add(wait))
		return wait
	}
	p.nextBackoff(ts, now)
	return 0
}

// worker is one probe worker: a first probe at a random phase of the
// period, then one every period (SimPy's `yield hold, self, PERIOD`). The
// probes after the first come from a ticker inside the worker, as the
// kubelet's probe workers have (sim.Engine.StartTicker); with --heap, each
// probe schedules the next with After instead, as SimPy's hold does.
type worker struct {
	ticker   sim.Ticker
	e        *sim.Engine
	p        *pod
	liveness bool
	events   *uint64
	fn       func() // probe, bound once
}

// first is the first probe: the ticker starts there.
func (w *worker) first() {
	w.e.StartTicker(&w.ticker, period, kindProbe, w)
	w.check()
}

// Tick is a probe on the ticker's grid.
func (w *worker) Tick() { w.check() }

// probe is a probe that schedules the next (--heap).
func (w *worker) probe() {
	w.e.After(period, kindProbe, w.fn)
	w.check()
}

func (w *worker) check() {
	*w.events++
	p, now := w.p, w.e.Now()
	if !p.running || (w.liveness && p.onHold) {
		return
	}
	p.probes++
	if !w.liveness {
		p.ready = true
		return
	}
	if now.Sub(p.startedAt) < healthyFor {
		p.liveFailures = 0
		return
	}
	p.liveFailures++
	if p.liveFailures < failureThreshold {
		return
	}
	p.onHold = true
	if wait := p.kill(now); wait == 0 {
		p.start(now)
	} else {
		*w.events++
		w.e.After(wait, kindRestart, func() { p.start(w.e.Now()) })
	}
}

func main() {
	pods := flag.Int("pods", 1000, "pods to simulate")
	hours := flag.Float64("hours", 1, "simulated hours")
	seed := flag.Uint64("seed", 1, "seed of the random phases")
	heap := flag.Bool("heap", false, "schedule each probe with After, through the kernel's heap, instead of with a ticker")
	flag.Parse()
	if *pods < 1 || *hours <= 0 {
		fmt.Fprintln(os.Stderr, "samemodel: --pods must be positive and --hours above zero")
		os.Exit(2)
	}

	begin, cpu0 := time.Now(), cpuTime()
	e := sim.New(*seed)
	rng := e.Rand("samemodel/phase")
	var events uint64
	all := make([]*pod, *pods)
	for i := range all {
		p := &pod{}
		p.start(0)
		all[i] = p
		for _, liveness := range []bool{true, false} {
			w := &worker{e: e, p: p, liveness: liveness, events: &events}
			w.fn = w.first
			if *heap {
				w.fn = w.probe
			}
			e.After(sim.Duration(rng.Float64()*float64(period)), kindProbe, w.fn)
		}
	}
	e.RunUntil(sim.Time(*hours * float64(time.Hour)))
	wall, cpu := time.Since(begin).Seconds(), (cpuTime() - cpu0).Seconds()

	probes, restarts := 0, 0
	for _, p := range all {
		probes += p.probes
		restarts += p.restarts
	}
	engine := "probesim-kernel"
	if *heap {
		engine += "-heap"
	}
	fmt.Printf("engine=%s pods=%d hours=%g probes=%d restarts=%d events=%d wall=%.3f cpu=%.3f events_per_cpu_s=%.0f\n",
		engine, *pods, *hours, probes, restarts, events, wall, cpu, float64(events)/cpu)
}

// cpuTime is the CPU time the process has used: on a shared machine a
// steadier measure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
