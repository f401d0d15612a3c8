package kubelet

import (
	"github.com/probesim/probesim/sim"
)

// updatePod is podWorkers.UpdatePod: it asks for a sync of the pod. A worker
// that is busy remembers one pending update and syncs again when it is done;
// updates coalesce.
func (k *Kubelet) updatePod(ps *podState) {
	if ps.working {
		ps.pending = true
		return
	}
	ps.working = true
	ps.syncEpoch = k.epoch
	if ps.startFn == nil {
		ps.startFn = ps.startSync
	}
	k.e.At(k.e.Now(), kindPodSync, ps.startFn)
}

// startSync begins one iteration of managePodLoop. Before syncing, the worker
// reads the pod's runtime status from the PLEG cache with GetNewerThan(the
// end of the previous sync): if no relist has run since then, it waits for
// the next one.
func (ps *podState) startSync() {
	k := ps.k
	if ps.syncEpoch != k.epoch {
		return // asked for by a kubelet process that has ended
	}
	// A new kubelet process has an empty cache: its first syncs wait for
	// its first relist (GetNewerThan on a cache never updated).
	newer := ps.lastSyncEnd
	if k.epoch > 0 {
		newer = max(newer, k.cfg.StartedAt)
	}
	if k.legacyTimer == nil && newer != 0 && k.lastRelist <= newer {
		if !ps.waitRelist {
			ps.waitRelist = true
			k.waiting++
		}
		return
	}
	ps.sync = newPodSync(ps)
	switch {
	case ps.terminating:
		// A terminating pod's worker does nothing more until it is gone.
		ps.finishSync(false, 0)
	case ps.deleting:
		ps.sync.terminating()
	case k.legacyTimer != nil:
		ps.sync.runLegacy()
	default:
		ps.sync.run()
	}
}

// relistDone releases the workers that wait for a fresh cache.
func (k *Kubelet) relistDone() {
	if k.waiting == 0 && !k.cfg.Straightforward {
		return
	}
	for _, ps := range k.podOrder {
		if ps.waitRelist {
			ps.waitRelist = false
			k.waiting--
			ps.startSync()
		}
	}
}

// finishSync is completeWork: it requeues the pod, after the resync interval
// if the sync succeeded or after the error backoff if it failed, and runs the
// next sync at once if an update is pending. From 1.35 a sync that failed on
// a crash-loop backoff requeues towards the backoff's expiry instead
// (backoffUntil; 0 when the failure was something else).
func (ps *podState) finishSync(failed bool, backoffUntil sim.Time) {
	k := ps.k
	now := k.e.Now()
	ps.sync = nil
	ps.lastSyncEnd = now
	var delay sim.Duration
	switch {
	case k.legacyTimer != nil:
		// 1.1 has no work queue: the periodic syncLoop is the requeue.
		ps.requeueAt = sim.Never
		ps.working = false
		if ps.pending {
			ps.pending = false
			k.updatePod(ps)
		}
		return
	case !failed:
		delay = k.jitter(resyncInterval, workerJitterFactor)
	case backoffUntil != 0 && k.cfg.Profile.BackoffAwareRequeue():
		delay = k.jitter(min(max(backoffUntil.Sub(now), 0), resyncInterval), workerJitterFactor)
	default:
		delay = k.jitter(backOffPeriod, workerJitterFactor)
	}
	ps.requeueAt = now.Add(delay)
	k.requeueFrom = min(k.requeueFrom, ps.requeueAt)
	ps.working = false
	if ps.pending {
		ps.pending = false
		k.updatePod(ps)
	}
}
