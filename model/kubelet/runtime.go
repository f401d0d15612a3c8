package kubelet

import (
	"github.com/probesim/probesim/model/record"
)

// runContainer starts a new instance of container c: the process begins now,
// and if it is going to end by itself, its exit is scheduled.
func (k *Kubelet) runContainer(ps *podState, c *containerState) {
	now := k.e.Now()
	in := &instance{n: len(c.instances) + 1, id: k.newContainerID(), running: true, startedAt: now}
	c.instances = append(c.instances, in)
	streamName := "app/" + ps.pod.Namespace + "/" + ps.pod.Name + "/" + c.spec.Name
	in.proc = k.cfg.Apps.Start(c.spec.Image, in.n, now, k.e.Rand(streamName))
	k.cfg.Log.Add(now, record.KindContainer, &record.Container{
		Header:    record.Header{Object: ps.object},
		Container: c.spec.Name, Instance: in.n, State: "running",
	})
	if at, code, reason, ok := in.proc.Exit(); ok {
		in.exit = k.e.At(at, kindProcess, func() { k.processExited(ps, c, in, code, reason, "") })
	}
}

// processExited records the end of an instance's process. The kubelet learns
// of it at its next relist.
func (k *Kubelet) processExited(ps *podState, c *containerState, in *instance, code int32, reason, signal string) {
	if !in.running {
		return
	}
	now := k.e.Now()
	in.running = false
	in.finishedAt = now
	in.exitCode = code
	in.reason = reason
	k.e.Cancel(in.exit)
	k.abortInflight(in)
	k.cfg.Log.Add(now, record.KindContainer, &record.Container{
		Header:    record.Header{Object: ps.object},
		Container: c.spec.Name, Instance: in.n, State: "terminated",
		Reason: reason, ExitCode: &code, Signal: signal,
	})
	if w := in.onExit; w != nil {
		in.onExit = nil
		w()
	}
}
