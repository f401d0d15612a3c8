package kubelet

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/sim"
)

// Container runtime latencies. These are model parameters, not Kubernetes
// constants: typical containerd figures for creating and starting a container
// whose image is present. docs/fidelity.md lists them as assumptions.
const (
	createLatency = 30 * sim.Duration(1e6)
	startLatency  = 50 * sim.Duration(1e6)
)

// podSync is one pod sync in progress (Kubelet.SyncPod followed by
// kubeGenericRuntimeManager.SyncPod). Steps that take simulated time, such as
// creating and starting a container, continue from kernel events.
type podSync struct {
	ps      *podState
	toKill  []kill // containers to kill first, in spec order
	toStart []int  // indexes of containers to start, in spec order
	// initToStart is the init container to start before anything in
	// toStart (computePodActions' NextInitContainerToStart), and initRS
	// its PLEG cache entry when the sync began; nil for none.
	initToStart *containerState
	initRS      runtimeStatus
	killed      []int // on 1.1, containers killed by liveness in this sync: no backoff
	failed      bool
	// backoffUntil is the earliest crash-loop backoff expiry that failed
	// the sync (kubecontainer.MinBackoffExpiration).
	backoffUntil sim.Time
	epoch        uint32 // the kubelet process that runs the sync
}

// kill is one entry of computePodActions' ContainersToKill.
type kill struct {
	c       *containerState
	in      *instance
	message string
	grace   sim.Duration
}

func newPodSync(ps *podState) *podSync { return &podSync{ps: ps, epoch: ps.k.epoch} }

// stale reports whether the kubelet process that ran the sync has ended:
// what the runtime was doing for it finishes, but the sync goes no further.
func (s *podSync) stale() bool { return s.epoch != s.ps.k.epoch }

// run performs the instantaneous part of a sync: it generates and publishes
// the API status from the PLEG cache, then computes what the runtime must do
// (computePodActions) and starts doing it.
func (s *podSync) run() {
	ps := s.ps
	ps.publishStatus()
	if ps.hasStatus && (ps.status.Phase == corev1.PodSucceeded || ps.status.Phase == corev1.PodFailed) && !ps.sandboxStopped {
		// SyncPod reports the pod terminal and the pod worker runs
		// SyncTerminatingPod: with no container running, killPod only
		// stops the sandbox, and the final status, generated after it,
		// shows the sandbox NOTREADY (kubelet.go, stoppedPodStatus). The
		// time StopPodSandbox takes is not modelled.
		ps.stopSandbox()
		ps.publishStatus()
	}
	if !ps.probing {
		ps.probing = true
		ps.k.addProbes(ps)
	}
	if ps.ip == "" {
		ps.k.assignIP(ps)
	}
	// Initialization failed (the pod is killed: with no container
	// running, nothing to do) or still in progress: the app containers are
	// not looked at.
	if step := ps.initActions(); !step.done {
		if step.next >= 0 {
			s.initToStart, s.initRS = ps.inits[step.next], ps.initCache[step.next]
		}
		s.killNext()
		return
	}
	for i, c := range ps.containers {
		st := ps.cache[i]
		switch {
		case st.inst == nil:
			// Never started: start it.
			s.toStart = append(s.toStart, i)
		case st.running:
			// A running container whose liveness or startup result is
			// Failure is killed, and restarted in the same sync unless the
			// restart policy is Never.
			probe, msg := liveness, "failed liveness probe"
			r, _ := c.probes[liveness].get(st.inst.id)
			if r != failure {
				probe, msg = startup, "failed startup probe"
				r, _ = c.probes[startup].get(st.inst.id)
			}
			if r != failure {
				continue
			}
			restart := ps.pod.Spec.RestartPolicy != corev1.RestartPolicyNever
			if restart {
				s.toStart = append(s.toStart, i)
			}
			message := ps.k.msgKilling(c.spec.Name, msg, restart)
			s.toKill = append(s.toKill, kill{c: c, in: st.inst, message: message, grace: ps.killGrace(c.spec, probe)})
		case shouldRestart(ps.pod.Spec.RestartPolicy, st.inst.exitCode):
			s.toStart = append(s.toStart, i)
		}
	}
	s.killNext()
}

