package network

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// target is one traffic destination (a Service or a Route) with its
// generators and its counts. Outcomes are counted in the second they reach
// the client, sent requests in the second they leave it.
type target struct {
	n      *Network
	name   string // "service/web", as the scenario names it
	ns     string
	key    string // namespace/name
	object string // "Service/web"
	route  bool
	lb     *rand.Rand
	gens   []*generator
	from   sim.Time

	// Seconds not yet written, in a ring indexed by second number.
	ring   []bucket
	base   int64 // the oldest second not written
	timer  *sim.Timer
	closed int64 // seconds written so far end here

	total  bucket // over the run; lat unused
	codes  map[int]int
	hist   histogram
	minLat sim.Duration
	maxLat sim.Duration
	last   sim.Time // the last outcome
	slo    *SLO     // the target's objective, if any
}

// bucket counts one second of traffic.
type bucket struct {
	sent, ok, refused, reset, timeout, resolved int
	slow                                        int // ok, but slower than the SLO allows
	codes                                       []codeCount
	lat                                         []sim.Duration
}

type codeCount struct{ code, n int }

func (n *Network) target(kind, ns, name string) *target {
	tk := ns + "/" + kind + "/" + name
	if t := n.targets[tk]; t != nil {
		return t
	}
	t := &target{
		n: n, name: kind + "/" + name, ns: ns, key: ns + "/" + name, route: kind == "route",
		lb: n.rand("traffic/" + tk + "/lb"), from: sim.Never, codes: map[int]int{},
		ring: make([]bucket, 8), minLat: sim.Duration(1<<63 - 1),
	}
	t.object = "Service/" + name
	if t.route {
		t.object = "Route/" + name
	}
	t.base = int64(n.e.Now() / sim.Time(time.Second))
	t.timer = n.e.NewTimer(kindSecond, t.closeSecond)
	n.targets[tk] = t
	n.tgtOrder = append(n.tgtOrder, t)
	sort.Slice(n.tgtOrder, func(i, j int) bool {
		a, b := n.tgtOrder[i], n.tgtOrder[j]
		return a.ns < b.ns || a.ns == b.ns && a.name < b.name
	})
	return t
}

func second(t sim.Time) int64 { return int64(t / sim.Time(time.Second)) }

// bucketAt returns the bucket of second sec, growing the ring if sec is
// further ahead than it holds.
func (t *target) bucketAt(sec int64) *bucket {
	if sec < t.base {
		sec = t.base
	}
	for sec-t.base >= int64(len(t.ring)) {
		old := t.ring
		t.ring = make([]bucket, 2*len(old))
		for s := t.base; s < t.base+int64(len(old)); s++ {
			t.ring[s&int64(len(t.ring)-1)] = old[s&int64(len(old)-1)]
		}
	}
	return &t.ring[sec&int64(len(t.ring)-1)]
}

// sent counts a request leaving the client now, and makes sure the second
// it falls in will be written.
func (t *target) sent(now sim.Time) {
	t.bucketAt(second(now)).sent++
	t.total.sent++
	t.arm()
}

// resolve counts a request's outcome at time at (now or later).
func (t *target) resolve(o Outcome, status int, at sim.Time, lat sim.Duration) {
	b := t.bucketAt(second(at))
	b.resolved++
	t.total.resolved++
	switch o {
	case Refused:
		b.refused++
		t.total.refused++
	case Reset:
		b.reset++
		t.total.reset++
	case Timeout:
		b.timeout++
		t.total.timeout++
	default:
		if status >= 200 && status < 400 {
			b.ok++
			t.total.ok++
			if t.slowAnswer(lat) {
				b.slow++
				t.total.slow++
			}
		} else {
			b.addCode(status)
			t.codes[status]++
		}
	}
	b.lat = append(b.lat, lat)
	t.hist.add(lat)
	t.minLat, t.maxLat = min(t.minLat, lat), max(t.maxLat, lat)
	t.last = max(t.last, at)
	t.arm()
}

