package report

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// State is what a lane shows over an interval of a run.
type State int

// The states of a lane. A pod's lane shows what the API says of the pod;
// a container's lane shows its process, and whether the API shows it ready.
const (
	// StateUnscheduled is a pod created but not yet bound to a node.
	StateUnscheduled State = iota + 1
	// StatePending is a pod bound to a node whose phase is still Pending.
	StatePending
	// StateWaiting is a container not running and expected to start: being
	// created, restarting, or in a back-off wait (Span.Reason says which).
	StateWaiting
	// StateRunning is a running pod or container that is not Ready.
	StateRunning
	// StateReady is a pod whose Ready condition is true, or a running
	// container the API shows as ready.
	StateReady
	// StateTerminating is a pod being deleted, or a container between the
	// kubelet's Killing event and the end of its process.
	StateTerminating
	// StateExited is a container whose process has ended with no restart
	// to come, or a pod in phase Succeeded or Failed.
	StateExited
)

// String names the state as the legends do.
func (s State) String() string {
	switch s {
	case StateUnscheduled:
		return "unscheduled"
	case StatePending:
		return "pending"
	case StateWaiting:
		return "waiting"
	case StateRunning:
		return "running"
	case StateReady:
		return "ready"
	case StateTerminating:
		return "terminating"
	case StateExited:
		return "exited"
	}
	return "none"
}

// Waiting reasons a lane tells apart. Other reasons the API shows, such as
// CreateContainerConfigError, are kept as they are.
const (
	ReasonCreating   = "ContainerCreating"
	ReasonRestarting = "Restarting" // between an exit and the next start, with no back-off
	ReasonBackOff    = "CrashLoopBackOff"
	ReasonPullBack   = "ImagePullBackOff"
	ReasonPullErr    = "ErrImagePull"
)

// IsImageWait reports whether a waiting reason is about the image.
func IsImageWait(reason string) bool {
	return reason == ReasonPullBack || reason == ReasonPullErr || reason == "InvalidImageName" || reason == "ErrImageNeverPull"
}

// Span is an interval [Start, End) of one state of a lane.
type Span struct {
	Start, End sim.Time
	State      State
	// Reason details the state: the waiting reason of a container, or the
	// STATUS column kubectl shows for a pod.
	Reason string
	// Instance is the container instance (1-based) the span belongs to; 0
	// for pods and for waits before the first start.
	Instance int
}

// MarkKind is the kind of a moment marked on a lane.
type MarkKind int

// The kinds of marks.
const (
	// MarkProbeFailed is a probe execution that failed (result failure or
	// error); Mark.Probe names the probe.
	MarkProbeFailed MarkKind = iota + 1
	// MarkKilled is the kubelet's Killing event for the container.
	MarkKilled
	// MarkExited is the end of a container's process.
	MarkExited
	// MarkRestarted is the start of a container instance after the first.
	MarkRestarted
	// MarkScheduled is a pod's binding to a node.
	MarkScheduled
	// MarkDeleted is a pod's removal from the API.
	MarkDeleted
)

// Mark is a moment on a lane.
type Mark struct {
	T        sim.Time
	Kind     MarkKind
	Probe    string // for MarkProbeFailed: startup, liveness or readiness
	Instance int
	// Detail is the text a reader needs: the probe's output, the Killing
	// message, the exit code and reason.
	Detail string
}

// Instance is one start of a container: from its process starting to its
// end (End is the end of the run if it was still running).
type Instance struct {
	N          int
	Start, End sim.Time
	Ended      bool
	ExitCode   *int32
	Reason     string
	Signal     string
}

// ProbeRun is one probe execution: it ran for Duration and its result was
// known at T.
type ProbeRun struct {
	T        sim.Time
	Duration sim.Duration
	Probe    string
	Result   string
	Output   string
	Instance int
}

// ContainerLane is the lane of one container of a pod.
type ContainerLane struct {
	Name      string
	Spans     []Span
	Marks     []Mark
	Instances []Instance
	Probes    []ProbeRun
}

// PodLane is the lane of one pod and its containers.
type PodLane struct {
	Name  string // without "Pod/"
	Owner string
	Node  string
	// Created, Scheduled and Deleted are when the pod was created, bound and
	// removed; Scheduled and Deleted are sim.Never if that did not happen.
	Created, Scheduled, Deleted sim.Time
	Spans                       []Span
	Marks                       []Mark
	Containers                  []ContainerLane
}

