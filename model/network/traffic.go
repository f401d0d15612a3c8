package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// Arrival is how a generator spaces its requests.
type Arrival uint8

// The arrival processes.
const (
	Constant Arrival = iota // evenly spaced
	Poisson                 // exponential gaps with the same mean
	Burst                   // Rate requests at once, every Per
)

// Traffic describes one request generator, the scenario file's
// `traffic: [{target, rate, arrival, from, until, timeout, path}]`.
type Traffic struct {
	// Target is "service/NAME" or "route/NAME".
	Target string
	// Namespace of the target; default "default".
	Namespace string
	// Port is the Service port (name or number) a service target is sent
	// to; default its first port. Routes use their own targetPort.
	Port string
	// Rate requests are sent every Per (default 1 s): ParseRate("20/s")
	// gives 20 per second.
	Rate int
	Per  sim.Duration
	// Arrival is Constant or Poisson.
	Arrival Arrival
	// From and Until bound the generator: requests are sent at From and
	// after, before Until (0: until the run ends).
	From, Until sim.Time
	// Timeout is the client's timeout for each attempt (default 30 s).
	Timeout sim.Duration
	// Method and Path of the requests (default GET and /).
	Method, Path string
	// Retries is how many times the client retries a request that was
	// refused, reset or timed out, at once, with a fresh timeout. A request
	// counts once, with its final outcome, and its latency runs from its
	// first attempt.
	Retries int
	// Curve, if not nil, is a rate that varies with time (a daily curve,
	// an on/off pattern); Rate and Per are then unused. Arrival must be
	// Constant or Poisson.
	Curve *Curve
	// SLO, if not nil, is the target's objective: requests are judged
	// good or bad against it and an ErrorBudget record closes the run.
	// Every generator of a target must give the same SLO, or none.
	SLO *SLO
}

// ParseRate parses "20/s", "0.5/s", "30/m" or "3/10s" into a count and a
// period.
func ParseRate(s string) (rate int, per sim.Duration, err error) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, fmt.Errorf("rate %q: want N/s, N/m or N/DURATION", s)
	}
	switch unit {
	case "s":
		per = time.Second
	case "m", "min":
		per = time.Minute
	case "h":
		per = time.Hour
	default:
		d, err := time.ParseDuration(unit)
		if err != nil || d <= 0 {
			return 0, 0, fmt.Errorf("rate %q: bad period %q", s, unit)
		}
		per = d
	}
	whole, frac, _ := strings.Cut(num, ".")
	digits := whole + frac
	n, err := strconv.Atoi(digits)
	if err != nil || n <= 0 || strings.HasPrefix(digits, "-") {
		return 0, 0, fmt.Errorf("rate %q: want a positive number of requests", s)
	}
	for range len(frac) {
		if per > sim.Duration(1<<62)/10 {
			return 0, 0, fmt.Errorf("rate %q: too precise", s)
		}
		per *= 10
	}
	return n, per, nil
}

// generator sends one Traffic's requests.
type generator struct {
	n       *Network
	t       *target
	spec    Traffic
	rng     *rand.Rand
	timer   *sim.Timer
	k       int64 // requests (or bursts) sent so far
	timeout sim.Duration
	due     float64 // the curve's integral at the next request
}

// AddTraffic starts a request generator. Its arrivals draw from the
// stream "traffic/<namespace>/<target>" (one more generator for the same
// target adds "#2", "#3", ...).
func (n *Network) AddTraffic(tr Traffic) error {
	kind, name, err := parseTarget(tr.Target)
	if err != nil {
		return err
	}
	if tr.Curve != nil {
		c := *tr.Curve
		c.Points = append([]CurvePoint(nil), c.Points...)
		if err := c.compile(); err != nil {
			return fmt.Errorf("traffic to %s: %w", tr.Target, err)
		}
		if tr.Arrival == Burst {
			return fmt.Errorf("traffic to %s: bursts take a fixed size and interval, not a rate curve", tr.Target)
		}
		tr.Curve = &c
	} else if tr.Rate <= 0 {
		return fmt.Errorf("traffic to %s: rate must be positive", tr.Target)
	}
	if tr.Per <= 0 {
		tr.Per = time.Second
	}
	if tr.Namespace == "" {
		tr.Namespace = "default"
	}
	if tr.Method == "" {
		tr.Method = "GET"
	}
	if tr.Path == "" {
		tr.Path = "/"
	}
	if tr.Until == 0 {
		tr.Until = sim.Never
	}
	t := n.target(kind, tr.Namespace, name)
	if err := t.setSLO(tr.SLO); err != nil {
		return fmt.Errorf("traffic to %s: %w", tr.Target, err)
	}
	stream := "traffic/" + tr.Namespace + "/" + kind + "/" + name
	if len(t.gens) > 0 {
		stream += "#" + strconv.Itoa(len(t.gens)+1)
	}
	g := &generator{n: n, t: t, spec: tr, rng: n.rand(stream), timeout: tr.Timeout}
	if g.timeout <= 0 {
		g.timeout = defaultTimeout
	}
	t.gens = append(t.gens, g)
	t.from = min(t.from, tr.From)
	g.timer = n.e.NewTimer(kindRequest, g.fire)
	start := max(tr.From, n.e.Now())
	if c := tr.Curve; c != nil {
		// The first request where the integral since start reaches its
		// first half (constant) or a first exponential draw (Poisson).
		g.due = c.Integral(start)
		if tr.Arrival == Poisson {
			g.due += g.rng.ExpFloat64()
		} else {
			g.due = math.Ceil(g.due-0.5) + 0.5 // the first k + 1/2 at or after it
		}
		start = max(c.inverse(g.due), start)
	}
	if start < tr.Until {
		g.timer.ResetAt(start)
	}
	return nil
}

