package sweep

import (
	"bytes"
	"math"
	"testing"
)

// FuzzParseSpec feeds arbitrary text to the sweep's parsers: --vary,
// --sample, --shard, --require and --minimize. None may panic, and what
// parses must be usable: a --vary has values, none repeated, none empty.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		"deployment/web:containers[web].livenessProbe.periodSeconds=5,10,20",
		"failureThreshold=1..10", "x=1..10/3", "x=10s..60s/10s", "x={path: /a},{path: /b}",
		`apps["a:*"].start=[1s, 2s],"x,y"`, "x=-5..5", "x=1..9223372036854775807/4611686018427387904",
		"startup-kills == 0 in 99%", "time-to-ready.p99 <= 90s", "expect.2 in 95%", "lhs:20", "3/4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseVary(s); err == nil {
			if d.Path == "" || len(d.Values) == 0 || len(d.Values) > maxValues {
				t.Fatalf("ParseVary(%q) = %+v", s, d)
			}
			seen := map[string]bool{}
			for _, v := range d.Values {
				if v == "" || seen[v] {
					t.Fatalf("ParseVary(%q): empty or repeated value %q", s, v)
				}
				seen[v] = true
			}
		} else {
			_ = err.Error()
		}
		if sm, err := ParseSampling(s, 1); err == nil && sm.Kind != "" {
			p := &Plan{Sources: []Source{{}}, Seeds: 1, Dims: []Dim{{Path: "a", Values: []string{"1", "2", "3"}}}, Sampling: sm}
			if sm.N <= 1000 {
				if err := p.Prepare(); err != nil || p.NumPoints() != sm.N {
					t.Fatalf("sample %q: %v, %d points", s, err, p.NumPoints())
				}
				for i := 0; i < p.NumPoints(); i++ {
					_ = p.Point(i)
				}
			}
		}
		if sh, err := ParseShard(s); err == nil && (sh.I < 0 || sh.I >= sh.N) {
			t.Fatalf("ParseShard(%q) = %+v", s, sh)
		}
		if r, err := ParseRequirement(s); err == nil {
			pt := &PointResult{Metrics: []MetricResult{{Name: r.Metric.Name, Runs: []Num{0, 1, Num(math.NaN())}}}}
			r.Judge(pt)
		}
		_, _ = ParseObjective(s, false)
		_, _, _ = Read("f", bytes.NewReader([]byte(s)))
	})
}
