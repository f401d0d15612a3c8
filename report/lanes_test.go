package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

func st(s float64) sim.Time { return msTime(at(s)) }

const ctrPath = "spec.containers{web}"

func podStatus(t float64, phase, ready, status string, restarts int32, isReady bool) *record.PodStatus {
	return &record.PodStatus{Header: h(t, "PodStatus", "Pod/p"), Phase: phase, Ready: ready, Status: status, Restarts: restarts, Node: "n1",
		Conditions: map[string]bool{"Ready": isReady, "ContainersReady": isReady, "PodScheduled": true}}
}

func ctr(t float64, name string, n int, state string) *record.Container {
	return &record.Container{Header: h(t, "Container", "Pod/p"), Container: name, Instance: n, State: state}
}

func exited(t float64, name string, n int, code int32, reason string) *record.Container {
	c := ctr(t, name, n, "terminated")
	c.ExitCode, c.Reason = &code, reason
	return c
}

func ev(t float64, fieldPath, reason, msg string) *record.Event {
	return &record.Event{Header: h(t, "Event", "Pod/p"), FieldPath: fieldPath, Type: "Normal", Reason: reason, Message: msg, Count: 1, First: at(t), Source: "kubelet"}
}

func probe(t float64, name, kind, result string, n int) *record.Probe {
	return &record.Probe{Header: h(t, "Probe", "Pod/p"), Container: name, Instance: n, Probe: kind, Result: result, Output: "HTTP probe failed with statuscode: 404", Duration: record.Dur(2 * time.Millisecond)}
}

// crashLoop is one pod whose liveness probe kills it: the first restart
// is immediate, the second waits out a 10 s back-off (the kubelet's
// initial CrashLoopBackOff delay, pkg/kubelet/kubelet.go
// initialBackOffPeriod before 1.33's reduced decay).
func crashLoop() []record.Record {
	return []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "crash", Release: "1.35", Seed: 7, Version: "test"},
		&record.Object{Header: h(0.001, "Object", "Pod/p"), Action: "created", Owner: "ReplicaSet/rs"},
		&record.Object{Header: h(0.002, "Object", "Service/s"), Action: "created"},
		&record.Endpoints{Header: h(0.003, "Endpoints", "Service/s")},
		&record.Event{Header: h(0.01, "Event", "Pod/p"), Type: "Normal", Reason: "Scheduled", Message: "Successfully assigned default/p to n1", Count: 1, First: at(0.01), Source: "default-scheduler"},
		podStatus(0.015, "Pending", "0/1", "ContainerCreating", 0, false),
		ctr(0.1, "web", 1, "running"),
		podStatus(1, "Running", "1/1", "Running", 0, true),
		&record.Endpoints{Header: h(1.005, "Endpoints", "Service/s"), Ready: 1, Serving: 1},
		probe(10, "web", "liveness", "failure", 1),
		probe(20, "web", "liveness", "failure", 1),
		probe(30, "web", "liveness", "failure", 1),
		ev(30, ctrPath, "Killing", "Container web failed liveness probe, will be restarted"),
		exited(30.5, "web", 1, 137, "Error"),
		ctr(30.6, "web", 2, "running"),
		podStatus(31, "Running", "1/1", "Running", 1, true),
		probe(40, "web", "liveness", "failure", 2),
		exited(41, "web", 2, 1, "Error"),
		podStatus(41.5, "Running", "0/1", "CrashLoopBackOff", 1, false),
		&record.Endpoints{Header: h(41.505, "Endpoints", "Service/s"), Ready: 0, Serving: 0},
		ev(41.5, ctrPath, "BackOff", "Back-off restarting failed container web in pod p_default(uid)"),
		ctr(51.5, "web", 3, "running"),
		podStatus(52, "Running", "1/1", "Running", 2, true),
		&record.Endpoints{Header: h(52.005, "Endpoints", "Service/s"), Ready: 1, Serving: 1},
		&record.End{Header: h(60, "End", ""), Events: 100, Hash: "sha256:abcd"},
	}
}