// fire sends one request and schedules the next.
func (g *generator) fire() {
	now := g.n.e.Now()
	if now >= g.spec.Until {
		return
	}
	n := 1
	if g.spec.Arrival == Burst {
		n = g.spec.Rate
	}
	for range n {
		g.t.sent(now)
		g.n.send(g.n.newAttempt(g, now))
	}
	g.k++
	var next sim.Time
	switch {
	case g.spec.Curve != nil:
		if g.spec.Arrival == Poisson {
			g.due += g.rng.ExpFloat64()
		} else {
			g.due++
		}
		next = max(g.spec.Curve.inverse(g.due), now)
	case g.spec.Arrival == Burst:
		next = g.spec.From.Add(sim.Duration(g.k) * g.spec.Per)
	case g.spec.Arrival == Poisson:
		gap := sim.Duration(g.rng.ExpFloat64() * float64(g.spec.Per) / float64(g.spec.Rate))
		next = now.Add(max(gap, 1))
	default:
		// The k-th request at From + k·Per/Rate, in integers, so that
		// rounding never drifts.
		next = g.spec.From.Add(sim.Duration(g.k) * g.spec.Per / sim.Duration(g.spec.Rate))
	}
	if next < g.spec.Until {
		g.timer.ResetAt(next)
	}
}

// Outcome is how a request ended for its client.
type Outcome uint8

// The outcomes of a request.
const (
	Answered Outcome = iota // a response with a status code
	Refused                 // connection refused
	Reset                   // connection reset
	Timeout                 // no answer within the client's timeout
)

var outcomeNames = [...]string{"answered", "refused", "reset", "timeout"}

func (o Outcome) String() string { return outcomeNames[o] }

// attempt is a request in flight whose outcome is not known yet: it waits
// for a router retry or a client retry. Attempts are recycled.
type attempt struct {
	g        *generator
	sent     sim.Time // the request's first attempt
	deadline sim.Time // this attempt's client timeout
	tries    int      // client retries used
	rtries   int      // router connection retries used
	srv      *server  // the router's server being retried
	pod      string   // the pod that answered, for Request records
	fire     func()
	next     *attempt
}

func (n *Network) newAttempt(g *generator, now sim.Time) *attempt {
	a := n.free
	if a != nil {
		n.free = a.next
	} else {
		a = &attempt{}
		a.fire = func() { a.g.n.resume(a) }
	}
	*a = attempt{g: g, sent: now, deadline: now.Add(g.timeout), fire: a.fire}
	return a
}

func (n *Network) release(a *attempt) {
	a.g, a.srv = nil, nil
	a.next = n.free
	n.free = a
}

// resume continues an attempt whose retry time has come.
func (n *Network) resume(a *attempt) {
	if a.srv != nil {
		n.routerTry(a, a.srv)
		return
	}
	n.send(a)
}

// send makes one attempt of a request now, through the data plane or the
// router.
func (n *Network) send(a *attempt) {
	t := a.g.t
	if t.route {
		n.routerSend(a)
		return
	}
	now := n.e.Now()
	s := n.services[t.key]
	var ep *dpEndpoint
	if s != nil && s.programmed {
		ep = n.proxy.pick(s, t.lb)
	}
	if ep == nil {
		// No rules for the Service, or its "has no endpoints" REJECT rule.
		n.finish(a, Refused, 0, now)
		return
	}
	a.pod = ep.ep.Pod
	port := int32(0)
	if i := a.g.portIndex(s); i < len(ep.ep.Ports) {
		port = ep.ep.Ports[i]
	}
	o, status, at := n.connect(ep, port, a.g.spec.Method, a.g.spec.Path, a.deadline)
	n.finish(a, o, status, at)
}

// portIndex is the Service port a service target's requests go to.
func (g *generator) portIndex(s *serviceState) int {
	if g.spec.Port == "" || s.svc == nil {
		return 0
	}
	for i, p := range s.svc.Spec.Ports {
		if p.Name == g.spec.Port || strconv.Itoa(int(p.Port)) == g.spec.Port {
			return i
		}
	}
	return 0
}

