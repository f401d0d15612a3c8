package kubelet

import (
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// terminating is SyncTerminatingPod: the pod has a deletionTimestamp. The
// status is published, the liveness and startup workers stop (readiness
// keeps probing while the containers drain), and every running container is
// killed in parallel with the pod's deletion grace period. When all are
// dead, the pod is terminated: its final status is published and the status
// manager deletes the object from the API.
func (s *podSync) terminating() {
	ps := s.ps
	k := ps.k
	ps.terminating = true
	ps.publishStatus()
	if k.cfg.Profile.StopLivenessAndStartupOnTermination() {
		for _, c := range ps.containers {
			for _, t := range []probeType{liveness, startup} {
				if w := c.probes[t]; w != nil {
					w.stop()
				}
			}
		}
	}
	grace := 30 * time.Second
	if g := ps.pod.DeletionGracePeriodSeconds; g != nil {
		grace = time.Duration(*g) * time.Second
	}
	pending := 0
	done := func() {
		pending--
		if pending == 0 {
			s.terminated()
		}
	}
	// killPodWithSyncResult kills every running container of the pod,
	// an init container still at work included.
	for _, list := range [][]*containerState{ps.inits, ps.containers} {
		for _, c := range list {
			if in := c.newest(); in != nil && in.running {
				pending++
				k.killContainer(ps, c, in, k.msgStopping(c.spec.Name), grace, done)
			}
		}
	}
	if pending == 0 {
		s.terminated()
	}
}

var kindDelete = sim.NewKind("kubelet/status-delete", phaseSync)

// terminated is SyncTerminatedPod followed by the status manager's final
// delete (status_manager.go canBeDeleted → Delete with grace 0), which
// removes the pod from the API a moment later.
func (s *podSync) terminated() {
	if s.stale() {
		return
	}
	ps := s.ps
	k := ps.k
	ps.refreshCaches()
	// killPod stopped the sandbox too (killPodWithSyncResult →
	// StopPodSandbox); the final status is generated from the runtime's
	// status after the kill (kubelet.go SyncTerminatingPod,
	// stoppedPodStatus), which shows it NOTREADY.
	ps.stopSandbox()
	ps.publishStatus()
	for _, c := range ps.containers {
		if w := c.probes[readiness]; w != nil {
			w.stop()
		}
	}
	k.e.After(statusUpdateLatency, kindDelete, func() {
		if s.stale() {
			return
		}
		if cur, ok := k.cfg.Store.Pods.Get(ps.pod.Namespace, ps.pod.Name); ok && cur.UID == ps.pod.UID {
			k.cfg.Store.Pods.Delete(ps.pod.Namespace, ps.pod.Name)
			k.cfg.Log.Add(k.e.Now(), record.KindObject, &record.Object{Header: record.Header{Object: ps.object}, Action: "deleted"})
		}
	})
	ps.finishSync(false, 0)
}

// stopSandbox records that the pod's sandbox is stopped, an input of the
// status (PodReadyToStartContainers).
func (ps *podState) stopSandbox() {
	if !ps.sandboxStopped {
		ps.sandboxStopped = true
		ps.statusInputsChanged()
	}
}
