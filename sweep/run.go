package sweep

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// ErrStopped is returned by Run when Options.Stop asked it to stop. The
// points emitted before are complete.
var ErrStopped = errors.New("sweep stopped")

// PointResult is one point's results: per metric, the stats and the value
// of every run in seed order (so that requirements such as "== 0 in 99%"
// can be judged later, and two points compared seed by seed).
type PointResult struct {
	Kind    string         `json:"kind"` // "Point"
	Index   int            `json:"index"`
	Values  []string       `json:"values"`
	Metrics []MetricResult `json:"metrics"`

	// judged holds requirement verdicts by requirement text, once Compact
	// has dropped the runs.
	judged map[string]verdict
}

type verdict struct {
	met bool
	got float64
}

// Compact judges the requirements on the point's runs, keeps the
// verdicts, and drops the runs, so that a report over many points holds
// only their statistics, whatever the number of seeds.
func (r *PointResult) Compact(reqs []Requirement) {
	j := map[string]verdict{}
	for _, q := range reqs {
		met, got := q.Judge(r)
		j[q.Text] = verdict{met, got}
	}
	r.judged = j
	for i := range r.Metrics {
		r.Metrics[i].Runs = nil
	}
}

// MetricResult is one metric of a point.
type MetricResult struct {
	Name string `json:"name"`
	Stats
	Runs []Num `json:"runs"`
}

// Metric returns the result of the named metric, or nil.
func (r *PointResult) Metric(name string) *MetricResult {
	if a, ok := aliases[name]; ok {
		name = a
	}
	for i := range r.Metrics {
		if r.Metrics[i].Name == name {
			return &r.Metrics[i]
		}
	}
	return nil
}

// Options control a sweep's execution; none of them changes its results.
type Options struct {
	// Workers is the number of runs at once; 0 means one per CPU.
	Workers int
	// Done holds the indexes of points already in the results file
	// (--resume): they are not run again.
	Done map[int]bool
	// Progress, if not nil, is called after each run with the runs done
	// and the runs to do in this invocation.
	Progress func(done, total int)
	// Stop, if not nil, is polled by every worker as its run advances, and
	// between runs; true stops the sweep, abandoning the runs in progress.
	// It must be safe for concurrent use.
	Stop func() bool
	// Emit receives each point, in index order, when its last run is done.
	Emit func(*PointResult) error
}

// task is one run: a point and a seed.
type task struct {
	pos  int // the point's place among the points this invocation runs
	pt   Point
	seed int // index into the seeds
}

type runOut struct {
	task
	vals []Value
	err  error
}

// pending gathers the runs of one point.
type pending struct {
	pt   Point
	vals [][]Value // by seed
	left int
}

// Defs resolves the plan's metric names.
func (p *Plan) Defs() ([]MetricDef, error) {
	var defs []MetricDef
	seen := map[string]bool{}
	for _, name := range p.Metrics {
		d, ok := Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown metric %q; the metrics are %s", name, MetricNames())
		}
		if seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		defs = append(defs, d)
	}
	return defs, nil
}

// Run runs the plan's points of its shard (except opts.Done) under every
// seed, with a pool of workers, and emits each point's results in index
// order. Call Prepare first.
func (p *Plan) Run(opts Options) error {
	defs, err := p.Defs()
	if err != nil {
		return err
	}
	seeds := p.seeds()
	var todo []int
	for i := 0; i < p.NumPoints(); i++ {
		if p.Shard.Has(i) && !opts.Done[i] {
			todo = append(todo, i)
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	total := len(todo) * len(seeds)
	if total == 0 {
		return nil
	}
	// At most window points are in flight: memory holds their runs'
	// values, whatever the size of the sweep.
	window := 2*workers + 2
	slots := make(chan struct{}, window)
	tasks := make(chan task, workers)
	outs := make(chan runOut, workers)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.worker(tasks, outs, quit, defs, seeds, opts.Stop)
		}()
	}
	go func() {
		defer close(tasks)
		for pos, i := range todo {
			select {
			case slots <- struct{}{}:
			case <-quit:
				return
			}
			pt := p.Point(i)
			for s := range seeds {
				select {
				case tasks <- task{pos: pos, pt: pt, seed: s}:
				case <-quit:
					return
				}
			}
		}
	}()
	go func() {
		wg.Wait()
		close(outs)
	}()

	inflight := map[int]*pending{}
	next, done := 0, 0
	var firstErr error
	stop := func(err error) {
		if firstErr == nil {
			firstErr = err
			close(quit)
		}
	}
	for o := range outs {
		if firstErr != nil {
			continue // drain
		}
		if o.err != nil {
			stop(o.err)
			continue
		}
		pd := inflight[o.pos]
		if pd == nil {
			pd = &pending{pt: o.pt, vals: make([][]Value, len(seeds)), left: len(seeds)}
			inflight[o.pos] = pd
		}
		pd.vals[o.seed] = o.vals
		pd.left--
		done++
		for {
			pd := inflight[next]
			if pd == nil || pd.left > 0 {
				break
			}
			delete(inflight, next)
			next++
			<-slots
			if err := opts.Emit(result(pd, defs, seeds)); err != nil {
				stop(err)
				break
			}
		}
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
		if opts.Stop != nil && opts.Stop() {
			stop(ErrStopped)
		}
	}
	return firstErr
}

