package kubelet

import (
	"github.com/probesim/probesim/model/record"
)

// runContainer starts container c's new instance, created with the given
// ID: the process begins now, and if it is going to end by itself, its exit
// is scheduled.
func (k *Kubelet) runContainer(ps *podState, c *containerState, id string) {
	now := k.e.Now()
	in := &instance{n: len(c.instances) + 1, id: id, running: true, startedAt: now}
	c.instances = append(c.instances, in)
	k.runtimeChanged = true
	ps.statusInputsChanged()
	streamName := "app/" + ps.pod.Namespace + "/" + ps.pod.Name + "/" + c.spec.Name
	var memLimit int64
	if q, ok := c.spec.Resources.Limits["memory"]; ok {
		memLimit = q.Value()
	}
	in.proc = k.cfg.Apps.Start(c.spec.Image, in.n, now, memLimit, k.e.Rand(streamName))
	c.runtimeChanged()
	k.cfg.Log.Add(now, record.KindContainer, &record.Container{
		Header:    record.Header{Object: ps.object},
		Container: c.spec.Name, Instance: in.n, State: "running", Init: c.init,
	})
	k.watchExit(ps, c, in)
}

// watchExit schedules the instance's exit as the process now reports it,
// replacing any earlier schedule. The runtime calls it whenever something
// may have changed the answer: a start, a signal, a request that crashed
// the process.
func (k *Kubelet) watchExit(ps *podState, c *containerState, in *instance) {
	k.e.Cancel(in.exit)
	if !in.running {
		return
	}
	at, code, reason, ok := in.proc.Exit()
	if !ok {
		return
	}
	in.exit = k.e.At(at, kindProcess, func() { k.processExited(ps, c, in, int32(code), reason) })
}

// processExited records the end of an instance's process. The kubelet learns
// of it at its next relist; whoever waits for it (a kill) is told now.
func (k *Kubelet) processExited(ps *podState, c *containerState, in *instance, code int32, reason string) {
	if !in.running {
		return
	}
	now := k.e.Now()
	in.running = false
	in.finishedAt = now
	k.runtimeChanged = true
	ps.statusInputsChanged()
	c.runtimeChanged()
	in.exitCode = code
	in.reason = reason
	k.e.Cancel(in.exit)
	k.abortInflight(in)
	k.cfg.Log.Add(now, record.KindContainer, &record.Container{
		Header:    record.Header{Object: ps.object},
		Container: c.spec.Name, Instance: in.n, State: "terminated",
		Reason: reason, ExitCode: &code, Init: c.init,
	})
	if w := in.onExit; w != nil {
		in.onExit = nil
		w()
	}
}
