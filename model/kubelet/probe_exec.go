package kubelet

import (
	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/sim"
)

// execute runs the worker's probe against container instance in. The
// outcome arrives after the probe's duration: the application's response
// time, capped at timeoutSeconds; the worker is busy meanwhile.
//
// If the process that is answering dies before the answer is complete, the
// probe fails at that moment: the connection is closed under it.
func (w *probeWorker) execute(in *instance, n int) {
	now := w.k.e.Now()
	target, o := w.probe(in, now)
	o.instance = n
	w.outcome, w.target = o, nil
	h := w.k.e.After(o.duration, kindProbe, w.done)
	if target != nil && o.duration > 0 {
		// Only an answer that takes time can be cut short by the
		// process's death; only then does answered look at the instance.
		target.inflight = append(target.inflight, inflightProbe{w: w, h: h, began: now, o: o})
		w.target = target
	}
}

// answered delivers the outcome of the probe in flight when its answer
// arrives. It is bound once per worker (w.done), so a probe allocates no
// closure.
func (w *probeWorker) answered() {
	if w.target != nil {
		w.target.dropInflight(w)
		w.target = nil
	}
	if w.stopped {
		return // the worker ended (a kubelet restart) while its probe ran
	}
	w.finish(w.outcome)
}

// inflightProbe is a probe waiting for a process's answer.
type inflightProbe struct {
	w     *probeWorker
	h     sim.Handle
	began sim.Time
	o     probeOutcome
}

func (in *instance) dropInflight(w *probeWorker) {
	for i, p := range in.inflight {
		if p.w == w {
			in.inflight = append(in.inflight[:i], in.inflight[i+1:]...)
			return
		}
	}
}

// abortInflight fails the probes a dying process was answering: their
// connections close with nothing read (Go's client reports EOF).
func (k *Kubelet) abortInflight(in *instance) {
	now := k.e.Now()
	for _, p := range in.inflight {
		if !k.e.Cancel(p.h) {
			continue
		}
		o := p.o
		o.result, o.warning, o.duration = failure, false, now.Sub(p.began)
		if o.url != "" {
			o.output = k.urlError(o.url, "EOF")
		}
		p.w.finish(o)
	}
	in.inflight = nil
}

// probe runs the worker's handler against the process it reaches and
// returns that process's instance (nil when none answers) and the outcome.
//
// Network probes go to the pod's IP, so they reach whichever instance of the
// container listens now, even while the kubelet's cached status still names
// an instance that has died (until the next relist). An exec goes to the
// container ID the kubelet knows.
func (w *probeWorker) probe(in *instance, now sim.Time) (*instance, probeOutcome) {
	var p Process = deadProcess{}
	target := w.live
	if target != nil {
		p = w.liveProc
	}
	if w.httpGet == nil && w.spec.Exec != nil {
		if !in.running {
			return nil, probeOutcome{result: unknown, err: true, output: "container not running (" + in.id + ")"}
		}
		p, target = in.proc, in
	}
	if w.ip == "" {
		w.ip = w.ps.ip
	}
	var o probeOutcome
	var crashed bool
	if w.httpGet != nil {
		o, crashed = w.k.httpGetProbe(p, w.httpGet, w.httpPort, w.httpPortErr, w.httpPath, w.ip, &w.url, now, w.timeout)
	} else {
		o, crashed = w.k.runHandler(p, &w.spec.ProbeHandler, w.c.spec, w.ip, &w.url, now, w.timeout)
	}
	if crashed && target != nil {
		// Serving this request ends the process: its exit moves.
		w.k.watchExit(w.ps, w.c, target)
	}
	return target, o
}

// deadProcess is what a probe reaches in a pod whose process has exited:
// every connection is refused at once.
type deadProcess struct{}

func refused(at sim.Time) app.Reply { return app.Reply{Kind: app.Refused, Begin: at, End: at} }

func (deadProcess) Exit() (sim.Time, int, string, bool)            { return 0, 0, "", false }
func (deadProcess) HTTP(at sim.Time, _ int, _, _ string) app.Reply { return refused(at) }
func (deadProcess) TCP(at sim.Time, _ int) app.Reply               { return refused(at) }
func (deadProcess) GRPC(at sim.Time, _ int, _ string) app.Reply    { return refused(at) }
func (deadProcess) Exec(at sim.Time, _ []string) app.Reply         { return refused(at) }
func (deadProcess) Signal(sim.Time, app.Signal) app.Reaction       { return app.Reaction{At: sim.Never} }