// ServiceSpan is an interval during which a Service had Ready endpoints
// ready (and Serving serving).
type ServiceSpan struct {
	Start, End     sim.Time
	Ready, Serving int
}

// Window is an interval of a service with no ready endpoints. Initial is
// true for the window before the service first had any.
type Window struct {
	Start, End sim.Time
	Initial    bool
}

// ServiceLane is the lane of a Service's ready endpoints.
type ServiceLane struct {
	Name  string // without "Service/"
	Spans []ServiceSpan
	Zero  []Window
}

// Lanes is a run as lanes over time: one per pod, with a lane per
// container, and one per Service. It is derived from the records alone.
type Lanes struct {
	Run      record.Run
	Hash     string
	End      sim.Time
	Pods     []PodLane
	Services []ServiceLane
}

// podData is what BuildLanes gathers about one pod before it derives spans.
type podData struct {
	lane     *PodLane
	statuses []*record.PodStatus
	ctrs     map[string]*ctrData
	order    []string
	firstAPI sim.Time // first PodStatus: the kubelet has admitted the pod
}

type ctrData struct {
	name    string
	records []*record.Container
	probes  []*record.Probe
	events  []*record.Event
}

func (p *podData) ctr(name string) *ctrData {
	c := p.ctrs[name]
	if c == nil {
		c = &ctrData{name: name}
		p.ctrs[name] = c
		p.order = append(p.order, name)
	}
	return c
}

// containerOfFieldPath returns the container a kubelet event's fieldPath
// names: "spec.containers{web}" is web.
func containerOfFieldPath(fp string) string {
	for _, prefix := range []string{"spec.containers{", "spec.initContainers{", "spec.ephemeralContainers{"} {
		if rest, ok := strings.CutPrefix(fp, prefix); ok {
			return strings.TrimSuffix(rest, "}")
		}
	}
	return ""
}

// LanesNeed reports whether the timeline and the HTML page read records of
// the given kind: every kind but Requests (they draw no traffic). A run
// rendered by them need keep only these in memory (record.Log.Keep).
// Trace reads every kind.
func LanesNeed(kind string) bool { return kind != record.KindRequests }

