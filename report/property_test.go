package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

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
