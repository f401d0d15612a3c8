package scenarios

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/probesim/probesim/model/network"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// Result is the verdict on one expectation.
type Result struct {
	// Expectation is what was expected.
	Expectation *Expectation
	// Pass reports whether the run met it.
	Pass bool
	// Observed says what the run showed: the value at At.
	Observed string
	// At is the simulated time of the observation: the moment of at, the
	// first moment by or an always/never window was decided, or the end of
	// the window.
	At sim.Time
}

// String formats the result as one line: "PASS at 4m: pods ... (observed
// at 4m0s: ...)".
func (r Result) String() string {
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	return fmt.Sprintf("%s %s — observed at %s: %s", verdict, r.Expectation, fmtTime(r.At), r.Observed)
}

func fmtTime(t sim.Time) string { return sim.FormatShort(time.Duration(t).Round(time.Millisecond)) }

// Labels resolves the labels of the pods a run's records name. Records carry
// names only; labels come from the scenario's manifests:
//
//   - a Pod created from a manifest (initially or by apply) has that
//     manifest's labels;
//   - a pod owned by a ReplicaSet (or ReplicationController) has the labels
//     of the pod template that ReplicaSet was made from: the manifest's if
//     the ReplicaSet itself is one, else the template of its owning
//     Deployment (or DeploymentConfig) as last applied at or before the
//     ReplicaSet's creation. A ReplicaSet without an Object record is
//     taken to be named after its Deployment (NAME-HASH). The pods of a
//     DeploymentConfig's RC also have the deployment=RC and
//     deploymentconfig=NAME labels its controller adds;
//   - a deployer pod (RC-deploy) has only openshift.io/deployer-pod-for.name=RC.
type Labels struct {
	pods      map[string][]versioned // by pod name
	templates map[string][]versioned // by "Kind/name" of a workload
}

type versioned struct {
	from   sim.Time
	labels map[string]string
}

// Labels returns the label resolver of the scenario's manifests and apply
// actions.
func (s *Scenario) Labels() *Labels {
	l := &Labels{pods: map[string][]versioned{}, templates: map[string][]versioned{}}
	add := func(t sim.Time, m *Manifest) {
		switch m.Kind {
		case "Pod":
			l.pods[m.Name] = append(l.pods[m.Name], versioned{t, m.Labels})
		default:
			key := m.Ref()
			tl := m.TemplateLabels
			if tl == nil && len(l.templates[key]) > 0 { // a patch that leaves the labels alone
				tl = l.templates[key][len(l.templates[key])-1].labels
			}
			l.templates[key] = append(l.templates[key], versioned{t, tl})
		}
	}
	for _, m := range s.Manifests {
		add(0, m)
	}
	acts := append([]Action(nil), s.Actions...)
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].At < acts[j].At })
	for _, a := range acts {
		if a.Apply != nil {
			add(sim.Time(a.At), a.Apply)
		}
	}
	return l
}

func at(vs []versioned, t sim.Time) (map[string]string, bool) {
	var out map[string]string
	ok := false
	for _, v := range vs {
		if v.from <= t {
			out, ok = v.labels, true
		}
	}
	return out, ok
}

// state is what the records say at one moment.
type state struct {
	l       *Labels
	now     sim.Time
	objects map[string]*objInfo // by "Kind/name"
	pods    []string            // pod names in creation order, existing or not
	status  map[string]*record.PodStatus
	rollout map[string]*record.Rollout
	endp    map[string]*record.Endpoints
	events  []occurrence
	counts  map[string]int32
	reqs    []*record.Requests
}

type objInfo struct {
	created sim.Time
	deleted bool
	owner   string
	labels  map[string]string
}

type occurrence struct {
	t                       sim.Time
	object, reason, message string
	n                       int32
}

func newState(l *Labels) *state {
	return &state{l: l, objects: map[string]*objInfo{}, status: map[string]*record.PodStatus{},
		rollout: map[string]*record.Rollout{}, endp: map[string]*record.Endpoints{}, counts: map[string]int32{}}
}