func TestBuildLanesCrashLoop(t *testing.T) {
	l := BuildLanes(crashLoop())
	if len(l.Pods) != 1 || len(l.Pods[0].Containers) != 1 || len(l.Services) != 1 {
		t.Fatalf("lanes: %+v", l)
	}
	p := l.Pods[0]
	wantPod := []Span{
		{Start: st(0.001), End: st(0.01), State: StateUnscheduled, Reason: "Pending"},
		{Start: st(0.01), End: st(0.015), State: StatePending, Reason: "Pending"},
		{Start: st(0.015), End: st(1), State: StatePending, Reason: "ContainerCreating"},
		{Start: st(1), End: st(41.5), State: StateReady, Reason: "Running"},
		{Start: st(41.5), End: st(52), State: StateRunning, Reason: "CrashLoopBackOff"},
		{Start: st(52), End: st(60), State: StateReady, Reason: "Running"},
	}
	if diff := cmp.Diff(wantPod, p.Spans); diff != "" {
		t.Errorf("pod spans (-want +got):\n%s", diff)
	}
	// The container: ready only once a status after its start says so;
	// terminating from the Killing event to the exit; the immediate
	// restart waits 100 ms, the second restart's wait is a back-off.
	wantCtr := []Span{
		{Start: st(0.015), End: st(0.1), State: StateWaiting, Reason: ReasonCreating},
		{Start: st(0.1), End: st(1), State: StateRunning, Instance: 1},
		{Start: st(1), End: st(30), State: StateReady, Instance: 1},
		{Start: st(30), End: st(30.5), State: StateTerminating, Instance: 1},
		{Start: st(30.5), End: st(30.6), State: StateWaiting, Reason: ReasonRestarting},
		{Start: st(30.6), End: st(31), State: StateRunning, Instance: 2},
		{Start: st(31), End: st(41), State: StateReady, Instance: 2},
		{Start: st(41), End: st(51.5), State: StateWaiting, Reason: ReasonBackOff},
		{Start: st(51.5), End: st(52), State: StateRunning, Instance: 3},
		{Start: st(52), End: st(60), State: StateReady, Instance: 3},
	}
	c := p.Containers[0]
	if diff := cmp.Diff(wantCtr, c.Spans); diff != "" {
		t.Errorf("container spans (-want +got):\n%s", diff)
	}
	var kinds []string
	for _, m := range c.Marks {
		kinds = append(kinds, markName(m))
	}
	want := []string{"liveness@10", "liveness@20", "liveness@30", "kill@30", "exit@30.5", "restart@30.6", "liveness@40", "exit@41", "restart@51.5"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("marks (-want +got):\n%s", diff)
	}
	if n := len(c.Instances); n != 3 || !c.Instances[0].Ended || c.Instances[2].Ended || *c.Instances[1].ExitCode != 1 {
		t.Errorf("instances: %+v", c.Instances)
	}
	wantZero := []Window{{Start: st(0.003), End: st(1.005), Initial: true}, {Start: st(41.505), End: st(52.005)}}
	if diff := cmp.Diff(wantZero, l.Services[0].Zero); diff != "" {
		t.Errorf("zero windows (-want +got):\n%s", diff)
	}
}

func markName(m Mark) string {
	name := map[MarkKind]string{MarkKilled: "kill", MarkExited: "exit", MarkRestarted: "restart", MarkScheduled: "scheduled", MarkDeleted: "deleted"}[m.Kind]
	if m.Kind == MarkProbeFailed {
		name = m.Probe
	}
	return name + "@" + sim.FormatSeconds(sim.Duration(m.T))
}

// TestBuildLanesPartlyReady checks the attribution of a pod's READY count
// to its containers when only some are ready: the one whose readiness
// probe succeeded is the ready one.
func TestBuildLanesPartlyReady(t *testing.T) {
	recs := []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "two"},
		&record.Object{Header: h(0, "Object", "Pod/p"), Action: "created"},
		podStatus(0.01, "Pending", "0/2", "ContainerCreating", 0, false),
		ctr(0.1, "app", 1, "running"),
		ctr(0.2, "side", 1, "running"),
		probe(2, "app", "readiness", "failure", 1),
		probe(2, "side", "readiness", "success", 1),
		podStatus(2.5, "Running", "1/2", "Running", 0, false),
		probe(5, "app", "readiness", "success", 1),
		podStatus(5.5, "Running", "2/2", "Running", 0, true),
		&record.End{Header: h(10, "End", "")},
	}
	l := BuildLanes(recs)
	got := map[string][]Span{}
	for _, c := range l.Pods[0].Containers {
		got[c.Name] = c.Spans
	}
	want := map[string][]Span{
		"app": {
			{Start: st(0.01), End: st(0.1), State: StateWaiting, Reason: ReasonCreating},
			{Start: st(0.1), End: st(5.5), State: StateRunning, Instance: 1},
			{Start: st(5.5), End: st(10), State: StateReady, Instance: 1},
		},
		"side": {
			{Start: st(0.01), End: st(0.2), State: StateWaiting, Reason: ReasonCreating},
			{Start: st(0.2), End: st(2.5), State: StateRunning, Instance: 1},
			{Start: st(2.5), End: st(10), State: StateReady, Instance: 1},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestBuildLanesDeletedPod checks a pod deleted while running: terminating
// from the Killing event, exited after, and its lanes end at removal.
func TestBuildLanesDeletedPod(t *testing.T) {
	recs := []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "del"},
		&record.Object{Header: h(0, "Object", "Pod/p"), Action: "created"},
		podStatus(0.01, "Pending", "0/1", "ContainerCreating", 0, false),
		ctr(0.1, "web", 1, "running"),
		podStatus(1, "Running", "1/1", "Running", 0, true),
		podStatus(10, "Running", "1/1", "Terminating", 0, true),
		ev(10, ctrPath, "Killing", "Stopping container web"),
		exited(13, "web", 1, 0, "Completed"),
		&record.Object{Header: h(13.5, "Object", "Pod/p"), Action: "deleted"},
		&record.End{Header: h(20, "End", "")},
	}
	p := BuildLanes(recs).Pods[0]
	if p.Deleted != st(13.5) {
		t.Errorf("deleted at %v", p.Deleted)
	}
	wantCtr := []Span{
		{Start: st(0.01), End: st(0.1), State: StateWaiting, Reason: ReasonCreating},
		{Start: st(0.1), End: st(1), State: StateRunning, Instance: 1},
		{Start: st(1), End: st(10), State: StateReady, Instance: 1},
		{Start: st(10), End: st(13), State: StateTerminating, Instance: 1},
		{Start: st(13), End: st(13.5), State: StateExited, Instance: 1},
	}
	if diff := cmp.Diff(wantCtr, p.Containers[0].Spans); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if last := p.Spans[len(p.Spans)-1]; last.State != StateTerminating || last.End != st(13.5) {
		t.Errorf("pod's last span %+v", last)
	}
}

