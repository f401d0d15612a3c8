package app

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/sim"
)

func s(n float64) sim.Time { return sim.Time(n * float64(time.Second)) }

func TestLookup(t *testing.T) {
	c := mustDecode(t, `
"web*": {start: 1s}
"web:v2": {start: 2s}
"web:*": {start: 3s}
"quay.io/acme/api:*": {start: 4s}
"api:*": {start: 5s}
`)
	for image, want := range map[string]sim.Duration{
		"web:v2":                  2 * time.Second, // exact beats prefixes
		"web:v1":                  3 * time.Second, // longer prefix
		"webhook":                 time.Second,
		"quay.io/acme/api:1":      4 * time.Second, // whole reference beats last element
		"docker.io/acme/api:1":    5 * time.Second, // last element
		"registry/x/web:v2":       2 * time.Second,
		"nginx":                   0,
		"docker.io/library/nginx": 0,
	} {
		if got := c.Lookup(image).start.fixed; got != want {
			t.Errorf("Lookup(%q).start = %s, want %s", image, got, want)
		}
	}
	if c.Lookup("nginx") != Default() {
		t.Error("an unknown image does not get the default behaviour")
	}
}

func TestDefaultBehaviour(t *testing.T) {
	in := NewCatalog().Start("nginx", 1, s(5), 0, sim.NewStream(1, "x"))
	got := []Reply{
		in.HTTP(s(5), 12345, "GET", "/anything"),
		in.TCP(s(5), 1),
		in.GRPC(s(5), 9000, "svc"),
		in.Exec(s(5), []string{"true"}),
	}
	want := []Reply{
		{Kind: Answered, Status: 200, Begin: s(5), End: s(5)},
		{Kind: Answered, Begin: s(5), End: s(5)},
		{Kind: Answered, Status: GRPCServing, Begin: s(5), End: s(5)},
		{Kind: Answered, Exit: 0, Begin: s(5), End: s(5)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default replies (-want +got):\n%s", diff)
	}
	if _, _, _, ok := in.Exit(); ok {
		t.Error("the default process exits by itself")
	}
	if re := in.Signal(s(6), SIGTERM); re != (Reaction{Effect: Exits, At: s(6), Code: 143}) {
		t.Errorf("TERM: %+v", re)
	}
}

func TestHTTPMatching(t *testing.T) {
	c := mustDecode(t, `
x:
  http:
    8080:
      /a: 200
      "POST /a": 201
      /api/*: 202
      /api/v2/*: 203
      "DELETE *": 405
      /r: {status: 302, location: /a}
    8081:
      /only: 200
  tcp: {9000: accept, 9001: hang}
  grpc: {9090: {"": SERVING, db: NOT_SERVING}}
  exec: {"cat /tmp/healthy": {exit: 1, output: "no such file"}}
`)
	in := c.Start("x", 1, 0, 0, sim.NewStream(1, "x"))
	type q struct {
		port         int
		method, path string
	}
	for _, tc := range []struct {
		q    q
		kind ReplyKind
		code int
	}{
		{q{8080, "GET", "/a"}, Answered, 200},
		{q{8080, "POST", "/a"}, Answered, 201},
		{q{8080, "GET", "/a?x=1"}, Answered, 200},
		{q{8080, "GET", "/api/v1/users"}, Answered, 202},
		{q{8080, "GET", "/api/v2/users"}, Answered, 203},
		{q{8080, "DELETE", "/b"}, Answered, 405},
		{q{8080, "GET", "/b"}, Answered, 404},
		{q{8081, "GET", "/"}, Answered, 404},
		{q{8082, "GET", "/"}, Refused, 0},
		{q{9000, "GET", "/"}, Reset, 0}, // a TCP-only server does not speak HTTP
		{q{9090, "GET", "/"}, Reset, 0}, // a gRPC server does not speak HTTP/1
	} {
		r := in.HTTP(0, tc.q.port, tc.q.method, tc.q.path)
		if r.Kind != tc.kind || r.Status != tc.code {
			t.Errorf("%v: %v %d, want %v %d", tc.q, r.Kind, r.Status, tc.kind, tc.code)
		}
	}
	if r := in.HTTP(0, 8080, "GET", "/r"); r.Location != "/a" || r.Status != 302 {
		t.Errorf("redirect: %+v", r)
	}
	if r := in.TCP(0, 9001); r.Kind != Hang || r.End != sim.Never {
		t.Errorf("tcp hang: %+v", r)
	}
	if r := in.TCP(0, 8080); r.Kind != Answered {
		t.Errorf("tcp to an HTTP port: %+v", r)
	}
	if r := in.GRPC(0, 9090, "db"); r.Status != GRPCNotServing {
		t.Errorf("grpc db: %+v", r)
	}
	if r := in.GRPC(0, 9090, "other"); r.Status != GRPCUnknownService || r.Output == "" {
		t.Errorf("grpc unknown service: %+v", r)
	}
	if r := in.GRPC(0, 8080, ""); r.Kind != Reset {
		t.Errorf("grpc to an HTTP port: %+v", r)
	}
	if r := in.Exec(0, []string{"cat", "/tmp/healthy"}); r.Exit != 1 || r.Output != "no such file" {
		t.Errorf("exec: %+v", r)
	}
	if r := in.Exec(0, []string{"ls"}); r.Exit != 127 {
		t.Errorf("exec of an unlisted command: %+v", r)
	}
}

func TestConcurrencyQueue(t *testing.T) {
	c := mustDecode(t, `x: {concurrency: 2, http: {80: {"*": {status: 200, latency: 10s}}}}`)
	in := c.Start("x", 1, 0, 0, sim.NewStream(1, "x"))
	var got [][2]sim.Time
	for _, at := range []float64{0, 1, 2, 3, 25} {
		r := in.HTTP(s(at), 80, "GET", "/")
		got = append(got, [2]sim.Time{r.Begin, r.End})
	}
	want := [][2]sim.Time{{s(0), s(10)}, {s(1), s(11)}, {s(10), s(20)}, {s(11), s(21)}, {s(25), s(35)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("begin/end (-want +got):\n%s", diff)
	}
}

func TestLifetime(t *testing.T) {
	t.Run("exit after", func(t *testing.T) {
		in := mustDecode(t, `x: {exit: {after: 30s, code: 2}}`).Start("x", 1, s(10), 0, sim.NewStream(1, "x"))
		at, code, reason, ok := in.Exit()
		if at != s(40) || code != 2 || reason != "Error" || !ok {
			t.Errorf("Exit() = %s %d %s %v", at, code, reason, ok)
		}
		if r := in.HTTP(s(40), 80, "GET", "/"); r.Kind != Refused {
			t.Errorf("a request after the exit: %v", r.Kind)
		}
	})
	t.Run("OOM", func(t *testing.T) {
		c := mustDecode(t, `x: {memory: {start: 100Mi, growth: 10Mi/min}, exit: {after: 1h}}`)
		in := c.Start("x", 1, 0, 128<<20, sim.NewStream(1, "x"))
		at, code, reason, _ := in.Exit()
		if at != s(168) || code != 137 || reason != "OOMKilled" {
			t.Errorf("Exit() = %s %d %s", at, code, reason)
		}
		in = c.Start("x", 1, 0, 0, sim.NewStream(1, "x")) // no limit
		if at, _, reason, _ := in.Exit(); at != s(3600) || reason != "Completed" {
			t.Errorf("without a limit: %s %s", at, reason)
		}
	})
	t.Run("crash after requests", func(t *testing.T) {
		in := mustDecode(t, `x: {crash: {afterRequests: 3}}`).Start("x", 1, 0, 0, sim.NewStream(1, "x"))
		var kinds []ReplyKind
		for i := range 4 {
			kinds = append(kinds, in.HTTP(s(float64(i)), 80, "GET", "/").Kind)
		}
		if diff := cmp.Diff([]ReplyKind{Answered, Answered, Reset, Refused}, kinds); diff != "" {
			t.Error(diff)
		}
		if at, code, _, _ := in.Exit(); at != s(2) || code != 1 {
			t.Errorf("Exit() = %s %d", at, code)
		}
	})
	t.Run("instances", func(t *testing.T) {
		c := mustDecode(t, `x: {start: 5s, instances: {"2-3": {start: 1s}, "4-": {exit: {after: 1s}}}}`)
		var got []sim.Time
		for n := 1; n <= 5; n++ {
			got = append(got, c.Start("x", n, 0, 0, sim.NewStream(1, "x")).ListensAt(80))
		}
		if diff := cmp.Diff([]sim.Time{s(5), s(1), s(1), s(5), s(5)}, got); diff != "" {
			t.Error(diff)
		}
	})
}

func TestSignals(t *testing.T) {
	c := mustDecode(t, `x: {onSIGTERM: {exit: 0, after: 5s}, signals: {HUP: {exit: 1}}, exit: {after: 100s},
  http: {80: {"*": {status: 200, latency: 1s}}}}`)
	start := func() *Instance { return c.Start("x", 1, 0, 0, sim.NewStream(1, "x")) }

	in := start()
	if re := in.Signal(s(10), SIGTERM); re != (Reaction{Exits, s(15), 0}) {
		t.Errorf("TERM: %+v", re)
	}
	if at, code, reason, _ := in.Exit(); at != s(15) || code != 0 || reason != "Completed" {
		t.Errorf("after TERM: %s %d %s", at, code, reason)
	}
	if re := in.Signal(s(11), SIGKILL); re != (Reaction{Exits, s(11), 137}) {
		t.Errorf("KILL: %+v", re)
	}
	for _, sig := range []Signal{SIGTSTP, SIGUSR1, SIGQUIT} {
		if re := start().Signal(s(1), sig); re.Effect != Ignored {
			t.Errorf("%s: %+v", sig, re)
		}
	}
	if re := start().Signal(s(1), SIGINT); re != (Reaction{Exits, s(1), 130}) {
		t.Errorf("INT: %+v", re)
	}

	// STOP at 10 s, CONT at 40 s: requests wait, the exit moves 30 s later,
	// a TERM received meanwhile runs after CONT.
	in = start()
	in.Signal(s(10), SIGSTOP)
	if r := in.HTTP(s(20), 80, "GET", "/"); r.Kind != Hang {
		t.Errorf("request while stopped: %+v", r)
	}
	if _, _, _, ok := in.Exit(); ok {
		t.Error("a stopped process reports an exit")
	}
	if r := in.TCP(s(20), 80); r.Kind != Answered {
		t.Errorf("TCP while stopped: %+v", r)
	}
	if re := in.Signal(s(30), SIGTERM); re.Effect != Exits || re.At != sim.Never {
		t.Errorf("TERM while stopped: %+v", re)
	}
	in.Signal(s(40), SIGCONT)
	if at, code, _, _ := in.Exit(); at != s(45) || code != 0 {
		t.Errorf("after CONT: exit %s %d", at, code)
	}

	in = start()
	in.Signal(s(10), SIGSTOP)
	in.Signal(s(40), SIGCONT)
	if at, _, _, _ := in.Exit(); at != s(130) {
		t.Errorf("exit after a 30 s stop: %s, want 2m10s", at)
	}
	if re := in.Signal(s(200), SIGTERM); re.Effect != Ignored {
		t.Errorf("signal to a dead process: %+v", re)
	}
}

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]Signal{"TERM": SIGTERM, "SIGKILL": SIGKILL, "tstp": SIGTSTP, "15": SIGTERM, "64": 64} {
		if got, err := ParseSignal(in); got != want || err != nil {
			t.Errorf("ParseSignal(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "65", "FOO"} {
		if _, err := ParseSignal(in); err == nil {
			t.Errorf("ParseSignal(%q) succeeded", in)
		}
	}
	if SIGTERM.String() != "TERM" || Signal(40).String() != "40" {
		t.Error("Signal.String")
	}
}

// TestSetApp: an outage applied at 60 s changes what running instances
// answer from then on; their start-up values stay; new instances use the
// new behaviour whole.
func TestSetApp(t *testing.T) {
	c := mustDecode(t, `web*: {start: 2s, http: {8080: {/healthz: 200}}}`)
	old := c.Start("web:1", 1, 0, 0, sim.NewStream(1, "x"))
	ch, err := DecodeChange(parseYAML(t, `{image: "web*", start: 9s, http: {8080: {/healthz: [{untilAt: 2m, status: 503}, 200]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(s(60), ch); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(s(30), ch); err == nil {
		t.Error("a change back in time was accepted")
	}
	got := []int{
		old.HTTP(s(59), 8080, "GET", "/healthz").Status,
		old.HTTP(s(60), 8080, "GET", "/healthz").Status,
		old.HTTP(s(120), 8080, "GET", "/healthz").Status,
	}
	if diff := cmp.Diff([]int{200, 503, 200}, got); diff != "" {
		t.Errorf("running instance (-want +got):\n%s", diff)
	}
	if old.ListensAt(8080) != s(2) {
		t.Errorf("the running instance's start changed: %s", old.ListensAt(8080))
	}
	if in := c.Start("web:1", 2, s(70), 0, sim.NewStream(1, "x")); in.ListensAt(8080) != s(79) {
		t.Errorf("a new instance listens at %s, want 1m19s", in.ListensAt(8080))
	}
	// An image first started after the change still sees both versions.
	late := c.Start("web:2", 1, s(10), 0, sim.NewStream(1, "x"))
	if late.HTTP(s(20), 8080, "GET", "/healthz").Status != 200 || late.HTTP(s(61), 8080, "GET", "/healthz").Status != 503 {
		t.Error("the line of a new image misses a version")
	}
}
