package kubelet

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// doProbe is worker.doProbe: it reads the container's state from the status
// manager's cache and, if every gate passes, runs the probe. It reports
// whether the worker keeps going and whether a probe is now running (its
// result arrives later, through finish).
func (w *probeWorker) doProbe() (keepGoing, running bool) {
	// The worker reads a copy of the cached status (GetPodStatus copies):
	// the results it sets below change the cache, not what this probe
	// read. It reads the container's view of it, which holds all it needs
	// (see statusView).
	cs := w.view
	// 1. No status yet: the pod has not been synced.
	if !cs.hasStatus {
		return true, false
	}
	// 2. A terminal pod ends the worker.
	if cs.terminal {
		return false, false
	}
	// 3. The container has no ID yet: wait.
	if !cs.present || cs.id == "" {
		return true, false
	}
	// 4. A new container ID: reset the stored result to the initial value
	// and resume probing.
	if w.containerID != cs.id {
		w.containerID = cs.id
		// From 1.35 a new kubelet leaves the result of a container that ran
		// before it started unset, so that a Ready container does not
		// flap (ChangeContainerStatusOnKubeletRestart off).
		if !(w.k.keepsStatusOnRestart() && cs.running && w.k.startedBeforeRestart(cs.inst)) {
			w.set(w.initial)
		}
		w.onHold = false
	}
	// 5. On hold until a new container appears.
	if w.onHold {
		return true, false
	}
	// 6. A container that is not running fails every probe type; the worker
	// ends only if the container will never run again.
	if !cs.running {
		w.set(failure)
		return !cs.terminated || w.ps.pod.Spec.RestartPolicy != corev1.RestartPolicyNever, false
	}
	// 7. The worker's own deletion check reads the pod as it was when the
	// worker was created, which never has a deletionTimestamp: in practice
	// it never fires (docs/fidelity.md P10). Termination stops the
	// liveness and startup workers instead (SyncTerminatingPod, 1.25+).
	//
	// 8. initialDelaySeconds: the cached StartedAt is cut to whole seconds,
	// and the elapsed time truncated to whole seconds, so the first
	// counted probe is at now ≥ floor_s(StartedAt) + initialDelaySeconds.
	if cs.inst == nil {
		return true, false
	}
	if int32(w.k.e.Now().Sub(cs.startedAt.Truncate(time.Second))/time.Second) < w.initialDelay {
		return true, false
	}
	// 9. Startup gates the others: a started container is no longer
	// startup-probed, and readiness and liveness wait until it is started.
	if cs.started == (w.typ == startup) {
		return true, false
	}
	// 10. Probe.
	w.execute(cs.inst, cs.n)
	return true, true
}

// finish applies a probe's result when the probe ends: the Unhealthy or
// warning event, the threshold counting, and the results manager.
func (w *probeWorker) finish(o probeOutcome) {
	k := w.k
	if w.epoch != k.epoch {
		// The kubelet process that ran the probe has ended (restartKubelet):
		// its result, event and counters ended with it.
		return
	}
	now := k.e.Now()
	res := o.result
	rec := &k.probeRecord
	if k.cfg.Log.Keeps(record.KindProbe) {
		rec = new(record.Probe)
	}
	*rec = record.Probe{
		Header:    record.Header{Object: w.object},
		Container: w.container, Instance: o.instance, Probe: w.typ.recordName(),
		Result: o.recordResult(), Output: o.output, Duration: record.Dur(o.duration),
	}
	k.cfg.Log.Add(now, record.KindProbe, rec)
	switch {
	case o.err:
		// A prober error: the event says so and the result is thrown away.
		k.cfg.Events.Event(k.source, events.ContainerRef(w.ps.object, w.c.spec.Name), events.Warning, "Unhealthy",
			k.msgProbeErrored(w.typ, o.output))
		w.idle()
		return
	case o.warning:
		k.cfg.Events.Event(k.source, events.ContainerRef(w.ps.object, w.c.spec.Name), events.Warning, "ProbeWarning",
			w.typ.String()+" probe warning: "+o.output)
	case res == failure:
		k.cfg.Events.Event(k.source, events.ContainerRef(w.ps.object, w.c.spec.Name), events.Warning, "Unhealthy",
			w.typ.String()+" probe failed: "+o.output)
	}
	if w.stopped {
		return
	}
	if w.lastResult == res {
		w.resultRun++
	} else {
		w.lastResult = res
		w.resultRun = 1
	}
	if (res == failure && w.resultRun < w.failures) || (res == success && w.resultRun < w.successes) {
		w.idle()
		return
	}
	w.set(res)
	// A liveness failure, and from the release that fixed #117153 any
	// startup result at the threshold, puts the worker on hold until a new
	// container appears.
	if (w.typ == liveness && res == failure) || (w.typ == startup && (res == failure || k.cfg.Profile.StartupHoldAfterSuccess())) {
		w.onHold = true
		w.resultRun = 0
	}
	w.idle()
}

// set is resultsManager.Set for the worker's current container: a change of
// the stored value is sent to the kubelet's sync loop.
func (w *probeWorker) set(r result) {
	if w.storedID == w.containerID && w.stored == r {
		return
	}
	w.storedID, w.stored = w.containerID, r
	w.ps.statusInputsChanged()
	w.k.probeResult(w, r)
}

// get is resultsManager.Get for a container ID.
func (w *probeWorker) get(id string) (result, bool) {
	if w == nil || w.storedID != id || id == "" {
		return unknown, false
	}
	return w.stored, true
}

// probeResult is the sync loop's handling of a results manager update
// (syncLoopIteration): readiness and startup changes go straight into the
// status manager's cache and the API; a liveness failure triggers a pod
// sync, and from 1.21 so do readiness and startup changes.
func (k *Kubelet) probeResult(w *probeWorker, r result) {
	ps := w.ps
	switch w.typ {
	case liveness:
		if r == failure {
			k.updatePod(ps)
		}
	case readiness:
		ps.setContainerCondition(w.c, w.containerID, func(cs *corev1.ContainerStatus) { cs.Ready = r == success })
		if k.cfg.Profile.ProbeResultsTriggerSync() {
			k.updatePod(ps)
		}
	case startup:
		ps.setContainerCondition(w.c, w.containerID, func(cs *corev1.ContainerStatus) {
			started := r == success
			cs.Started = &started
		})
		if k.cfg.Profile.ProbeResultsTriggerSync() {
			k.updatePod(ps)
		}
	}
}

// probeOutcome is what one probe execution produced.
type probeOutcome struct {
	instance int    // the instance the kubelet believed it probed
	url      string // for HTTP probes, the URL requested
	result   result
	output   string
	duration sim.Duration
	err      bool // a prober error: the result is discarded
	warning  bool // a redirect to another host: success with a warning
}

func (o probeOutcome) recordResult() string {
	switch {
	case o.err:
		return "error"
	case o.warning:
		return "warning"
	case o.result == success:
		return "success"
	default:
		return "failure"
	}
}