// TestTimelineGlyphs checks what the columns of the crash loop show at
// one-second columns: the kill, the back-off, the restart.
func TestTimelineGlyphs(t *testing.T) {
	l := BuildLanes(crashLoop())
	sc := scale{step: time.Second, cols: 60}
	cells := string(containerLaneCells(&l.Pods[0].Containers[0], sc))
	for _, tc := range []struct {
		col  int
		want byte
	}{
		{0, glyphRunning}, {5, glyphReady}, {10, glyphLiveness}, {30, glyphKilled}, {35, glyphReady},
		{41, glyphExitMark}, {45, glyphBackOff}, {50, glyphBackOff}, {51, glyphRestarted}, {55, glyphReady},
	} {
		if cells[tc.col] != tc.want {
			t.Errorf("column %d (%ds) is %q, want %q; lane %q", tc.col, tc.col, cells[tc.col], tc.want, cells)
		}
	}
	svc := string(serviceLaneCells(&l.Services[0], sc))
	if svc[0] != '0' || svc[1] != '0' || svc[2] != '1' || svc[41] != '0' || svc[51] != '0' || svc[52] != '0' || svc[53] != '1' {
		t.Errorf("service lane %q", svc)
	}
}

func TestTimelineGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		records []record.Record
		width   int
	}{
		{"sample.timeline.golden", sample(), 80},
		{"crashloop.timeline.golden", crashLoop(), 80},
		{"crashloop-wide.timeline.golden", crashLoop(), 132},
	} {
		var b bytes.Buffer
		if err := Timeline(&b, tc.records, tc.width); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, b.Bytes())
	}
}

// TestTimelineFits checks that no line of the timeline is wider than asked,
// from the narrowest width to a wide terminal.
func TestTimelineFits(t *testing.T) {
	for _, recs := range [][]record.Record{sample(), crashLoop()} {
		for width := MinWidth; width <= 200; width += 7 {
			var b bytes.Buffer
			if err := Timeline(&b, recs, width); err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(b.String(), "\n") {
				if len(line) > width {
					t.Errorf("width %d: line %d is %d wide: %q", width, i+1, len(line), line)
				}
			}
		}
	}
}

func TestPickScale(t *testing.T) {
	for _, tc := range []struct {
		end  time.Duration
		cols int
		step time.Duration
		n    int
	}{
		{10 * time.Minute, 53, 12 * time.Second, 50},
		{12 * time.Minute, 47, 20 * time.Second, 36},
		{12 * time.Minute, 48, 15 * time.Second, 48},
		{90 * time.Second, 60, 2 * time.Second, 45},
		{0, 60, time.Millisecond, 1},
	} {
		sc := pickScale(sim.Time(tc.end), tc.cols)
		if sc.step != tc.step || sc.cols != tc.n {
			t.Errorf("pickScale(%v, %d) = %v x %d, want %v x %d", tc.end, tc.cols, sc.step, sc.cols, tc.step, tc.n)
		}
	}
}

