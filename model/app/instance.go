package app

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/probesim/probesim/sim"
)

// Instance is one container instance's process: the values drawn for it
// when it started, its busy concurrency slots, whether it is stopped, and
// how it ends. An Instance belongs to the goroutine that runs the
// simulation; it is not safe for concurrent use.
type Instance struct {
	line      *line     // the behaviours of the image over time (setApp)
	b         *Behavior // the behaviour in effect when the instance started
	n         int
	startedAt sim.Time
	r         *rand.Rand
	seed      uint64 // seeds per-instance draws made later (timeline bounds)

	listenAll sim.Time   // when every port listens, for a behaviour that lists no port
	listen    []portAt   // when each listed port listens, by port
	slots     []sim.Time // when each concurrency slot is free; nil: unlimited
	untils    []untilDraw

	selfExit   sim.Time // when the process ends by itself; sim.Never if not
	selfCode   int
	selfReason string
	sigExit    sim.Time // when it ends because of a signal; sim.Never if not
	sigCode    int
	requests   int

	stopped   bool
	stoppedAt sim.Time
	pending   *reaction // a signal reaction waiting for SIGCONT
	queued    []queuedRequest
}

// portAt is when one port starts listening.
type portAt struct {
	port int
	at   sim.Time
}

// queuedRequest is a request that arrived while the process was stopped.
type queuedRequest struct {
	latency sim.Duration
	hang    bool
}

// Start starts instance n (1 = the first start in the pod) of b's process in
// a container that started at time at, with the given memory limit in bytes
// (0: none). It draws the instance's start-up and lifetime values from r,
// and keeps r for the latencies of its requests.
func (b *Behavior) Start(n int, at sim.Time, memoryLimit int64, r *rand.Rand) *Instance {
	return newInstance(&line{versions: []version{{from: minTime, b: b}}}, n, at, memoryLimit, r)
}

// minTime is before every time of a run.
const minTime sim.Time = -1 << 63

func newInstance(l *line, n int, at sim.Time, memoryLimit int64, r *rand.Rand) *Instance {
	b := l.at(at).forInstance(n)
	in := &Instance{line: l, b: b, n: n, startedAt: at, r: r, seed: r.Uint64(),
		selfExit: sim.Never, sigExit: sim.Never}
	// Draws, in a fixed order: start, listen by port, exit.after.
	start := b.start.Draw(r)
	in.listenAll = addSat(at, start)
	ports := b.ports()
	in.listen = make([]portAt, 0, len(ports))
	for _, p := range ports {
		d := start
		if i, ok := slices.BinarySearchFunc(b.listen, p, func(pd portDist, p int) int { return pd.port - p }); ok {
			d = b.listen[i].d.Draw(r)
		}
		in.listen = append(in.listen, portAt{p, addSat(at, d)})
	}
	if b.concurrency > 0 {
		in.slots = make([]sim.Time, b.concurrency)
		for i := range in.slots {
			in.slots[i] = minTime
		}
	}
	if e := b.exit; e != nil {
		in.selfExit, in.selfCode, in.selfReason = addSat(at, e.after.Draw(r)), e.code, exitReason(e.code)
	}
	if m := b.memory; m != nil && memoryLimit > 0 {
		if t := oomTime(at, m, memoryLimit); t <= in.selfExit {
			in.selfExit, in.selfCode, in.selfReason = t, 137, "OOMKilled"
		}
	}
	return in
}

// ports returns every port b lists, sorted.
func (b *Behavior) ports() []int {
	var ps []int
	for _, p := range b.listen {
		ps = append(ps, p.port)
	}
	for p := range b.http {
		ps = append(ps, p)
	}
	for p := range b.tcp {
		ps = append(ps, p)
	}
	for p := range b.grpc {
		ps = append(ps, p)
	}
	slices.Sort(ps) // map order does not matter once sorted
	return slices.Compact(ps)
}

// oomTime is when memory use reaches limit: start + growth·t/per = limit.
func oomTime(at sim.Time, m *memorySpec, limit int64) sim.Time {
	if m.start >= limit {
		return at
	}
	if m.growth <= 0 {
		return sim.Never
	}
	need := float64(limit-m.start) / float64(m.growth) * float64(m.per)
	if need >= float64(sim.Never-at) {
		return sim.Never
	}
	return at.Add(sim.Duration(math.Round(need)))
}

// exitReason is the runtime's reason for a process that exited with code.
func exitReason(code int) string {
	if code == 0 {
		return "Completed"
	}
	return "Error"
}

// N returns the instance's number (1 = the first start in the pod).
func (in *Instance) N() int { return in.n }

// StartedAt returns when the instance's container started.
func (in *Instance) StartedAt() sim.Time { return in.startedAt }

// ListensAt returns when port starts listening; sim.Never if it never does.
func (in *Instance) ListensAt(port int) sim.Time {
	if in.b.listensEverywhere() {
		return in.listenAll
	}
	if i, ok := slices.BinarySearchFunc(in.listen, port, func(p portAt, port int) int { return p.port - port }); ok {
		return in.listen[i].at
	}
	return sim.Never
}

// Exit reports when the process ends, as things stand: by itself (exit,
// memory, a crash while serving), or because of a signal already
// delivered. ok is false if it runs until something else happens. Requests
// (Reply.Crashed) and signals (SIGTERM, SIGSTOP, SIGCONT) can change the
// answer: ask again after them. reason is "Completed" for code 0, "Error"
// otherwise, and "OOMKilled" (code 137) when the memory limit is reached.
func (in *Instance) Exit() (at sim.Time, code int, reason string, ok bool) {
	if in.stopped { // nothing runs, not even a timer of the process's own
		return sim.Never, 0, "", false
	}
	switch {
	case in.sigExit < in.selfExit:
		return in.sigExit, in.sigCode, exitReason(in.sigCode), true
	case in.selfExit != sim.Never:
		return in.selfExit, in.selfCode, in.selfReason, true
	}
	return sim.Never, 0, "", false
}

// death is when the process ends as far as is known now.
func (in *Instance) death() sim.Time {
	at, _, _, ok := in.Exit()
	if !ok {
		return sim.Never
	}
	return at
}

// current returns the behaviour in effect at t for this instance: the
// version of the image's description at t (setApp), with this instance's
// overrides.
func (in *Instance) current(t sim.Time) *Behavior {
	if len(in.line.versions) == 1 {
		return in.b
	}
	return in.line.at(t).forInstance(in.n)
}

// addSat returns t+d for d >= 0, or sim.Never if that is beyond it.
func addSat(t sim.Time, d sim.Duration) sim.Time {
	if d < 0 || t.Add(d) < t || t == sim.Never {
		return sim.Never
	}
	return t.Add(d)
}
