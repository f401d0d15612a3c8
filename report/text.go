package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// KindInterrupted is the kind of the record that closes a run stopped by a
// signal (record.Interrupted).
const KindInterrupted = "Interrupted"

// Text writes the story of a run for people: a header (scenario, release
// profile, seed, hash), the key moments in time order, a `kubectl get pods`
// snapshot at the end of the run, and the events per object as `kubectl
// describe` lists them. Each time in at (`simulate run --at`) adds a
// `kubectl get pods` snapshot at that time, in time order, before the one
// at the end. It reads nothing but records.
func Text(w io.Writer, records []record.Record, at ...sim.Time) error {
	bw := bufio.NewWriter(w)
	end := endTime(records)
	header(bw, records, end)
	moments(bw, records)
	budgets(bw, records)
	at = append([]sim.Time(nil), at...)
	sort.Slice(at, func(i, j int) bool { return at[i] < at[j] })
	for _, t := range at {
		pods(bw, records, t)
	}
	pods(bw, records, end)
	eventTables(bw, records, end)
	return bw.Flush()
}

// TextNeeds reports whether Text reads records of the given kind: every
// kind but Probe and Requests, the records made per probe and per second of
// traffic, which are most of a long run's log. A run rendered as text need
// keep only these in memory (record.Log.Keep); the JSONL stream and the
// hash still see every record.
func TextNeeds(kind string) bool {
	return kind != record.KindProbe && kind != record.KindRequests
}

// endTime is the time of the last record: the End (or Interrupted) record
// of a finished run.
func endTime(records []record.Record) sim.Time {
	if n := len(records); n > 0 {
		return sim.Time(records[n-1].Base().T)
	}
	return 0
}

// Clock formats a simulated time as the story shows it: MM:SS.mmm, with
// hours when there are any (1:02:03.000). Like the JSONL's t, it rounds to
// the millisecond.
func Clock(t sim.Time) string {
	ms := time.Duration(t).Round(time.Millisecond).Milliseconds()
	neg := ""
	if ms < 0 {
		neg, ms = "-", -ms
	}
	h, m, s, frac := ms/3600000, ms/60000%60, ms/1000%60, ms%1000
	if h > 0 {
		return fmt.Sprintf("%s%d:%02d:%02d.%03d", neg, h, m, s, frac)
	}
	return fmt.Sprintf("%s%02d:%02d.%03d", neg, m, s, frac)
}

// age is kubectl's AGE as the release's kubectl prints it:
// duration.HumanDuration by 1.20, ShortHumanDuration in 1.11 (V2 in
// docs/fidelity.md).
func age(minor int, d sim.Duration) string {
	if minor < 20 {
		return duration.ShortHumanDuration(d)
	}
	return duration.HumanDuration(d)
}

// apiTime is a simulated time as an API timestamp holds it: cut to the
// whole second, as metav1.Time serialises.
func apiTime(t sim.Time) sim.Time { return t.Truncate(time.Second) }

