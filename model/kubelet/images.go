package kubelet

import (
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/sim"
)

// Image pulls: pkg/kubelet/images (image_manager.go EnsureImageExists and
// pullImage, puller.go). The image back-off is a flowcontrol.Backoff of its
// own (kubelet.go: imageBackOffPeriod 10 s, MaxImageBackOff 300 s, no
// jitter), keyed by pod UID and image, judged since its last update rather
// than since a container's exit.
const (
	imageBackOffPeriod = 10 * time.Second
	maxImageBackOff    = 300 * time.Second
)

// images is one node's image manager and the runtime's image store.
type images struct {
	k   *Kubelet
	rng *rand.Rand // pull durations, from the node's own images stream

	// present is the runtime's image store: images the node has. An image
	// not in it is on the node when its description says preloaded.
	present map[string]bool
	// Pulls in flight and waiting: the serial puller (serializeImagePulls,
	// the default) runs one at a time, in order; the parallel one runs up
	// to maxParallel (0: no limit).
	running  int
	queue    []*pullRequest
	backoff  map[string]*backoffEntry // podUID_image
	prevErrs map[string]string        // the last pull error per back-off key (1.32+)
}

// pullRequest is one pull waiting for the puller.
type pullRequest struct {
	image string
	start func() // begins the pull when the puller takes it
}

func newImages(k *Kubelet) *images {
	return &images{
		k:        k,
		rng:      k.e.Rand("images/" + k.cfg.Node),
		present:  map[string]bool{},
		backoff:  map[string]*backoffEntry{},
		prevErrs: map[string]string{},
	}
}

// has reports whether the node has image.
func (m *images) has(image string, spec app.Pull) bool {
	if v, ok := m.present[image]; ok {
		return v
	}
	return spec.Preloaded
}

// ensure is EnsureImageExists for container c of a pod being synced: it
// decides by the pull policy whether to pull, honours the image back-off,
// pulls through the node's puller, and records the events the kubelet
// does. done(false) means the start failed with c.reason set; done(true)
// that the container may be created.
func (m *images) ensure(ps *podState, c *containerState, done func(ok bool)) {
	k := m.k
	image := c.spec.Image
	ref := c.ref(ps.object)
	spec := k.cfg.Apps.Pull(image, k.e.Now())
	present := m.has(image, spec)
	policy := c.spec.ImagePullPolicy
	switch {
	case policy == corev1.PullNever && !present:
		msg := k.msgImageNeverPull(image)
		k.cfg.Events.Event(k.source, ref, events.Warning, "ErrImageNeverPull", msg)
		m.fail(ps, c, "ErrImageNeverPull", msg, done)
		return
	case policy == corev1.PullNever, policy == corev1.PullIfNotPresent && present:
		k.cfg.Events.Event(k.source, ref, events.Normal, "Pulled", k.msgImagePresent(image))
		done(true)
		return
	}
	key := string(ps.pod.UID) + "_" + image
	now := k.e.Now()
	if e := m.backoff[key]; k.cfg.Profile.ImagePullBackOff() && e != nil && !imageBackoffExpired(now, e) && now.Sub(e.lastUpdate) < e.backoff {
		msg := k.msgImageBackOff(image)
		k.cfg.Events.Event(k.source, ref, events.Normal, "BackOff", msg)
		if prev := m.prevErrs[key]; prev != "" && k.cfg.Profile.ImageBackOffKeepsPullError() {
			msg += ": " + prev
		}
		m.fail(ps, c, "ImagePullBackOff", msg, done)
		return
	}
	delete(m.prevErrs, key)
	k.cfg.Events.Event(k.source, ref, events.Normal, "Pulling", k.msgPulling(image))
	requested := now
	epoch := k.epoch
	m.enqueue(image, func() {
		began := k.e.Now()
		// The runtime pulls what the node lacks; a node that has every
		// layer only resolves the manifest. A failing registry fails fast.
		d := spec.Cached.Draw(m.rng)
		if spec.Error == "" && !m.has(image, spec) {
			d = spec.Transfer.Draw(m.rng)
		}
		if f := k.cfg.PullSlowdown; f > 0 {
			d = sim.Duration(float64(d) * f)
		}
		k.e.After(d, kindRuntimeOp, func() {
			if epoch != k.epoch {
				// The kubelet that asked has gone: the runtime still
				// finishes the pull, nobody hears of it.
				if spec.Error == "" {
					m.present[image] = true
				}
				return
			}
			// The puller takes its next request once this one's result
			// is in the image store.
			defer m.finished()
			end := k.e.Now()
			if spec.Error != "" {
				err := k.msgPullError(image, spec.Error)
				k.cfg.Events.Event(k.source, ref, events.Warning, "Failed", k.msgPullFailed(image, err))
				m.next(key, end)
				reason := "ErrImagePull"
				if !k.cfg.Profile.ImagePullBackOff() {
					reason = "PullImageError"
				}
				m.prevErrs[key] = reason + ": " + err
				m.fail(ps, c, reason, err, done)
				return
			}
			m.present[image] = true
			k.cfg.Events.Event(k.source, ref, events.Normal, "Pulled", k.msgPulled(image, end.Sub(began), end.Sub(requested), spec.Size))
			m.gc(end)
			done(true)
		})
	})
}

// fail records why the start failed, as startContainer's "Error: …"
// event and the reason cache entry the next status shows.
func (m *images) fail(ps *podState, c *containerState, reason, msg string, done func(bool)) {
	k := m.k
	if k.cfg.Profile.ImagePullBackOff() {
		k.cfg.Events.Event(k.source, c.ref(ps.object), events.Warning, "Failed", "Error: "+reason)
	}
	c.reason, c.reasonMessage = reason, msg
	ps.statusInputsChanged()
	done(false)
}

// enqueue hands a pull to the puller: the serial one runs pulls one after
// another in the order asked; the parallel one up to its limit.
func (m *images) enqueue(image string, start func()) {
	m.queue = append(m.queue, &pullRequest{image: image, start: start})
	m.dispatch()
}

func (m *images) dispatch() {
	limit := m.k.cfg.MaxParallelImagePulls
	if m.k.cfg.Profile.SerialImagePuller() && !m.k.cfg.ParallelImagePulls {
		limit = 1
	}
	for len(m.queue) > 0 && (limit == 0 || m.running < limit) {
		r := m.queue[0]
		m.queue = m.queue[1:]
		m.running++
		r.start()
	}
}

func (m *images) finished() {
	m.running--
	m.dispatch()
}

// next is Backoff.Next for an image: a new or expired entry starts at the
// initial period, else the period doubles up to the maximum.
func (m *images) next(key string, now sim.Time) {
	e := m.backoff[key]
	if e == nil || imageBackoffExpired(now, e) {
		e = &backoffEntry{backoff: imageBackOffPeriod}
		m.backoff[key] = e
	} else {
		e.backoff = min(2*e.backoff, maxImageBackOff)
	}
	e.lastUpdate = now
}

// gc is Backoff.GC, which pullImage runs after every successful pull.
func (m *images) gc(now sim.Time) {
	for key, e := range m.backoff {
		if imageBackoffExpired(now, e) {
			delete(m.backoff, key) // order-independent
		}
	}
}

// imageBackoffExpired is Backoff's default hasExpired: idle for more than
// twice the maximum.
func imageBackoffExpired(now sim.Time, e *backoffEntry) bool {
	return now.Sub(e.lastUpdate) > 2*maxImageBackOff
}