func (b *bucket) addCode(code int) {
	for i := range b.codes {
		if b.codes[i].code == code {
			b.codes[i].n++
			return
		}
	}
	b.codes = append(b.codes, codeCount{code, 1})
}

// arm schedules the close of the oldest unwritten second.
func (t *target) arm() {
	if !t.timer.Active() {
		t.timer.ResetAt(sim.Time(t.base+1) * sim.Time(time.Second))
	}
}

// active reports whether a generator sends during second sec.
func (t *target) active(sec int64) bool {
	start, end := sim.Time(sec)*sim.Time(time.Second), sim.Time(sec+1)*sim.Time(time.Second)
	for _, g := range t.gens {
		if g.spec.From < end && g.spec.Until > start {
			return true
		}
	}
	return false
}

// closeSecond writes the Requests record of the second that just ended,
// if traffic was sent during it or outcomes came back, and moves on while
// generators run or outcomes are still to come.
func (t *target) closeSecond() {
	now := t.n.e.Now()
	for sec := t.base; sim.Time(sec+1)*sim.Time(time.Second) <= now; sec++ {
		b := t.bucketAt(sec)
		if b.sent > 0 || b.resolved > 0 || t.active(sec) {
			t.write(b)
		}
		b.sent, b.ok, b.refused, b.reset, b.timeout, b.resolved, b.slow = 0, 0, 0, 0, 0, 0, 0
		b.codes, b.lat = b.codes[:0], b.lat[:0]
		t.base = sec + 1
	}
	pending := false
	for s := t.base; s < t.base+int64(len(t.ring)); s++ {
		if b := &t.ring[s&int64(len(t.ring)-1)]; b.sent > 0 || b.resolved > 0 {
			pending = true
			break
		}
	}
	if pending || t.active(t.base) || t.startsLater() {
		t.timer.ResetAt(sim.Time(t.base+1) * sim.Time(time.Second))
	}
}

// startsLater reports whether a generator has yet to send.
func (t *target) startsLater() bool {
	for _, g := range t.gens {
		if g.timer.Active() {
			return true
		}
	}
	return false
}

func (t *target) write(b *bucket) {
	r := &record.Requests{
		Header: record.Header{Object: t.object},
		Sent:   b.sent, OK: b.ok, Refused: b.refused, Reset: b.reset, Timeout: b.timeout, Slow: b.slow,
	}
	if len(b.codes) > 0 {
		r.Codes = make(map[string]int, len(b.codes))
		for _, c := range b.codes {
			r.Codes[strconv.Itoa(c.code)] = c.n
		}
	}
	if len(b.lat) > 0 {
		slices.Sort(b.lat)
		p50, p99 := record.Dur(rank(b.lat, 50)), record.Dur(rank(b.lat, 99))
		r.P50, r.P99 = &p50, &p99
	}
	t.n.log.Add(t.n.e.Now(), record.KindRequests, r)
}

// rank is the nearest-rank percentile p of sorted values.
func rank(sorted []sim.Duration, p int) sim.Duration {
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)]
}

// histogram counts latencies in log-linear buckets: exact below 128 ns,
// then 64 buckets per power of two (within 1.6 %).
type histogram struct {
	counts []uint64
	n      uint64
}

func histIndex(v sim.Duration) int {
	if v < 128 {
		return int(max(v, 0))
	}
	shift := bits.Len64(uint64(v)) - 7
	return 128 + (shift-1)*64 + int(uint64(v)>>uint(shift)) - 64
}

// histHigh is the largest value of a bucket.
func histHigh(i int) sim.Duration {
	if i < 128 {
		return sim.Duration(i)
	}
	shift := (i-128)/64 + 1
	mant := (i-128)%64 + 64
	return sim.Duration(mant+1)<<uint(shift) - 1
}

func (h *histogram) add(v sim.Duration) {
	i := histIndex(v)
	if i >= len(h.counts) {
		h.counts = slices.Grow(h.counts, i+1-len(h.counts))[:i+1]
	}
	h.counts[i]++
	h.n++
}