// BuildLanes derives the lanes of a run from its records.
//
// A pod's lane follows the API: unscheduled until bound, then what each
// PodStatus record shows (Pending, Running, Ready, Terminating, a final
// phase) until the pod is removed. A container's lane follows its process
// (Container records), waiting before each start with the reason the API
// gives for the wait (CrashLoopBackOff, ImagePullBackOff, ...), ready from
// the first PodStatus after its start that counts it ready, terminating
// from the kubelet's Killing event to the process's end. Records do not
// say which container of a partly ready multi-container pod is the ready
// one; see attributeReady.
func BuildLanes(records []record.Record) *Lanes {
	l := &Lanes{End: msTime(record.Seconds(endTime(records)))}
	pods := map[string]*podData{}
	var podOrder []*podData
	svcs := map[string]*ServiceLane{}
	var svcOrder []string
	svcRecords := map[string][]*record.Endpoints{}
	newPod := func(name string, t sim.Time) *podData {
		p := &podData{lane: &PodLane{Name: name, Created: t, Scheduled: sim.Never, Deleted: sim.Never}, ctrs: map[string]*ctrData{}, firstAPI: sim.Never}
		pods[name] = p
		podOrder = append(podOrder, p)
		return p
	}
	getPod := func(obj string, t sim.Time) *podData {
		name, ok := strings.CutPrefix(obj, "Pod/")
		if !ok {
			return nil
		}
		if p := pods[name]; p != nil {
			return p
		}
		return newPod(name, t)
	}
	for _, r := range records {
		hd := r.Base()
		t := msTime(hd.T)
		switch r := r.(type) {
		case *record.Run:
			l.Run = *r
		case *record.End:
			l.Hash = r.Hash
		case *record.Interrupted:
			l.Hash = r.Hash
		case *record.Object:
			if name, ok := strings.CutPrefix(hd.Object, "Service/"); ok && r.Action == "created" {
				if svcs[name] == nil {
					svcs[name] = &ServiceLane{Name: name}
					svcOrder = append(svcOrder, name)
				}
			}
			p := getPod(hd.Object, t)
			if p == nil {
				continue
			}
			if r.Action == "created" && p.lane.Deleted != sim.Never {
				// A new pod of a removed one's name: a lane of its own.
				p = newPod(p.lane.Name, t)
			}
			if r.Action == "created" {
				p.lane.Owner = r.Owner
			} else if r.Action == "deleted" && p.lane.Deleted == sim.Never {
				p.lane.Deleted = t
			}
			if r.Node != "" && p.lane.Node == "" {
				p.lane.Node = r.Node
			}
		case *record.PodStatus:
			p := getPod(hd.Object, t)
			if p == nil {
				continue
			}
			p.statuses = append(p.statuses, r)
			p.firstAPI = min(p.firstAPI, t)
			if r.Node != "" {
				if p.lane.Node == "" {
					p.lane.Node = r.Node
				}
				p.lane.Scheduled = min(p.lane.Scheduled, t)
			}
		case *record.Container:
			if p := getPod(hd.Object, t); p != nil {
				p.ctr(r.Container).records = append(p.ctr(r.Container).records, r)
			}
		case *record.Probe:
			if p := getPod(hd.Object, t); p != nil {
				p.ctr(r.Container).probes = append(p.ctr(r.Container).probes, r)
			}
		case *record.Event:
			p := getPod(hd.Object, t)
			if p == nil {
				continue
			}
			if r.Reason == "Scheduled" {
				p.lane.Scheduled = min(p.lane.Scheduled, t)
			}
			if c := containerOfFieldPath(r.FieldPath); c != "" {
				p.ctr(c).events = append(p.ctr(c).events, r)
			}
		case *record.Endpoints:
			name, ok := strings.CutPrefix(hd.Object, "Service/")
			if !ok {
				continue
			}
			if svcs[name] == nil {
				svcs[name] = &ServiceLane{Name: name}
				svcOrder = append(svcOrder, name)
			}
			svcRecords[name] = append(svcRecords[name], r)
		}
	}
	for _, p := range podOrder {
		p.build(l.End)
		l.Pods = append(l.Pods, *p.lane)
	}
	for _, name := range svcOrder {
		s := svcs[name]
		s.build(svcRecords[name], l.End)
		l.Services = append(l.Services, *s)
	}
	return l
}

// msTime is a record's time as its JSONL line gives it, to the
// millisecond, so that a run renders the same as its saved log.
func msTime(t record.Seconds) sim.Time {
	return sim.Time(sim.Duration(t).Round(time.Millisecond))
}

// rowEnd is when the pod's lanes end: its removal, or the end of the run.
func (p *podData) rowEnd(end sim.Time) sim.Time {
	return min(p.lane.Deleted, end)
}

// statusAt returns the PodStatus in effect at t, or nil.
func (p *podData) statusAt(t sim.Time) *record.PodStatus {
	i := sort.Search(len(p.statuses), func(i int) bool { return msTime(p.statuses[i].T) > t })
	if i == 0 {
		return nil
	}
	return p.statuses[i-1]
}

func (p *podData) build(end sim.Time) {
	pl := p.lane
	stop := p.rowEnd(end)
	// The pod's own lane: what the API shows.
	var spans []Span
	add := func(s Span) {
		if s.End <= s.Start {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].State == s.State && spans[n-1].Reason == s.Reason && spans[n-1].End == s.Start {
			spans[n-1].End = s.End
			return
		}
		spans = append(spans, s)
	}
	sched := min(pl.Scheduled, stop)
	add(Span{Start: pl.Created, End: sched, State: StateUnscheduled, Reason: "Pending"})
	cur := sched
	for i, st := range p.statuses {
		t := max(msTime(st.T), sched)
		if t > cur {
			add(Span{Start: cur, End: min(t, stop), State: StatePending, Reason: "Pending"})
		}
		next := stop
		if i+1 < len(p.statuses) {
			next = min(msTime(p.statuses[i+1].T), stop)
		}
		add(Span{Start: t, End: next, State: podState(st), Reason: st.Status})
		cur = max(cur, next)
	}
	if cur < stop {
		add(Span{Start: cur, End: stop, State: StatePending, Reason: "Pending"})
	}
	pl.Spans = spans
	if pl.Scheduled != sim.Never {
		pl.Marks = append(pl.Marks, Mark{T: pl.Scheduled, Kind: MarkScheduled, Detail: "bound to " + nodeOr(pl.Node)})
	}
	if pl.Deleted != sim.Never {
		pl.Marks = append(pl.Marks, Mark{T: pl.Deleted, Kind: MarkDeleted, Detail: "removed from the API"})
	}
	for _, name := range p.order {
		pl.Containers = append(pl.Containers, p.buildContainer(p.ctrs[name], end))
	}
	p.attributeReady(end)
}

