package kubelet

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// A kubelet restart (`systemctl restart kubelet`) ends the process and
// everything it held in memory: pod workers and the syncs they were in,
// probe workers and their results, the crash-loop and image back-offs, the
// reason cache and the status manager's cache. The node keeps running:
// containers, their processes, the images on disk, and what the kubelet
// had already asked the runtime to do (a kill's grace period, a pull, a
// container being created) runs to its end without the kubelet hearing of
// it. The new process lists its pods from the API and relists the runtime
// as on any start, so every pod gets a fresh worker and fresh probe workers
// whose start-up sleep applies again (prober/worker.go run: the kubelet
// started less than a period ago).

// Stop ends the kubelet process: its loops, workers and in-memory state.
// Start begins a new one. Stopping a stopped kubelet is an error.
func (k *Kubelet) Stop() error {
	if k.down {
		return fmt.Errorf("kubelet on %s is already stopped", k.cfg.Node)
	}
	k.down = true
	k.epoch++ // syncs and pulls in flight no longer continue
	for _, t := range []*sim.Ticker{k.syncTicker, k.plegTicker, k.houseTicker} {
		if t != nil {
			t.Stop()
		}
	}
	k.syncTicker, k.plegTicker, k.houseTicker = nil, nil, nil
	k.e.Cancel(k.firstTicks[0])
	k.e.Cancel(k.firstTicks[1])
	k.e.Cancel(k.firstTicks[2])
	if k.legacyTimer != nil {
		k.legacyTimer.Stop()
	}
	for _, ps := range k.podOrder {
		ps.forgetKubeletState()
	}
	k.backoff = nil
	k.images.forgetKubeletState()
	return nil
}

// Down reports whether the kubelet process is stopped.
func (k *Kubelet) Down() bool { return k.down }

// forgetKubeletState drops what the kubelet held about the pod in memory;
// the pod's containers (the runtime's) and its API status stay.
func (ps *podState) forgetKubeletState() {
	if ps.waitRelist {
		ps.k.waiting--
	}
	ps.working, ps.pending, ps.waitRelist = false, false, false
	ps.requeueAt = sim.Never
	ps.sync = nil
	ps.lastSyncEnd = 0
	ps.echoes = nil // a stopped kubelet's watch delivers nothing
	ps.cache = make([]runtimeStatus, len(ps.containers))
	ps.initCache = make([]runtimeStatus, len(ps.inits))
	ps.k.runtimeChanged = true
	ps.statusInputsChanged()
	ps.hasStatus = false // the status manager starts empty; ps.status is what the API has
	ps.probing = false
	ps.terminating = false
	for _, c := range ps.containers {
		for i, w := range c.probes {
			if w != nil {
				w.stop()
				c.probes[i] = nil
			}
		}
		c.reason, c.reasonMessage = "", ""
		c.legacyReady, c.legacyReadyID = false, ""
	}
	for _, c := range ps.inits {
		c.reason, c.reasonMessage = "", ""
	}
}

func (m *images) forgetKubeletState() {
	m.queue = nil
	m.running = 0
	m.backoff = map[string]*backoffEntry{}
	m.prevErrs = map[string]string{}
}

// restart is Start on a kubelet that ran before: it reads its pods from the
// API (the informer's list), forgetting pods deleted meanwhile and
// admitting pods bound to it meanwhile, and hands every pod to a new
// worker.
func (k *Kubelet) restart() {
	k.down = false
	k.cfg.StartedAt = k.e.Now()
	k.cfg.Events.Eventf(k.source, "Node/"+k.cfg.Node, "Normal", "Starting", "Starting kubelet.")
	node := k.cfg.Node
	for _, ps := range append([]*podState(nil), k.podOrder...) {
		cur, ok := k.cfg.Store.Pods.Get(ps.pod.Namespace, ps.pod.Name)
		if !ok || cur.UID != ps.pod.UID || cur.Spec.NodeName != node {
			k.forget(ps)
			continue
		}
		ps.setPod(cur)
		k.addProbesAtPodAdd(ps) // the new kubelet's informer adds every pod
		k.syncUpdated(ps)
	}
	for _, pod := range k.cfg.Store.Pods.List() {
		if pod.Spec.NodeName == node && k.pods[pod.UID] == nil {
			k.admit(pod)
		}
	}
}

// startedBeforeRestart reports whether a container instance was already
// running before this kubelet process started, with the prober's margin
// (prober_manager.go kubeletRestartGracePeriod: 10 s before the start).
func (k *Kubelet) startedBeforeRestart(in *instance) bool {
	return k.epoch > 0 && in != nil && in.running && in.startedAt < k.cfg.StartedAt.Add(-kubeletRestartGrace)
}

// kubeletRestartGrace is the margin of kubeletRestartGracePeriod.
const kubeletRestartGrace = 10 * sim.Duration(1e9)

// keepsStatusOnRestart reports whether a new kubelet keeps the readiness
// and startedness the API shows for containers that ran before it started,
// instead of resetting them until the probes run again
// (ChangeContainerStatusOnKubeletRestart off, the default from 1.35;
// before, the NotReady flap of kubernetes/kubernetes#100277).
func (k *Kubelet) keepsStatusOnRestart() bool {
	return !k.cfg.Profile.Gate("ChangeContainerStatusOnKubeletRestart")
}

// podReadyInAPI reports the pod's Ready condition as the API has it.
func (ps *podState) podReadyInAPI() bool {
	for _, c := range ps.status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
