package network

import (
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// serviceState is one Service as the endpoint controller, the data plane
// and the router see it.
type serviceState struct {
	key, ns, name string
	object        string // "Service/name", for records
	svc           *corev1.Service
	deleted       bool

	// The controller's view: the endpoint of each selected pod, by pod
	// name, and the slice as last written (sorted by pod name; a new slice
	// for every write, so that a hop that holds one keeps a snapshot).
	members map[string]Endpoint
	slice   []Endpoint

	// The data plane's view: the slice it has heard of, whether it has
	// applied it, and the endpoints it routes new connections to.
	heard      []Endpoint
	heardGone  bool
	dirty      bool
	programmed bool
	usable     []dpEndpoint
	rr         int // IPVS round-robin position

	// The router's view: the slice it has heard of.
	routerHeard []Endpoint

	recorded bool
	last     Counts
	// sliceName and sliceCreated are the EndpointSlice's name and creation
	// time once a snapshot of it has been recorded (Options.RecordObjects).
	sliceName    string
	sliceCreated sim.Time
	zero         windows // when the data plane had no endpoint to route to
}

// dpEndpoint is an endpoint as the data plane applied it, with the cached
// pod entry that tells whether its IP still exists.
type dpEndpoint struct {
	ep  Endpoint
	pod *podEntry
}

func (s *serviceState) counts() Counts {
	var c Counts
	for i := range s.slice {
		ep := &s.slice[i]
		if ep.Ready {
			c.Ready++
		}
		if ep.Serving {
			c.Serving++
		}
		if ep.Terminating {
			c.Terminating++
		}
	}
	c.Dataplane = len(s.usable)
	return c
}

// onService is the controllers' Service informer.
func (n *Network) onService(ev store.EventType, svc, _ *corev1.Service) {
	key := svc.Namespace + "/" + svc.Name
	s := n.services[key]
	if s == nil {
		if ev == store.Deleted {
			return
		}
		s = &serviceState{key: key, ns: svc.Namespace, name: svc.Name, object: "Service/" + svc.Name, members: map[string]Endpoint{}}
		s.zero.from = n.e.Now() // no endpoint in the data plane yet
		n.services[key] = s
		n.svcOrder = append(n.svcOrder, s)
		sort.Slice(n.svcOrder, func(i, j int) bool { return n.svcOrder[i].key < n.svcOrder[j].key })
	}
	if ev == store.Deleted {
		s.deleted = true
		s.svc = nil
		clear(s.members)
		n.writeSlice(s)
		return
	}
	s.deleted = false
	s.svc = svc
	// A Service change recomputes every endpoint (syncService lists the
	// pods its selector matches).
	clear(s.members)
	keys := make([]string, 0, len(n.pods))
	for k := range n.pods {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ep, ok := endpointFor(n.pods[k].pod, svc, n.source); ok {
			s.members[ep.Pod] = ep
		}
	}
	n.writeSlice(s)
}

// onPod is the controllers' Pod informer: every change to a pod a Service
// selects (before or after the change) syncs that Service at once
// (EndpointUpdatesBatchPeriod 0).
func (n *Network) onPod(ev store.EventType, pod, old *corev1.Pod) {
	key := pod.Namespace + "/" + pod.Name
	pe := n.pods[key]
	switch {
	case ev == store.Deleted:
		if pe != nil && pe.pod.UID == pod.UID {
			pe.gone = true
			delete(n.pods, key)
		}
	case pe == nil || pe.pod.UID != pod.UID:
		if pe != nil {
			pe.gone = true
		}
		pe = &podEntry{pod: pod}
		n.pods[key] = pe
	default:
		pe.pod = pod
	}
	if pe != nil && pe.backend == nil && !pe.gone {
		pe.backend = n.backend(pod.Spec.NodeName)
	}
	for _, s := range n.svcOrder {
		if s.svc == nil {
			continue
		}
		was, had := s.members[pod.Name]
		if !had && !selects(s.svc, pod) && (old == nil || !selects(s.svc, old)) {
			continue
		}
		ep, is := Endpoint{}, false
		if ev != store.Deleted {
			ep, is = endpointFor(pod, s.svc, n.source)
		}
		switch {
		case is && had && sameEndpoint(&ep, &was):
			continue
		case is:
			s.members[pod.Name] = ep
		case had:
			delete(s.members, pod.Name)
		default:
			continue
		}
		n.writeSlice(s)
	}
}

// writeSlice writes a Service's endpoints (the reconciler's create or
// update of its EndpointSlice) and lets the data plane and the router hear
// of it after their watch latency.
func (n *Network) writeSlice(s *serviceState) {
	names := make([]string, 0, len(s.members))
	for k := range s.members {
		names = append(names, k)
	}
	sort.Strings(names)
	slice := make([]Endpoint, len(names))
	for i, k := range names {
		slice[i] = s.members[k]
	}
	s.slice = slice
	gone := s.deleted
	n.recordCounts(s)
	if n.cfg.Options.RecordObjects {
		n.recordSlice(s)
	}
	n.e.After(watchLatency, kindSliceWatch, func() {
		n.proxy.heard(s, slice, gone)
		n.router.heard(s, slice)
	})
}

// recordCounts writes an Endpoints record if the Service's counts changed.
func (n *Network) recordCounts(s *serviceState) {
	c := s.counts()
	if s.recorded && c == s.last {
		return
	}
	s.recorded, s.last = true, c
	n.log.Add(n.e.Now(), record.KindEndpoints, &record.Endpoints{
		Header: record.Header{Object: s.object},
		Ready:  c.Ready, Serving: c.Serving, Terminating: c.Terminating, Dataplane: c.Dataplane,
	})
}

// windows tracks the intervals during which a count was zero.
type windows struct {
	list []Window
	from sim.Time // start of the open window, or sim.Never
}

// Window is an interval of simulated time; End is sim.Never while it is
// open.
type Window struct {
	Start, End sim.Time
}

func (w *windows) set(zero bool, t sim.Time) {
	switch {
	case zero && w.from == sim.Never:
		w.from = t
	case !zero && w.from != sim.Never:
		if t > w.from {
			w.list = append(w.list, Window{Start: w.from, End: t})
		}
		w.from = sim.Never
	}
}

// within returns the windows clipped to [from, until], the open one ending
// at until.
func (w *windows) within(from, until sim.Time) []Window {
	var out []Window
	add := func(a, b sim.Time) {
		a, b = max(a, from), min(b, until)
		if b > a {
			out = append(out, Window{Start: a, End: b})
		}
	}
	for _, x := range w.list {
		add(x.Start, x.End)
	}
	if w.from != sim.Never {
		add(w.from, until)
	}
	return out
}
