package app

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/probesim/probesim/sim"
)

// answer is one described outcome of a request.
type answer struct {
	kind     ReplyKind
	code     int // HTTP status, exec exit code or gRPC health status
	latency  Dist
	location string
	output   string

	// Timeline bounds; at most one is set, and neither on the last step.
	until      Dist // since the container started; drawn once per instance
	hasUntil   bool
	untilAt    sim.Time // since the start of the run
	hasUntilAt bool
	id         uint64 // hash of the answer's path: seeds the draw of until
}

// handler is a timeline of answers; a plain answer is a timeline of one.
type handler []answer

// at returns the answer of h in effect at time t for instance in (whose
// container started at in.startedAt).
func (h handler) at(t sim.Time, in *Instance) *answer {
	since := t.Sub(in.startedAt)
	for i := range h {
		a := &h[i]
		switch {
		case a.hasUntil:
			if since < in.until(a) {
				return a
			}
		case a.hasUntilAt:
			if t < a.untilAt {
				return a
			}
		default:
			return a
		}
	}
	if len(h) == 0 {
		return &answerDefaultHTTP
	}
	return &h[len(h)-1]
}

// Answers used where the description gives none.
var (
	answerDefaultHTTP    = answer{code: 200}
	answerNotFound       = answer{code: 404}
	answerServing        = answer{code: GRPCServing}
	answerUnknownService = answer{code: GRPCUnknownService, output: "rpc error: code = NotFound desc = unknown service"}
	answerAccept         = answer{}
	answerReset          = answer{kind: Reset}
	answerRefuse         = answer{kind: Refused}
	answerExit0          = answer{}
)

// untilDraw is an instance's draw of a variable timeline bound.
type untilDraw struct {
	a *answer
	v sim.Duration
}

// until returns a's bound for in: fixed, or drawn once for the instance from
// a stream derived from the instance's seed and the answer's path, so that
// the draw does not depend on when it is first needed.
func (in *Instance) until(a *answer) sim.Duration {
	if a.until.IsFixed() {
		return a.until.fixed
	}
	for _, u := range in.untils {
		if u.a == a {
			return u.v
		}
	}
	v := a.until.Draw(rand.New(rand.NewPCG(in.seed, a.id)))
	in.untils = append(in.untils, untilDraw{a, v})
	return v
}

// pathID hashes a field path into a stream seed.
func pathID(p string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(p))
	return h.Sum64()
}
