package network

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Backend reaches the processes of the pods on one node. *kubelet.Kubelet
// implements it.
type Backend interface {
	// HTTP sends a request to port on the pod's IP now and returns what the
	// pod's process does with it.
	HTTP(uid types.UID, port int, method, path string) app.Reply
}

// VanishedIP says what a connection to the IP of a pod that no longer
// exists (its sandbox and network namespace are gone) gets.
type VanishedIP uint8

// What a connection to a vanished pod IP gets.
const (
	// Blackhole: nothing answers; the connection attempt hangs until the
	// client's timeout. This is what OVN-Kubernetes (OpenShift's default
	// network) and Calico's blackhole routes do; bridge networks answer
	// "no route to host" after about 3 s of ARP, also later than most
	// client timeouts.
	Blackhole VanishedIP = iota
	// Reject: the connection is refused at once.
	Reject
)

// ProxyMode is the kube-proxy mode, which decides how a Service picks an
// endpoint.
type ProxyMode uint8

// The proxy modes.
const (
	// IPTables (and nftables, which behaves the same here) picks an
	// endpoint uniformly at random per connection: the iptables statistic
	// match with probability 1/n, 1/(n-1), ..., or nftables numgen random.
	IPTables ProxyMode = iota
	// IPVS picks endpoints round robin (ipvs scheduler rr, the default).
	IPVS
)

// Options tune the network model. The zero value is the default of each
// component.
type Options struct {
	// RecordRequests adds a Request record for every request, besides the
	// per-second Requests aggregates.
	RecordRequests bool
	// RecordObjects adds a record.Snapshot of each Service's EndpointSlice
	// whenever the controller writes it.
	RecordObjects bool
	// VanishedIP is what a connection to a deleted pod's IP gets.
	VanishedIP VanishedIP
	// ProxyMode is kube-proxy's mode.
	ProxyMode ProxyMode
	// MinSyncPeriod overrides kube-proxy's minSyncPeriod (default per
	// release, see MinSyncPeriod); negative means 0.
	MinSyncPeriod sim.Duration
	// ReloadInterval overrides the router's RELOAD_INTERVAL (default 5 s).
	ReloadInterval sim.Duration
}

// Timing of the hops between components.
const (
	// watchLatency is an informer delivering a change to a controller, the
	// same 5 ms the kubelet's pod watch uses.
	watchLatency = 5 * time.Millisecond
	// defaultReloadInterval is the router's RELOAD_INTERVAL default
	// (openshift/router pkg/cmd/infra/router/template.go
	// defaultReloadInterval = 5 seconds).
	defaultReloadInterval = 5 * time.Second
	// defaultTimeout is a client's timeout when a Traffic gives none.
	defaultTimeout = 30 * time.Second
)

// Phases of the package's events. Watches hear of changes in the store's
// watch phase; a data-plane sync or router reload comes after the watches
// of the same instant; requests arrive after probes and before the
// kubelet's sync tick; each second of traffic closes last.
var (
	kindSliceWatch = sim.NewKind("network/slice-watch", 40)
	kindProxySync  = sim.NewKind("network/proxy-sync", 42)
	kindReload     = sim.NewKind("network/router-reload", 43)
	kindRequest    = sim.NewKind("network/request", 65)
	kindRetry      = sim.NewKind("network/retry", 65)
	kindSecond     = sim.NewKind("network/requests", 95)
)

// Config is what the network needs from the cluster.
type Config struct {
	Engine  *sim.Engine
	Store   *store.Store
	Log     *record.Log
	Profile *version.Profile
	// Backend returns the kubelet of a node, or nil if there is none.
	Backend func(node string) Backend
	Options Options
}

// Network is the cluster's service network: the endpoint controllers, the
// data plane, the router and the traffic generators.
type Network struct {
	cfg    Config
	e      *sim.Engine
	log    *record.Log
	source Source

	pods     map[string]*podEntry     // the controllers' pod cache, by namespace/name
	services map[string]*serviceState // by namespace/name
	svcOrder []*serviceState          // sorted by key

	proxy  *dataPlane
	router *router

	targets  map[string]*target
	tgtOrder []*target
	free     *attempt // recycled request continuations
}

// podEntry is a pod as the controllers' informer last saw it. gone is set
// once the pod is deleted from the API: its IP has vanished.
type podEntry struct {
	pod     *corev1.Pod
	gone    bool
	backend Backend
}

// New returns the network of a cluster and starts watching its store. Call
// it before objects are created, or at any time: it also takes the pods and
// services already stored.
func New(cfg Config) *Network {
	n := &Network{
		cfg: cfg, e: cfg.Engine, log: cfg.Log, source: EndpointSource(cfg.Profile),
		pods: map[string]*podEntry{}, services: map[string]*serviceState{},
		targets: map[string]*target{},
	}
	n.proxy = newDataPlane(n)
	n.router = newRouter(n)
	for _, s := range cfg.Store.Services.List() {
		n.onService(store.Added, s, nil)
	}
	for _, p := range cfg.Store.Pods.List() {
		n.onPod(store.Added, p, nil)
	}
	cfg.Store.Services.Watch(watchLatency, n.onService)
	cfg.Store.Pods.Watch(watchLatency, n.onPod)
	return n
}

// Source returns the object the data plane reads endpoints from.
func (n *Network) Source() Source { return n.source }

// Endpoints returns a Service's current endpoint counts: the controller's
// slice and the data plane's applied state.
func (n *Network) Endpoints(namespace, name string) (Counts, bool) {
	s, ok := n.services[namespace+"/"+name]
	if !ok {
		return Counts{}, false
	}
	return s.counts(), true
}

// Slice returns a copy of a Service's endpoints as the controller last
// wrote them, sorted by pod name.
func (n *Network) Slice(namespace, name string) []Endpoint {
	s, ok := n.services[namespace+"/"+name]
	if !ok {
		return nil
	}
	return append([]Endpoint(nil), s.slice...)
}

// Routable returns the pods the data plane routes a Service's new
// connections to now, sorted by name.
func (n *Network) Routable(namespace, name string) []string {
	s, ok := n.services[namespace+"/"+name]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(s.usable))
	for _, d := range s.usable {
		out = append(out, d.ep.Pod)
	}
	sort.Strings(out)
	return out
}

func (n *Network) backend(node string) Backend {
	if node == "" || n.cfg.Backend == nil {
		return nil
	}
	return n.cfg.Backend(node)
}

func (n *Network) rand(name string) *rand.Rand { return n.e.Rand(name) }

// parseTarget splits "service/web" or "route/web".
func parseTarget(t string) (kind, name string, err error) {
	for i := 0; i < len(t); i++ {
		if t[i] == '/' {
			kind, name = t[:i], t[i+1:]
			break
		}
	}
	switch kind {
	case "service", "svc", "route":
	default:
		return "", "", fmt.Errorf("traffic target %q: want service/NAME or route/NAME", t)
	}
	if name == "" {
		return "", "", fmt.Errorf("traffic target %q: no name", t)
	}
	if kind == "svc" {
		kind = "service"
	}
	return kind, name, nil
}
