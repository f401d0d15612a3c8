package scheduler

import (
	"fmt"
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/kubectl"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Latencies of the scheduler (a model choice, see docs/fidelity.md): its
// informers hear of a change 5 ms after it, and the binding API call
// completes 5 ms after the scheduling cycle chose a node. A pod created
// on an idle cluster is therefore bound 10 ms after its creation.
const (
	WatchLatency = 5 * time.Millisecond
	BindLatency  = 5 * time.Millisecond
)

// Name is the default profile's schedulerName and the events' source.
const Name = "default-scheduler"

var (
	kindCycle = sim.NewKind("scheduler/cycle", 45)
	kindBind  = sim.NewKind("scheduler/bind", 45)
	kindFlush = sim.NewKind("scheduler/flush", 45)
)

// Config is what the scheduler needs from the cluster.
type Config struct {
	Engine  *sim.Engine
	Store   *store.Store
	Log     *record.Log
	Events  *events.Recorder
	Profile *version.Profile
	// Straightforward makes the scheduler deep-copy every pod it assumes
	// or writes instead of sharing the metadata and spec of the stored
	// pod, so that tests can check the sharing changes nothing
	// (cluster.Config.Straightforward).
	Straightforward bool
}

// Scheduler is kube-scheduler with the default profile.
type Scheduler struct {
	cfg Config
	e   *sim.Engine
	rng *rand.Rand

	nodes  []*nodeInfo // in the order they were added, as the node tree lists one zone
	byName map[string]*nodeInfo
	// assigned are the pods the cache counts on a node, bound or assumed,
	// as last seen: the assumed copy until the informer reports the pod
	// bound, then the latest version the informer delivered.
	assigned map[types.UID]*corev1.Pod
	// spread counts the assigned pods the default spreading matches.
	spread *spreadCounts
	// feasible and spreadBuf are schedulePod's and spreadScores'
	// buffers, kept from one cycle to the next: a cycle of a large
	// cluster finds hundreds of feasible nodes.
	feasible  []*nodeInfo
	spreadBuf spreadBuffers
	// queryMemo is the last spreading query (spreadQuery).
	queryMemo spreadQueryMemo
	// nextStart is nextStartNodeIndex: where the next search for feasible
	// nodes begins, in large clusters.
	nextStart int

	queued        map[types.UID]*queuedPod
	active        []*queuedPod
	backoff       []*queuedPod
	unschedulable []*queuedPod
	cyclePending  bool
	// recorded is the last PodStatus recorded for a pending pod.
	recorded map[types.UID]bool
}

// New returns a scheduler; Start begins its loops.
func New(cfg Config) *Scheduler {
	return &Scheduler{
		cfg: cfg, e: cfg.Engine, rng: cfg.Engine.Rand("scheduler"),
		byName: map[string]*nodeInfo{}, assigned: map[types.UID]*corev1.Pod{}, spread: newSpreadCounts(),
		queued: map[types.UID]*queuedPod{}, recorded: map[types.UID]bool{},
	}
}

// Start begins the scheduler's watches of pods and nodes and its queue
// flushes, whose phase is drawn from the "scheduler" stream: the
// scheduler started at some moment before the run.
func (s *Scheduler) Start() {
	s.cfg.Store.Nodes.Watch(WatchLatency, s.nodeEvent)
	s.cfg.Store.Pods.Watch(WatchLatency, s.podEvent)
	every := func(period time.Duration, fn func()) {
		s.e.After(sim.Duration(s.rng.Int64N(int64(period))), kindFlush, func() {
			fn()
			s.e.NewTicker(period, kindFlush, fn)
		})
	}
	every(backoffFlushPeriod, s.flushBackoff)
	every(unschedulableFlushPeriod, s.flushUnschedulable)
	if s.cfg.Profile.SchedulerEventsAPI() {
		// Its event broadcaster's 30-minute loop began with the process,
		// at a moment before the run drawn from a stream of its own.
		r := s.e.Rand("scheduler/events")
		s.cfg.Events.UseEventsAPI(source, s.e, sim.Time(r.Int64N(int64(30*time.Minute))))
	}
}

// source is the scheduler's events' reporting component.
var source = events.Source{Component: Name}

// regarding is what of a pod the key of tools/events' event cache holds
// beyond its name (getKey: the regarding ObjectReference that
// reference.GetReference builds): its UID and resourceVersion.
func regarding(p *corev1.Pod) string { return string(p.UID) + "/" + p.ResourceVersion }

// AddNode puts a node that exists before the scheduler starts into its
// cache, as the informers' initial list does.
func (s *Scheduler) AddNode(n *corev1.Node) {
	if ni, ok := s.byName[n.Name]; ok {
		ni.setNode(n)
		return
	}
	ni := newNodeInfo(n)
	ni.spreadID = s.spread.nodeID(n.Name)
	s.nodes = append(s.nodes, ni)
	s.byName[n.Name] = ni
}

func (s *Scheduler) nodeEvent(ev store.EventType, n, old *corev1.Node) {
	switch ev {
	case store.Deleted:
		ni, ok := s.byName[n.Name]
		if !ok {
			return
		}
		delete(s.byName, n.Name)
		for i, o := range s.nodes {
			if o == ni {
				s.nodes = append(s.nodes[:i], s.nodes[i+1:]...)
				break
			}
		}
	case store.Added:
		s.AddNode(n)
		s.moveAllToActiveOrBackoff()
	default:
		s.AddNode(n)
		// Heartbeats change only conditions' times; a change of what the
		// filters read may let a pod fit (nodeSchedulingPropertiesChange).
		if !equality.Semantic.DeepEqual(old.Spec, n.Spec) || !equality.Semantic.DeepEqual(old.Labels, n.Labels) ||
			!equality.Semantic.DeepEqual(old.Status.Allocatable, n.Status.Allocatable) {
			s.moveAllToActiveOrBackoff()
		}
	}
}

func (s *Scheduler) podEvent(ev store.EventType, pod, _ *corev1.Pod) {
	terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
	if pod.Spec.NodeName != "" {
		if q, ok := s.queued[pod.UID]; ok {
			s.remove(q) // bound by someone else
		}
		_, cached := s.assigned[pod.UID]
		switch {
		case ev == store.Deleted || terminal:
			if cached {
				s.forget(pod.UID)
				s.moveAllToActiveOrBackoff()
			}
		case !cached:
			s.assume(pod, pod.Spec.NodeName)
		default:
			// The cache keeps the latest version of an assigned pod
			// (cache.go AddPod of an assumed pod, UpdatePod): the
			// spreading must see a deletionTimestamp or new labels.
			s.update(pod)
		}
		return
	}
	q, ok := s.queued[pod.UID]
	switch {
	case ev == store.Deleted || terminal:
		if ok {
			s.remove(q)
		}
		delete(s.recorded, pod.UID)
		if _, cached := s.assigned[pod.UID]; cached {
			s.forget(pod.UID) // deleted while its binding was in flight
		}
	case ok:
		q.pod = pod
	case ev == store.Added && responsible(pod):
		q := &queuedPod{pod: pod}
		s.queued[pod.UID] = q
		s.pushActive(q)
	}
}

// responsible reports whether the default profile schedules the pod.
func responsible(pod *corev1.Pod) bool {
	return pod.Spec.SchedulerName == "" || pod.Spec.SchedulerName == Name
}

// assume counts pod on node (its spec.nodeName) in the cache.
func (s *Scheduler) assume(pod *corev1.Pod, node string) {
	s.assigned[pod.UID] = pod
	if ni, ok := s.byName[node]; ok {
		ni.addPod(pod)
	}
	s.spread.add(pod)
}

// update replaces the cached version of an assigned pod with pod, as
// cache.go updatePod does: the old version's requests and spreading
// count are taken off its node and the new one's put on pod's node.
func (s *Scheduler) update(pod *corev1.Pod) {
	old := s.assigned[pod.UID]
	if old == pod {
		return
	}
	s.assigned[pod.UID] = pod
	if ni, ok := s.byName[old.Spec.NodeName]; ok {
		ni.removePod(old)
	}
	if ni, ok := s.byName[pod.Spec.NodeName]; ok {
		ni.addPod(pod)
	}
	s.spread.sub(old)
	s.spread.add(pod)
}

func (s *Scheduler) forget(uid types.UID) {
	pod := s.assigned[uid]
	delete(s.assigned, uid)
	if ni, ok := s.byName[pod.Spec.NodeName]; ok {
		ni.removePod(pod)
	}
	s.spread.sub(pod)
}

// wake asks for a scheduling cycle if none is pending: scheduleOne runs
// as soon as the active queue has a pod.
func (s *Scheduler) wake() {
	if s.cyclePending || len(s.active) == 0 {
		return
	}
	s.cyclePending = true
	s.e.At(s.e.Now(), kindCycle, s.cycle)
}

// cycle is scheduleOne for the pod at the head of the active queue. The
// scheduling cycle itself takes no simulated time.
func (s *Scheduler) cycle() {
	s.cyclePending = false
	if len(s.active) == 0 {
		return
	}
	q := s.active[0]
	s.active = s.active[1:]
	q.where = inFlight
	q.attempts++
	node, fe := s.schedulePod(q.pod)
	if fe != nil {
		s.failed(q, fe)
	} else {
		s.remove(q)
		// The assumed pod differs from the stored one only in nodeName, a
		// scalar: it shares the rest, which no one modifies (package store).
		p := &corev1.Pod{TypeMeta: q.pod.TypeMeta, ObjectMeta: q.pod.ObjectMeta, Spec: q.pod.Spec, Status: q.pod.Status}
		if s.cfg.Straightforward {
			p = q.pod.DeepCopy()
		}
		p.Spec.NodeName = node
		s.assume(p, node)
		s.e.After(BindLatency, kindBind, func() { s.bind(p, node) })
	}
	s.wake()
}

// schedulePod is schedulePod: the feasible nodes, then the best of them.
func (s *Scheduler) schedulePod(pod *corev1.Pod) (string, *fitError) {
	n := len(s.nodes)
	fe := &fitError{numNodes: n}
	if n == 0 {
		return "", fe
	}
	want := numFeasibleNodesToFind(n)
	c := newCandidate(pod)
	feasible := s.feasible[:0]
	checked := 0
	for ; checked < n && len(feasible) < want; checked++ {
		ni := s.nodes[(s.nextStart+checked)%n]
		if v := filter(s.cfg.Profile, c, ni); v.fits() {
			feasible = append(feasible, ni)
		} else {
			fe.verdicts = append(fe.verdicts, v)
		}
	}
	s.nextStart = (s.nextStart + checked) % n
	s.feasible = feasible
	switch len(feasible) {
	case 0:
		return "", fe
	case 1:
		// One feasible node is chosen without scoring.
		return feasible[0].node.Name, nil
	}
	return s.selectHost(c, feasible), nil
}

// numFeasibleNodesToFind is the adaptive percentageOfNodesToScore: all
// nodes below 100; else 50% minus 1% per 125 nodes, at least 5%, at least
// 100 nodes.
func numFeasibleNodesToFind(n int) int {
	if n < 100 {
		return n
	}
	pct := max(50-n/125, 5)
	return max(n*pct/100, 100)
}

// selectHost picks among the nodes with the top score by reservoir
// sampling: the i-th node with the top score replaces the choice with
// probability 1/i (schedule_one.go selectHost).
func (s *Scheduler) selectHost(c *candidate, feasible []*nodeInfo) string {
	spread := s.spreadScores(c.pod, feasible)
	best, count := int64(-1), 0
	var chosen *nodeInfo
	for i, ni := range feasible {
		sc := score(s.cfg.Profile, c, ni) + spread[i]
		switch {
		case sc > best:
			best, count, chosen = sc, 1, ni
		case sc == best:
			count++
			if s.rng.IntN(count) == 0 {
				chosen = ni
			}
		}
	}
	return chosen.node.Name
}

// bind is the binding cycle's Bind: the API server sets spec.nodeName and
// the PodScheduled condition, and the scheduler records Scheduled. A pod
// deleted or bound meanwhile is forgotten, if the cache still holds the
// assumed copy: only an assumed pod can be forgotten (cache.go
// ForgetPod); once the informer has reported the pod bound, the cache
// keeps that.
func (s *Scheduler) bind(assumed *corev1.Pod, node string) {
	cur, ok := s.cfg.Store.Pods.Get(assumed.Namespace, assumed.Name)
	if !ok || cur.UID != assumed.UID || cur.Spec.NodeName != "" || cur.DeletionTimestamp != nil {
		if s.assigned[assumed.UID] == assumed && (!ok || cur.UID != assumed.UID || cur.Spec.NodeName != node) {
			s.forget(assumed.UID)
		}
		return
	}
	now := s.e.Now()
	p := s.withOwnStatus(cur)
	p.Spec.NodeName = node
	setScheduled(p, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}, now)
	s.cfg.Store.Pods.Update(p)
	delete(s.recorded, p.UID)
	msg := fmt.Sprintf("Successfully assigned %s/%s to %s", p.Namespace, p.Name, node)
	if !s.cfg.Profile.PodWorkers() {
		msg = fmt.Sprintf("Successfully assigned %s to %s", p.Name, node) // 1.1 scheduler.go
	}
	// The regarding object is the assumed pod (schedule_one.go bind
	// handling, 1.36; scheduler.go bind, 1.20), as the queue last had it.
	s.cfg.Events.EventWithAction(source, events.Ref{Object: "Pod/" + p.Name}, regarding(assumed), events.Normal, "Scheduled", "Binding", msg)
}

