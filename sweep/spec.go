// Package sweep runs a scenario many times over a grid or a sample of
// settings and seeds, and condenses each point's runs into distributions of
// named metrics: the engine behind `simulate sweep` and `simulate compare`.
//
// A sweep is a list of points; each point is a set of --set overrides of one
// scenario. Every point runs under the same seeds; streams the setting does
// not rename draw the same numbers at every point (a probe setting changes
// the pod-template hash in pod names, and with it the apps' streams). Runs
// are spread over a worker
// pool, one run per goroutine at a time, and their metrics are gathered in
// (point, seed) order, so the results do not depend on the worker count.
// Each point is written out as soon as its last seed has run: memory holds
// only the points in flight, never the whole sweep.
//
// The results file (JSONL: a header, then one line per point) is what
// --resume continues, what `simulate sweep merge` combines across shards,
// and what the table, CSV, JSON and HTML reports are rendered from.
package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/probesim/probesim/scenarios"
)

// Dim is one varied setting: a --set path and the values it takes, each a
// YAML value as --set takes it.
type Dim struct {
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

// maxValues bounds the values of one dimension, so that a typo such as
// 1..1e9 fails at once instead of exhausting memory.
const maxValues = 100000

// ParseVary parses one --vary argument: PATH=LIST, where LIST is
//
//	5,10,20          values, each YAML as --set takes it
//	1..10            every integer from 1 to 10
//	1..10/3          1, 4, 7, 10: a step
//	10s..60s/10s     durations, with a step (required)
//
// Commas inside [...], {...} or quotes do not split values, so
// PATH={path: /a},{path: /b} is two values.
func ParseVary(s string) (Dim, error) {
	path, list, ok := scenarios.SplitSet(s)
	if !ok {
		return Dim{}, fmt.Errorf("--vary %q: expected PATH=VALUES, like livenessProbe.periodSeconds=5,10,20 or failureThreshold=1..10", s)
	}
	if strings.TrimSpace(list) == "" {
		return Dim{}, fmt.Errorf("--vary %q: no values after =", s)
	}
	var values []string
	for _, part := range splitTop(list) {
		part = strings.TrimSpace(part)
		if part == "" {
			return Dim{}, fmt.Errorf("--vary %q: an empty value in the list", s)
		}
		if lo, rest, isRange := strings.Cut(part, ".."); isRange && !strings.ContainsAny(part, "[]{}\"'") {
			vs, err := expandRange(lo, rest)
			if err != nil {
				return Dim{}, fmt.Errorf("--vary %q: range %q: %v", s, part, err)
			}
			values = append(values, vs...)
		} else {
			values = append(values, part)
		}
		if len(values) > maxValues {
			return Dim{}, fmt.Errorf("--vary %q: more than %d values", s, maxValues)
		}
	}
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return Dim{}, fmt.Errorf("--vary %q: the value %s is listed twice", s, v)
		}
		seen[v] = true
	}
	return Dim{Path: path, Values: values}, nil
}