func (s *state) apply(r record.Record) {
	h := r.Base()
	t := sim.Time(h.T)
	switch r := r.(type) {
	case *record.Object:
		if r.Action == "deleted" {
			if o := s.objects[h.Object]; o != nil {
				o.deleted = true
			}
			return
		}
		o := &objInfo{created: t, owner: r.Owner}
		s.objects[h.Object] = o
		if kind, name, _ := strings.Cut(h.Object, "/"); kind == "Pod" {
			s.pods = append(s.pods, name)
			o.labels = s.podLabels(name, t, r.Owner)
		}
	case *record.PodStatus:
		s.status[strings.TrimPrefix(h.Object, "Pod/")] = r
	case *record.Rollout:
		s.rollout[h.Object] = r
	case *record.Endpoints:
		s.endp[h.Object] = r
	case *record.Event:
		key := h.Object + "\x00" + r.Source + "\x00" + r.Reason + "\x00" + r.Message
		n := r.Count - s.counts[key]
		if n <= 0 {
			n = r.Count
		}
		if n <= 0 {
			n = 1
		}
		s.counts[key] = r.Count
		s.events = append(s.events, occurrence{t, h.Object, r.Reason, r.Message, n})
	case *record.Requests:
		s.reqs = append(s.reqs, r)
	}
}

// podLabels resolves a new pod's labels (see Labels).
func (s *state) podLabels(name string, t sim.Time, owner string) map[string]string {
	if l, ok := at(s.l.pods[name], t); ok && owner == "" {
		return l
	}
	if owner == "" {
		return nil
	}
	if l, ok := at(s.l.templates[owner], t); ok {
		return l
	}
	kind, rs, _ := strings.Cut(owner, "/")
	if kind == "ReplicationController" && name == rs+"-deploy" {
		// A deployer pod: the deployer controller labels it with its
		// deployment, not with the template's labels.
		return map[string]string{"openshift.io/deployer-pod-for.name": rs}
	}
	var parent string
	created := t
	if o := s.objects[owner]; o != nil && o.owner != "" {
		parent, created = o.owner, o.created
	} else if i := strings.LastIndexByte(rs, '-'); i > 0 {
		switch kind {
		case "ReplicaSet":
			parent = "Deployment/" + rs[:i]
		case "ReplicationController":
			parent = "DeploymentConfig/" + rs[:i]
		}
	}
	l, _ := at(s.l.templates[parent], created)
	if dc, ok := strings.CutPrefix(parent, "DeploymentConfig/"); ok && kind == "ReplicationController" {
		// appsutil.MakeDeployment adds these to the RC's pod template.
		out := make(map[string]string, len(l)+2)
		for k, v := range l {
			out[k] = v
		}
		out["deployment"], out["deploymentconfig"] = rs, dc
		return out
	}
	return l
}

// Check judges expectations over a finished run's records, resolving pod
// selectors with l. It never fails: what cannot be observed (no record of
// the subject) is a failed expectation that says so.
func Check(records []record.Record, xs []Expectation, l *Labels) []Result {
	if l == nil {
		l = &Labels{}
	}
	end := sim.Time(0)
	if n := len(records); n > 0 {
		end = sim.Time(records[n-1].Base().T)
	}
	out := make([]Result, len(xs))
	for i := range xs {
		out[i] = check(records, &xs[i], l, end)
	}
	return out
}

// Check judges the scenario's expectations over a finished run's records.
func (s *Scenario) Check(records []record.Record) []Result {
	return Check(records, s.Expect, s.Labels())
}

