package app

import "github.com/probesim/probesim/sim"

// HTTP answers an HTTP request for method and path on port, arriving at
// time at. Before the port listens, after the process ended, or on a port
// the description does not list, the connection is refused. Otherwise the
// request waits for a concurrency slot, is answered as the description
// says at the time it begins, and keeps its slot until End (for ever if it
// hangs). A port listed only under tcp or grpc resets HTTP requests; a port
// listed nowhere, in a description that lists no port, answers 200.
func (in *Instance) HTTP(at sim.Time, port int, method, path string) Reply {
	return in.serve(at, port, protoHTTP, method, path)
}

// GRPC answers a grpc.health.v1 Check for service on port at time at, as
// HTTP does (slots, listening). The reply's Status is GRPCServing,
// GRPCNotServing or GRPCUnknownService.
func (in *Instance) GRPC(at sim.Time, port int, service string) Reply {
	return in.serve(at, port, protoGRPC, "", service)
}

// TCP answers a connection attempt to port at time at. Connections are
// accepted by the kernel: they take no concurrency slot and are accepted
// even while the process is stopped or busy.
func (in *Instance) TCP(at sim.Time, port int) Reply {
	if at >= in.death() || at < in.ListensAt(port) {
		return Reply{Kind: Refused, Begin: at, End: at}
	}
	a := in.current(at).tcpAnswer(port, at, in)
	return in.finish(a, at, at, in.death())
}

// Exec answers a command run in the container at time at (an exec probe or
// hook). It runs beside the process: it takes no slot, is not stopped by
// SIGSTOP, and needs no listening port; in a container whose process has
// ended it is refused.
func (in *Instance) Exec(at sim.Time, command []string) Reply {
	if at >= in.death() {
		return Reply{Kind: Refused, Begin: at, End: at}
	}
	a := in.current(at).execAnswer(command, at, in)
	r := in.finish(a, at, at, sim.Never)
	r.Exit, r.Status = r.Status, 0
	return r
}

// proto is a request's protocol.
type proto uint8

const (
	protoHTTP proto = iota
	protoGRPC
)

func (in *Instance) serve(at sim.Time, port int, p proto, method, key string) Reply {
	death := in.death()
	if at >= death || at < in.ListensAt(port) {
		return Reply{Kind: Refused, Begin: at, End: at}
	}
	a := in.answer(at, port, p, method, key)
	if a.kind == Refused {
		return Reply{Kind: Refused, Begin: at, End: at}
	}
	if in.stopped {
		in.queued = append(in.queued, queuedRequest{latency: a.latency.Draw(in.r), hang: a.kind == Hang})
		return Reply{Kind: Hang, Begin: sim.Never, End: sim.Never}
	}
	slot, begin := in.slot(at)
	if begin >= death {
		return Reply{Kind: Reset, Begin: death, End: death}
	}
	if begin != at {
		if a = in.answer(begin, port, p, method, key); a.kind == Refused {
			a = &answerReset // accepted while it listened; no longer served
		}
	}
	if in.crashes(begin) {
		in.take(slot, begin)
		return Reply{Kind: Reset, Begin: begin, End: begin, Crashed: true}
	}
	r := in.finish(a, at, begin, death)
	in.take(slot, r.End)
	return r
}

// answer returns the described answer to a request at t.
func (in *Instance) answer(t sim.Time, port int, p proto, method, key string) *answer {
	b := in.current(t)
	if p == protoGRPC {
		return b.grpcAnswer(port, key, t, in)
	}
	return b.httpAnswer(port, method, key, t, in)
}

// finish turns answer a into a reply for a request that arrived at arrival
// and began at begin, drawing its latency; a process ending at death cuts
// it short with a reset.
func (in *Instance) finish(a *answer, arrival, begin, death sim.Time) Reply {
	r := Reply{Kind: a.kind, Status: a.code, Output: a.output, Location: a.location, Begin: begin, End: sim.Never}
	switch a.kind {
	case Refused:
		r.Begin, r.End = arrival, arrival
		return r
	case Answered, Reset:
		r.End = addSat(begin, a.latency.Draw(in.r))
	}
	if r.End > death {
		r = Reply{Kind: Reset, Begin: begin, End: death}
	}
	return r
}

