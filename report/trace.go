package report

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TraceEvent is one event of the Chrome trace-event format, the JSON that
// Perfetto's UI (ui.perfetto.dev) and chrome://tracing open. Ts and Dur
// are microseconds.
type TraceEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// Trace writes the run as Chrome trace-event JSON (the JSON object form,
// {"traceEvents": [...]}): a process per node (and one for the cluster's
// API objects), a thread per pod, per container and per probe of a
// container, complete slices ("X") for the pod's states, each container
// instance (with its ready and terminating parts nested in it), waits and
// probe executions (as long as they took), instant events ("i") for the
// Kubernetes Events, and counters ("C") for endpoints, rollouts and
// traffic. Events are in time order, one per line.
func Trace(w io.Writer, records []record.Record) error {
	bw := bufio.NewWriter(w)
	l := BuildLanes(records)
	evs := traceEvents(l, records)
	fmt.Fprintf(bw, "{\"displayTimeUnit\":\"ms\",\"otherData\":")
	meta, err := json.Marshal(map[string]any{"scenario": l.Run.Scenario, "release": l.Run.Release, "seed": l.Run.Seed, "hash": l.Hash, "version": l.Run.Version})
	if err != nil {
		return err
	}
	bw.Write(meta)
	fmt.Fprintf(bw, ",\"traceEvents\":[\n")
	for i, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encoding trace event %q: %w", e.Name, err)
		}
		bw.Write(b)
		if i < len(evs)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "]}\n")
	return bw.Flush()
}

// us converts simulated time to trace microseconds.
func us(t sim.Time) float64 { return float64(t) / 1e3 }

func usDur(d sim.Duration) *float64 {
	v := float64(d) / 1e3
	return &v
}

// TraceEvents returns the events Trace writes, metadata first, then by
// time; at equal times an enclosing slice comes before what it encloses.
func TraceEvents(records []record.Record) []TraceEvent {
	return traceEvents(BuildLanes(records), records)
}

