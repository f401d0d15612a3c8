package network

import (
	"math/rand/v2"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Route is an OpenShift Route as the router uses it: the fields of
// api.Route that decide where requests go (see RouteFrom).
type Route struct {
	Namespace string // default "default"
	Name      string
	// Service is spec.to.name: the Service whose endpoints serve the route.
	Service string
	// TargetPort is spec.port.targetPort: a Service port name, or a pod
	// port number. Unset means the Service's first port.
	TargetPort intstr.IntOrString
}

// Balance is the HAProxy balance algorithm of a route's backend.
type Balance uint8

// The balance algorithms the router uses.
const (
	// Leastconn sends a connection to the server with the fewest in
	// flight, rotating among equals.
	Leastconn Balance = iota
	// Random is HAProxy's "random" with its default of 2 draws: the less
	// loaded of two servers drawn at random (power of two choices).
	Random
	// Roundrobin takes the servers in turn.
	Roundrobin
)

// RouterBalance returns the router's default balance for HTTP routes in the
// OpenShift release that ships the profile's Kubernetes: leastconn until
// OpenShift 4.7, random from 4.8 (Kubernetes 1.21; openshift/router
// haproxy-config.template, commit dbc994cd "Use power-of-two balancing").
func RouterBalance(p *version.Profile) Balance {
	if p.AtLeast(21) {
		return Random
	}
	return Leastconn
}

// HAProxy's settings in the router's template (haproxy-config.template
// defaults section and backends): "retries" is not set, so HAProxy's
// default of 3 applies; "option redispatch" moves the last retry to another
// server; a retry waits the turn-around time min(timeout connect, 1 s).
const (
	haproxyRetries        = 3
	haproxyTurnAround     = time.Second
	haproxyConnectTimeout = 5 * time.Second  // ROUTER_DEFAULT_CONNECT_TIMEOUT
	haproxyServerTimeout  = 30 * time.Second // ROUTER_DEFAULT_SERVER_TIMEOUT
)

// router is the OpenShift HAProxy router: it hears endpoint changes, and
// rewrites and reloads its configuration at most once per reload interval.
type router struct {
	n        *Network
	interval sim.Duration
	balance  Balance

	timer     *sim.Timer
	lastStart sim.Time
	ran       bool
	changed   bool

	routes map[string]*routeState
	order  []*routeState
}

// routeState is one route in the router's running configuration.
type routeState struct {
	key, object string
	route       Route
	known       bool // in the running configuration
	servers     []*server
	rr          int
	rng         *rand.Rand
	zero        windows
}

// server is one endpoint in a route's backend, with the ends of the
// requests it has in flight (for leastconn and random).
type server struct {
	ep   dpEndpoint
	port int32
	ends []sim.Time
}

func newRouter(n *Network) *router {
	r := &router{n: n, interval: defaultReloadInterval, balance: RouterBalance(n.cfg.Profile), routes: map[string]*routeState{}}
	if o := n.cfg.Options.ReloadInterval; o > 0 {
		r.interval = o
	}
	r.timer = n.e.NewTimer(kindReload, r.fire)
	return r
}

// AddRoute adds a route to the router. The router serves it from its next
// reload; until then, as for any unknown host, it answers 503.
func (n *Network) AddRoute(rt Route) {
	if rt.Namespace == "" {
		rt.Namespace = "default"
	}
	key := rt.Namespace + "/" + rt.Name
	rs := n.router.routes[key]
	if rs == nil {
		rs = &routeState{key: key, object: "Route/" + rt.Name, rng: n.rand("router/" + key)}
		rs.zero.from = n.e.Now()
		n.router.routes[key] = rs
		n.router.order = append(n.router.order, rs)
		sort.Slice(n.router.order, func(i, j int) bool { return n.router.order[i].key < n.router.order[j].key })
	}
	rs.route = rt
	n.router.registerChange()
}

// heard is the router's endpoints handler.
func (r *router) heard(s *serviceState, slice []Endpoint) {
	s.routerHeard = slice
	for _, rs := range r.order {
		if rs.route.Namespace == s.ns && rs.route.Service == s.name {
			r.registerChange()
			return
		}
	}
}

// registerChange is CoalescingSerializingRateLimiter.RegisterChange
// (openshift/router pkg/router/template/limiter): a reload starts at once
// if the last one started at least the interval ago, else when it has.
func (r *router) registerChange() {
	r.changed = true
	if r.timer.Active() {
		return
	}
	now := r.n.e.Now()
	at := now
	if r.ran {
		at = max(now, r.lastStart.Add(r.interval))
	}
	r.timer.ResetAt(at)
}

func (r *router) fire() {
	if !r.changed {
		return
	}
	r.changed = false
	r.lastStart, r.ran = r.n.e.Now(), true
	r.reload()
}

// reload writes the configuration and reloads HAProxy: every route's
// backend gets a server per ready endpoint of its Service (the router
// ignores not-ready addresses: pkg/router/controller/endpointsubset
// converter.go), with no fallback to terminating ones. The reload itself is
// taken as instant.
func (r *router) reload() {
	now := r.n.e.Now()
	for _, rs := range r.order {
		rs.known = true
		s := r.n.services[rs.route.Namespace+"/"+rs.route.Service]
		old := rs.servers
		rs.servers = nil
		if s != nil {
			idx, num := r.portOf(s, rs.route.TargetPort)
			for i := range s.routerHeard {
				ep := &s.routerHeard[i]
				if !ep.Ready {
					continue
				}
				port := int32(num)
				if idx >= 0 && idx < len(ep.Ports) {
					port = ep.Ports[idx]
				}
				if port == 0 {
					continue
				}
				srv := &server{ep: r.n.dpEndpoint(s, ep), port: port}
				for _, o := range old {
					if o.ep.ep.UID == ep.UID && o.port == port {
						srv.ends = o.ends
					}
				}
				rs.servers = append(rs.servers, srv)
			}
		}
		rs.zero.set(len(rs.servers) == 0, now)
	}
}

// portOf resolves a route's targetPort: the index of the Service port it
// names, or a pod port number; (0, 0) for the first Service port.
func (r *router) portOf(s *serviceState, tp intstr.IntOrString) (idx, num int) {
	if tp.Type == intstr.Int && tp.IntVal != 0 {
		return -1, int(tp.IntVal)
	}
	if tp.Type == intstr.String && tp.StrVal != "" && s.svc != nil {
		for i, p := range s.svc.Spec.Ports {
			if p.Name == tp.StrVal || p.TargetPort.StrVal == tp.StrVal {
				return i, 0
			}
		}
		return -1, 0
	}
	return 0, 0
}

// inFlight counts a server's requests still in flight, forgetting ended
// ones.
func (s *server) inFlight(now sim.Time) int {
	k := 0
	for _, e := range s.ends {
		if e > now {
			s.ends[k] = e
			k++
		}
	}
	s.ends = s.ends[:k]
	return k
}

// pick chooses a server for a connection by the backend's balance; avoid,
// if not nil and not the only server, is left out (a redispatch).
func (r *router) pick(rs *routeState, avoid *server) *server {
	n := len(rs.servers)
	if n == 0 {
		return nil
	}
	if n == 1 {
		return rs.servers[0]
	}
	now := r.n.e.Now()
	switch r.balance {
	case Random:
		a := rs.servers[rs.rng.IntN(n)]
		b := rs.servers[rs.rng.IntN(n)]
		if a == avoid {
			a = b
		}
		if b != avoid && b.inFlight(now) < a.inFlight(now) {
			a = b
		}
		if a == avoid {
			a = rs.servers[(indexOf(rs.servers, a)+1)%n]
		}
		return a
	case Roundrobin:
		for range n {
			s := rs.servers[rs.rr%n]
			rs.rr++
			if s != avoid {
				return s
			}
		}
		return rs.servers[0]
	default:
		var best *server
		bestN := 0
		for i := range n {
			s := rs.servers[(rs.rr+i)%n]
			if s == avoid {
				continue
			}
			if c := s.inFlight(now); best == nil || c < bestN {
				best, bestN = s, c
			}
		}
		rs.rr++
		return best
	}
}

func indexOf(list []*server, s *server) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}

// RouteFrom takes a decoded route.openshift.io/v1 Route: its namespace and
// name, its primary backend (spec.to) and spec.port.targetPort. Alternate
// backends, weights, hosts, paths and TLS do not change what the model
// routes and are ignored.
func RouteFrom(r *api.Route) Route {
	rt := Route{Namespace: r.Namespace, Name: r.Name, Service: r.Spec.To.Name}
	if r.Spec.Port != nil {
		rt.TargetPort = r.Spec.Port.TargetPort
	}
	return rt
}
