package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/probesim/probesim/scenarios"
)

// Source is one scenario file's contents, as loaded by name.
type Source struct {
	// Name is the file name messages use ("app.yaml", or
	// "builtin/NAME.yaml").
	Name string
	Data []byte
}

// Variant is one configuration of a comparison: a source and --set
// overrides of its own.
type Variant struct {
	Label  string
	Source int
	Sets   []string
}

// Plan is what to run: the points (a grid or a sample of the dimensions,
// or the variants of a comparison) and the seeds each runs under.
type Plan struct {
	Sources []Source
	// Sets are --set overrides applied to every point, before its own.
	Sets []string
	// Dims are the varied settings; Variants, if any, replace them.
	Dims     []Dim
	Variants []Variant
	Sampling Sampling
	// FirstSeed and Seeds: every point runs under seeds FirstSeed,
	// FirstSeed+1, ..., FirstSeed+Seeds-1.
	FirstSeed uint64
	Seeds     int
	// Until and Release override the scenario's duration and release.
	Until   *time.Duration
	Release string
	// Metrics are the metrics recorded, by name (expect.N included).
	Metrics []string
	// Shard selects the points this process runs.
	Shard Shard
	// MaxPoints, if positive, is the most points the whole sweep may
	// have; a larger one fails Prepare with a *LimitError.
	MaxPoints int

	sample [][]int // the value index per dimension of each sampled point
}

// LimitError is a sweep larger than Plan.MaxPoints.
type LimitError struct{ Points, Max int }

func (e *LimitError) Error() string {
	return fmt.Sprintf("the sweep has %d points, more than the limit of %d; raise it with --max-points, or sample fewer (--sample lhs:N)", e.Points, e.Max)
}

func (p *Plan) checkLimit(n int) error {
	if p.MaxPoints > 0 && n > p.MaxPoints {
		return &LimitError{Points: n, Max: p.MaxPoints}
	}
	return nil
}

// Point is one configuration of a sweep.
type Point struct {
	// Index is the point's place in the whole sweep, from 0.
	Index int
	// Values are the values of the dimensions (or the variant's label).
	Values []string
	// Source and Sets are what is loaded: Plan.Sets, then the point's.
	Source int
	Sets   []string
}

// Prepare checks the plan and draws its sample. Call it once before
// NumPoints and Point.
func (p *Plan) Prepare() error {
	if len(p.Sources) == 0 {
		return fmt.Errorf("no scenario to sweep")
	}
	if p.Seeds < 1 {
		return fmt.Errorf("--seeds must be at least 1")
	}
	if p.FirstSeed > ^uint64(0)-uint64(p.Seeds) {
		return fmt.Errorf("--seed %d: the seeds would wrap around", p.FirstSeed)
	}
	seen := map[string]bool{}
	for _, d := range p.Dims {
		if seen[d.Path] {
			return fmt.Errorf("--vary %s is given twice", d.Path)
		}
		seen[d.Path] = true
	}
	if len(p.Variants) > 0 {
		return nil
	}
	if p.Sampling.Kind == "" {
		n := 1
		for _, d := range p.Dims {
			n *= len(d.Values)
			if n > maxPoints {
				return fmt.Errorf("the grid has more than %d points; use --sample lhs:N or random:N", maxPoints)
			}
		}
		return p.checkLimit(n)
	}
	if err := p.checkLimit(p.Sampling.N); err != nil {
		return err
	}
	if len(p.Dims) == 0 {
		return fmt.Errorf("--sample %s needs at least one --vary", p.Sampling)
	}
	r := rand.New(rand.NewPCG(p.Sampling.Seed, 0x7377656570)) // "sweep"
	n := p.Sampling.N
	p.sample = make([][]int, n)
	for i := range p.sample {
		p.sample[i] = make([]int, len(p.Dims))
	}
	for d, dim := range p.Dims {
		k := len(dim.Values)
		switch p.Sampling.Kind {
		case "random":
			for i := 0; i < n; i++ {
				p.sample[i][d] = r.IntN(k)
			}
		case "lhs":
			// Latin hypercube: each dimension's range is cut into n equal
			// strata and each stratum is used by exactly one point, the
			// strata matched across dimensions by a random permutation.
			perm := r.Perm(n)
			for i := 0; i < n; i++ {
				u := (float64(perm[i]) + r.Float64()) / float64(n)
				p.sample[i][d] = min(int(u*float64(k)), k-1)
			}
		}
	}
	return nil
}

// NumPoints returns the number of points of the whole sweep.
func (p *Plan) NumPoints() int {
	switch {
	case len(p.Variants) > 0:
		return len(p.Variants)
	case p.sample != nil:
		return len(p.sample)
	}
	n := 1
	for _, d := range p.Dims {
		n *= len(d.Values)
	}
	return n
}

// DimNames returns the column names of the points: the varied paths, or
// "variant" for a comparison.
func (p *Plan) DimNames() []string {
	if len(p.Variants) > 0 {
		return []string{"variant"}
	}
	var out []string
	for _, d := range p.Dims {
		out = append(out, d.Path)
	}
	return out
}