func nodeOr(n string) string {
	if n == "" {
		return "a node"
	}
	return n
}

// podState maps a PodStatus to the state of the pod's lane.
func podState(st *record.PodStatus) State {
	switch {
	case st.Status == "Terminating":
		return StateTerminating
	case st.Phase == "Succeeded" || st.Phase == "Failed":
		return StateExited
	case st.Conditions["Ready"]:
		return StateReady
	case st.Phase == "Pending":
		return StatePending
	}
	return StateRunning
}

// isWaitingReason reports whether kubectl's STATUS column shows a
// container's waiting reason (rather than a phase, a terminated reason or
// Terminating): kubectl prints the waiting reason of the first waiting
// container (printPod in pkg/printers/internalversion/printers.go).
func isWaitingReason(s string) bool {
	switch s {
	case "", "Running", "Pending", "Terminating", "Completed", "Error", "OOMKilled", "Unknown", "NotReady", "Succeeded", "Failed", "ContainerStatusUnknown", "SchedulingGated":
		return false
	}
	if strings.HasPrefix(s, "Init:") || strings.HasPrefix(s, "Signal:") || strings.HasPrefix(s, "ExitCode:") {
		return false
	}
	return true
}

// buildContainer derives a container's spans, marks, instances and probe
// runs. Readiness is added afterwards by attributeReady.
func (p *podData) buildContainer(c *ctrData, end sim.Time) ContainerLane {
	cl := ContainerLane{Name: c.name}
	stop := p.rowEnd(end)
	// Instances from the process records.
	byN := map[int]int{}
	for _, r := range c.records {
		t := msTime(r.T)
		switch r.State {
		case "running":
			byN[r.Instance] = len(cl.Instances)
			cl.Instances = append(cl.Instances, Instance{N: r.Instance, Start: t, End: stop})
			if r.Instance > 1 {
				cl.Marks = append(cl.Marks, Mark{T: t, Kind: MarkRestarted, Instance: r.Instance, Detail: "start #" + strconv.Itoa(r.Instance)})
			}
		case "terminated":
			i, ok := byN[r.Instance]
			if !ok {
				continue
			}
			in := &cl.Instances[i]
			in.End, in.Ended = t, true
			in.ExitCode, in.Reason, in.Signal = r.ExitCode, r.Reason, r.Signal
			cl.Marks = append(cl.Marks, Mark{T: t, Kind: MarkExited, Instance: r.Instance, Detail: exitDetail(r)})
		}
	}
	// Kills: the kubelet's Killing events for this container.
	var kills []sim.Time
	for _, e := range c.events {
		if e.Reason == "Killing" {
			t := msTime(e.T)
			kills = append(kills, t)
			cl.Marks = append(cl.Marks, Mark{T: t, Kind: MarkKilled, Instance: instanceAt(cl.Instances, t), Detail: e.Message})
		}
	}
	for _, pr := range c.probes {
		run := ProbeRun{T: msTime(pr.T), Duration: sim.Duration(pr.Duration).Round(time.Millisecond), Probe: pr.Probe, Result: pr.Result, Output: pr.Output, Instance: pr.Instance}
		cl.Probes = append(cl.Probes, run)
		if pr.Result == "failure" || pr.Result == "error" {
			d := pr.Output
			if d == "" {
				d = pr.Result
			}
			cl.Marks = append(cl.Marks, Mark{T: run.T, Kind: MarkProbeFailed, Probe: pr.Probe, Instance: pr.Instance, Detail: d})
		}
	}
	// In time order; at one instant, in causal order: a probe fails, the
	// kubelet kills, the process exits, a new one starts.
	slices.SortStableFunc(cl.Marks, func(a, b Mark) int {
		if c := cmp.Compare(a.T, b.T); c != 0 {
			return c
		}
		return cmp.Compare(markOrder(a.Kind), markOrder(b.Kind))
	})

	// The spans: waits between the process's lives, the lives themselves.
	start := min(p.firstAPI, stop)
	if len(cl.Instances) > 0 {
		start = min(start, cl.Instances[0].Start)
	}
	if p.lane.Scheduled != sim.Never {
		start = max(start, min(p.lane.Scheduled, stop))
	}
	var spans []Span
	add := func(s Span) {
		if s.End > s.Start {
			spans = append(spans, s)
		}
	}
	cur := start
	for i, in := range cl.Instances {
		reason := ReasonCreating
		if i > 0 {
			reason = ReasonRestarting
		}
		for _, w := range p.waitSpans(c, cur, in.Start, reason) {
			add(w)
		}
		// A Killing event during the instance's life starts its
		// terminating part; 1.11 wrote it after the stop (none then).
		kill := in.End
		for _, k := range kills {
			if k >= in.Start && k < in.End {
				kill = k
				break
			}
		}
		add(Span{Start: in.Start, End: kill, State: StateRunning, Instance: in.N})
		add(Span{Start: kill, End: in.End, State: StateTerminating, Instance: in.N})
		cur = in.End
		if !in.Ended {
			cur = stop
		}
	}
	if cur < stop {
		// After the last exit: waiting if the records say why (a
		// back-off), or if the container never started; otherwise
		// exited, as a container of a pod that is going away, has
		// finished, or does not restart it (restartPolicy Never) is.
		fallback := ""
		if len(cl.Instances) == 0 {
			fallback = ReasonCreating
		}
		var waits []Span
		if !p.finishedAt(cur) {
			waits = p.waitSpans(c, cur, stop, fallback)
		} else if fallback != "" {
			waits = []Span{{Start: cur, End: stop, State: StateWaiting, Reason: fallback}}
		}
		if len(waits) == 0 || waits[0].Reason == "" {
			add(Span{Start: cur, End: stop, State: StateExited, Instance: lastN(cl.Instances)})
		} else {
			for _, w := range waits {
				add(w)
			}
		}
	}
	cl.Spans = spans
	return cl
}

