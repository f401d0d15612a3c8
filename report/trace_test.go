package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// failer is what checkTrace needs of a *testing.T or a *rapid.T.
type failer interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// traceFile is the JSON object form of the trace-event format.
type traceFile struct {
	DisplayTimeUnit string           `json:"displayTimeUnit"`
	TraceEvents     []map[string]any `json:"traceEvents"`
}

// checkTrace validates a trace as Perfetto's JSON importer reads it:
// required fields by phase, names for every process and thread used,
// non-decreasing timestamps per track, and complete slices on one track
// that nest rather than overlap.
func checkTrace(t failer, data []byte) traceFile {
	t.Helper()
	var tf traceFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&tf); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(tf.TraceEvents) == 0 {
		t.Fatalf("no traceEvents")
	}
	num := func(e map[string]any, k string) float64 {
		n, ok := e[k].(json.Number)
		if !ok {
			t.Fatalf("event %v: %q is not a number", e, k)
		}
		f, _ := n.Float64()
		return f
	}
	type trackKey struct{ pid, tid float64 }
	procNames := map[float64]bool{}
	threadNames := map[trackKey]bool{}
	last := map[trackKey]float64{}
	open := map[trackKey][]float64{} // ends of enclosing slices
	used := map[trackKey]bool{}
	for _, e := range tf.TraceEvents {
		name, _ := e["name"].(string)
		ph, _ := e["ph"].(string)
		if name == "" || ph == "" {
			t.Fatalf("event without name or ph: %v", e)
		}
		pid, tid, ts := num(e, "pid"), num(e, "tid"), num(e, "ts")
		k := trackKey{pid, tid}
		switch ph {
		case "M":
			args, _ := e["args"].(map[string]any)
			switch name {
			case "process_name":
				procNames[pid] = args["name"] != ""
			case "thread_name":
				threadNames[k] = args["name"] != ""
			}
			continue
		case "X":
			if num(e, "dur") < 0 {
				t.Errorf("negative dur: %v", e)
			}
		case "i":
			if e["s"] != "t" && e["s"] != "p" && e["s"] != "g" {
				t.Errorf("instant without scope: %v", e)
			}
		case "C":
			if _, ok := e["args"].(map[string]any); !ok {
				t.Errorf("counter without args: %v", e)
			}
			k.tid = -1
		default:
			t.Errorf("unexpected phase %q", ph)
		}
		if prev, ok := last[k]; ok && ts < prev {
			t.Errorf("track %v goes back in time: %v after %v (%s)", k, ts, prev, name)
		}
		last[k] = ts
		if ph == "C" {
			if !procNames[pid] {
				t.Errorf("counter %q in unnamed process %v", name, pid)
			}
			continue
		}
		used[k] = true
		if ph == "X" {
			end := ts + num(e, "dur")
			stack := open[k]
			for len(stack) > 0 && stack[len(stack)-1] <= ts {
				stack = stack[:len(stack)-1]
			}
			if len(stack) > 0 && end > stack[len(stack)-1]+1e-6 {
				t.Errorf("slice %q [%v, %v] overlaps its enclosing slice ending %v on track %v", name, ts, end, stack[len(stack)-1], k)
			}
			open[k] = append(stack, end)
		}
	}
	for k := range used {
		if !procNames[k.pid] || !threadNames[k] {
			t.Errorf("track %v has no process or thread name", k)
		}
	}
	return tf
}

func find(tf traceFile, name, ph string) map[string]any {
	for _, e := range tf.TraceEvents {
		if e["name"] == name && e["ph"] == ph {
			return e
		}
	}
	return nil
}