// killNext kills the containers computePodActions chose, one after another
// as killContainersWithSyncResult waits for each, then moves on to starts.
func (s *podSync) killNext() {
	if s.stale() {
		return
	}
	if len(s.toKill) == 0 {
		s.next()
		return
	}
	kl := s.toKill[0]
	s.toKill = s.toKill[1:]
	s.ps.k.killContainer(s.ps, kl.c, kl.in, kl.message, kl.grace, s.killNext)
}

// assignIP is createPodSandbox's network setup: the pod gets its IP, which
// statuses generated from the next sync on show.
func (k *Kubelet) assignIP(ps *podState) {
	k.podIPs++
	ps.statusInputsChanged()
	ps.ip = fmt.Sprintf("%s%d", k.cfg.PodSubnet, k.podIPs%250+2)
}

// shouldRestart is ShouldContainerBeRestarted for an exited container
// (pkg/kubelet/container/helpers.go).
func shouldRestart(policy corev1.RestartPolicy, exitCode int32) bool {
	switch policy {
	case corev1.RestartPolicyNever:
		return false
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	default:
		return true
	}
}

// next starts the next container of the sync, or completes the sync.
func (s *podSync) next() {
	if s.stale() {
		return
	}
	ps := s.ps
	if c := s.initToStart; c != nil {
		// SyncPod step 6: start the next init container, subject to the
		// crash-loop backoff like any container (start → doBackOff).
		s.initToStart = nil
		if inBackoff, until := ps.k.doBackOff(ps, c, s.initRS); inBackoff {
			s.backoffUntil, s.failed = until, true
			s.next()
			return
		}
		c.reason, c.reasonMessage = "", ""
		ps.statusInputsChanged()
		s.startContainer(c)
		return
	}
	if len(s.toStart) == 0 {
		ps.finishSync(s.failed, s.backoffUntil)
		return
	}
	i := s.toStart[0]
	s.toStart = s.toStart[1:]
	c := ps.containers[i]
	// On 1.1 doBackOff read the API status, where a container killed in
	// this sync still runs: liveness restarts were never backed off.
	if slices.Contains(s.killed, i) {
		c.reason, c.reasonMessage = "", ""
		ps.statusInputsChanged()
		s.startContainer(c)
		return
	}
	if inBackoff, until := ps.k.doBackOff(ps, c, ps.cache[i]); inBackoff {
		if !s.failed || until < s.backoffUntil {
			s.backoffUntil = until
		}
		s.failed = true
		s.next()
		return
	}
	c.reason, c.reasonMessage = "", ""
	ps.statusInputsChanged()
	s.startContainer(c)
}

// startContainer is startContainer in kuberuntime_container.go: ensure the
// image, create the container, start it. Each step records its event; the
// process begins when the start completes. A failed pull fails the sync,
// which moves on to the pod's next container.
func (s *podSync) startContainer(c *containerState) {
	s.ps.k.images.ensure(s.ps, c, func(ok bool) {
		if !ok {
			s.failed = true
			s.next()
			return
		}
		s.create(c)
	})
}

// create creates and starts container c, its image present.
func (s *podSync) create(c *containerState) {
	ps := s.ps
	k := ps.k
	ref := c.ref(ps.object)
	k.e.After(createLatency, kindRuntimeOp, func() {
		id := k.newContainerID()
		if !s.stale() {
			k.cfg.Events.Event(k.source, ref, events.Normal, "Created", k.msgCreated(c.spec.Name, id))
		}
		// The runtime finishes a start it was asked for even if the
		// kubelet that asked has gone; only the kubelet's events and the
		// rest of its sync are lost.
		k.e.After(startLatency, kindRuntimeOp, func() {
			k.runContainer(ps, c, id)
			if !s.stale() {
				k.cfg.Events.Event(k.source, ref, events.Normal, "Started", k.msgStarted(c.spec.Name, id))
			}
			s.next()
		})
	})
}
