package app

import (
	"slices"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/probesim/probesim/sim"
)

// field is one top-level field of a behaviour; overrides (instances,
// setApp patches) replace whole fields.
type field uint16

const (
	fStart field = 1 << iota
	fListen
	fHTTP
	fTCP
	fGRPC
	fExec
	fConcurrency
	fExit
	fCrash
	fMemory
	fOnSIGTERM
	fSignals
	fInstances
	fResources
	fPull
)

// Behavior is the description of what a container's process does: when it
// listens, what it answers, when it ends and how it takes signals. A
// Behavior is immutable once decoded; start instances of it with Start or
// Catalog.Start.
type Behavior struct {
	has fieldSet

	start       Dist
	listen      []portDist // by port
	http        map[int]*httpTable
	tcp         map[int]handler
	grpc        map[int]map[string]handler
	exec        *execTable
	concurrency int // 0: unlimited
	exit        *exitSpec
	crash       *crashSpec
	memory      *memorySpec
	onSIGTERM   *reaction
	signals     map[Signal]reaction
	resources   Resources
	pull        Pull
	overrides   []instanceRange // `instances` as decoded: partial behaviours
	instances   []instanceRange // overrides merged onto this behaviour
}

// fieldSet is the set of fields a description gives.
type fieldSet = field

// portDist is when one port starts listening.
type portDist struct {
	port int
	d    Dist
}

// exitSpec is `exit`: the process ends by itself.
type exitSpec struct {
	after Dist
	code  int
}

// crashSpec is `crash`: the process dies while serving a request.
type crashSpec struct {
	afterRequests int     // the Nth request crashes it; 0: never
	probability   float64 // each request crashes it with this probability
	code          int
}

// memorySpec is `memory`: usage that grows towards the container's limit.
type memorySpec struct {
	start  int64        // bytes at container start
	growth int64        // bytes per `per`
	per    sim.Duration // > 0
}

// reaction is what the process does on a signal.
type reaction struct {
	ignore bool
	code   int
	after  Dist
}

// instanceRange is an `instances` entry: instances lo..hi (hi 0: no end).
type instanceRange struct {
	lo, hi int
	b      *Behavior
}

// Resources are the requests a behaviour gives the scheduler when the
// manifest has none. A nil field was not given.
type Resources struct {
	CPU    *resource.Quantity
	Memory *resource.Quantity
}

// Resources returns the resource requests the description gives.
func (b *Behavior) Resources() Resources { return b.resources }

// Concurrency returns how many requests the process serves at once; 0 means
// no limit.
func (b *Behavior) Concurrency() int { return b.concurrency }

// defaultBehavior is the behaviour of an image no pattern matches: it
// listens at once on every port, answers 200 to every HTTP path, accepts
// TCP, answers SERVING to gRPC and exit 0 to exec, and exits 143 at once on
// SIGTERM.
var defaultBehavior = &Behavior{}

// Default returns the behaviour of images that no catalog entry matches.
func Default() *Behavior { return defaultBehavior }

// forInstance returns the behaviour of instance n (1-based).
func (b *Behavior) forInstance(n int) *Behavior {
	for _, r := range b.instances {
		if n >= r.lo && (r.hi == 0 || n <= r.hi) {
			return r.b
		}
	}
	return b
}

// Exits reports whether instance n (1-based) of b ends by itself, that is
// whether it has an exit (exit.after); crashes, which need requests, and
// OOM kills, which need a memory limit, do not count.
func (b *Behavior) Exits(n int) bool { return b.forInstance(n).exit != nil }

// listensEverywhere reports whether b lists no port at all, in which case
// every port listens (after start) and answers the default answers.
func (b *Behavior) listensEverywhere() bool {
	return len(b.listen) == 0 && len(b.http) == 0 && len(b.tcp) == 0 && len(b.grpc) == 0
}

// listed reports whether port is listed in listen, http, tcp or grpc.
func (b *Behavior) listed(port int) bool {
	if _, ok := b.http[port]; ok {
		return true
	}
	if _, ok := b.tcp[port]; ok {
		return true
	}
	if _, ok := b.grpc[port]; ok {
		return true
	}
	_, ok := slices.BinarySearchFunc(b.listen, port, func(p portDist, port int) int { return p.port - port })
	return ok
}

// merge returns base with the fields over gives replaced by over's, its
// instance overrides resolved.
func merge(base, over *Behavior) *Behavior {
	m := mergeFields(base, over)
	m.resolve()
	return m
}

// mergeFields is merge without resolving instance overrides.
func mergeFields(base, over *Behavior) *Behavior {
	m := *base
	m.has |= over.has
	if over.has&fStart != 0 {
		m.start = over.start
	}
	if over.has&fListen != 0 {
		m.listen = over.listen
	}
	if over.has&fHTTP != 0 {
		m.http = over.http
	}
	if over.has&fTCP != 0 {
		m.tcp = over.tcp
	}
	if over.has&fGRPC != 0 {
		m.grpc = over.grpc
	}
	if over.has&fExec != 0 {
		m.exec = over.exec
	}
	if over.has&fConcurrency != 0 {
		m.concurrency = over.concurrency
	}
	if over.has&fExit != 0 {
		m.exit = over.exit
	}
	if over.has&fCrash != 0 {
		m.crash = over.crash
	}
	if over.has&fMemory != 0 {
		m.memory = over.memory
	}
	if over.has&fOnSIGTERM != 0 {
		m.onSIGTERM = over.onSIGTERM
	}
	if over.has&fSignals != 0 {
		m.signals = over.signals
	}
	if over.has&fResources != 0 {
		m.resources = over.resources
	}
	if over.has&fInstances != 0 {
		m.overrides = over.overrides
	}
	if over.has&fPull != 0 {
		m.pull = over.pull
	}
	return &m
}

// resolve merges b's instance overrides onto b itself, so that forInstance
// returns complete behaviours.
func (b *Behavior) resolve() {
	b.instances = nil
	if len(b.overrides) == 0 {
		return
	}
	b.instances = make([]instanceRange, len(b.overrides))
	for i, r := range b.overrides {
		base := *b
		base.overrides, base.instances = nil, nil
		b.instances[i] = instanceRange{r.lo, r.hi, mergeFields(&base, r.b)}
	}
}