func (p *Plan) worker(tasks <-chan task, outs chan<- runOut, quit <-chan struct{}, defs []MetricDef, seeds []uint64, stop func() bool) {
	var s *scenarios.Scenario
	loaded := -1
	for t := range tasks {
		select {
		case <-quit:
			return // the sweep failed or was stopped: run nothing more
		default:
		}
		o := runOut{task: t}
		if loaded != t.pt.Index {
			s, o.err = p.Load(t.pt)
			loaded = t.pt.Index
			if o.err != nil {
				loaded = -1
			}
		}
		if o.err == nil {
			o.vals, o.err = p.runOnce(s, seeds[t.seed], defs, stop)
			if o.err != nil && o.err != ErrStopped {
				o.err = fmt.Errorf("point %s, seed %d: %w", p.Describe(t.pt), seeds[t.seed], o.err)
			}
		}
		select {
		case outs <- o:
		case <-quit:
			return
		}
	}
}

// runOnce runs one scenario under one seed, single-threaded, and measures
// it. A stop asked for during the run (a signal) abandons it: ErrStopped.
func (p *Plan) runOnce(s *scenarios.Scenario, seed uint64, defs []MetricDef, stop func() bool) ([]Value, error) {
	o := scenarios.Options{Seed: &seed, Until: p.Until, Release: p.Release}
	cfg, err := s.Config(o)
	if err != nil {
		return nil, err
	}
	log := record.NewLog(nil)
	c, err := cluster.New(cfg, log)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	if stop != nil {
		eng := c.Engine()
		eng.OnAdvance(func(sim.Time) {
			if stop() {
				eng.Stop()
			}
		})
	}
	if err := c.RunUntil(sim.Time(s.DurationFor(o))); err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	if c.Engine().Stopped() {
		return nil, ErrStopped
	}
	c.Finish()
	records := log.Records()
	var results []scenarios.Result
	for _, d := range defs {
		if d.Name == "expectations" || len(d.Name) > 7 && d.Name[:7] == "expect." {
			results = s.Check(records)
			break
		}
	}
	return Measure(records, results, defs), nil
}

// result condenses a point's runs.
func result(pd *pending, defs []MetricDef, seeds []uint64) *PointResult {
	r := &PointResult{Kind: "Point", Index: pd.pt.Index, Values: pd.pt.Values}
	vals := make([]float64, len(seeds))
	cens := make([]bool, len(seeds))
	for m, d := range defs {
		mr := MetricResult{Name: d.Name, Runs: make([]Num, len(seeds))}
		for s := range seeds {
			v := pd.vals[s][m]
			vals[s], cens[s] = v.V, v.Censored
			mr.Runs[s] = Num(v.V)
		}
		mr.Stats = summarize(vals, cens, seeds)
		r.Metrics = append(r.Metrics, mr)
	}
	return r
}

// share returns the fraction of applicable runs whose value meets ok, and
// the number of applicable runs.
func share(runs []Num, ok func(float64) bool) (float64, int) {
	n, met := 0, 0
	for _, v := range runs {
		if math.IsNaN(float64(v)) {
			continue
		}
		n++
		if ok(float64(v)) {
			met++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return float64(met) / float64(n), n
}