// quantile returns the nearest-rank percentile p (0-100), as the largest
// value of its bucket (HDR histograms' highest equivalent value), so that a
// percentile is never reported below the true one.
func (h *histogram) quantile(p int) sim.Duration {
	if h.n == 0 {
		return 0
	}
	want := (h.n*uint64(p) + 99) / 100
	want = max(want, 1)
	var acc uint64
	for i, c := range h.counts {
		acc += c
		if acc >= want {
			return histHigh(i)
		}
	}
	return histHigh(len(h.counts) - 1)
}

// Summary is a traffic target's totals over the run, for expectations.
type Summary struct {
	// Target is as the traffic names it ("service/web"), Namespace its
	// namespace.
	Target, Namespace string
	// Sent requests; each has one outcome, or is still in flight.
	Sent     int
	OK       int         // 2xx and 3xx answers
	Codes    map[int]int // other answers, by status code
	Refused  int
	Reset    int
	Timeout  int
	InFlight int // sent, outcome not yet known
	// ErrorRate is the share of settled requests that did not get a 2xx or
	// 3xx answer.
	ErrorRate float64
	// Latency percentiles over every settled request (errors included),
	// within 1.6 %, and the exact extremes.
	P50, P90, P99, Min, Max sim.Duration
	// ZeroEndpoints are the windows, while the target had traffic, in
	// which the data plane (or the router) had no endpoint to send it to.
	ZeroEndpoints []Window
	// Budget is the error budget spent, when the target has an SLO.
	Budget *Budget
}

// Errors returns the number of settled requests that were not OK.
func (s *Summary) Errors() int {
	e := s.Refused + s.Reset + s.Timeout
	for _, n := range s.Codes {
		e += n
	}
	return e
}

// Summary returns the totals of the traffic to a target ("service/web"
// or "route/web") in a namespace ("" is "default").
func (n *Network) Summary(namespace, target string) (Summary, bool) {
	if namespace == "" {
		namespace = "default"
	}
	kind, name, err := parseTarget(target)
	if err != nil {
		return Summary{}, false
	}
	t := n.targets[namespace+"/"+kind+"/"+name]
	if t == nil {
		return Summary{}, false
	}
	return t.summary(), true
}

// Summaries returns the totals of every traffic target, sorted by
// namespace and target.
func (n *Network) Summaries() []Summary {
	out := make([]Summary, 0, len(n.tgtOrder))
	for _, t := range n.tgtOrder {
		out = append(out, t.summary())
	}
	return out
}

func (t *target) summary() Summary {
	s := Summary{
		Target: t.name, Namespace: t.ns,
		Sent: t.total.sent, OK: t.total.ok, Refused: t.total.refused, Reset: t.total.reset, Timeout: t.total.timeout,
		InFlight: t.total.sent - t.total.resolved,
		Codes:    map[int]int{},
		Budget:   t.budget(),
	}
	for k, v := range t.codes {
		s.Codes[k] = v
	}
	if t.total.resolved > 0 {
		s.ErrorRate = float64(t.total.resolved-t.total.ok) / float64(t.total.resolved)
		s.P50, s.P90, s.P99 = t.clamp(t.hist.quantile(50)), t.clamp(t.hist.quantile(90)), t.clamp(t.hist.quantile(99))
		s.Min, s.Max = t.minLat, t.maxLat
	}
	until := t.n.e.Now()
	var w *windows
	if t.route {
		if rs := t.n.router.routes[t.key]; rs != nil {
			w = &rs.zero
		}
	} else if sv := t.n.services[t.key]; sv != nil {
		w = &sv.zero
	}
	if w != nil && t.from != sim.Never {
		last := sim.Time(0)
		for _, g := range t.gens {
			last = max(last, min(g.spec.Until, until))
		}
		s.ZeroEndpoints = w.within(t.from, last)
	} else if t.from != sim.Never && t.from < until {
		s.ZeroEndpoints = []Window{{Start: t.from, End: until}}
	}
	return s
}

func (t *target) clamp(d sim.Duration) sim.Duration { return min(max(d, t.minLat), t.maxLat) }