func TestTraceValid(t *testing.T) {
	for name, recs := range map[string][]record.Record{"sample": sample(), "crashloop": crashLoop()} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Trace(&b, recs); err != nil {
				t.Fatal(err)
			}
			checkTrace(t, b.Bytes())
		})
	}
	var b bytes.Buffer
	if err := Trace(&b, crashLoop()); err != nil {
		t.Fatal(err)
	}
	tf := checkTrace(t, b.Bytes())
	// Microseconds: the first instance runs from 0.1 s to 30.5 s; a probe
	// that took 2 ms and was known at 10 s ran from 9.998 s.
	for _, tc := range []struct {
		name, ph string
		ts, dur  string
	}{
		{"web #1", "X", "100000", "30400000"},
		{"liveness failure", "X", "9998000", "2000"},
		{"waiting: CrashLoopBackOff", "X", "41000000", "10500000"},
		{"Killing", "i", "30000000", ""},
		{"no ready endpoints", "X", "41505000", "10500000"},
	} {
		e := find(tf, tc.name, tc.ph)
		if e == nil {
			t.Errorf("no %s event %q", tc.ph, tc.name)
			continue
		}
		if e["ts"].(json.Number).String() != tc.ts || (tc.dur != "" && e["dur"].(json.Number).String() != tc.dur) {
			t.Errorf("%q: ts %v dur %v, want %s %s", tc.name, e["ts"], e["dur"], tc.ts, tc.dur)
		}
	}
	if e := find(tf, "thread_name", "M"); e == nil || e["args"].(map[string]any)["name"] != "pod p" {
		t.Errorf("first thread: %v", e)
	}
}

func TestTraceGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Trace(&b, crashLoop()); err != nil {
		t.Fatal(err)
	}
	golden(t, "crashloop.trace.golden", b.Bytes())
}

// genRun draws a random but well-formed run of one or two pods with one or
// two containers each: starts and exits, kills, probe results, status
// changes with any READY count, endpoint changes, deletions.
func genRun(t *rapid.T) []record.Record {
	recs := []record.Record{&record.Run{Header: h(0, "Run", ""), Scenario: "rapid", Release: "1.35", Seed: 1}}
	now := sim.Time(0)
	tick := func() record.Header {
		now += sim.Time(rapid.IntRange(0, 5000).Draw(t, "dt")) * sim.Time(time.Millisecond)
		return record.Header{T: record.Seconds(now)}
	}
	type pod struct {
		name     string
		ctrs     []string
		running  map[string]int // instance, 0 if not running
		starts   map[string]int
		deleted  bool
		statuses int
	}
	var pods []*pod
	for i := range rapid.IntRange(1, 2).Draw(t, "pods") {
		p := &pod{name: fmt.Sprintf("p%d", i), running: map[string]int{}, starts: map[string]int{}}
		for j := range rapid.IntRange(1, 2).Draw(t, "ctrs") {
			p.ctrs = append(p.ctrs, fmt.Sprintf("c%d", j))
		}
		pods = append(pods, p)
		hd := tick()
		hd.Kind, hd.Object = "Object", "Pod/"+p.name
		recs = append(recs, &record.Object{Header: hd, Action: "created"})
	}
	for range rapid.IntRange(0, 60).Draw(t, "steps") {
		p := pods[rapid.IntRange(0, len(pods)-1).Draw(t, "pod")]
		if p.deleted {
			continue
		}
		c := p.ctrs[rapid.IntRange(0, len(p.ctrs)-1).Draw(t, "ctr")]
		hd := tick()
		hd.Object = "Pod/" + p.name
		switch rapid.IntRange(0, 7).Draw(t, "action") {
		case 0, 1:
			hd.Kind = "Container"
			if p.running[c] == 0 {
				p.starts[c]++
				p.running[c] = p.starts[c]
				recs = append(recs, &record.Container{Header: hd, Container: c, Instance: p.starts[c], State: "running"})
			} else {
				code := int32(rapid.IntRange(0, 143).Draw(t, "code"))
				recs = append(recs, &record.Container{Header: hd, Container: c, Instance: p.running[c], State: "terminated", ExitCode: &code})
				p.running[c] = 0
			}
		case 2, 3:
			hd.Kind = "PodStatus"
			k := rapid.IntRange(0, len(p.ctrs)).Draw(t, "ready")
			status := rapid.SampledFrom([]string{"Running", "CrashLoopBackOff", "ContainerCreating", "Terminating", "ImagePullBackOff"}).Draw(t, "status")
			recs = append(recs, &record.PodStatus{Header: hd, Phase: "Running", Ready: fmt.Sprintf("%d/%d", k, len(p.ctrs)), Status: status, Node: "n",
				Conditions: map[string]bool{"Ready": k == len(p.ctrs), "ContainersReady": k == len(p.ctrs)}})
		case 4:
			hd.Kind = "Probe"
			recs = append(recs, &record.Probe{Header: hd, Container: c, Instance: max(p.starts[c], 1), Probe: rapid.SampledFrom([]string{"liveness", "readiness", "startup"}).Draw(t, "probe"),
				Result: rapid.SampledFrom([]string{"success", "failure", "error"}).Draw(t, "result"), Duration: record.Dur(rapid.IntRange(0, 3).Draw(t, "pd")) * record.Dur(time.Millisecond)})
		case 5:
			hd.Kind = "Event"
			reason := rapid.SampledFrom([]string{"Killing", "BackOff", "Unhealthy", "Scheduled"}).Draw(t, "reason")
			recs = append(recs, &record.Event{Header: hd, FieldPath: "spec.containers{" + c + "}", Type: "Normal", Reason: reason, Message: "Back-off restarting failed container", Count: 1, First: hd.T, Source: "kubelet"})
		case 6:
			hd.Kind, hd.Object = "Endpoints", "Service/s"
			recs = append(recs, &record.Endpoints{Header: hd, Ready: rapid.IntRange(0, 3).Draw(t, "eps")})
		case 7:
			if rapid.Bool().Draw(t, "delete") {
				hd.Kind = "Object"
				p.deleted = true
				recs = append(recs, &record.Object{Header: hd, Action: "deleted"})
			}
		}
	}
	hd := tick()
	hd.Kind = "End"
	return append(recs, &record.End{Header: hd})
}

