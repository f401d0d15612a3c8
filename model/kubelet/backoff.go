package kubelet

import (
	"fmt"
	"time"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/sim"
)

// Crash-loop backoff: flowcontrol.Backoff as the kubelet configures it in
// NewMainKubelet (no jitter), keyed per pod instance and container, with
// the initial and maximum delays of the release and its gates
// (version.Profile.CrashLoopBackOff).
const (
	// backoffExpiry is the kubelet's HasExpiredFunc: an entry idle this long
	// (measured from the last restart) is forgotten, and the next crash
	// restarts at once. It is 2 × max, fixed at 600 s by KEP-4603.
	backoffExpiry = 600 * time.Second
)

type backoffEntry struct {
	backoff    sim.Duration
	lastUpdate sim.Time
}

// backoffKey is getStableKey (kuberuntime/helpers.go): pod name, namespace,
// UID, container name and the container's spec hash. A new pod, or a changed
// container spec, starts with a fresh backoff.
func backoffKey(ps *podState, c *containerState) string {
	return ps.pod.Name + "_" + ps.pod.Namespace + "_" + string(ps.pod.UID) + "_" + c.spec.Name + "_" + specHash(c)
}

// specHash stands for the container's hash; the model's containers do not
// change spec within a pod, so the image is enough to tell versions apart.
func specHash(c *containerState) string { return c.spec.Image }

// doBackOff is kubeGenericRuntimeManager.doBackOff: it looks for the newest
// exited instance of the container in the pod's cached runtime status; if
// there is one and the container is still in backoff since its FinishedAt, it
// records a BackOff event and the reason that later statuses show, and
// reports true. IsInBackOffSince and Next judge expiry at FinishedAt, not
// now (flowcontrol/backoff.go hasExpired). Otherwise it advances the backoff (Next) and reports false.
//
// The cached status is the one the sync started with. When the sync has
// just killed the container for a failed liveness probe, the cache still
// shows it running, so the newest exited instance is the one before it
// (fact sheet 2.8; the kubelet's container GC keeps one dead instance).
func (k *Kubelet) doBackOff(ps *podState, c *containerState, rs runtimeStatus) (inBackoff bool, expiry sim.Time) {
	var ts sim.Time
	switch {
	case rs.inst == nil:
		return false, 0
	case !rs.running:
		ts = rs.finishedAt
	case rs.inst.n > 1:
		ts = c.instances[rs.inst.n-2].finishedAt
	default:
		return false, 0
	}
	if k.backoff == nil {
		k.backoff = map[string]*backoffEntry{}
	}
	now := k.e.Now()
	key := backoffKey(ps, c)
	e := k.backoff[key]
	if e != nil && ts.Sub(e.lastUpdate) <= backoffExpiry && now.Sub(ts) < e.backoff {
		pod := fmt.Sprintf("%s_%s(%s)", ps.pod.Name, ps.pod.Namespace, ps.pod.UID)
		reason, msg := k.msgBackOff(c.spec.Name, pod)
		k.cfg.Events.Event(k.source, c.ref(ps.object), events.Warning, reason, msg)
		c.reason = "CrashLoopBackOff"
		c.reasonMessage = k.msgBackOffReason(e.backoff, c.spec.Name, pod)
		ps.statusInputsChanged()
		return true, ts.Add(e.backoff)
	}
	// Next: a missing or expired entry starts again at the initial delay;
	// expiry here is judged at the dead container's FinishedAt.
	initial, maxBackoff := k.cfg.Profile.CrashLoopBackOff(k.cfg.MaxContainerRestartPeriod)
	if e == nil || ts.Sub(e.lastUpdate) > backoffExpiry {
		e = &backoffEntry{backoff: initial}
		k.backoff[key] = e
	} else {
		e.backoff = min(2*e.backoff, maxBackoff)
	}
	e.lastUpdate = now
	return false, 0
}

// gcBackoff is Backoff.GC, run from housekeeping: entries whose last update
// is older than the expiry are deleted.
func (k *Kubelet) gcBackoff() {
	now := k.e.Now()
	for key, e := range k.backoff {
		if now.Sub(e.lastUpdate) > backoffExpiry {
			delete(k.backoff, key) // deleting while ranging is order-independent
		}
	}
}