func traceEvents(l *Lanes, records []record.Record) []TraceEvent {
	var meta, evs []TraceEvent
	// Processes: a node each, in name order; then pods never bound; then
	// the cluster's own objects.
	nodeSet := map[string]bool{}
	for _, p := range l.Pods {
		nodeSet[p.Node] = true
	}
	pids := map[string]int{}
	pid := 0
	for _, n := range sortedKeys(nodeSet) {
		if n == "" {
			continue
		}
		pid++
		pids[n] = pid
		meta = append(meta, procMeta(pid, "node "+n)...)
	}
	if nodeSet[""] {
		pid++
		pids[""] = pid
		meta = append(meta, procMeta(pid, "unscheduled pods")...)
	}
	pid++
	clusterPid := pid
	meta = append(meta, procMeta(clusterPid, "cluster (API objects)")...)

	tids := map[string][2]int{} // track name -> pid, tid
	nextTid := map[int]int{}
	track := func(p int, name string) int {
		if t, ok := tids[name]; ok {
			return t[1]
		}
		nextTid[p]++
		t := nextTid[p]
		tids[name] = [2]int{p, t}
		meta = append(meta,
			TraceEvent{Name: "thread_name", Ph: "M", Pid: p, Tid: t, Args: map[string]any{"name": name}},
			TraceEvent{Name: "thread_sort_index", Ph: "M", Pid: p, Tid: t, Args: map[string]any{"sort_index": t}})
		return t
	}

	podPid := map[string]int{}
	for _, p := range l.Pods {
		pp := pids[p.Node]
		podPid[p.Name] = pp
		podTid := track(pp, "pod "+p.Name)
		for _, s := range p.Spans {
			name := s.State.String()
			if s.Reason != "" {
				name += " (" + s.Reason + ")"
			}
			evs = append(evs, TraceEvent{Name: name, Cat: "pod", Ph: "X", Ts: us(s.Start), Dur: usDur(s.End.Sub(s.Start)), Pid: pp, Tid: podTid})
		}
		for _, m := range p.Marks {
			name := "scheduled"
			if m.Kind == MarkDeleted {
				name = "deleted"
			}
			evs = append(evs, TraceEvent{Name: name, Cat: "pod", Ph: "i", S: "t", Ts: us(m.T), Pid: pp, Tid: podTid, Args: map[string]any{"detail": m.Detail}})
		}
		for _, c := range p.Containers {
			ct := track(pp, p.Name+"/"+c.Name)
			for _, in := range c.Instances {
				args := map[string]any{"instance": in.N}
				if in.Ended {
					if in.ExitCode != nil {
						args["exitCode"] = *in.ExitCode
					}
					if in.Reason != "" {
						args["reason"] = in.Reason
					}
					if in.Signal != "" {
						args["signal"] = "SIG" + in.Signal
					}
				} else {
					args["running at end"] = true
				}
				evs = append(evs, TraceEvent{Name: fmt.Sprintf("%s #%d", c.Name, in.N), Cat: "container", Ph: "X", Ts: us(in.Start), Dur: usDur(in.End.Sub(in.Start)), Pid: pp, Tid: ct, Args: args})
			}
			for _, s := range c.Spans {
				name := ""
				switch s.State {
				case StateWaiting:
					name = "waiting: " + s.Reason
				case StateReady, StateTerminating, StateExited:
					name = s.State.String()
				default:
					continue // running: the instance's own slice
				}
				evs = append(evs, TraceEvent{Name: name, Cat: "container", Ph: "X", Ts: us(s.Start), Dur: usDur(s.End.Sub(s.Start)), Pid: pp, Tid: ct})
			}
			// A probe worker runs one probe at a time, so a probe's slice
			// cannot start before the previous one ended; clamping keeps
			// the track valid should records say otherwise.
			probeEnd := map[string]sim.Time{}
			for _, pr := range c.Probes {
				pt := track(pp, p.Name+"/"+c.Name+" "+pr.Probe+" probe")
				args := map[string]any{"result": pr.Result, "instance": pr.Instance}
				if pr.Output != "" {
					args["output"] = pr.Output
				}
				start := max(pr.T.Add(-pr.Duration), probeEnd[pr.Probe], 0)
				start = min(start, pr.T)
				probeEnd[pr.Probe] = pr.T
				evs = append(evs, TraceEvent{Name: pr.Probe + " " + pr.Result, Cat: "probe", Ph: "X", Ts: us(start), Dur: usDur(pr.T.Sub(start)), Pid: pp, Tid: pt, Args: args})
			}
		}
	}

	for _, r := range records {
		h := r.Base()
		t := sim.Time(h.T)
		switch r := r.(type) {
		case *record.Event:
			var p, tid int
			if name, ok := strings.CutPrefix(h.Object, "Pod/"); ok {
				p = podPid[name]
				if c := containerOfFieldPath(r.FieldPath); c != "" {
					tid = track(p, name+"/"+c)
				} else {
					tid = track(p, "pod "+name)
				}
			} else {
				p, tid = clusterPid, track(clusterPid, h.Object)
			}
			evs = append(evs, TraceEvent{Name: r.Reason, Cat: "event", Ph: "i", S: "t", Ts: us(t), Pid: p, Tid: tid,
				Args: map[string]any{"type": r.Type, "message": r.Message, "count": r.Count, "source": r.Source, "object": h.Object}})
		case *record.Endpoints:
			track(clusterPid, h.Object)
			evs = append(evs, TraceEvent{Name: h.Object + " endpoints", Cat: "endpoints", Ph: "C", Ts: us(t), Pid: clusterPid,
				Args: map[string]any{"ready": r.Ready, "serving": r.Serving, "terminating": r.Terminating, "dataplane": r.Dataplane}})
		case *record.Rollout:
			track(clusterPid, h.Object)
			evs = append(evs, TraceEvent{Name: h.Object + " replicas", Cat: "rollout", Ph: "C", Ts: us(t), Pid: clusterPid,
				Args: map[string]any{"replicas": r.Replicas, "updated": r.Updated, "ready": r.Ready, "available": r.Available}})
		case *record.Requests:
			evs = append(evs, TraceEvent{Name: h.Object + " requests/s", Cat: "traffic", Ph: "C", Ts: us(t), Pid: clusterPid,
				Args: map[string]any{"ok": r.OK, "failed": r.Sent - r.OK}})
		}
	}
	for _, s := range l.Services {
		st := track(clusterPid, "Service/"+s.Name)
		for _, z := range s.Zero {
			name := "no ready endpoints"
			if z.Initial {
				name += " (before the first)"
			}
			evs = append(evs, TraceEvent{Name: name, Cat: "endpoints", Ph: "X", Ts: us(z.Start), Dur: usDur(z.End.Sub(z.Start)), Pid: clusterPid, Tid: st})
		}
	}
	slices.SortStableFunc(evs, func(a, b TraceEvent) int {
		if c := cmp.Compare(a.Ts, b.Ts); c != 0 {
			return c
		}
		return cmp.Compare(durOf(b), durOf(a))
	})
	return append(meta, evs...)
}

func durOf(e TraceEvent) float64 {
	if e.Dur == nil {
		return -1
	}
	return *e.Dur
}

func procMeta(pid int, name string) []TraceEvent {
	return []TraceEvent{
		{Name: "process_name", Ph: "M", Pid: pid, Args: map[string]any{"name": name}},
		{Name: "process_sort_index", Ph: "M", Pid: pid, Args: map[string]any{"sort_index": pid}},
	}
}