// TestLanesProperties checks, over random runs, what every view relies on:
// a lane's spans are in order, do not overlap and stay within the pod's
// life; a container is running, ready or terminating only during one of
// its instances; the timeline fits its width; the trace is valid.
func TestLanesProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := genRun(t)
		l := BuildLanes(recs)
		checkSpans := func(what string, spans []Span, from, to sim.Time) {
			prev := from
			for _, s := range spans {
				if s.Start < prev || s.End <= s.Start || s.End > to {
					t.Fatalf("%s: span %+v out of order or bounds [%v, %v] after %v", what, s, from, to, prev)
				}
				prev = s.End
			}
		}
		for _, p := range l.Pods {
			stop := min(p.Deleted, l.End)
			checkSpans("pod "+p.Name, p.Spans, p.Created, stop)
			for _, c := range p.Containers {
				checkSpans("container "+c.Name, c.Spans, p.Created, stop)
				for _, s := range c.Spans {
					if s.State != StateRunning && s.State != StateReady && s.State != StateTerminating {
						continue
					}
					in := false
					for _, i := range c.Instances {
						in = in || (i.N == s.Instance && s.Start >= i.Start && s.End <= i.End)
					}
					if !in {
						t.Fatalf("container %s: %+v outside its instance %+v", c.Name, s, c.Instances)
					}
				}
			}
		}
		width := rapid.IntRange(MinWidth, 220).Draw(t, "width")
		var b bytes.Buffer
		if err := Timeline(&b, recs, width); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if len(line) > width {
				t.Fatalf("width %d: %q", width, line)
			}
		}
	})
}

// TestTraceProperties validates traces of random runs.
func TestTraceProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		recs := genRun(rt)
		var b bytes.Buffer
		if err := Trace(&b, recs); err != nil {
			rt.Fatal(err)
		}
		checkTrace(rt, b.Bytes())
	})
}