func check(records []record.Record, x *Expectation, l *Labels, end sim.Time) Result {
	r := Result{Expectation: x}
	from, until := sim.Time(0), end
	switch x.When {
	case At, By:
		until = sim.Time(x.Time)
	default:
		if x.HasWindow {
			from, until = sim.Time(x.Window[0]), sim.Time(x.Window[1])
		}
	}
	if until > end {
		r.At = end
		r.Observed = fmt.Sprintf("the run ended at %s, before %s", fmtTime(end), fmtTime(until))
		return r
	}
	st := newState(l)
	i := 0
	// advance applies every record up to and including time t.
	advance := func(t sim.Time) {
		for ; i < len(records) && sim.Time(records[i].Base().T) <= t; i++ {
			st.apply(records[i])
		}
		st.now = t
	}
	eval := func(t sim.Time) (bool, string) { return holds(st, x, from, t) }
	switch x.When {
	case At:
		advance(until)
		r.Pass, r.Observed = eval(until)
		r.At = until
	case By:
		for {
			next := nextTime(records, i, until)
			advance(next)
			ok, obs := eval(next)
			r.At, r.Observed = next, obs
			if ok {
				r.Pass = true
				return r
			}
			if next >= until {
				return r
			}
		}
	case Never, Always:
		advance(from)
		t := from
		for {
			ok, obs := eval(t)
			r.At, r.Observed = t, obs
			if (x.When == Never) == ok { // a violation
				return r
			}
			if t >= until {
				r.Pass = true
				return r
			}
			t = nextTime(records, i, until)
			advance(t)
		}
	}
	return r
}

// nextTime returns the time of records[i], capped at limit; limit if there
// are no more records.
func nextTime(records []record.Record, i int, limit sim.Time) sim.Time {
	if i < len(records) {
		if t := sim.Time(records[i].Base().T); t < limit {
			return t
		}
	}
	return limit
}

// holds evaluates an expectation's subject and conditions on the state at
// time t; from is the start of the window that counts (events, traffic).
// For never, it reports whether a violation occurs: some selected pod
// meets the conditions.
func holds(st *state, x *Expectation, from, t sim.Time) (bool, string) {
	switch x.Subject {
	case "pods":
		return podsHold(st, x)
	case "event":
		n, last := 0, sim.Time(-1)
		for _, o := range st.events {
			if o.t >= from && o.t <= t && x.Event.matches(st, o) {
				n += int(o.n)
				last = o.t
			}
		}
		obs := fmt.Sprintf("%d matching events", n)
		if n == 1 {
			obs = "1 matching event"
		}
		if last >= 0 {
			obs += fmt.Sprintf(", the last at %s", fmtTime(last))
		}
		if x.Count != nil {
			return x.Count.Holds(float64(n)), obs
		}
		return n > 0, obs
	case "deployment", "deploymentConfig":
		kind := "Deployment"
		if x.Subject == "deploymentConfig" {
			kind = "DeploymentConfig"
		}
		ro := st.rollout[kind+"/"+x.Name]
		if ro == nil {
			return false, "no Rollout record for " + kind + "/" + x.Name
		}
		ok := true
		var parts []string
		if c := x.Condition; c != nil {
			got, have := ro.Conditions[c.Type]
			if !have {
				ok = false
				parts = append(parts, "no "+c.Type+" condition")
			} else {
				ok = got.Status == c.Status && (c.Reason == "" || got.Reason == c.Reason)
				s := c.Type + "=" + got.Status
				if got.Reason != "" {
					s += " (" + got.Reason + ")"
				}
				parts = append(parts, s)
			}
		}
		if x.Available != nil {
			ok = x.Available.Holds(float64(ro.Available)) && ok
			parts = append(parts, fmt.Sprintf("available %d", ro.Available))
		}
		if x.Updated != nil {
			ok = x.Updated.Holds(float64(ro.Updated)) && ok
			parts = append(parts, fmt.Sprintf("updated %d", ro.Updated))
		}
		return ok, strings.Join(parts, ", ")
	case "service":
		e := st.endp["Service/"+x.Name]
		if e == nil {
			return false, "no Endpoints record for Service/" + x.Name
		}
		return x.ReadyEndpoints.Holds(float64(e.Ready)), fmt.Sprintf("%d ready endpoints", e.Ready)
	case "traffic":
		// The rate is over requests that got an outcome: a request still in
		// flight when the window (or the run) ends is neither a success nor
		// a failure.
		ok, failed, slow, p99 := 0, 0, 0, record.Dur(0)
		for _, r := range st.reqs {
			if r.Object == x.Name && sim.Time(r.T) >= from && sim.Time(r.T) <= t {
				ok += r.OK
				slow += r.Slow
				failed += r.Refused + r.Reset + r.Timeout
				for _, n := range r.Codes {
					failed += n
				}
				if r.P99 != nil && *r.P99 > p99 {
					p99 = *r.P99
				}
			}
		}
		done := ok + failed
		if done == 0 {
			return false, "no requests to " + x.Name
		}
		rate := float64(failed) / float64(done)
		good := true
		obs := fmt.Sprintf("%d requests, %d failed (error rate %s)", done, failed, strconv.FormatFloat(rate, 'g', 4, 64))
		if x.ErrorRate != nil {
			good = x.ErrorRate.Holds(rate)
		}
		if x.P99 != nil {
			good = x.P99.Holds(time.Duration(p99).Seconds()) && good
			obs += ", p99 " + time.Duration(p99).String()
		}
		if x.BudgetSpent != nil && x.SLO != nil {
			b := network.BudgetOf(*x.SLO, done, failed+slow)
			good = x.BudgetSpent.Holds(b.Spent) && good
			obs += fmt.Sprintf(", %d bad of %.1f allowed (%s of the error budget)", b.Bad, b.Allowed, network.FormatPercent(b.Spent))
		}
		return good, obs
	}
	return false, "unknown subject " + x.Subject
}

