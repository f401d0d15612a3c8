package network

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// MinSyncPeriod returns kube-proxy's default iptables minSyncPeriod in the
// profile's release: 1 s since 1.19 (#92836;
// pkg/proxy/apis/config/v1alpha1/defaults.go SetDefaults_KubeProxyConfiguration),
// 0 before, which applied every change as soon as it was heard.
func MinSyncPeriod(p *version.Profile) sim.Duration {
	if p.AtLeast(19) {
		return time.Second
	}
	return 0
}

// runnerKind is how kube-proxy's BoundedFrequencyRunner spaces syncs.
type runnerKind uint8

const (
	// runImmediate: minSyncPeriod 0, every change synced when heard
	// (pkg/util/async nullLimiter).
	runImmediate runnerKind = iota
	// runBurst: pkg/util/async BoundedFrequencyRunner with burstSyncs 2 (the
	// iptables proxier until 1.33): a token bucket of 2 refilled one per
	// minSyncPeriod; a change that finds a token syncs at once, one that
	// does not waits until minSyncPeriod after the last sync.
	runBurst
	// runStrict: pkg/proxy/runner BoundedFrequencyRunner (#131615, 1.34):
	// after each sync the loop waits minSyncPeriod before it takes the next
	// request, with no bursts.
	runStrict
)

// runnerFor returns the runner of the profile's kube-proxy.
func runnerFor(p *version.Profile, min sim.Duration) runnerKind {
	switch {
	case min <= 0:
		return runImmediate
	case p.AtLeast(34):
		return runStrict
	default:
		return runBurst
	}
}

// burstSyncs is the iptables proxier's burst (pkg/proxy/iptables/proxier.go
// NewProxier, until 1.33).
const burstSyncs = 2

// dataPlane is kube-proxy. Every node runs one, and every one hears the
// same EndpointSlice changes at (nearly) the same time, so their runners
// move in step: the model keeps one data plane for the cluster, the state
// of any node's rules. Requests are routed by it wherever their client is.
type dataPlane struct {
	n        *Network
	kind     runnerKind
	min      sim.Duration
	fallback bool
	mode     ProxyMode

	timer    *sim.Timer
	lastRun  sim.Time
	ran      bool
	credit   sim.Duration // token bucket, in time: one token is min
	refilled sim.Time

	dirty []*serviceState

	onSync func(sim.Time) // for tests
}

func newDataPlane(n *Network) *dataPlane {
	min := MinSyncPeriod(n.cfg.Profile)
	if o := n.cfg.Options.MinSyncPeriod; o != 0 {
		min = max(o, 0)
	}
	d := &dataPlane{
		n: n, min: min, kind: runnerFor(n.cfg.Profile, min),
		fallback: TerminatingFallback(n.cfg.Profile) && n.source == SourceEndpointSlices,
		mode:     n.cfg.Options.ProxyMode,
		credit:   burstSyncs * min,
	}
	d.timer = n.e.NewTimer(kindProxySync, d.fire)
	return d
}

// heard is kube-proxy's EndpointSlice handler (OnEndpointSliceUpdate):
// it records the change and asks the runner for a sync.
func (d *dataPlane) heard(s *serviceState, slice []Endpoint, gone bool) {
	s.heard, s.heardGone = slice, gone
	if !s.dirty {
		s.dirty = true
		d.dirty = append(d.dirty, s)
	}
	d.run()
}

// run is BoundedFrequencyRunner.Run.
func (d *dataPlane) run() {
	now := d.n.e.Now()
	if d.timer.Active() && d.timer.When() <= now {
		return
	}
	switch d.kind {
	case runImmediate:
		d.timer.ResetAt(now)
	case runStrict:
		if d.timer.Active() {
			return // coalesced: a sync already waits for the interval
		}
		at := now
		if d.ran {
			at = max(now, d.lastRun.Add(d.min))
		}
		d.timer.ResetAt(at)
	case runBurst:
		// tryRun: with a token, sync now; without, at the next possible
		// time, minInterval after the last sync.
		if d.tokens(now) >= d.min {
			d.timer.ResetAt(now)
			return
		}
		at := d.lastRun.Add(d.min)
		if !d.timer.Active() || at < d.timer.When() {
			d.timer.ResetAt(at)
		}
	}
}

func (d *dataPlane) tokens(now sim.Time) sim.Duration {
	d.credit = min(d.credit+now.Sub(d.refilled), burstSyncs*d.min)
	d.refilled = now
	return d.credit
}

func (d *dataPlane) fire() {
	now := d.n.e.Now()
	if d.kind == runBurst {
		if d.tokens(now) < d.min {
			d.timer.ResetAt(d.lastRun.Add(d.min))
			return
		}
		d.credit -= d.min
	}
	d.lastRun, d.ran = now, true
	if d.onSync != nil {
		d.onSync(now)
	}
	d.sync()
}

// sync is syncProxyRules: every Service whose slice changed gets the
// endpoints it will route new connections to. CategorizeEndpoints
// (pkg/proxy/topology.go), for the Cluster traffic policy and no topology
// hints: the ready endpoints; if there is none and the release falls back,
// the serving terminating ones.
func (d *dataPlane) sync() {
	now := d.n.e.Now()
	sort.Slice(d.dirty, func(i, j int) bool { return d.dirty[i].key < d.dirty[j].key })
	for _, s := range d.dirty {
		s.dirty = false
		s.usable = s.usable[:0:0]
		if !s.heardGone {
			for i := range s.heard {
				if s.heard[i].Ready {
					s.usable = append(s.usable, d.n.dpEndpoint(s, &s.heard[i]))
				}
			}
			if len(s.usable) == 0 && d.fallback {
				for i := range s.heard {
					if ep := &s.heard[i]; ep.Serving && ep.Terminating {
						s.usable = append(s.usable, d.n.dpEndpoint(s, ep))
					}
				}
			}
		}
		s.programmed = !s.heardGone
		s.zero.set(len(s.usable) == 0, now)
		d.n.recordCounts(s)
	}
	d.dirty = d.dirty[:0]
}

// dpEndpoint pairs an endpoint with the cached pod it points at; a pod
// already deleted gets an entry whose IP has vanished.
func (n *Network) dpEndpoint(s *serviceState, ep *Endpoint) dpEndpoint {
	pe := n.pods[s.ns+"/"+ep.Pod]
	if pe == nil || pe.pod.UID != ep.UID {
		pe = &podEntry{gone: true}
	}
	return dpEndpoint{ep: *ep, pod: pe}
}

// pick chooses the endpoint of a new connection: uniformly at random in
// iptables and nftables mode (the statistic match's 1/n, 1/(n-1), ...
// probabilities; numgen random), round robin in IPVS mode. It returns nil
// when the data plane has no endpoint for the Service, and then kube-proxy's
// "has no endpoints" REJECT rule refuses the connection.
func (d *dataPlane) pick(s *serviceState, r *rand.Rand) *dpEndpoint {
	n := len(s.usable)
	if n == 0 {
		return nil
	}
	if d.mode == IPVS {
		i := s.rr % n
		s.rr++
		return &s.usable[i]
	}
	return &s.usable[r.IntN(n)]
}
