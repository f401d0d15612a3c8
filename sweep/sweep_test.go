package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/scenarios"
)

const warmPath = "deployment/warm:containers[warm].startupProbe."

func warmSource(t testing.TB) Source {
	data, err := os.ReadFile("testdata/warmup-60s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return Source{Name: "testdata/warmup-60s.yaml", Data: data}
}

func mustVary(t testing.TB, s string) Dim {
	d, err := ParseVary(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// runPlan runs a plan and returns its results file.
func runPlan(t testing.TB, p *Plan, opts Options) []byte {
	t.Helper()
	if err := p.Prepare(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	h := p.Header("test", nil)
	w, err := NewWriter(&buf, &h)
	if err != nil {
		t.Fatal(err)
	}
	opts.Emit = w.Write
	if err := p.Run(opts); err != nil && !errors.Is(err, ErrStopped) {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readResults(t testing.TB, data []byte) *Results {
	t.Helper()
	res, _, err := Read("results.jsonl", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestStartupBoundary sweeps a startup probe's periodSeconds and
// failureThreshold over an app that listens exactly 60 s after its
// container starts, and checks that start-up kills stop exactly where the
// kubelet's rules say.
//
// The boundary, from the fact sheet (k8s-semantics.md 1.2, 1.3, 1.5;
// pkg/kubelet/prober/worker.go run and doProbe): the startup worker is
// created by the pod's first sync, before the container starts, and probes
// at once and then on a ticker of periodSeconds anchored at its creation,
// without jitter because the kubelet started long before. The first probe
// finds no container and skips; the container starts δ later, 0 < δ < P,
// so probe k (k >= 1) runs k·P − δ after the container started and fails
// while that is under 60 s. With P dividing 60 exactly 60/P probes fail
// before the app listens, and the F-th failure kills the container iff
// F <= 60/P. Start-up kills stop at F = 60/P + 1, in every seed; and the
// pod becomes Ready on the first success, probe 60/P + 1, (60/P + 1)·P
// after the worker's creation, which is within the run's first second: in
// [60+P, 60+P+1) s of the run.
func TestStartupBoundary(t *testing.T) {
	periods := []int{5, 10, 15, 20, 30}
	p := &Plan{
		Sources:   []Source{warmSource(t)},
		Dims:      []Dim{mustVary(t, warmPath+"periodSeconds=5,10,15,20,30"), mustVary(t, warmPath+"failureThreshold=1..13")},
		FirstSeed: 1, Seeds: 2,
		Metrics: []string{"startup-kills", "time-to-first-ready", "expectations"},
	}
	res := readResults(t, runPlan(t, p, Options{Workers: 2}))
	if len(res.Points) != 5*13 {
		t.Fatalf("%d points, want 65", len(res.Points))
	}
	for _, pt := range res.Points {
		period, _ := strconv.Atoi(pt.Values[0])
		threshold, _ := strconv.Atoi(pt.Values[1])
		kills := pt.Metric("startup-kills")
		killedShare, _ := share(kills.Runs, func(v float64) bool { return v >= 1 })
		wantKilled := threshold <= 60/period
		if wantKilled && killedShare != 1 || !wantKilled && kills.Max != 0 {
			t.Errorf("periodSeconds=%d failureThreshold=%d: start-up kills in %v of runs (max %v), want killed=%v",
				period, threshold, killedShare, kills.Max, wantKilled)
		}
		if exp := pt.Metric("expectations"); float64(exp.Mean) != map[bool]float64{true: 0, false: 1}[wantKilled] {
			t.Errorf("periodSeconds=%d failureThreshold=%d: the no-Killing expectation held in %v of runs", period, threshold, exp.Mean)
		}
		if !wantKilled {
			ready := pt.Metric("time-to-first-ready")
			lo, hi := float64(60+period), float64(60+period+1)
			if float64(ready.Min) < lo || float64(ready.Max) >= hi {
				t.Errorf("periodSeconds=%d failureThreshold=%d: Ready at %v..%vs, want within [%v, %v)", period, threshold, ready.Min, ready.Max, lo, hi)
			}
		}
	}
	// The recommendation: no kill in any run, then the earliest Ready: the
	// shortest period with its first safe threshold.
	req, err := ParseRequirement("startup-kills == 0 in 100%")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := ParseObjective("time-to-first-ready.p99", false)
	if err != nil {
		t.Fatal(err)
	}
	rec := Recommend(res, p.DimNames(), []Requirement{req}, &obj)
	got := [][]string{rec.Best.Values, rec.RunnerUp.Values}
	want := [][]string{{"5", "13"}, {"10", "7"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recommendation (-want +got):\n%s\n%s", diff, rec.Text)
	}
	safe := 0
	for _, period := range periods {
		safe += 13 - 60/period
	}
	if rec.Meeting != safe {
		t.Errorf("%d points meet the requirement, want %d", rec.Meeting, safe)
	}
}

func smallPlan(t testing.TB, shard Shard) *Plan {
	return &Plan{
		Sources:   []Source{warmSource(t)},
		Dims:      []Dim{mustVary(t, warmPath+"periodSeconds=10,20"), mustVary(t, warmPath+"failureThreshold=2..7/2")},
		FirstSeed: 7, Seeds: 3,
		Metrics: []string{"restarts", "startup-kills", "time-to-all-ready", "rollout-duration", "expect.1"},
		Shard:   shard,
	}
}

// TestWorkerCountInvariant: the results file is byte-identical whatever
// the number of workers.
func TestWorkerCountInvariant(t *testing.T) {
	one := runPlan(t, smallPlan(t, Shard{}), Options{Workers: 1})
	four := runPlan(t, smallPlan(t, Shard{}), Options{Workers: 4})
	if !bytes.Equal(one, four) {
		t.Errorf("1 worker and 4 workers differ:\n%s\n---\n%s", one, four)
	}
	if n := bytes.Count(one, []byte("\n")); n != 1+6 {
		t.Errorf("%d lines, want a header and 6 points", n)
	}
}

// TestShardsMerge: three shards merged give the same file as one sweep.
func TestShardsMerge(t *testing.T) {
	whole := runPlan(t, smallPlan(t, Shard{}), Options{Workers: 2})
	var parts []*Results
	var names []string
	for i := 2; i >= 0; i-- { // in any order
		parts = append(parts, readResults(t, runPlan(t, smallPlan(t, Shard{I: i, N: 3}), Options{Workers: 2})))
		names = append(names, fmt.Sprintf("shard-%d.jsonl", i))
	}
	merged, err := Merge(parts, names, false)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := merged.WriteAll(&buf); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(whole), buf.String()); diff != "" {
		t.Errorf("merged shards differ from the whole sweep (-whole +merged):\n%s", diff)
	}
	if _, err := Merge(parts[:2], names[:2], false); err == nil {
		t.Error("merging two of three shards succeeded without --partial")
	}
	other := readResults(t, runPlan(t, &Plan{Sources: []Source{warmSource(t)}, Dims: []Dim{mustVary(t, warmPath+"periodSeconds=10")}, FirstSeed: 1, Seeds: 1, Metrics: []string{"restarts"}}, Options{}))
	if _, err := Merge([]*Results{parts[0], other}, []string{"a", "b"}, true); err == nil {
		t.Error("merged the files of two different sweeps")
	}
}

// TestResume: a sweep stopped part-way and resumed from its file gives the
// file of an uninterrupted sweep.
func TestResume(t *testing.T) {
	whole := runPlan(t, smallPlan(t, Shard{}), Options{Workers: 2})
	var runs atomic.Int64
	// One worker finishes runs in order, so stopping after 8 runs always
	// leaves whole points behind it (two of three seeds' points).
	partial := runPlan(t, smallPlan(t, Shard{}), Options{Workers: 1,
		Progress: func(done, _ int) { runs.Store(int64(done)) },
		Stop:     func() bool { return runs.Load() >= 8 }})
	res, complete, err := Read("partial", bytes.NewReader(append(partial, `{"kind":"Po`...)))
	if err != nil {
		t.Fatal(err)
	}
	if int(complete) != len(partial) || len(res.Points) == 0 || len(res.Points) >= 6 {
		t.Fatalf("read %d points, %d bytes complete of %d", len(res.Points), complete, len(partial))
	}
	done := map[int]bool{}
	for _, p := range res.Points {
		done[p.Index] = true
	}
	p := smallPlan(t, Shard{})
	if err := p.Prepare(); err != nil {
		t.Fatal(err)
	}
	if why := SameSweep(res.Header, p.Header("test", nil)); why != "" {
		t.Fatal(why)
	}
	buf := bytes.NewBuffer(append([]byte(nil), partial...))
	w, _ := NewWriter(buf, nil)
	if err := p.Run(Options{Workers: 2, Done: done, Emit: w.Write}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(whole), buf.String()); diff != "" {
		t.Errorf("resumed sweep differs (-whole +resumed):\n%s", diff)
	}
}

// TestSlowStartMetrics measures the built-in slow-start-killed, whose
// story its file tells: every container is killed by liveness 30 s after
// each start, before it ever answers, so every kill is a start-up kill and
// no pod is ever Ready.
func TestSlowStartMetrics(t *testing.T) {
	data, err := scenarios.Builtin("slow-start-killed")
	if err != nil {
		t.Fatal(err)
	}
	p := &Plan{Sources: []Source{{Name: "slow-start-killed", Data: data}}, FirstSeed: 1, Seeds: 1,
		Metrics: []string{"restarts", "startup-kills", "probe-kills", "time-to-first-ready", "rollout-complete", "crashloop-seconds", "zero-endpoint-seconds", "expectations"}}
	res := readResults(t, runPlan(t, p, Options{}))
	pt := res.Points[0]
	got := map[string]float64{}
	for _, m := range pt.Metrics {
		got[m.Name] = float64(m.Mean)
	}
	if got["startup-kills"] != got["probe-kills"] || got["startup-kills"] < 3*6 {
		t.Errorf("startup-kills %v, probe-kills %v: want equal, at least 6 per pod", got["startup-kills"], got["probe-kills"])
	}
	// Every kill but those of the last instances is followed by a restart
	// within the run.
	if got["restarts"] > got["probe-kills"] || got["restarts"] < got["probe-kills"]-3 {
		t.Errorf("restarts %v, kills %v", got["restarts"], got["probe-kills"])
	}
	if m := pt.Metric("time-to-first-ready"); m.Censored != 1 || float64(m.Mean) != 600 {
		t.Errorf("time-to-first-ready %+v, want censored at 600 s", m.Stats)
	}
	if got["rollout-complete"] != 0 || got["crashloop-seconds"] <= 0 || !math.IsNaN(got["zero-endpoint-seconds"]) || got["expectations"] != 1 {
		t.Errorf("metrics %v", got)
	}
}

func TestQuantileNearestRank(t *testing.T) {
	vals := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for p, want := range map[float64]float64{0.5: 5, 0.9: 9, 0.99: 10, 0.1: 1, 1: 10} {
		if got := quantile(vals, p); got != want {
			t.Errorf("quantile(1..10, %v) = %v, want %v", p, got, want)
		}
	}
}

// BenchmarkSweep measures sweep throughput in runs per second on the
// built-in startup-probe-fix (10 simulated minutes, three pods, about 2,500
// kernel events a run), with one worker and with one per CPU.
func BenchmarkSweep(b *testing.B) {
	data, err := scenarios.Builtin("startup-probe-fix")
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 0} {
		name := "workers=" + strconv.Itoa(workers)
		if workers == 0 {
			name = "workers=all"
		}
		b.Run(name, func(b *testing.B) {
			runs := 0
			for b.Loop() {
				p := &Plan{Sources: []Source{{Name: "startup-probe-fix", Data: data}},
					Dims:      []Dim{mustVary(b, "deployment/petclinic:containers[petclinic].startupProbe.failureThreshold=6,12")},
					FirstSeed: 1, Seeds: 4, Metrics: []string{"restarts", "startup-kills", "time-to-all-ready", "expectations"}}
				if err := p.Prepare(); err != nil {
					b.Fatal(err)
				}
				if err := p.Run(Options{Workers: workers, Emit: func(*PointResult) error { return nil }}); err != nil {
					b.Fatal(err)
				}
				runs += 8
			}
			b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// TestRolloutMetrics measures the built-in rollout-502 under seed 1, whose
// file tells its story: 39 of 10000 requests fail, the update at 60 s
// completes at 71.7 s, and the Service has no ready endpoint until the
// first pod is Ready (3.7 s).
func TestRolloutMetrics(t *testing.T) {
	data, err := scenarios.Builtin("rollout-502")
	if err != nil {
		t.Fatal(err)
	}
	p := &Plan{Sources: []Source{{Name: "rollout-502", Data: data}}, FirstSeed: 1, Seeds: 1,
		Metrics: []string{"error-rate", "rollout-duration", "rollout-complete", "zero-endpoint-seconds", "crashloop-seconds"}}
	res := readResults(t, runPlan(t, p, Options{}))
	got := map[string]float64{}
	for _, m := range res.Points[0].Metrics {
		got[m.Name] = float64(m.Mean)
	}
	if got["error-rate"] != 39.0/10000 {
		t.Errorf("error-rate %v, want 39/10000", got["error-rate"])
	}
	if d := got["rollout-duration"]; d < 11.6 || d > 11.8 {
		t.Errorf("rollout-duration %v s, want 60 s to 71.7 s", d)
	}
	if z := got["zero-endpoint-seconds"]; z < 3.6 || z > 3.8 {
		t.Errorf("zero-endpoint-seconds %v, want about 3.7", z)
	}
	if got["rollout-complete"] != 1 || got["crashloop-seconds"] != 0 {
		t.Errorf("metrics %v", got)
	}
}

func TestParseVary(t *testing.T) {
	for in, want := range map[string][]string{
		"a.b=5,10,20":                 {"5", "10", "20"},
		"a=1..4":                      {"1", "2", "3", "4"},
		"a=1..10/3":                   {"1", "4", "7", "10"},
		"a=10s..1m/20s":               {"10s", "30s", "50s"},
		"a=1m..3m/1m":                 {"1m", "2m", "3m"},
		"a={path: /a},{path: /b}":     {"{path: /a}", "{path: /b}"},
		`x["k.y"]=[1s, 2s],"a,b"`:     {"[1s, 2s]", `"a,b"`},
		"deployment/web:spec.x=-2..0": {"-2", "-1", "0"},
	} {
		d, err := ParseVary(in)
		if err != nil {
			t.Errorf("ParseVary(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, d.Values); diff != "" {
			t.Errorf("ParseVary(%q) (-want +got):\n%s", in, diff)
		}
	}
	for _, in := range []string{"a", "=1", "a=", "a=1,,2", "a=1,1", "a=5..1", "a=1..2/0", "a=1s..2s", "a=1..1000001", "a=x..y"} {
		if _, err := ParseVary(in); err == nil {
			t.Errorf("ParseVary(%q) succeeded", in)
		}
	}
}

func TestParseRequirement(t *testing.T) {
	for in, want := range map[string]Requirement{
		"startup-kills == 0 in 99%": {Stat: "", Op: "==", Value: 0, Share: 0.99},
		"restarts <= 1":             {Op: "<=", Value: 1, Share: 1},
		"time-to-ready.p99 <= 90s":  {Stat: "p99", Op: "<=", Value: 90, Share: 1},
		"error-rate < 0.5%":         {Op: "<", Value: 0.005, Share: 1},
		"expect.2 in 95%":           {Op: "==", Value: 1, Share: 0.95},
	} {
		r, err := ParseRequirement(in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", in, err)
			continue
		}
		got := Requirement{Stat: r.Stat, Op: r.Op, Value: r.Value, Share: r.Share}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseRequirement(%q) (-want +got):\n%s", in, diff)
		}
	}
	for _, in := range []string{"", "restarts", "latency < 1", "restarts.p42 < 1", "restarts.p99 < 1 in 50%", "restarts == 0 in 150%", "restarts == x"} {
		if _, err := ParseRequirement(in); err == nil {
			t.Errorf("ParseRequirement(%q) succeeded", in)
		}
	}
}

// TestLatinHypercube: with as many points as each dimension has values,
// a Latin hypercube uses every value of every dimension exactly once; the
// same sample seed draws the same points.
func TestLatinHypercube(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		dims := rapid.IntRange(1, 4).Draw(t, "dims")
		seed := rapid.Uint64().Draw(t, "seed")
		plan := func() *Plan {
			p := &Plan{Sources: []Source{{}}, Seeds: 1, Sampling: Sampling{Kind: "lhs", N: n, Seed: seed}}
			for d := 0; d < dims; d++ {
				dim := Dim{Path: "d" + strconv.Itoa(d)}
				for v := 0; v < n; v++ {
					dim.Values = append(dim.Values, strconv.Itoa(v))
				}
				p.Dims = append(p.Dims, dim)
			}
			if err := p.Prepare(); err != nil {
				t.Fatal(err)
			}
			return p
		}
		a, b := plan(), plan()
		for d := 0; d < dims; d++ {
			seen := map[string]bool{}
			for i := 0; i < n; i++ {
				v := a.Point(i).Values[d]
				if seen[v] {
					t.Fatalf("dimension %d: value %s drawn twice", d, v)
				}
				seen[v] = true
			}
		}
		for i := 0; i < n; i++ {
			if !cmp.Equal(a.Point(i), b.Point(i)) {
				t.Fatalf("point %d differs between two draws of seed %d", i, seed)
			}
		}
	})
}

// TestMaxPoints: a plan larger than MaxPoints is refused before any run,
// with a *LimitError, for a grid and for a sample.
func TestMaxPoints(t *testing.T) {
	p := smallPlan(t, Shard{}) // 2 × 3 points
	p.MaxPoints = 5
	var lim *LimitError
	if err := p.Prepare(); !errors.As(err, &lim) || lim.Points != 6 || lim.Max != 5 {
		t.Errorf("grid: %v, want a limit error for 6 points over 5", err)
	}
	p = smallPlan(t, Shard{})
	p.MaxPoints = 6
	if err := p.Prepare(); err != nil {
		t.Errorf("grid at the limit: %v", err)
	}
	p = smallPlan(t, Shard{})
	p.Sampling = Sampling{Kind: "lhs", N: 7, Seed: 1}
	p.MaxPoints = 6
	if err := p.Prepare(); !errors.As(err, &lim) || lim.Points != 7 {
		t.Errorf("sample: %v, want a limit error for 7 points", err)
	}
}