func markOrder(k MarkKind) int {
	switch k {
	case MarkProbeFailed:
		return 0
	case MarkKilled:
		return 1
	case MarkExited:
		return 2
	}
	return 3
}

func lastN(ins []Instance) int {
	if len(ins) == 0 {
		return 0
	}
	return ins[len(ins)-1].N
}

func instanceAt(ins []Instance, t sim.Time) int {
	n := 0
	for _, in := range ins {
		if in.Start <= t {
			n = in.N
		}
	}
	return n
}

// finishedAt reports whether, from t on, a container that is not running
// stays so: the pod is terminating, removed, or in a final phase.
func (p *podData) finishedAt(t sim.Time) bool {
	if p.lane.Deleted <= t {
		return true
	}
	for _, st := range during(p.statuses, t, sim.Never) {
		if st.Status == "Terminating" || st.Phase == "Succeeded" || st.Phase == "Failed" {
			return true
		}
	}
	if st := p.statusAt(t); st != nil && (st.Status == "Terminating" || st.Phase == "Succeeded" || st.Phase == "Failed") {
		return true
	}
	return false
}

// reasonAt is a waiting reason the records give from time t on.
type reasonAt struct {
	t      sim.Time
	reason string
}

// waitSpans splits container c's wait in [from, to) by its reason over
// time. The reasons come from the kubelet's events for c (BackOff
// "Back-off restarting failed container" is CrashLoopBackOff, BackOff
// "Back-off pulling image" ImagePullBackOff, Failed "Error: ErrImagePull"
// ErrImagePull), waiting Container records, and the STATUS column while c
// is the container kubectl reports on (firstWaiting); at one instant the
// kubelet's event, written as it decides, comes after the status it will
// change. Until the first reason the wait has fallback's, except that a
// CrashLoopBackOff wait starts at the exit: the kubelet counts the
// back-off from the container's finish (doBackOff's IsInBackOffSince in
// pkg/kubelet/kuberuntime/kuberuntime_manager.go). A wait whose records
// give no reason, and fallback "", comes back as one span with Reason "".
func (p *podData) waitSpans(c *ctrData, from, to sim.Time, fallback string) []Span {
	var ev []reasonAt
	for _, st := range during(p.statuses, from, to) {
		if isWaitingReason(st.Status) && p.firstWaiting(msTime(st.T)) == c.name {
			ev = append(ev, reasonAt{msTime(st.T), st.Status})
		}
	}
	for _, e := range during(c.events, from, to) {
		r := ""
		switch {
		case (e.Reason == "BackOff" || e.Reason == "Backoff") && strings.HasPrefix(e.Message, "Back-off restarting failed"):
			r = ReasonBackOff
		case e.Reason == "BackOff" && strings.HasPrefix(e.Message, "Back-off pulling image"):
			r = ReasonPullBack
		case e.Reason == "Failed" && strings.HasPrefix(e.Message, "Error: "):
			r = strings.TrimPrefix(e.Message, "Error: ")
		}
		if r != "" {
			ev = append(ev, reasonAt{msTime(e.T), r})
		}
	}
	for _, r := range during(c.records, from, to) {
		if r.State == "waiting" && r.Reason != "" {
			ev = append(ev, reasonAt{msTime(r.T), r.Reason})
		}
	}
	// Statuses first at one instant, then events and records.
	slices.SortStableFunc(ev, func(a, b reasonAt) int { return cmp.Compare(a.t, b.t) })
	reason := fallback
	if len(ev) > 0 && ev[0].reason == ReasonBackOff {
		reason = ReasonBackOff
	}
	var out []Span
	cur := from
	for _, e := range ev {
		if e.reason == reason {
			continue
		}
		out = appendSpan(out, Span{Start: cur, End: e.t, State: StateWaiting, Reason: reason})
		cur, reason = max(cur, e.t), e.reason
	}
	return appendSpan(out, Span{Start: cur, End: to, State: StateWaiting, Reason: reason})
}

