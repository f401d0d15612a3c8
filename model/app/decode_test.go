package app

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// fataler is what the helpers need of *testing.T and *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func parseYAML(t fataler, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	return &n
}

func mustDecode(t fataler, src string) *Catalog {
	t.Helper()
	c, err := DecodeString(src)
	if err != nil {
		t.Fatalf("Decode:\n%v", err)
	}
	return c
}

// TestDecodeErrors pins the message for each malformed element: position,
// path, what was expected, and a suggestion for a misspelt key.
func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"x: {strat: 2s}", []string{
			`1:5: apps.x.strat: unknown field "strat" (did you mean "start"?)`,
		}},
		{"x: {start: 30}", []string{
			`1:12: apps.x.start: expected a duration like "1.5s" or "2m30s", got the number 30 (a duration needs a unit: 30s?)`,
		}},
		{"x: {start: {uniform: [90s, 40s]}}", []string{
			`1:22: apps.x.start.uniform: expected MIN <= MAX, got [1m30s, 40s]`,
		}},
		{"x: {start: {uniform: [1s]}}", []string{
			`1:22: apps.x.start.uniform: expected [MIN, MAX], got a list of 1`,
		}},
		{"x: {start: {normal: {mean: 1s}}}", []string{
			`1:21: apps.x.start.normal: expected stddev: DURATION`,
		}},
		{"x: {start: {lognormal: {p50: 0s, p99: 1s}}}", []string{
			`1:24: apps.x.start.lognormal: expected p50 > 0 (a lognormal distribution has no zero), got 0s`,
		}},
		{"x: {start: {lognormal: {p50: 2s, p99: 1s}}}", []string{
			`1:24: apps.x.start.lognormal: expected p99 >= p50, got p50 2s and p99 1s`,
		}},
		{"x: {start: {exponential: {mean: 1s}, uniform: [1s, 2s]}}", []string{
			`1:12: apps.x.start: expected a duration like "1.5s" or a distribution: {uniform: [MIN, MAX]}, {normal: {mean, stddev}}, {lognormal: {p50, p99}}, {exponential: {mean}} or {percentiles: {p0, p50, ...}}; a distribution has exactly one of these keys`,
		}},
		{"x: {start: {gaussian: {mean: 1s}}}", []string{
			`1:13: apps.x.start.gaussian: unknown field "gaussian"; expected one of: uniform, normal, lognormal, exponential, percentiles`,
		}},
		{"x: {start: {percentiles: {p50: 40s, p99: 30s}}}", []string{
			`1:26: apps.x.start.percentiles: expected values that do not decrease as the percentile grows, got p50 40s above p99 30s`,
		}},
		{"x: {start: {percentiles: {q50: 40s}}}", []string{
			`1:27: apps.x.start.percentiles.q50: expected a percentile key p0 to p100 (p50, p99.9), got "q50"`,
		}},
		{"x: {listen: {http: 2s}}", []string{
			`1:14: apps.x.listen.http: expected a port number from 1 to 65535, got "http"`,
		}},
		{"x: {http: {8080: {/a: 700}}}", []string{
			`1:23: apps.x.http.8080["/a"]: expected an integer from 100 to 599, got 700`,
		}},
		{"x: {http: {8080: {healthz: 200}}}", []string{
			`1:19: apps.x.http.8080.healthz: expected a path key: "/path", "GET /path", "/prefix*" or "*", got "healthz"`,
		}},
		{"x: {http: {8080: {/a: {status: 301, location: /b, hang: true}}}}", []string{
			`1:23: apps.x.http.8080["/a"]: expected one of status, hang, refuse, reset, got status and hang together`,
		}},
		{"x: {http: {8080: {/a: {status: 200, location: /b}}}}", []string{
			`1:23: apps.x.http.8080["/a"]: location is for redirects: expected a status from 300 to 399 with it`,
		}},
		{"x: {http: {8080: {/a: {latency: 1s}}}}", []string{
			`1:23: apps.x.http.8080["/a"]: expected status: CODE, or one of hang, refuse, reset: true`,
		}},
		{"x: {http: {8080: {/a: {status: 200, until: 1s}}}}", []string{
			`1:37: apps.x.http.8080["/a"].until: until belongs to an answer of a timeline (a list of answers)`,
		}},
		{"x: {http: {8080: {/a: [{status: 200}, {status: 500}]}}}", []string{
			`1:24: apps.x.http.8080["/a"][0]: expected until: DURATION (since the container started) or untilAt: DURATION (since the run started): every answer of a timeline but the last ends`,
		}},
		{"x: {http: {8080: {/a: [{status: 200, until: 10s}, {status: 500, until: 20s}]}}}", []string{
			`1:51: apps.x.http.8080["/a"][1]: the last answer of a timeline lasts for ever: remove until/untilAt`,
		}},
		{"x: {http: {8080: {/a: [{status: 200, until: 10s}, {status: 200, until: 5s}, 500]}}}", []string{
			`1:51: apps.x.http.8080["/a"][1].until: expected until to grow along the timeline, got 5s after 10s`,
		}},
		{"x: {http: {8080: {/a: [{status: 200, until: 10s, untilAt: 1m}, 500]}}}", []string{
			`1:24: apps.x.http.8080["/a"][0]: expected one of until or untilAt, not both`,
		}},
		{"x: {http: {8080: {/a: {hang: true, latency: 1s}}}}", []string{
			`1:23: apps.x.http.8080["/a"]: latency does not apply to a request that is never answered (hang)`,
		}},
		{"x: {http: {8080: {/a: {status: 200, latncy: 1s}}}}", []string{
			`1:37: apps.x.http.8080["/a"].latncy: unknown field "latncy" (did you mean "latency"?)`,
		}},
		{"x: {tcp: {5432: open}}", []string{
			`1:17: apps.x.tcp.5432: expected accept, refuse, hang, reset, a mapping {latency, ...} or a timeline (a list), got the string "open"`,
		}},
		{"x: {http: {8080: {/a: 200}}, tcp: {8080: refuse}}", []string{
			`1:4: apps.x: port 8080 is described under both http and tcp; tcp answers are for ports without an HTTP table`,
		}},
		{"x: {grpc: {9000: {\"\": SERVNG}}}", []string{
			`1:23: apps.x.grpc.9000[""]: expected SERVING, NOT_SERVING, hang, refuse, reset, a mapping {status, latency} or a timeline (a list), got the string "SERVNG"`,
		}},
		{"x: {grpc: {9000: {\"\": 1}}}", []string{
			`1:23: apps.x.grpc.9000[""]: expected SERVING, NOT_SERVING, hang, refuse, reset, a mapping {status, latency} or a timeline (a list), got the number 1`,
		}},
		{"x: {exec: {\"cat /tmp/healthy\": 256}}", []string{
			`1:32: apps.x.exec["cat /tmp/healthy"]: expected an integer from 0 to 255, got 256`,
		}},
		{"x: {exec: {\"cat /tmp/healthy\": {exit: 1, status: 2}}}", []string{
			`1:42: apps.x.exec["cat /tmp/healthy"].status: unknown field "status"; expected one of: exit, output, latency, hang, until, untilAt`,
		}},
		{"x: {concurrency: 0}", []string{
			`1:18: apps.x.concurrency: expected at least 1 request at once, got 0 (leave concurrency out for no limit)`,
		}},
		{"x: {exit: {code: 1}}", []string{
			`1:11: apps.x.exit: expected after: DURATION (when the process exits)`,
		}},
		{"x: {exit: {after: 1m, code: 300}}", []string{
			`1:29: apps.x.exit.code: expected an integer from 0 to 255, got 300`,
		}},
		{"x: {crash: {code: 2}}", []string{
			`1:12: apps.x.crash: expected afterRequests: N or probability: P (or both)`,
		}},
		{"x: {crash: {probability: 1.5}}", []string{
			`1:26: apps.x.crash.probability: expected a probability from 0 to 1, got 1.5`,
		}},
		{"x: {memory: {start: 100Mi, growth: 10Mi}}", []string{
			`1:36: apps.x.memory.growth: expected a rate QUANTITY/TIME like "10Mi/min", "1Mi/s" or "5Mi/30s", got "10Mi"`,
		}},
		{"x: {memory: {start: lots}}", []string{
			`1:21: apps.x.memory.start: expected a non-negative quantity like "128Mi" or "100m", got "lots"`,
		}},
		{"x: {onSIGTERM: exit}", []string{
			`1:16: apps.x.onSIGTERM: expected ignore, default or {exit: CODE, after: DURATION}, got the string "exit"`,
		}},
		{"x: {onSIGTERM: {exit: 0, afer: 1s}}", []string{
			`1:26: apps.x.onSIGTERM.afer: unknown field "afer" (did you mean "after"?)`,
		}},
		{"x: {signals: {KILL: ignore, FOO: ignore, STOP: ignore}}", []string{
			`1:15: apps.x.signals.KILL: SIGKILL cannot be caught or ignored: its effect is fixed`,
			`1:29: apps.x.signals.FOO: expected a signal name like TERM, INT, HUP or TSTP: unknown signal "FOO"`,
			`1:42: apps.x.signals.STOP: SIGSTOP cannot be caught or ignored: its effect is fixed`,
		}},
		{"x: {onSIGTERM: ignore, signals: {TERM: ignore}}", []string{
			`1:34: apps.x.signals.TERM: TERM is also given by onSIGTERM: keep one`,
		}},
		{"x: {instances: {\"0-2\": {start: 1s}, \"3-\": {start: 2s}, \"4\": {start: 3s}}}", []string{
			`1:17: apps.x.instances.0-2: expected an instance range "N", "N-M" or "N-" (1 = the first start), got "0-2"`,
			`1:56: apps.x.instances.4: instances "4" overlap another range`,
		}},
		{"x: {instances: {\"1\": {resources: {cpu: 1}}}}", []string{
			`1:23: apps.x.instances.1.resources: unknown field "resources"; expected one of: start, listen, http, tcp, grpc, exec, concurrency, exit, crash, memory, onSIGTERM, signals`,
		}},
		{"x: {resources: {cpu: lots, memroy: 1Gi}}", []string{
			`1:22: apps.x.resources.cpu: expected a non-negative quantity like "128Mi" or "100m", got "lots"`,
			`1:28: apps.x.resources.memroy: unknown field "memroy" (did you mean "memory"?)`,
		}},
		{"\"a*b\": {}", []string{
			`1:1: apps["a*b"]: image pattern "a*b": '*' may only end a pattern (a prefix)`,
		}},
		{"x: {pull: {error: '', size: -1, transfer: soon, cahced: 1s}}", []string{
			`1:19: apps.x.pull.error: expected notFound or the runtime's error text, got an empty string`,
			`1:29: apps.x.pull.size: expected a non-negative quantity like "128Mi" or "100m", got "-1"`,
			`1:43: apps.x.pull.transfer: expected a duration like "1.5s" or "2m30s", got the string "soon": invalid duration`,
			`1:49: apps.x.pull.cahced: unknown field "cahced" (did you mean "cached"?)`,
		}},
		{"x: {instances: {\"1\": {pull: {size: 1}}}}", []string{
			`1:23: apps.x.instances.1.pull: unknown field "pull"; expected one of: start, listen, http, tcp, grpc, exec, concurrency, exit, crash, memory, onSIGTERM, signals`,
		}},
		{"x: [1]", []string{
			`1:4: apps.x: expected a mapping, got a list`,
		}},
		{"x: {onSIGTERM: {exit: 0}}\nx: {}", []string{
			`2:1: apps.x: duplicate key "x"`,
		}},
	} {
		_, err := Decode(parseYAML(t, tc.src))
		if err == nil {
			t.Errorf("%s: no error", tc.src)
			continue
		}
		if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
			t.Errorf("%s: errors (-want +got):\n%s", tc.src, diff)
		}
	}
}