// connect sends a request to an endpoint's pod now and returns how it ends
// for a client whose deadline is given, and when. A pod whose IP has
// vanished gets what Options.VanishedIP says; a pod that exists but has
// nothing listening refuses (the kernel answers RST); otherwise the pod's
// process answers through its kubelet.
func (n *Network) connect(ep *dpEndpoint, port int32, method, path string, deadline sim.Time) (Outcome, int, sim.Time) {
	now := n.e.Now()
	pe := ep.pod
	if pe.gone {
		if n.cfg.Options.VanishedIP == Reject {
			return Refused, 0, now
		}
		return Timeout, 0, deadline
	}
	if pe.backend == nil || port == 0 {
		return Refused, 0, now
	}
	r := pe.backend.HTTP(ep.ep.UID, int(port), method, path)
	switch r.Kind {
	case app.Refused:
		return Refused, 0, now
	case app.Hang:
		return Timeout, 0, deadline
	}
	if r.End >= deadline || r.End == sim.Never {
		return Timeout, 0, deadline
	}
	if r.Kind == app.Reset {
		return Reset, 0, r.End
	}
	return Answered, r.Status, r.End
}

// routerSend is the router taking a new request.
func (n *Network) routerSend(a *attempt) {
	now := n.e.Now()
	rs := n.router.routes[a.g.t.key]
	if rs == nil || !rs.known || len(rs.servers) == 0 {
		// No backend servers (or no such host): the 503 error page,
		// "Application is not available" (error-page-503.http).
		n.finish(a, Answered, 503, now)
		return
	}
	a.rtries = 0
	n.routerTry(a, n.router.pick(rs, nil))
}

// routerTry is HAProxy connecting to a server for a request: a refused or
// timed-out connection is retried after the turn-around time, the last
// retry on another server (option redispatch); when retries run out the
// client gets 503. A reset becomes 502 and a server that does not answer
// within "timeout server" 504.
func (n *Network) routerTry(a *attempt, srv *server) {
	now := n.e.Now()
	a.srv = nil
	a.pod = srv.ep.ep.Pod
	o, status, at := n.connect(&srv.ep, srv.port, a.g.spec.Method, a.g.spec.Path, sim.Never)
	var failedAt sim.Time
	switch o {
	case Answered:
		srv.inFlight(now) // forget ended requests, so the list stays short
		srv.ends = append(srv.ends, at)
		if at.Sub(now) >= haproxyServerTimeout {
			n.finish(a, Answered, 504, now.Add(haproxyServerTimeout))
			return
		}
		n.finish(a, Answered, status, at)
		return
	case Reset:
		n.finish(a, Answered, 502, at)
		return
	case Refused:
		failedAt = now.Add(haproxyTurnAround)
	default: // no answer to the connection: timeout connect, then retry at once
		failedAt = now.Add(haproxyConnectTimeout)
		if !srv.ep.pod.gone {
			// The process took the connection but does not answer.
			srv.ends = append(srv.ends, now.Add(haproxyServerTimeout))
			n.finish(a, Answered, 504, now.Add(haproxyServerTimeout))
			return
		}
	}
	if a.rtries >= haproxyRetries {
		n.finish(a, Answered, 503, now)
		return
	}
	if failedAt >= a.deadline {
		n.finish(a, Timeout, 0, a.deadline)
		return
	}
	a.rtries++
	next := srv
	if a.rtries == haproxyRetries {
		if rs := n.router.routes[a.g.t.key]; rs != nil {
			if s := n.router.pick(rs, srv); s != nil {
				next = s
			}
		}
	}
	a.srv = next
	n.e.At(failedAt, kindRetry, a.fire)
}

// finish settles an attempt that ended with o at time at: a client retry
// if one is due, else the request's outcome.
func (n *Network) finish(a *attempt, o Outcome, status int, at sim.Time) {
	g := a.g
	if o != Timeout && at >= a.deadline {
		o, status, at = Timeout, 0, a.deadline // the client gave up first
	}
	if o != Answered && a.tries < g.spec.Retries {
		a.tries++
		a.deadline = at.Add(g.timeout)
		a.srv = nil
		if at <= n.e.Now() {
			n.send(a)
			return
		}
		n.e.At(at, kindRetry, a.fire)
		return
	}
	g.t.resolve(o, status, at, at.Sub(a.sent))
	if n.cfg.Options.RecordRequests {
		n.log.Add(n.e.Now(), KindRequest, &Request{
			Header:  record.Header{Object: g.t.object},
			Sent:    record.Seconds(a.sent),
			Outcome: o.String(), Status: status, Pod: a.pod,
			Latency: record.Dur(at.Sub(a.sent)), Attempts: a.tries + 1,
		})
	}
	n.release(a)
}

// KindRequest is the kind of the per-request record.
const KindRequest = "Request"

// Request records one request when Options.RecordRequests is set. It is
// written when the model knows the request's outcome: at the time it was
// sent for most, later for one a router or client retry settles.
type Request struct {
	record.Header
	Sent     record.Seconds `json:"sent"`
	Outcome  string         `json:"outcome"` // answered, refused, reset or timeout
	Status   int            `json:"status,omitempty"`
	Pod      string         `json:"pod,omitempty"` // the pod of the last attempt
	Latency  record.Dur     `json:"latency"`
	Attempts int            `json:"attempts"`
}