func header(w *bufio.Writer, records []record.Record, end sim.Time) {
	var run *record.Run
	var hash string
	var events uint64
	var interrupted string
	for _, r := range records {
		switch r := r.(type) {
		case *record.Run:
			if run == nil {
				run = r
			}
		case *record.End:
			hash, events = r.Hash, r.Events
		case *record.Interrupted:
			hash, events, interrupted = r.Hash, r.Events, r.Signal
		}
	}
	if run == nil {
		run = &record.Run{}
	}
	gates := "none"
	if len(run.FeatureGates) > 0 {
		var gs []string
		for _, k := range sortedKeys(run.FeatureGates) {
			gs = append(gs, fmt.Sprintf("%s=%t", k, run.FeatureGates[k]))
		}
		gates = strings.Join(gs, ",")
	}
	fmt.Fprintf(w, "Scenario:  %s\n", run.Scenario)
	fmt.Fprintf(w, "Release:   %s (feature gates: %s)\n", run.Release, gates)
	fmt.Fprintf(w, "Seed:      %d\n", run.Seed)
	ran := fmt.Sprintf("%s of simulated time, %d kernel events", sim.FormatShort(time.Duration(end)), events)
	if interrupted != "" {
		ran += fmt.Sprintf(" (interrupted by SIG%s)", interrupted)
	}
	fmt.Fprintf(w, "Ran:       %s\n", ran)
	if hash == "" {
		hash = "(the log has no End record)"
	}
	fmt.Fprintf(w, "Log hash:  %s\n", hash)
	fmt.Fprintf(w, "Version:   probesim %s\n", run.Version)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Moment is one line of the story: a time, the object, what happened.
type Moment struct {
	T      sim.Time
	Object string
	What   string
}

// Moments picks the key moments of a run from its records: objects created
// and deleted; containers started, restarted and ended (with exit code and
// signal); each pod's first Ready, losing and regaining Ready, entering
// CrashLoopBackOff and other STATUS changes away from Running; rollout
// conditions changing; a Service's ready endpoints dropping to zero and
// coming back (with how long the window lasted); an interruption.
func Moments(records []record.Record) []Moment {
	var out []Moment
	add := func(t record.Seconds, obj, format string, args ...any) {
		out = append(out, Moment{T: sim.Time(t), Object: obj, What: fmt.Sprintf(format, args...)})
	}
	type podSeen struct {
		ready, everReady bool
		status           string
	}
	pods := map[string]*podSeen{}
	conds := map[string]map[string]record.Condition{}
	zeroSince := map[string]record.Seconds{}
	everReady := map[string]bool{}
	for _, r := range records {
		h := r.Base()
		switch r := r.(type) {
		case *record.Object:
			if r.Action == "created" && r.Owner != "" {
				add(h.T, h.Object, "created by %s", r.Owner)
			} else {
				add(h.T, h.Object, "%s", r.Action)
			}
		case *record.Container:
			what := "container"
			if r.Init {
				what = "init container"
			}
			switch r.State {
			case "running":
				if r.Instance > 1 {
					add(h.T, h.Object, "%s %s restarted (start #%d)", what, r.Container, r.Instance)
				} else {
					add(h.T, h.Object, "%s %s started", what, r.Container)
				}
			case "terminated":
				s := fmt.Sprintf("%s %s (start #%d) ended", what, r.Container, r.Instance)
				var why []string
				if r.ExitCode != nil {
					why = append(why, fmt.Sprintf("exit code %d", *r.ExitCode))
				}
				if r.Reason != "" {
					why = append(why, r.Reason)
				}
				if r.Signal != "" {
					why = append(why, "SIG"+r.Signal)
				}
				if len(why) > 0 {
					s += ": " + strings.Join(why, ", ")
				}
				add(h.T, h.Object, "%s", s)
			}
		case *record.PodStatus:
			p := pods[h.Object]
			if p == nil {
				p = &podSeen{status: "Pending"}
				pods[h.Object] = p
			}
			ready := isFullyReady(r.Ready)
			switch {
			case ready && !p.ready && !p.everReady:
				add(h.T, h.Object, "Ready %s", r.Ready)
			case ready && !p.ready:
				add(h.T, h.Object, "Ready again %s", r.Ready)
			case !ready && p.ready:
				add(h.T, h.Object, "not Ready %s (%s)", r.Ready, r.Status)
			}
			if r.Status != p.status && r.Status != "Running" && r.Status != "ContainerCreating" && r.Status != "Pending" {
				add(h.T, h.Object, "%s (restarts %d)", r.Status, r.Restarts)
			}
			p.ready, p.status = ready, r.Status
			p.everReady = p.everReady || ready
		case *record.Rollout:
			old := conds[h.Object]
			for _, k := range sortedKeys(r.Conditions) {
				c := r.Conditions[k]
				if o, ok := old[k]; !ok || o.Status != c.Status || o.Reason != c.Reason {
					s := fmt.Sprintf("%s=%s", k, c.Status)
					if c.Reason != "" {
						s += " (" + c.Reason + ")"
					}
					add(h.T, h.Object, "%s", s)
				}
			}
			conds[h.Object] = r.Conditions
		case *record.Endpoints:
			since, zero := zeroSince[h.Object]
			switch {
			case r.Ready == 0 && !zero && everReady[h.Object]:
				zeroSince[h.Object] = h.T
				add(h.T, h.Object, "no ready endpoints")
			case r.Ready > 0 && zero:
				delete(zeroSince, h.Object)
				add(h.T, h.Object, "%s again, after %s with none", plural(r.Ready, "ready endpoint"), sim.FormatShort(time.Duration(sim.Time(h.T)-sim.Time(since)).Round(time.Millisecond)))
			case r.Ready > 0 && !everReady[h.Object]:
				add(h.T, h.Object, "%s", plural(r.Ready, "ready endpoint"))
			}
			everReady[h.Object] = everReady[h.Object] || r.Ready > 0
		case *record.Interrupted:
			add(h.T, "", "interrupted by SIG%s", r.Signal)
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func isFullyReady(ready string) bool {
	a, b, ok := strings.Cut(ready, "/")
	return ok && a == b && b != "0"
}

func moments(w *bufio.Writer, records []record.Record) {
	ms := Moments(records)
	fmt.Fprintf(w, "\nKey moments:\n")
	if len(ms) == 0 {
		fmt.Fprintf(w, "  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range ms {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", Clock(m.T), m.Object, m.What)
	}
	tw.Flush()
}

// PodRow is one line of the `kubectl get pods` snapshot.
type PodRow struct {
	Name, Ready, Status, Restarts, Age string
}

// Pods returns the `kubectl get pods` rows at time t: the pods that exist
// at t, sorted by name as kubectl sorts them. RESTARTS reads "5 (20s ago)"
// counting from the container's last exit, as kubectl 1.22 and later print
// it; runs of older releases print the count alone (docs/fidelity.md C5).
func Pods(records []record.Record, t sim.Time) []PodRow {
	type pod struct {
		created  sim.Time
		deleted  bool
		status   *record.PodStatus
		lastExit sim.Time
	}
	byName := map[string]*pod{}
	restartAge := true
	minor := releaseMinor(records)
	for _, r := range records {
		h := r.Base()
		if sim.Time(h.T) > t {
			break
		}
		if run, ok := r.(*record.Run); ok {
			if p, err := version.Lookup(run.Release); err == nil {
				restartAge = p.AtLeast(22)
			}
		}
		name, ok := strings.CutPrefix(h.Object, "Pod/")
		if !ok {
			continue
		}
		switch r := r.(type) {
		case *record.Object:
			if r.Action == "created" {
				byName[name] = &pod{created: sim.Time(h.T), lastExit: -1}
			} else if p := byName[name]; p != nil {
				p.deleted = true
			}
		case *record.PodStatus:
			if p := byName[name]; p != nil {
				p.status = r
			}
		case *record.Container:
			if p := byName[name]; p != nil && r.State == "terminated" {
				p.lastExit = sim.Time(h.T)
			}
		}
	}
	var rows []PodRow
	for _, name := range sortedKeys(byName) {
		p := byName[name]
		if p.deleted {
			continue
		}
		// kubectl measures from API timestamps, which hold whole seconds:
		// creationTimestamp and the container's finishedAt.
		row := PodRow{Name: name, Ready: "0/0", Status: "Pending", Restarts: "0", Age: age(minor, t.Sub(apiTime(p.created)))}
		if s := p.status; s != nil {
			row.Ready, row.Status = s.Ready, s.Status
			row.Restarts = fmt.Sprint(s.Restarts)
			if restartAge && s.Restarts > 0 && p.lastExit >= 0 {
				row.Restarts = fmt.Sprintf("%d (%s ago)", s.Restarts, age(minor, t.Sub(apiTime(p.lastExit))))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func pods(w *bufio.Writer, records []record.Record, end sim.Time) {
	fmt.Fprintf(w, "\nPods at %s (kubectl get pods):\n", Clock(end))
	rows := Pods(records, end)
	if len(rows) == 0 {
		fmt.Fprintf(w, "No resources found in default namespace.\n")
		return
	}
	// kubectl's printer: tabwriter.NewWriter(out, 6, 4, 3, ' ', 0).
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	fmt.Fprintf(tw, "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Ready, r.Status, r.Restarts, r.Age)
	}
	tw.Flush()
}

// EventRow is one event as `kubectl describe` lists it.
type EventRow struct {
	Object, Type, Reason, Age, From, Message string
	// First and Last are when the event was first and last recorded; Count
	// is how many times.
	First, Last sim.Time
	Count       int32
}

// Events returns, per involved object in order of first appearance, the
// events recorded up to time t, one row per API Event object (source,
// type, reason, message and first timestamp: eventObjectKey)
// as the API holds them, sorted by last occurrence as `kubectl describe`
// sorts them, with the message and source as the run's release of kubectl
// prints them (a field path before the message from 1.35, "kubelet, NODE"
// before 1.20). Age reads "3m11s", or "45s (x5 over 3m11s)" for a repeated
// event.
func Events(records []record.Record, t sim.Time) [][]EventRow {
	var order []string
	rows := map[string][]*EventRow{}
	index := map[string]*EventRow{}
	minor := releaseMinor(records)
	nodes := map[string]string{} // pod object → node, for "kubelet, NODE"
	for _, r := range records {
		if ps, ok := r.(*record.PodStatus); ok && ps.Node != "" {
			nodes[ps.Object] = ps.Node
		}
		e, ok := r.(*record.Event)
		if !ok || sim.Time(e.T) > t {
			continue
		}
		key := eventObjectKey(e)
		row := index[key]
		if row == nil {
			if _, seen := rows[e.Object]; !seen {
				order = append(order, e.Object)
			}
			row = &EventRow{Object: e.Object, Type: e.Type, Reason: e.Reason, From: e.Source, Message: e.Message, First: sim.Time(e.First)}
			// As DescribeEvents: the field path before the message from
			// 1.35, the node after the component before 1.20.
			if minor >= 35 && e.FieldPath != "" {
				row.Message = e.FieldPath + ": " + e.Message
			}
			if minor < 20 && e.Source == "kubelet" && nodes[e.Object] != "" {
				row.From += ", " + nodes[e.Object]
			}
			index[key] = row
			rows[e.Object] = append(rows[e.Object], row)
		}
		row.Last, row.Count = sim.Time(e.T), max(e.Count, 1)
	}
	var out [][]EventRow
	for _, obj := range order {
		list := rows[obj]
		sort.SliceStable(list, func(i, j int) bool { return list[i].Last < list[j].Last })
		var rs []EventRow
		for _, r := range list {
			// firstTimestamp and lastTimestamp hold whole seconds.
			r.Age = age(minor, t.Sub(apiTime(r.First)))
			if r.Count > 1 {
				r.Age = fmt.Sprintf("%s (x%d over %s)", age(minor, t.Sub(apiTime(r.Last))), r.Count, age(minor, t.Sub(apiTime(r.First))))
			}
			rs = append(rs, *r)
		}
		out = append(out, rs)
	}
	return out
}

func eventTables(w *bufio.Writer, records []record.Record, end sim.Time) {
	groups := Events(records, end)
	if len(groups) == 0 {
		fmt.Fprintf(w, "\nEvents:  <none>\n")
		return
	}
	for _, g := range groups {
		fmt.Fprintf(w, "\nEvents of %s:\n", g[0].Object)
		// kubectl describe: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0).
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  Type\tReason\tAge\tFrom\tMessage\n")
		fmt.Fprintf(tw, "  ----\t------\t----\t----\t-------\n")
		for _, r := range g {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Type, r.Reason, r.Age, r.From, r.Message)
		}
		tw.Flush()
	}
}
