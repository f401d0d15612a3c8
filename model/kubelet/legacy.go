package kubelet

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// The 1.1 kubelet (OpenShift 3.1) had no PLEG and no probe workers. Its
// syncLoop waited time.After(syncFrequency) — re-armed on every iteration,
// so a config update postponed the periodic sync — and then dispatched every
// pod to its pod worker. A pod sync inspected the runtime directly and ran
// the probes inline: readiness, then liveness, each tried up to three times
// while not Success; a failed liveness round killed and restarted the
// container in that sync, never subject to crash-loop backoff. See
// docs/fidelity.md section 8 and R10.

const (
	legacySyncFrequency = 10 * time.Second // syncFrequency default
	legacyProbeTries    = 3                // maxProbeRetries, applied while not Success
)

// startLegacy starts the 1.1 sync loop.
func (k *Kubelet) startLegacy() {
	k.legacyTimer = k.e.NewTimer(kindSyncTick, k.legacySyncAll)
	k.legacyTimer.Reset(sim.Duration(k.rng.Int64N(int64(legacySyncFrequency))))
	k.watchPods()
}

// legacySyncAll is one syncLoop iteration: SyncPods hands every pod to its
// worker, then the loop waits syncFrequency again.
func (k *Kubelet) legacySyncAll() {
	for _, ps := range k.podOrder {
		k.updatePod(ps)
	}
	k.gcBackoff()
	k.legacyTimer.Reset(legacySyncFrequency)
}

// legacyConfigUpdate is a pod ADD or UPDATE reaching the 1.1
// syncLoopIteration: HandlePodAdditions/HandlePodUpdates dispatch that pod
// to its worker at once, and the periodic wait, a time.After made anew on
// every iteration, starts over (v1.1.0 kubelet.go syncLoopIteration).
func (k *Kubelet) legacyConfigUpdate(ps *podState) {
	k.updatePod(ps)
	k.legacyTimer.Reset(legacySyncFrequency)
}

// refreshCache makes the pod's runtime view current: the 1.1 sync inspected
// the containers itself instead of reading a PLEG cache.
func (ps *podState) refreshCache() { ps.refreshCaches() }

// refreshCaches sets the PLEG cache of every container that has run to
// its newest instance's state.
func (ps *podState) refreshCaches() {
	for i, c := range ps.inits {
		if in := c.newest(); in != nil {
			ps.initCache[i] = runtimeStatus{inst: in, running: in.running, finishedAt: in.finishedAt}
			ps.statusInputsChanged()
		}
	}
	for i, c := range ps.containers {
		if in := c.newest(); in != nil {
			ps.cache[i] = runtimeStatus{inst: in, running: in.running, finishedAt: in.finishedAt}
			ps.statusInputsChanged()
		}
	}
}

// runLegacy is the 1.1 SyncPod: status, then per container: start it if it
// is not running (after the backoff check), or probe it inline and kill and
// restart it if liveness fails.
func (s *podSync) runLegacy() {
	ps := s.ps
	ps.refreshCache()
	ps.publishStatus()
	if ps.ip == "" {
		ps.k.assignIP(ps)
	}
	var toProbe []int
	for i := range ps.containers {
		st := ps.cache[i]
		switch {
		case st.inst == nil:
			s.toStart = append(s.toStart, i)
		case st.running:
			toProbe = append(toProbe, i)
		case shouldRestart(ps.pod.Spec.RestartPolicy, st.inst.exitCode):
			s.toStart = append(s.toStart, i)
		}
	}
	s.probeLegacy(toProbe)
}

// probeLegacy probes the running containers one after another (prober.Probe:
// readiness, then liveness), then kills the ones whose liveness failed and
// starts what must start.
func (s *podSync) probeLegacy(containers []int) {
	ps := s.ps
	if len(containers) == 0 {
		s.killNext()
		return
	}
	i := containers[0]
	c := ps.containers[i]
	in := ps.cache[i].inst
	s.legacyRound(c, in, readiness, func(ready result) {
		c.legacyReady = c.spec.ReadinessProbe == nil || ready == success
		c.legacyReadyID = in.id
		ps.statusInputsChanged()
		s.legacyRound(c, in, liveness, func(live result) {
			if live == failure {
				restart := ps.pod.Spec.RestartPolicy != corev1.RestartPolicyNever
				if restart {
					s.toStart = append(s.toStart, i)
					s.killed = append(s.killed, i)
				}
				s.toKill = append(s.toKill, kill{c: c, in: in, message: "Killing with docker id " + shortID(in.id), grace: ps.killGrace(c.spec, liveness)})
			}
			s.probeLegacy(containers[1:])
		})
	})
}

// legacyRound runs one probe of a container as the 1.1 prober did: nothing
// during initialDelaySeconds, counted in whole seconds from the container's
// creation (liveness Success, readiness Failure meanwhile); otherwise up to
// three tries while the result is not Success, one after another. done gets
// success, failure, or unknown for a prober error (which keeps the
// container).
func (s *podSync) legacyRound(c *containerState, in *instance, t probeType, done func(result)) {
	ps := s.ps
	k := ps.k
	spec := c.spec.LivenessProbe
	if t == readiness {
		spec = c.spec.ReadinessProbe
	}
	if spec == nil {
		done(success)
		return
	}
	created := in.startedAt.Add(-startLatency)
	if k.e.Now().Truncate(time.Second).Sub(created.Truncate(time.Second)) < sim.Duration(spec.InitialDelaySeconds)*time.Second {
		if t == liveness {
			done(success)
		} else {
			done(failure)
		}
		return
	}
	var try func(n int)
	try = func(n int) {
		now := k.e.Now()
		var url string
		var p Process = in.proc
		if !in.running {
			p = deadProcess{}
		}
		o, crashed := k.runHandler(p, &spec.ProbeHandler, c.spec, ps.ip, &url, now, sim.Duration(spec.TimeoutSeconds)*time.Second)
		if crashed {
			k.watchExit(ps, c, in)
		}
		k.e.After(o.duration, kindProbe, func() {
			if s.stale() {
				// The kubelet process that ran this sync has ended: the
				// probe's result, and the tries after it, ended with it.
				return
			}
			o.instance = in.n
			k.cfg.Log.Add(k.e.Now(), record.KindProbe, &record.Probe{
				Header:    record.Header{Object: ps.object},
				Container: c.spec.Name, Instance: in.n, Probe: t.recordName(),
				Result: o.recordResult(), Output: o.output, Duration: record.Dur(o.duration),
			})
			if (o.err || o.result != success) && n < legacyProbeTries {
				try(n + 1)
				return
			}
			ref := c.ref(ps.object)
			switch {
			case o.err:
				k.cfg.Events.Event(k.source, ref, events.Warning, "Unhealthy", t.String()+" probe errored: "+o.output)
				done(unknown)
			case o.result != success:
				k.cfg.Events.Event(k.source, ref, events.Warning, "Unhealthy", t.String()+" probe failed: "+o.output)
				done(failure)
			default:
				done(success)
			}
		})
	}
	try(1)
}