// TestBuildLanesExitWithoutRestart checks a container that ends and is not
// started again while its pod runs on (a sidecar's job done, restartPolicy
// Never): with no back-off in the records it has exited, not waiting.
func TestBuildLanesExitWithoutRestart(t *testing.T) {
	recs := []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "never"},
		&record.Object{Header: h(0, "Object", "Pod/p"), Action: "created"},
		podStatus(0.01, "Pending", "0/2", "ContainerCreating", 0, false),
		ctr(0.1, "app", 1, "running"),
		ctr(0.1, "job", 1, "running"),
		podStatus(1, "Running", "2/2", "Running", 0, true),
		exited(5, "job", 1, 0, "Completed"),
		podStatus(5.5, "Running", "1/2", "Running", 0, false),
		&record.End{Header: h(10, "End", "")},
	}
	l := BuildLanes(recs)
	job := l.Pods[0].Containers[1]
	if last := job.Spans[len(job.Spans)-1]; last.State != StateExited || last.Start != st(5) || last.End != st(10) {
		t.Errorf("job's last span %+v, want exited from 5s", last)
	}
	app := l.Pods[0].Containers[0]
	if last := app.Spans[len(app.Spans)-1]; last.State != StateReady || last.Start != st(1) {
		t.Errorf("app's last span %+v, want ready from 1s (the one running of 1/2)", last)
	}
}

// TestBuildLanesImagePull checks a wait split by its reasons as the
// kubelet decides them (its Failed "Error: ..." and BackOff events), the
// STATUS that follows a sync later adding nothing new.
func TestBuildLanesImagePull(t *testing.T) {
	failed := func(t float64, reason string) *record.Event {
		e := ev(t, ctrPath, "Failed", "Error: "+reason)
		e.Type = "Warning"
		return e
	}
	recs := []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "pull"},
		&record.Object{Header: h(0, "Object", "Pod/p"), Action: "created"},
		podStatus(0.01, "Pending", "0/1", "ContainerCreating", 0, false),
		failed(0.2, "ErrImagePull"),
		podStatus(15, "Pending", "0/1", "ErrImagePull", 0, false),
		ev(27, ctrPath, "BackOff", `Back-off pulling image "web:v3"`),
		failed(27, "ImagePullBackOff"),
		podStatus(40, "Pending", "0/1", "ImagePullBackOff", 0, false),
		failed(41, "ErrImagePull"),
		&record.End{Header: h(60, "End", "")},
	}
	got := BuildLanes(recs).Pods[0].Containers[0].Spans
	want := []Span{
		{Start: st(0.01), End: st(0.2), State: StateWaiting, Reason: ReasonCreating},
		{Start: st(0.2), End: st(27), State: StateWaiting, Reason: ReasonPullErr},
		{Start: st(27), End: st(41), State: StateWaiting, Reason: ReasonPullBack},
		{Start: st(41), End: st(60), State: StateWaiting, Reason: ReasonPullErr},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestBuildLanesSameNameAgain checks that a pod created again under the
// name of a removed one (a bare pod re-created) gets a lane of its own.
func TestBuildLanesSameNameAgain(t *testing.T) {
	recs := []record.Record{
		&record.Run{Header: h(0, "Run", ""), Scenario: "again"},
		&record.Object{Header: h(0, "Object", "Pod/p"), Action: "created"},
		ctr(0.1, "web", 1, "running"),
		&record.Object{Header: h(5, "Object", "Pod/p"), Action: "deleted"},
		&record.Object{Header: h(6, "Object", "Pod/p"), Action: "created"},
		ctr(6.1, "web", 1, "running"),
		&record.End{Header: h(10, "End", "")},
	}
	l := BuildLanes(recs)
	if len(l.Pods) != 2 || l.Pods[0].Deleted != st(5) || l.Pods[1].Created != st(6) || l.Pods[1].Deleted != sim.Never {
		t.Fatalf("pods: %+v", l.Pods)
	}
	if in := l.Pods[1].Containers[0].Instances; len(in) != 1 || in[0].Start != st(6.1) {
		t.Errorf("second pod's instances: %+v", in)
	}
}

// TestTimeAxis checks that axis labels fall on round times whatever the
// column width: every tenth column of 12 s is 2m, every fifteenth of 20 s
// 5m.
func TestTimeAxis(t *testing.T) {
	for _, tc := range []struct {
		step time.Duration
		want string
	}{
		{12 * time.Second, "0         2m        4m"},
		{20 * time.Second, "0              5m             10m"},
		{3 * time.Second, "0         30s       1m"},
	} {
		labels, _ := timeAxis(scale{step: tc.step, cols: 30}, 40)
		if got := strings.TrimRight(labels, " "); !strings.HasPrefix(got, tc.want) {
			t.Errorf("step %v: labels %q, want them to start %q", tc.step, got, tc.want)
		}
	}
}
