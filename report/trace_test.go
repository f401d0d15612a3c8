package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
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