// failed is the FailureHandler for a pod that fits nowhere: the
// FailedScheduling event, the PodScheduled=False condition with reason
// Unschedulable, and the pod among the unschedulable.
func (s *Scheduler) failed(q *queuedPod, fe *fitError) {
	now := s.e.Now()
	q.lastAttempt = now
	q.where = inUnschedulable
	q.unschedulableSince = now
	s.unschedulable = append(s.unschedulable, q)
	msg := fe.message(s.cfg.Profile)
	// The regarding object is the pod as the scheduler last saw it, before
	// this failure's condition update (schedule_one.go handleSchedulingFailure
	// records the event, then calls updatePod), so the first failure's event
	// and the next ones regard different resourceVersions.
	s.cfg.Events.EventWithAction(source, events.Ref{Object: "Pod/" + q.pod.Name}, regarding(q.pod), events.Warning, "FailedScheduling", "Scheduling", msg)
	cur, ok := s.cfg.Store.Pods.Get(q.pod.Namespace, q.pod.Name)
	if !ok || cur.UID != q.pod.UID {
		return
	}
	p := s.withOwnStatus(cur)
	if setScheduled(p, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: msg}, now) {
		s.cfg.Store.Pods.Update(p)
		q.pod = p
	}
	if !s.recorded[p.UID] {
		s.recorded[p.UID] = true
		row := kubectl.Pod(p, s.cfg.Profile.Minor)
		s.cfg.Log.Add(now, record.KindPodStatus, &record.PodStatus{
			Header: record.Header{Object: "Pod/" + p.Name}, Phase: string(p.Status.Phase),
			Ready: row.Ready, Status: row.Status, Restarts: row.Restarts,
			Conditions: map[string]bool{string(corev1.PodScheduled): false},
		})
	}
}