// slot returns the concurrency slot that frees first and when a request
// arriving at t can begin in it; -1 when concurrency is unlimited.
func (in *Instance) slot(t sim.Time) (int, sim.Time) {
	if in.slots == nil {
		return -1, t
	}
	best := 0
	for i, free := range in.slots {
		if free < in.slots[best] {
			best = i
		}
	}
	return best, max(t, in.slots[best])
}

// take marks slot busy until end.
func (in *Instance) take(slot int, end sim.Time) {
	if slot >= 0 {
		in.slots[slot] = end
	}
}

// crashes counts a request beginning at t and reports whether it kills the
// process (crash afterRequests or probability).
func (in *Instance) crashes(t sim.Time) bool {
	in.requests++
	c := in.b.crash
	if c == nil {
		return false
	}
	hit := c.afterRequests > 0 && in.requests >= c.afterRequests
	if c.probability > 0 && in.r.Float64() < c.probability {
		hit = true
	}
	if hit && t < in.selfExit {
		in.selfExit, in.selfCode, in.selfReason = t, c.code, exitReason(c.code)
	}
	return hit
}

// httpAnswer is the answer of b to an HTTP request at t.
func (b *Behavior) httpAnswer(port int, method, path string, t sim.Time, in *Instance) *answer {
	if tab := b.http[port]; tab != nil {
		if h, ok := tab.lookup(method, path); ok {
			return h.at(t, in)
		}
		return &answerNotFound
	}
	if _, ok := b.grpc[port]; ok {
		return &answerReset // a gRPC server closes an HTTP/1 connection
	}
	if a := b.otherProtocol(port, t, in); a != nil {
		return a
	}
	return &answerDefaultHTTP
}

// grpcAnswer is the answer of b to a gRPC health check at t.
func (b *Behavior) grpcAnswer(port int, service string, t sim.Time, in *Instance) *answer {
	if tab, ok := b.grpc[port]; ok {
		if h, ok := tab[service]; ok {
			return h.at(t, in)
		}
		if h, ok := tab["*"]; ok {
			return h.at(t, in)
		}
		return &answerUnknownService
	}
	if _, ok := b.http[port]; ok {
		return &answerReset // an HTTP/1 server closes an HTTP/2 connection
	}
	if a := b.otherProtocol(port, t, in); a != nil {
		return a
	}
	return &answerServing
}

// otherProtocol is the answer on a port described only under tcp: the
// TCP answer if it is not an accept (refuse, hang, reset), else a reset,
// since the server does not speak the protocol. It is nil for a port
// without a tcp table.
func (b *Behavior) otherProtocol(port int, t sim.Time, in *Instance) *answer {
	h, ok := b.tcp[port]
	if !ok {
		return nil
	}
	if a := h.at(t, in); a.kind != Answered {
		return a
	}
	return &answerReset
}

// tcpAnswer is the answer of b to a connection attempt at t.
func (b *Behavior) tcpAnswer(port int, t sim.Time, in *Instance) *answer {
	if h, ok := b.tcp[port]; ok {
		return h.at(t, in)
	}
	return &answerAccept
}

// execAnswer is the answer of b to a command at t: the described one,
// exit 0 when there is no exec table, exit 127 for a command the table
// does not list (with no "*").
func (b *Behavior) execAnswer(command []string, t sim.Time, in *Instance) *answer {
	if b.exec == nil {
		return &answerExit0
	}
	if h, ok := b.exec.lookup(command); ok {
		return h.at(t, in)
	}
	return &answerNoCommand
}

var answerNoCommand = answer{code: 127, output: "probesim: the behaviour has no exec answer for this command and no \"*\""}
