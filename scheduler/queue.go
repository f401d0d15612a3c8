package scheduler

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// The scheduling queue's timings (backend/queue/scheduling_queue.go, the
// same from 1.20 to 1.36): a pod that failed waits 1 s, doubling per
// attempt up to 10 s, before it may be tried again; the backoff queue is
// flushed every second and the unschedulable pods every 30 s.
const (
	initialBackoff           = 1 * time.Second
	maxBackoff               = 10 * time.Second
	backoffFlushPeriod       = 1 * time.Second
	unschedulableFlushPeriod = 30 * time.Second
)

// Where a queued pod is.
const (
	inActive = iota
	inBackoff
	inUnschedulable
	inFlight // popped for a scheduling cycle
)

// queuedPod is framework.QueuedPodInfo: a pod waiting to be scheduled and
// its history of attempts.
type queuedPod struct {
	pod   *corev1.Pod
	where int
	// attempts counts scheduling cycles; lastAttempt is when the last one
	// failed, which starts the backoff.
	attempts    int
	lastAttempt sim.Time
	// timestamp orders pods of equal priority in the active queue
	// (PrioritySort's Less): when the pod was last added to it.
	timestamp sim.Time
	// unschedulableSince is when the pod was put among the unschedulable.
	unschedulableSince sim.Time
}

func priority(p *corev1.Pod) int32 {
	if p.Spec.Priority != nil {
		return *p.Spec.Priority
	}
	return 0
}

// backoffDuration is calculateBackoffDuration: 1 s doubled per attempt
// after the first, at most 10 s.
func (q *queuedPod) backoffDuration() sim.Duration {
	d := initialBackoff
	for i := 1; i < q.attempts; i++ {
		d *= 2
		if d >= maxBackoff {
			return maxBackoff
		}
	}
	return d
}

func (q *queuedPod) backoffExpiry() sim.Time { return q.lastAttempt.Add(q.backoffDuration()) }

// pushActive adds q to the active queue, ordered by priority (higher
// first) then by timestamp, after pods that compare equal.
func (s *Scheduler) pushActive(q *queuedPod) {
	q.where = inActive
	q.timestamp = s.e.Now()
	i := len(s.active)
	for i > 0 {
		o := s.active[i-1]
		if priority(o.pod) > priority(q.pod) || priority(o.pod) == priority(q.pod) && o.timestamp <= q.timestamp {
			break
		}
		i--
	}
	s.active = append(s.active, nil)
	copy(s.active[i+1:], s.active[i:])
	s.active[i] = q
	s.wake()
}

// remove takes q out of whichever queue holds it.
func (s *Scheduler) remove(q *queuedPod) {
	var list *[]*queuedPod
	switch q.where {
	case inFlight:
		delete(s.queued, q.pod.UID)
		return
	case inActive:
		list = &s.active
	case inBackoff:
		list = &s.backoff
	default:
		list = &s.unschedulable
	}
	for i, o := range *list {
		if o == q {
			*list = append((*list)[:i], (*list)[i+1:]...)
			break
		}
	}
	delete(s.queued, q.pod.UID)
}

// moveAllToActiveOrBackoff is MoveAllToActiveOrBackoffQueue for a cluster
// event that may make unschedulable pods schedulable (an assigned pod
// deleted, a node added or changed): each goes to the active queue if its
// backoff is over, else to the backoff queue.
func (s *Scheduler) moveAllToActiveOrBackoff() {
	pods := s.unschedulable
	s.unschedulable = nil
	for _, q := range pods {
		s.activateOrBackoff(q)
	}
}

func (s *Scheduler) activateOrBackoff(q *queuedPod) {
	if s.e.Now() < q.backoffExpiry() {
		q.where = inBackoff
		s.backoff = append(s.backoff, q)
		return
	}
	s.pushActive(q)
}

// flushBackoff is flushBackoffQCompleted, every second: pods whose backoff
// is over go to the active queue.
func (s *Scheduler) flushBackoff() {
	now := s.e.Now()
	for _, q := range takeWhere(&s.backoff, func(q *queuedPod) bool { return q.backoffExpiry() <= now }) {
		s.pushActive(q)
	}
}

// flushUnschedulable is flushUnschedulablePodsLeftover, every 30 s: pods
// unschedulable for longer than the release's limit are retried without
// waiting for a cluster event.
func (s *Scheduler) flushUnschedulable() {
	now := s.e.Now()
	limit := s.cfg.Profile.UnschedulableFlushAfter()
	for _, q := range takeWhere(&s.unschedulable, func(q *queuedPod) bool { return now.Sub(q.unschedulableSince) > limit }) {
		s.activateOrBackoff(q)
	}
}

// takeWhere removes from *list the pods for which take reports true and
// returns them; both keep their order.
func takeWhere(list *[]*queuedPod, take func(*queuedPod) bool) []*queuedPod {
	keep := (*list)[:0]
	var taken []*queuedPod
	for _, q := range *list {
		if take(q) {
			taken = append(taken, q)
		} else {
			keep = append(keep, q)
		}
	}
	*list = keep
	return taken
}