// splitTop splits a list at commas that are not inside brackets, braces or
// quotes.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth <= 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// expandRange expands LO..HI[/STEP] of integers or durations.
func expandRange(lo, rest string) ([]string, error) {
	hi, step, hasStep := strings.Cut(rest, "/")
	lo, hi, step = strings.TrimSpace(lo), strings.TrimSpace(hi), strings.TrimSpace(step)
	if a, errA := strconv.ParseInt(lo, 10, 64); errA == nil {
		b, err := strconv.ParseInt(hi, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("expected an integer after .., got %q", hi)
		}
		st := int64(1)
		if hasStep {
			if st, err = strconv.ParseInt(step, 10, 64); err != nil || st <= 0 {
				return nil, fmt.Errorf("expected a positive integer step after /, got %q", step)
			}
		}
		if b < a {
			return nil, fmt.Errorf("%d is less than %d", b, a)
		}
		if (b-a)/st >= maxValues {
			return nil, fmt.Errorf("more than %d values", maxValues)
		}
		var out []string
		for v := a; v <= b; v += st {
			out = append(out, strconv.FormatInt(v, 10))
			if v > math.MaxInt64-st {
				break
			}
		}
		return out, nil
	}
	a, err := time.ParseDuration(lo)
	if err != nil {
		return nil, fmt.Errorf("expected integers (1..10) or durations (10s..60s/10s), got %q", lo)
	}
	b, err := time.ParseDuration(hi)
	if err != nil {
		return nil, fmt.Errorf("expected a duration after .., got %q", hi)
	}
	if !hasStep {
		return nil, fmt.Errorf("a range of durations needs a step, like %s..%s/10s", lo, hi)
	}
	st, err := time.ParseDuration(step)
	if err != nil || st <= 0 {
		return nil, fmt.Errorf("expected a positive duration step after /, got %q", step)
	}
	if b < a {
		return nil, fmt.Errorf("%s is less than %s", hi, lo)
	}
	if (b-a)/st >= maxValues {
		return nil, fmt.Errorf("more than %d values", maxValues)
	}
	var out []string
	for v := a; v <= b; v += st {
		out = append(out, formatDuration(v))
		if v > math.MaxInt64-st {
			break
		}
	}
	return out, nil
}

// formatDuration writes d as Go does, without the zero units Go adds
// ("1m0s" is "1m").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Sampling says how points are drawn from the dimensions.
type Sampling struct {
	// Kind is "" (the full grid), "random" or "lhs" (Latin hypercube).
	Kind string `json:"kind,omitempty"`
	// N is the number of points drawn.
	N int `json:"n,omitempty"`
	// Seed seeds the draw.
	Seed uint64 `json:"seed,omitempty"`
}

// String writes the sampling as --sample takes it.
func (s Sampling) String() string {
	if s.Kind == "" {
		return "grid"
	}
	return s.Kind + ":" + strconv.Itoa(s.N)
}

// maxPoints bounds a sweep's points.
const maxPoints = 10_000_000

// ParseSampling parses --sample: grid, random:N or lhs:N.
func ParseSampling(s string, seed uint64) (Sampling, error) {
	if s == "" || s == "grid" {
		return Sampling{}, nil
	}
	kind, n, ok := strings.Cut(s, ":")
	if !ok || (kind != "random" && kind != "lhs") {
		return Sampling{}, fmt.Errorf("--sample %q: expected grid, random:N or lhs:N", s)
	}
	v, err := strconv.Atoi(n)
	if err != nil || v <= 0 || v > maxPoints {
		return Sampling{}, fmt.Errorf("--sample %q: expected a number of points from 1 to %d after %s:", s, maxPoints, kind)
	}
	return Sampling{Kind: kind, N: v, Seed: seed}, nil
}

// Shard selects every N-th point of a sweep, starting at I (0-based).
type Shard struct {
	I, N int
}

// String writes the shard as --shard takes it, "" for the whole sweep.
func (s Shard) String() string {
	if s.N <= 1 {
		return ""
	}
	return strconv.Itoa(s.I) + "/" + strconv.Itoa(s.N)
}

// ParseShard parses --shard I/N, I from 0 to N-1, as a Kubernetes Indexed
// Job's JOB_COMPLETION_INDEX counts.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, errI := strconv.Atoi(a)
	n, errN := strconv.Atoi(b)
	if !ok || errI != nil || errN != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("--shard %q: expected I/N with 0 <= I < N, like 0/4 (I is JOB_COMPLETION_INDEX)", s)
	}
	return Shard{I: i, N: n}, nil
}

// Has reports whether the point of this index belongs to the shard. Points
// are dealt round-robin, so that each shard gets a share of every region
// of the grid and the shards take about the same time.
func (s Shard) Has(index int) bool {
	return s.N <= 1 || index%s.N == s.I
}