func (m *EventMatch) matches(st *state, o occurrence) bool {
	if m.Reason != "" && m.Reason != o.reason {
		return false
	}
	if m.Message != nil && !m.Message.MatchString(o.message) {
		return false
	}
	if m.ObjectRef != nil && m.ObjectRef.String() != o.object {
		return false
	}
	if m.Object != nil {
		kind, name, _ := strings.Cut(o.object, "/")
		if kind != "Pod" {
			return false
		}
		var l map[string]string
		if info := st.objects[o.object]; info != nil {
			l = info.labels
		}
		if !m.Object.Matches(name, l) {
			return false
		}
	}
	return true
}

// podsHold evaluates a pods expectation: see docs/scenarios.md. Without
// count, every selected pod must meet the conditions (and one must exist),
// except for never, where one pod meeting them is a violation. With count,
// the number of selected pods that meet them is compared.
func podsHold(st *state, x *Expectation) (bool, string) {
	var sel, okPods int
	var desc []string
	for _, name := range st.pods {
		o := st.objects["Pod/"+name]
		if o == nil || o.deleted || !x.Pods.Matches(name, o.labels) {
			continue
		}
		sel++
		ps := st.status[name]
		ready, status, phase, restarts := "0/0", "Pending", "Pending", int32(0)
		if ps != nil {
			ready, status, phase, restarts = ps.Ready, ps.Status, ps.Phase, ps.Restarts
		}
		ok := (x.Status == nil || *x.Status == status) && (x.Ready == nil || *x.Ready == ready) &&
			(x.Phase == nil || *x.Phase == phase) && (x.Restarts == nil || x.Restarts.Holds(float64(restarts)))
		if ok {
			okPods++
		}
		desc = append(desc, fmt.Sprintf("%s %s %s restarts %d", name, ready, status, restarts))
	}
	obs := "no pods match " + x.Pods.Text
	if sel > 0 {
		obs = fmt.Sprintf("%d of %d pods match: %s", okPods, sel, strings.Join(desc, "; "))
	}
	switch {
	case x.Count != nil:
		return x.Count.Holds(float64(okPods)), obs
	case x.When == Never:
		return okPods > 0, obs
	}
	return sel > 0 && okPods == sel, obs
}