// during returns the records of rs, which are in time order, made in
// [from, to).
func during[R record.Record](rs []R, from, to sim.Time) []R {
	i := sort.Search(len(rs), func(i int) bool { return msTime(rs[i].Base().T) >= from })
	j := sort.Search(len(rs), func(j int) bool { return msTime(rs[j].Base().T) >= to })
	return rs[i:max(i, j)]
}

// firstWaiting returns the container whose waiting reason kubectl's
// STATUS column shows at t: printPod (pkg/printers/internalversion/
// printers.go) walks the container statuses backwards, so the first one
// not running wins, and the kubelet sorts container statuses by name
// (SortedContainerStatuses in pkg/kubelet/kubelet_pods.go).
func (p *podData) firstWaiting(t sim.Time) string {
	names := append([]string(nil), p.order...)
	sort.Strings(names)
	for _, name := range names {
		c := p.ctrs[name]
		running := false
		for _, r := range c.records {
			if msTime(r.T) > t {
				break
			}
			running = r.State == "running"
		}
		if !running {
			return name
		}
	}
	return ""
}

// attributeReady splits the running spans of each container into running
// and ready. The API's READY column counts ready containers; a container
// is ready from the first PodStatus at or after its start that counts it,
// until a later one stops counting it or its process ends.
//
// When all or none of the pod's containers are ready, the count says which.
// When some are, records do not: the ready ones are taken to be those
// running, if their number matches, else the running ones whose latest
// readiness probe succeeded (or that have no readiness probe), in
// container order. docs/output.md states this.
func (p *podData) attributeReady(end sim.Time) {
	cls := p.lane.Containers
	if len(cls) == 0 {
		return
	}
	// ready[i] lists, for container i, the times its readiness changes.
	type change struct {
		t     sim.Time
		ready bool
	}
	changes := make([][]change, len(cls))
	for _, st := range p.statuses {
		t := msTime(st.T)
		set := p.readySet(st, t, cls)
		for i := range cls {
			changes[i] = append(changes[i], change{t, set[i]})
		}
	}
	for i := range cls {
		cl := &cls[i]
		var out []Span
		for _, s := range cl.Spans {
			if s.State != StateRunning {
				out = append(out, s)
				continue
			}
			// Readiness in effect during s: only statuses at or after
			// the instance's start speak of this instance.
			in := cl.Instances[indexOfInstance(cl.Instances, s.Instance)]
			ready := false
			cur := s.Start
			chs := changes[i]
			k := sort.Search(len(chs), func(k int) bool { return chs[k].t >= in.Start })
			for _, ch := range chs[k:] {
				if ch.t >= s.End {
					break
				}
				if ch.t > cur && ch.ready != ready {
					out = appendSpan(out, Span{Start: cur, End: ch.t, State: stateFor(ready), Instance: s.Instance})
					cur = ch.t
				}
				ready = ch.ready
			}
			out = appendSpan(out, Span{Start: cur, End: s.End, State: stateFor(ready), Instance: s.Instance})
		}
		cl.Spans = out
	}
}

