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
// event, the preStop hook (which uses up whole seconds of the grace
// period), then StopContainer: SIGTERM, and SIGKILL when the remaining grace
// (at least 2 s) runs out. done is called once the process is dead, however
// it died: by the signal, by itself meanwhile, or by SIGKILL.
//
// The 1.11 kubelet wrote the Killing event once the container had stopped.
func (k *Kubelet) killContainer(ps *podState, c *containerState, in *instance, message string, grace sim.Duration, done func()) {
	event := func() {
		k.cfg.Events.Event(k.source, c.ref(ps.object), events.Normal, "Killing", message)
	}
	late := k.cfg.Profile.KillingEventAfterStop()
	if !late {
		event()
	}
	finish := func() {
		if late {
			event()
		}
		done()
	}
	if !in.running {
		finish()
		return
	}
	stop := func(grace sim.Duration) {
		if !in.running {
			finish()
			return
		}
		grace = max(grace, minimumGracePeriod)
		var kill sim.Handle
		in.onExit = func() {
			k.e.Cancel(kill)
			finish()
		}
		in.proc.Signal(k.e.Now(), app.SIGTERM)
		k.watchExit(ps, c, in)
		kill = k.e.At(k.e.Now().Add(grace), kindKill, func() {
			in.proc.Signal(k.e.Now(), app.SIGKILL)
			k.processExited(ps, c, in, 137, exitReason(137))
		})
	}
	if c.spec.Lifecycle == nil || c.spec.Lifecycle.PreStop == nil || grace <= 0 {
		stop(grace)
		return
	}
	k.preStop(ps, c, in, grace, stop)
}

// preStop is executePreStopHook: the hook runs for at most the grace
// period; then the whole seconds it took are taken off the grace, and stop
// goes on with the rest. A failed hook is a FailedPreStopHook event; the
// kill goes on regardless.
func (k *Kubelet) preStop(ps *podState, c *containerState, in *instance, grace sim.Duration, stop func(sim.Duration)) {
	start := k.e.Now()
	h := c.spec.Lifecycle.PreStop
	end, ok := sim.Never, true
	switch {
	case h.Sleep != nil && k.cfg.Profile.PreStopSleep():
		end = start.Add(sim.Duration(h.Sleep.Seconds) * time.Second)
	case h.Exec != nil:
		r := in.proc.Exec(start, h.Exec.Command)
		end, ok = r.End, r.Kind == app.Answered && r.Exit == 0
		if r.Kind == app.Hang {
			end = sim.Never
		}
	case h.HTTPGet != nil:
		port, err := resolvePort(h.HTTPGet.Port, c.spec)
		if err != nil {
			end, ok = start, false
			break
		}
		r := in.proc.HTTP(start, port, "GET", requestPath(h.HTTPGet.Path))
		end, ok = r.End, r.Kind == app.Answered && r.Status >= 200 && r.Status < 400
		if r.Kind == app.Hang {
			end = sim.Never
		}
	default:
		// A hook the release does not know (sleep before 1.30) does nothing.
		end = start
	}
	deadline := start.Add(grace)
	k.e.At(min(end, deadline), kindKill, func() {
		if end <= deadline && !ok {
			k.cfg.Events.Event(k.source, c.ref(ps.object), events.Warning, "FailedPreStopHook", "PreStopHook failed")
		}
		used := k.e.Now().Sub(start).Truncate(time.Second)
		stop(grace - used)
	})
}

// exitReason is the reason the runtime gives a terminated container.
func exitReason(code int32) string {
	if code == 0 {
		return "Completed"
	}
	return "Error"
}
