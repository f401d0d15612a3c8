package controller

import (
	"github.com/probesim/probesim/sim"
)

// rateLimitBase is the first delay of client-go's default controller rate
// limiter (workqueue.DefaultControllerRateLimiter: per-item exponential
// backoff from 5 ms). Controllers Forget a key after every successful sync,
// so in the model a rate-limited requeue always waits this long.
const rateLimitBase = 5 * sim.Duration(1e6)

// queue is a controller work queue with client-go's semantics
// (util/workqueue): a key added while it waits is not added again, so an
// object queued twice before its sync is synced once; a key added while its
// sync runs is queued again after it. AddAfter keeps, per key, the earliest
// of the pending delayed adds (delaying_queue.go waitingLoop). Keys are
// processed in FIFO order, one kernel event each, at the instant they are
// added: the model's syncs take no simulated time.
type queue struct {
	e       *sim.Engine
	kind    sim.Kind
	sync    func(key string)
	items   []string
	head    int
	dirty   map[string]bool
	waiting map[string]*sim.Timer
	running bool
	step    func()

	tokens     float64 // the rate limiter's bucket
	bucketAt   sim.Time
	bucketInit bool

	// fails counts, per key, the syncs that failed since the key was last
	// forgotten: the per-item exponential backoff's exponent.
	fails map[string]int
}

func newQueue(e *sim.Engine, kind sim.Kind, sync func(string)) *queue {
	q := &queue{e: e, kind: kind, sync: sync, dirty: map[string]bool{}, waiting: map[string]*sim.Timer{}, fails: map[string]int{}}
	q.step = q.process
	return q
}

// Add queues key unless it is already waiting.
func (q *queue) Add(key string) {
	if q.dirty[key] {
		return
	}
	q.dirty[key] = true
	q.items = append(q.items, key)
	if !q.running {
		q.running = true
		q.e.After(0, q.kind, q.step)
	}
}

// AddAfter queues key after d, or at once if d ≤ 0. An earlier pending
// AddAfter of the same key wins over a later one.
func (q *queue) AddAfter(key string, d sim.Duration) {
	if d <= 0 {
		q.Add(key)
		return
	}
	at := q.e.Now().Add(d)
	t := q.waiting[key]
	if t == nil {
		t = q.e.NewTimer(q.kind, func() { q.Add(key) })
		q.waiting[key] = t
	}
	if t.Active() && t.When() <= at {
		return
	}
	t.ResetAt(at)
}

// AddRateLimited queues key after the rate limiter's delay: the larger of
// the per-item backoff (always its first step, rateLimitBase, because syncs
// never fail) and the queue-wide token bucket's (BucketRateLimiter, 10 per
// second with a burst of 100, golang.org/x/time/rate Reserve semantics).
func (q *queue) AddRateLimited(key string) {
	q.AddAfter(key, max(rateLimitBase, q.bucketDelay()))
}

// bucketDelay takes a token from the queue-wide bucket and returns how long
// its reservation waits.
func (q *queue) bucketDelay() sim.Duration {
	now := q.e.Now()
	if !q.bucketInit {
		q.tokens, q.bucketInit = bucketBurst, true
	} else {
		q.tokens = min(q.tokens+now.Sub(q.bucketAt).Seconds()*bucketQPS, bucketBurst)
	}
	q.bucketAt = now
	q.tokens--
	if q.tokens < 0 {
		return sim.Duration(-q.tokens / bucketQPS * 1e9)
	}
	return 0
}

// maxRetries is how many times the OpenShift controllers requeue a key
// whose sync fails before dropping it (maxRetryCount in origin's
// deploymentconfig and deployer controllers).
const maxRetries = 15

// Retry requeues key after a failed sync, as handleErr does with
// AddRateLimited without Forget: the per-item delay doubles from
// rateLimitBase with each failure (ItemExponentialFailureRateLimiter, capped
// at 1000 s), and the bucket's applies too. After maxRetries failures the
// key is dropped (Forget) until something queues it again.
func (q *queue) Retry(key string) {
	n := q.fails[key]
	if n >= maxRetries {
		delete(q.fails, key)
		return
	}
	q.fails[key] = n + 1
	d := rateLimitBase << n
	if limit := 1000 * sim.Duration(1e9); d > limit || d <= 0 {
		d = limit
	}
	q.AddAfter(key, max(d, q.bucketDelay()))
}

// Forget resets key's failure count after a sync that succeeded.
func (q *queue) Forget(key string) { delete(q.fails, key) }

// The overall bucket of workqueue.DefaultControllerRateLimiter.
const (
	bucketQPS   = 10
	bucketBurst = 100
)

// Len returns the number of keys waiting (not counting delayed adds).
func (q *queue) Len() int { return len(q.items) - q.head }

func (q *queue) process() {
	if q.head >= len(q.items) {
		q.items, q.head, q.running = q.items[:0], 0, false
		return
	}
	key := q.items[q.head]
	q.items[q.head] = ""
	q.head++
	delete(q.dirty, key)
	q.sync(key)
	if q.head < len(q.items) {
		q.e.After(0, q.kind, q.step)
		return
	}
	q.items, q.head, q.running = q.items[:0], 0, false
}