// Point returns point i. On a grid the first dimension varies slowest.
func (p *Plan) Point(i int) Point {
	pt := Point{Index: i}
	if len(p.Variants) > 0 {
		v := p.Variants[i]
		pt.Values = []string{v.Label}
		pt.Source = v.Source
		pt.Sets = append(append([]string(nil), p.Sets...), v.Sets...)
		return pt
	}
	idx := make([]int, len(p.Dims))
	if p.sample != nil {
		copy(idx, p.sample[i])
	} else {
		rest := i
		for d := len(p.Dims) - 1; d >= 0; d-- {
			k := len(p.Dims[d].Values)
			idx[d] = rest % k
			rest /= k
		}
	}
	pt.Sets = append([]string(nil), p.Sets...)
	for d, dim := range p.Dims {
		v := dim.Values[idx[d]]
		pt.Values = append(pt.Values, v)
		pt.Sets = append(pt.Sets, dim.Path+"="+v)
	}
	return pt
}

// Load loads the scenario of a point.
func (p *Plan) Load(pt Point) (*scenarios.Scenario, error) {
	src := p.Sources[pt.Source]
	s, err := scenarios.Load(src.Name, src.Data, pt.Sets...)
	if err != nil {
		return nil, fmt.Errorf("point %s: %w", p.Describe(pt), err)
	}
	return s, nil
}

// Describe names a point as --set flags would: "periodSeconds=5,
// failureThreshold=3".
func (p *Plan) Describe(pt Point) string {
	return describeValues(p.DimNames(), pt.Values, "the scenario")
}

// describeValues names the values of a point's dimensions as --set flags
// would, or says none if there are no dimensions.
func describeValues(dimNames, values []string, none string) string {
	var parts []string
	for i, v := range values {
		parts = append(parts, shortPath(dimNames[i])+"="+v)
	}
	if len(parts) == 0 {
		return none
	}
	return strings.Join(parts, ", ")
}

// shortPath keeps the last field of a path, which is what tells the
// dimensions apart in a table: ...livenessProbe.periodSeconds is
// livenessProbe.periodSeconds.
func shortPath(path string) string {
	if path == "variant" {
		return path
	}
	_, rest, ok := strings.Cut(path, ":")
	if !ok {
		rest = path
	}
	parts := strings.Split(rest, ".")
	if len(parts) >= 2 {
		return parts[len(parts)-2] + "." + parts[len(parts)-1]
	}
	return rest
}

// Header is the first line of a results file: everything that decides the
// numbers, so that --resume and merge can refuse files of another sweep.
type Header struct {
	Kind      string         `json:"kind"` // "Sweep"
	Version   string         `json:"version"`
	Scenarios []ScenarioInfo `json:"scenarios"`
	Sets      []string       `json:"sets,omitempty"`
	Dims      []Dim          `json:"dims,omitempty"`
	Variants  []VariantInfo  `json:"variants,omitempty"`
	Sampling  Sampling       `json:"sampling"`
	FirstSeed uint64         `json:"firstSeed"`
	Seeds     int            `json:"seeds"`
	Until     string         `json:"until,omitempty"`
	Release   string         `json:"release,omitempty"`
	Metrics   []string       `json:"metrics"`
	Points    int            `json:"points"`
	// Shard is "I/N" in a shard's file, empty in a whole or merged sweep.
	Shard string `json:"shard,omitempty"`
}

// ScenarioInfo identifies a scenario file by name and content.
type ScenarioInfo struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	// Expect are the expectations, as expect.N names them.
	Expect []string `json:"expect,omitempty"`
}

// VariantInfo is a variant of a comparison as the header records it.
type VariantInfo struct {
	Label  string   `json:"label"`
	Source int      `json:"source"`
	Sets   []string `json:"sets,omitempty"`
}

// Header returns the results file's header of the plan. expect lists each
// source's expectations.
func (p *Plan) Header(version string, expect [][]string) Header {
	h := Header{Kind: "Sweep", Version: version, Sets: p.Sets, Dims: p.Dims, Sampling: p.Sampling,
		FirstSeed: p.FirstSeed, Seeds: p.Seeds, Release: p.Release, Metrics: p.Metrics,
		Points: p.NumPoints(), Shard: p.Shard.String()}
	for i, s := range p.Sources {
		sum := sha256.Sum256(s.Data)
		info := ScenarioInfo{Name: s.Name, SHA256: hex.EncodeToString(sum[:])}
		if i < len(expect) {
			info.Expect = expect[i]
		}
		h.Scenarios = append(h.Scenarios, info)
	}
	for _, v := range p.Variants {
		h.Variants = append(h.Variants, VariantInfo{Label: v.Label, Source: v.Source, Sets: v.Sets})
	}
	if p.Until != nil {
		h.Until = p.Until.String()
	}
	return h
}

// seeds returns the seeds every point runs under.
func (p *Plan) seeds() []uint64 {
	out := make([]uint64, p.Seeds)
	for i := range out {
		out[i] = p.FirstSeed + uint64(i)
	}
	return out
}