// withOwnStatus is the copy of a stored pod that a writer of its status
// and of scalar fields of its spec changes: the status is its own, the
// metadata and the spec's maps and slices are shared with cur, which the
// store's rule (package store) lets no one modify.
func (s *Scheduler) withOwnStatus(cur *corev1.Pod) *corev1.Pod {
	if s.cfg.Straightforward {
		return cur.DeepCopy()
	}
	return &corev1.Pod{TypeMeta: cur.TypeMeta, ObjectMeta: cur.ObjectMeta, Spec: cur.Spec, Status: *cur.Status.DeepCopy()}
}

// setScheduled sets the PodScheduled condition as podutil.UpdatePodCondition
// does: lastTransitionTime changes only with the status. It reports whether
// anything changed.
func setScheduled(p *corev1.Pod, c corev1.PodCondition, now sim.Time) bool {
	c.LastTransitionTime = store.WallSeconds(now)
	for i := range p.Status.Conditions {
		o := &p.Status.Conditions[i]
		if o.Type != c.Type {
			continue
		}
		if o.Status == c.Status {
			if o.Reason == c.Reason && o.Message == c.Message {
				return false
			}
			c.LastTransitionTime = o.LastTransitionTime
		}
		*o = c
		return true
	}
	p.Status.Conditions = append(p.Status.Conditions, c)
	return true
}

// Pending returns how many pods wait to be scheduled, for tests and
// diagnostics.
func (s *Scheduler) Pending() int { return len(s.queued) }