func TestDecodeValid(t *testing.T) {
	c := mustDecode(t, `
web:*:
  start: {uniform: [40s, 90s]}
  listen: {8081: {lognormal: {p50: 1s, p99: 3s}}}
  http:
    8080:
      /healthz:
      - {until: 10s, status: 500}
      - {untilAt: 5m, status: 200, latency: {exponential: {mean: 5ms}}}
      - 503
      "POST /login": {status: 302, location: "https://sso.example.com/"}
      /static/*: 200
      "*": hang
  tcp: {5432: refuse}
  grpc: {9000: {"": SERVING, billing: {status: NOT_SERVING, latency: 1ms}}}
  exec: {"cat /tmp/healthy": {exit: 0, output: ok}, "*": 1}
  concurrency: 4
  exit: {after: {normal: {mean: 1h, stddev: 5m}}, code: 3}
  crash: {afterRequests: 1000, probability: 0.001}
  memory: {start: 100Mi, growth: 10Mi/min}
  onSIGTERM: {exit: 0, after: 200ms}
  signals: {INT: ignore, HUP: {exit: 1}, SIGUSR1: default}
  instances: {"1": {start: 0s}, "2-3": {exit: {after: 1s}}, "4-": {concurrency: 1}}
  resources: {cpu: 100m, memory: 128Mi}
  pull: {transfer: {uniform: [10s, 20s]}, size: 1Gi, preloaded: false, error: notFound}
`)
	b := c.Lookup("web:v1")
	if b == Default() {
		t.Fatal("web:v1 has the default behaviour")
	}
	if got := b.Resources(); got.CPU.String() != "100m" || got.Memory.String() != "128Mi" {
		t.Errorf("resources = %v, %v", got.CPU, got.Memory)
	}
	if p := b.Pull(); p.Size != 1<<30 || p.Preloaded || p.Error != PullNotFound || p.Cached.kind != distLognormal {
		t.Errorf("pull = %+v", p)
	}
	if p := Default().Pull(); !p.Preloaded || p.Error != "" {
		t.Errorf("default pull = %+v", p)
	}
	if b.Concurrency() != 4 || b.forInstance(5).Concurrency() != 1 || b.forInstance(2).Concurrency() != 4 {
		t.Errorf("concurrency = %d, instance 5: %d", b.Concurrency(), b.forInstance(5).Concurrency())
	}
	if b.forInstance(2).exit.after.fixed != 1e9 || b.forInstance(2).exit.code != 0 {
		t.Errorf("instance 2 exit = %+v", b.forInstance(2).exit)
	}
	if b.reaction(SIGHUP).code != 1 || !b.reaction(SIGINT).ignore || !b.reaction(SIGUSR1).ignore || b.reaction(SIGTERM).code != 0 {
		t.Error("signal reactions not decoded")
	}
}

func TestDecodeChange(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string
	}{
		{"{http: {8080: {/x: 200}}}", `1:1: setApp: expected an image pattern: image: NAME or image: PREFIX*`},
		{"{image: web, replce: true}", `1:14: setApp.replce: unknown field "replce" (did you mean "replace"?)`},
		{"{image: 'a*b*'}", `1:9: setApp.image: image pattern "a*b*": '*' may only end a pattern (a prefix)`},
		{"[1]", `1:1: setApp: expected a mapping, got a list`},
	} {
		_, err := DecodeChange(parseYAML(t, tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error\n%v\nwant\n%s", tc.src, err, tc.want)
		}
	}
}

// TestDecodeString: the text form reports YAML syntax errors, and an empty
// text is the empty catalog.
func TestDecodeString(t *testing.T) {
	if _, err := DecodeString("x: ["); err == nil || !strings.HasPrefix(err.Error(), "apps: yaml:") {
		t.Errorf("syntax error: %v", err)
	}
	c, err := DecodeString("")
	if err != nil || c.Lookup("any:1") != Default() {
		t.Errorf("empty: %v, %v", c, err)
	}
}
