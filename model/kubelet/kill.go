package kubelet

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/sim"
)

// minimumGracePeriod is minimumGracePeriodInSeconds in
// kuberuntime_container.go: a kill always allows at least 2 s.
const minimumGracePeriod = 2 * time.Second

var kindKill = sim.NewKind("kubelet/kill", phaseRuntime)

// killGrace is setTerminationGracePeriod for a kill during a pod sync: the
// deletion grace period of a pod being deleted; otherwise, for a liveness
// or startup kill, the probe's own terminationGracePeriodSeconds where the
// release honours it; otherwise the pod's.
func (ps *podState) killGrace(c *corev1.Container, probe probeType) sim.Duration {
	grace := int64(30)
	if g := ps.pod.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = *g
	}
	switch {
	case ps.pod.DeletionGracePeriodSeconds != nil:
		grace = *ps.pod.DeletionGracePeriodSeconds
	case probe == liveness && c.LivenessProbe != nil && c.LivenessProbe.TerminationGracePeriodSeconds != nil && ps.k.cfg.Profile.ProbeTerminationGracePeriod():
		grace = *c.LivenessProbe.TerminationGracePeriodSeconds
	case probe == startup && c.StartupProbe != nil && c.StartupProbe.TerminationGracePeriodSeconds != nil && ps.k.cfg.Profile.ProbeTerminationGracePeriod():
		grace = *c.StartupProbe.TerminationGracePeriodSeconds
	}
	return sim.Duration(grace) * time.Second
}

// killContainer is killContainer in kuberuntime_container.go: a Killing
// event, then StopContainer: SIGTERM, and SIGKILL when the grace period
// (at least 2 s) runs out. done is called once the process is dead, however
// it died: by the signal, by itself meanwhile, or by SIGKILL.
//
// The 1.11 kubelet wrote the Killing event once the container had stopped.
func (k *Kubelet) killContainer(ps *podState, c *containerState, in *instance, message string, grace sim.Duration, done func()) {
	event := func() {
		k.cfg.Events.Event(k.source, events.ContainerRef(ps.object, c.spec.Name), events.Normal, "Killing", message)
	}
	late := k.cfg.Profile.KillingEventAfterStop()
	if !late {
		event()
	}
	if !in.running {
		if late {
			event()
		}
		done()
		return
	}
	grace = max(grace, minimumGracePeriod)
	var kill sim.Handle
	in.onExit = func() {
		k.e.Cancel(kill)
		if late {
			event()
		}
		done()
	}
	in.proc.Signal(k.e.Now(), app.SIGTERM)
	k.watchExit(ps, c, in)
	kill = k.e.At(k.e.Now().Add(grace), kindKill, func() {
		in.proc.Signal(k.e.Now(), app.SIGKILL)
		k.processExited(ps, c, in, 137, exitReason(137))
	})
}

// exitReason is the reason the runtime gives a terminated container.
func exitReason(code int32) string {
	if code == 0 {
		return "Completed"
	}
	return "Error"
}