func indexOfInstance(ins []Instance, n int) int {
	for i, in := range ins {
		if in.N == n {
			return i
		}
	}
	return 0
}

func stateFor(ready bool) State {
	if ready {
		return StateReady
	}
	return StateRunning
}

func appendSpan(out []Span, s Span) []Span {
	if s.End <= s.Start {
		return out
	}
	if n := len(out); n > 0 && out[n-1].State == s.State && out[n-1].End == s.Start && out[n-1].Instance == s.Instance && out[n-1].Reason == s.Reason {
		out[n-1].End = s.End
		return out
	}
	return append(out, s)
}

// readySet returns which containers a PodStatus counts as ready.
func (p *podData) readySet(st *record.PodStatus, t sim.Time, cls []ContainerLane) []bool {
	set := make([]bool, len(cls))
	k, n := readyCounts(st.Ready)
	if n == 0 {
		n = len(cls)
	}
	if st.Conditions["ContainersReady"] || (k == n && k > 0) {
		for i := range set {
			set[i] = true
		}
		return set
	}
	if k <= 0 {
		return set
	}
	var running []int
	for i := range cls {
		if runningAt(cls[i].Instances, t) {
			running = append(running, i)
		}
	}
	if len(running) <= k {
		for _, i := range running {
			set[i] = true
		}
		return set
	}
	// More running than ready: prefer those whose readiness probe last
	// succeeded, then those without one.
	rank := func(i int) int {
		last := ""
		for _, pr := range cls[i].Probes {
			if pr.T > t {
				break
			}
			if pr.Probe == "readiness" {
				last = pr.Result
			}
		}
		switch last {
		case "success", "warning":
			return 0
		case "":
			return 1
		}
		return 2
	}
	sort.SliceStable(running, func(a, b int) bool { return rank(running[a]) < rank(running[b]) })
	for _, i := range running[:k] {
		set[i] = true
	}
	return set
}

func runningAt(ins []Instance, t sim.Time) bool {
	for _, in := range ins {
		if in.Start <= t && (t < in.End || !in.Ended) {
			return true
		}
	}
	return false
}

// readyCounts parses kubectl's READY column, "1/2".
func readyCounts(s string) (int, int) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0
	}
	return atoi(a), atoi(b)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// exitDetail describes a process's end: "exit code 137, Error, SIGKILL".
func exitDetail(r *record.Container) string {
	var why []string
	if r.ExitCode != nil {
		why = append(why, "exit code "+strconv.Itoa(int(*r.ExitCode)))
	}
	if r.Reason != "" {
		why = append(why, r.Reason)
	}
	if r.Signal != "" {
		why = append(why, "SIG"+r.Signal)
	}
	if len(why) == 0 {
		return "exited"
	}
	return strings.Join(why, ", ")
}

// build derives a service's spans and zero windows from its Endpoints
// records.
func (s *ServiceLane) build(recs []*record.Endpoints, end sim.Time) {
	ever := false
	for i, r := range recs {
		t := msTime(r.T)
		next := end
		if i+1 < len(recs) {
			next = msTime(recs[i+1].T)
		}
		if next > t {
			if n := len(s.Spans); n > 0 && s.Spans[n-1].Ready == r.Ready && s.Spans[n-1].Serving == r.Serving && s.Spans[n-1].End == t {
				s.Spans[n-1].End = next
			} else {
				s.Spans = append(s.Spans, ServiceSpan{Start: t, End: next, Ready: r.Ready, Serving: r.Serving})
			}
		}
		if r.Ready == 0 {
			if n := len(s.Zero); n > 0 && s.Zero[n-1].End == t {
				s.Zero[n-1].End = next
			} else if next > t {
				s.Zero = append(s.Zero, Window{Start: t, End: next, Initial: !ever})
			}
		}
		ever = ever || r.Ready > 0
	}
}
