package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sweep"
)

// reportFlags choose what a sweep, a comparison or a merge prints.
type reportFlags struct {
	output   string
	stats    string
	require  []string
	minimize string
	maximize string
	// allMetrics: the user chose the metrics; the table shows them all.
	allMetrics bool
}

func (f *reportFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "table", "report format: table, csv, json, html, or jsonl (the results file)")
	fl.StringVar(&f.stats, "stats", "mean,p99", "statistics the table shows per metric: mean, p50, p90, p99, max, min")
	fl.StringArrayVar(&f.require, "require", nil, "a requirement of the recommendation, like 'startup-kills == 0 in 99%' or 'time-to-ready.p99 <= 90s' (repeatable)")
	fl.StringVar(&f.minimize, "minimize", "", "recommend the point with the lowest METRIC[.STAT], like time-to-ready.p99")
	fl.StringVar(&f.maximize, "maximize", "", "recommend the point with the highest METRIC[.STAT]")
}

// check validates the flags before anything runs.
func (f *reportFlags) parse() (reqs []sweep.Requirement, obj *sweep.Objective, stats []string, err error) {
	switch f.output {
	case "table", "csv", "json", "html", "jsonl":
	default:
		return nil, nil, nil, usageErr("--output %q: expected table, csv, json, html or jsonl", f.output)
	}
	for _, s := range strings.Split(f.stats, ",") {
		s = strings.TrimSpace(s)
		if _, ok := (sweep.Stats{}).Stat(s); !ok {
			return nil, nil, nil, usageErr("--stats: unknown statistic %q: expected mean, p50, p90, p99, max or min", s)
		}
		stats = append(stats, s)
	}
	for _, r := range f.require {
		q, err := sweep.ParseRequirement(r)
		if err != nil {
			return nil, nil, nil, usageErr("%v", err)
		}
		reqs = append(reqs, q)
	}
	if f.minimize != "" && f.maximize != "" {
		return nil, nil, nil, usageErr("give --minimize or --maximize, not both")
	}
	if f.minimize != "" || f.maximize != "" {
		o, err := sweep.ParseObjective(f.minimize+f.maximize, f.maximize != "")
		if err != nil {
			return nil, nil, nil, usageErr("%v", err)
		}
		obj = &o
	}
	return reqs, obj, stats, nil
}

// render writes the report of results in the chosen format.
func (f *reportFlags) render(w io.Writer, res *sweep.Results) error {
	reqs, obj, stats, err := f.parse()
	if err != nil {
		return err
	}
	rep := &sweep.Report{Results: res, Stats: stats, Reqs: reqs, Obj: obj, AllMetrics: f.allMetrics}
	if err := f.recorded(res.Header.Metrics); err != nil {
		return err
	}
	if len(reqs) > 0 || obj != nil {
		rep.Rec = sweep.Recommend(res, rep.DimNames(), reqs, obj)
	}
	bw := bufio.NewWriter(w)
	switch f.output {
	case "table":
		err = rep.Table(bw)
	case "csv":
		err = rep.CSV(bw)
	case "json":
		err = rep.JSON(bw)
	case "html":
		err = rep.HTML(bw)
	case "jsonl":
		err = res.WriteAll(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	return err
}

// recorded checks that the requirements and the objective name metrics
// the sweep records: before it runs, not after.
func (f *reportFlags) recorded(metrics []string) error {
	reqs, obj, _, err := f.parse()
	if err != nil {
		return err
	}
	for _, q := range reqs {
		if !hasMetric(metrics, q.Metric.Name) {
			return usageErr("--require %q: the sweep does not record %s (its metrics: %s)", q.Text, q.Metric.Name, strings.Join(metrics, ", "))
		}
	}
	if obj != nil && !hasMetric(metrics, obj.Metric.Name) {
		return usageErr("--minimize/--maximize: the sweep does not record %s (its metrics: %s)", obj.Metric.Name, strings.Join(metrics, ", "))
	}
	return nil
}

func hasMetric(names []string, name string) bool {
	for _, n := range names {
		if d, _ := sweep.Lookup(n); d.Name == name {
			return true
		}
	}
	return false
}

// sweepFlags are the flags of simulate sweep and simulate compare.
// defaultMaxPoints bounds a sweep unless --max-points says otherwise: at
// a few milliseconds a run, 100000 points of 10 seeds is about an hour
// on one core.
const defaultMaxPoints = 100000

type sweepFlags struct {
	reportFlags
	maxPoints    int
	files, names []string
	sets         []string
	vary         []string
	sample       string
	sampleSeed   uint64
	seeds        int
	seed         uint64
	until        string
	release      string
	metrics      string
	out          string
	resume       bool
	shard        string
	workers      int
	quiet        bool
	// compare only
	setA, setB []string
}

func (f *sweepFlags) addCommon(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.sets, "set", nil, "override a field of every run before decoding: PATH=VALUE (repeatable; see docs/scenarios.md)")
	fl.IntVar(&f.seeds, "seeds", 10, "runs per point, under seeds --seed, --seed+1, ...")
	fl.Uint64Var(&f.seed, "seed", 1, "the first seed")
	fl.StringVar(&f.until, "until", "", "simulated time of each run, like 5m (default: the file's duration, else 10m)")
	fl.StringVar(&f.release, "release", "", "behaviour profile of the Kubernetes release, like 1.11 or 1.35")
	fl.StringVar(&f.metrics, "metrics", "", "metrics to record, comma-separated (default: all; see docs/sweeps.md)")
	fl.IntVar(&f.workers, "workers", 0, "runs at once (default: one per CPU); the results do not depend on it")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress and no informational messages")
	f.reportFlags.add(cmd)
}

const sweepLong = `Run a scenario over a grid or a sample of settings, each point under
several seeds, and print per point the distribution (mean, p50, p90, p99,
max) of each metric and the share of runs meeting each expectation.

A varied setting is any --set path (docs/scenarios.md) with a list of values:
  --vary 'deployment/web:containers[web].livenessProbe.periodSeconds=5,10,20'
  --vary PATH=1..10        every integer from 1 to 10
  --vary PATH=1..10/3      1, 4, 7, 10
  --vary PATH=10s..60s/10s durations
Several --vary make a grid (the first varies slowest); --sample lhs:N or
random:N draws N points of it instead (seeded by --sample-seed).

Every point runs under the same seeds (docs/sweeps.md says what that pairs
and what it does not). The metrics are computed from each run's records; docs/sweeps.md
defines them. --require and --minimize/--maximize add a recommendation: the
best point meeting every requirement, its numbers, and the runner-up.

--out FILE writes the results file as points finish: one JSON line per
point. --resume continues it after an interruption; --shard I/N runs every
N-th point only (I from 0, as JOB_COMPLETION_INDEX), and simulate sweep
merge combines the shards' files. The output is the same for any --workers.`

func (e *env) sweepCommands() []*cobra.Command {
	var f sweepFlags
	sw := &cobra.Command{
		Use:   "sweep (-f FILE | --scenario NAME) --vary PATH=VALUES... [flags]",
		Short: "Run a scenario over many settings and seeds, with distributions and a recommendation",
		Long:  sweepLong,
		Example: `  # Startup probe budget against the built-in slow starter, 20 seeds per point
  simulate sweep --scenario startup-probe-fix --seeds 20 \
    --vary 'deployment/petclinic:containers[petclinic].startupProbe.failureThreshold=4..14/2' \
    --vary 'deployment/petclinic:containers[petclinic].startupProbe.periodSeconds=5,10' \
    --require 'startup-kills == 0 in 99%' --minimize time-to-ready.p99

  # A heatmap report, and the results file for later
  simulate sweep -f app.yaml --vary PATH=1..10 --vary PATH2=5,10,20 -o html --out results.jsonl > sweep.html

  # One of four shards, as an Indexed Job runs it; then merge
  simulate sweep -f app.yaml --vary PATH=1..40 --shard "$JOB_COMPLETION_INDEX/4" --out shard-$JOB_COMPLETION_INDEX.jsonl
  simulate sweep merge shard-*.jsonl -o html > sweep.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return e.sweepCmd(cmd, &f) },
	}
	fl := sw.Flags()
	fl.StringArrayVarP(&f.files, "filename", "f", nil, "scenario file to sweep (- for standard input)")
	fl.StringArrayVar(&f.names, "scenario", nil, "built-in scenario to sweep")
	fl.StringArrayVar(&f.vary, "vary", nil, "a varied setting: PATH=v1,v2,... or PATH=LO..HI[/STEP] (repeatable)")
	fl.StringVar(&f.sample, "sample", "grid", "grid (every combination), random:N or lhs:N (Latin hypercube)")
	fl.Uint64Var(&f.sampleSeed, "sample-seed", 1, "seed of --sample's draw")
	f.addCommon(sw)
	fl.StringVar(&f.out, "out", "", "write the results file (JSONL) here as points finish")
	fl.BoolVar(&f.resume, "resume", false, "continue the sweep whose results are in --out")
	fl.StringVar(&f.shard, "shard", "", "run only shard I/N of the points (I from 0 to N-1)")
	fl.IntVar(&f.maxPoints, "max-points", defaultMaxPoints, "refuse a sweep of more points than this (exit code 3)")

	var mf reportFlags
	var mergeOut string
	var partial bool
	merge := &cobra.Command{
		Use:   "merge FILE... [flags]",
		Short: "Combine the results files of a sweep's shards, and report",
		Long: `Combine the results files written by simulate sweep --shard I/N --out FILE
into the results of the whole sweep, and print its report. The files must be
of the same sweep (same scenario, settings, seeds and metrics); every point
must be present unless --partial. With one file it reports a finished
sweep in another format, or against other requirements.`,
		Example: `  simulate sweep merge shard-0.jsonl shard-1.jsonl shard-2.jsonl
  simulate sweep merge results/*.jsonl -o html > sweep.html
  simulate sweep merge results.jsonl --require 'restarts == 0 in 95%' --minimize time-to-ready.p90`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, _, _, err := mf.parse(); err != nil {
				return err
			}
			var parts []*sweep.Results
			for _, name := range args {
				data, err := e.readFile(name)
				if err != nil {
					return &exitError{exitUsage, err}
				}
				res, complete, err := sweep.Read(name, strings.NewReader(string(data)))
				if err != nil {
					return &exitError{exitUsage, err}
				}
				if complete < int64(len(data)) {
					e.log.Warn(name + ": the last line is cut short (an interrupted sweep); it is left out")
				}
				parts = append(parts, res)
			}
			res, err := sweep.Merge(parts, args, partial)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if mergeOut != "" {
				if err := writeWhole(mergeOut, res.WriteAll); err != nil {
					return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
				}
			}
			return mf.render(e.stdout, res)
		},
	}
	mf.add(merge)
	merge.Flags().StringVar(&mergeOut, "out", "", "also write the merged results file here")
	merge.Flags().BoolVar(&partial, "partial", false, "report even if some points are missing")
	sw.AddCommand(merge)
	return []*cobra.Command{sw, merge, e.compareCommand()}
}

// writeWhole writes a file through a temporary file renamed over it.
func writeWhole(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// readSource reads a scenario's bytes, and the name messages give it.
func (e *env) readSource(src source) (sweep.Source, error) {
	var data []byte
	var err error
	name := src.file
	switch {
	case src.name != "":
		name = "builtin/" + src.name + ".yaml"
		data, err = scenarios.Builtin(src.name)
	case src.file == "-":
		name = "<stdin>"
		data, err = io.ReadAll(e.stdin)
	default:
		data, err = e.readFile(src.file)
	}
	if err != nil {
		return sweep.Source{}, &exitError{exitUsage, err}
	}
	return sweep.Source{Name: name, Data: data}, nil
}

// plan builds the plan common to sweep and compare from the flags.
func (f *sweepFlags) plan(cmd *cobra.Command) (*sweep.Plan, error) {
	p := &sweep.Plan{Sets: f.sets, Seeds: f.seeds, FirstSeed: f.seed, Release: f.release}
	if f.seeds < 1 || f.seeds > 1_000_000 {
		return nil, usageErr("--seeds %d: expected 1 to 1000000", f.seeds)
	}
	if f.until != "" {
		d, err := time.ParseDuration(f.until)
		if err != nil || d <= 0 {
			return nil, usageErr("--until %q: expected a positive duration like 90s or 12m", f.until)
		}
		p.Until = &d
	}
	if f.release != "" {
		ro := runFlags{release: f.release}
		if _, err := ro.options(cmd); err != nil {
			return nil, err
		}
	}
	if f.workers < 0 {
		return nil, usageErr("--workers %d: expected 0 (one per CPU) or more", f.workers)
	}
	return p, nil
}

// metricsFor fills the plan's metrics: the chosen ones, else every metric
// and one expect.N per expectation of the scenario with the most.
func (f *sweepFlags) metricsFor(p *sweep.Plan, expect [][]string) error {
	if f.metrics != "" {
		f.allMetrics = true
		for _, m := range strings.Split(f.metrics, ",") {
			m = strings.TrimSpace(m)
			d, ok := sweep.Lookup(m)
			if !ok {
				return usageErr("--metrics: unknown metric %q; the metrics are %s", m, sweep.MetricNames())
			}
			p.Metrics = append(p.Metrics, d.Name)
		}
		return nil
	}
	for _, m := range sweep.Metrics {
		p.Metrics = append(p.Metrics, m.Name)
	}
	most := 0
	for _, x := range expect {
		most = max(most, len(x))
	}
	for i := 1; i <= most; i++ {
		p.Metrics = append(p.Metrics, "expect."+strconv.Itoa(i))
	}
	return nil
}

// prepare readies a sweep or comparison plan: its points (a plan over
// --max-points is a limit, exit 3), the scenarios checked, the metrics
// chosen and recorded, and the definitions of the scenarios' metrics.
func (f *sweepFlags) prepare(p *sweep.Plan) (expect [][]string, defs []sweep.MetricDef, err error) {
	if err := p.Prepare(); err != nil {
		var lim *sweep.LimitError
		if errors.As(err, &lim) {
			return nil, nil, &exitError{exitLimit, err}
		}
		return nil, nil, usageErr("%v", err)
	}
	if expect, err = validate(p); err != nil {
		return nil, nil, err
	}
	if err := f.metricsFor(p, expect); err != nil {
		return nil, nil, err
	}
	if defs, err = p.Defs(); err != nil {
		return nil, nil, usageErr("%v", err)
	}
	if err := f.recorded(p.Metrics); err != nil {
		return nil, nil, err
	}
	return expect, defs, nil
}

// validate loads the points (up to a thousand of this shard) so that a
// bad path or value fails before any run, and returns each source's
// expectations.
func validate(p *sweep.Plan) ([][]string, error) {
	expect := make([][]string, len(p.Sources))
	loaded := make([]bool, len(p.Sources))
	checked := 0
	for i := 0; i < p.NumPoints() && checked < 1000; i++ {
		if !p.Shard.Has(i) && loaded[p.Point(i).Source] {
			continue
		}
		pt := p.Point(i)
		s, err := p.Load(pt)
		if err != nil {
			return nil, &exitError{exitUsage, err}
		}
		checked++
		if !loaded[pt.Source] {
			loaded[pt.Source] = true
			for _, x := range s.Expect {
				expect[pt.Source] = append(expect[pt.Source], x.String())
			}
		}
	}
	return expect, nil
}

func (e *env) sweepCmd(cmd *cobra.Command, f *sweepFlags) error {
	if _, _, _, err := f.parse(); err != nil {
		return err
	}
	srcs := sources(f.files, f.names)
	if len(srcs) != 1 {
		return usageErr("sweep takes one scenario: give -f FILE or --scenario NAME (got %d)", len(srcs))
	}
	if len(f.vary) == 0 {
		return usageErr("nothing to vary: give --vary PATH=VALUES (simulate compare runs configurations side by side)")
	}
	p, err := f.plan(cmd)
	if err != nil {
		return err
	}
	src, err := e.readSource(srcs[0])
	if err != nil {
		return err
	}
	p.Sources = []sweep.Source{src}
	for _, v := range f.vary {
		d, err := sweep.ParseVary(v)
		if err != nil {
			return usageErr("%v", err)
		}
		p.Dims = append(p.Dims, d)
	}
	if p.Sampling, err = sweep.ParseSampling(f.sample, f.sampleSeed); err != nil {
		return usageErr("%v", err)
	}
	if f.shard != "" {
		if p.Shard, err = sweep.ParseShard(f.shard); err != nil {
			return usageErr("%v", err)
		}
	}
	if f.resume && f.out == "" {
		return usageErr("--resume continues the results file of --out: give --out FILE")
	}
	return e.runSweep(p, f)
}

// runSweep runs a prepared plan and reports.
func (e *env) runSweep(p *sweep.Plan, f *sweepFlags) error {
	p.MaxPoints = f.maxPoints
	expect, _, err := f.prepare(p)
	if err != nil {
		return err
	}
	reqs, _, _, _ := f.parse()
	header := p.Header(cluster.Version, expect)
	res := &sweep.Results{Header: header}
	done := map[int]bool{}

	var file *os.File
	if f.out != "" {
		file, err = e.openResults(f.out, f.resume, header, res, done)
		if err != nil {
			return err
		}
		defer file.Close()
	}
	// The results go to --out, or with -o jsonl and no --out to stdout,
	// a line as each point finishes.
	var fileBuf *bufio.Writer
	var w *sweep.Writer
	switch {
	case file != nil:
		fileBuf = bufio.NewWriter(file)
	case f.output == "jsonl":
		fileBuf = bufio.NewWriter(e.stdout)
	}
	if fileBuf != nil {
		h := &header
		if file != nil && fileHasHeader(file) {
			h = nil // resumed
		}
		if w, err = sweep.NewWriter(fileBuf, h); err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
		if err := fileBuf.Flush(); err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
	}
	for _, pt := range res.Points {
		pt.Compact(reqs)
	}
	todo := 0
	for i := 0; i < p.NumPoints(); i++ {
		if p.Shard.Has(i) && !done[i] {
			todo++
		}
	}
	workers := f.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if !f.quiet {
		msg := fmt.Sprintf("sweeping %d points x %d seeds = %d runs on %d workers", todo, p.Seeds, todo*p.Seeds, workers)
		if len(done) > 0 {
			msg += fmt.Sprintf(" (%d points already in %s)", len(done), f.out)
		}
		e.log.Info(msg)
	}
	bar := e.newBar(f.quiet)
	runErr := p.Run(sweep.Options{
		Workers:  workers,
		Done:     done,
		Progress: bar.update,
		Stop:     func() bool { return e.stopped() != "" },
		Emit: func(pt *sweep.PointResult) error {
			if w != nil {
				if err := w.Write(pt); err != nil {
					return fmt.Errorf("--out: %w", err)
				}
				if err := fileBuf.Flush(); err != nil {
					return fmt.Errorf("--out: %w", err)
				}
			}
			pt.Compact(reqs)
			res.Points = append(res.Points, pt)
			return nil
		},
	})
	bar.done()
	if errors.Is(runErr, sweep.ErrStopped) {
		msg := "interrupted"
		if f.out != "" {
			msg += fmt.Sprintf("; %d points are in %s: add --resume to continue", len(res.Points), f.out)
		}
		return &exitError{exitInterrupted, errors.New(msg)}
	}
	if runErr != nil {
		return &exitError{exitUsage, runErr}
	}
	sortPoints(res)
	if f.output == "jsonl" && f.out == "" {
		return nil // streamed
	}
	if f.output == "jsonl" {
		data, err := e.readFile(f.out)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		_, err = e.stdout.Write(data)
		return err
	}
	return f.render(e.stdout, res)
}

func sortPoints(res *sweep.Results) {
	pts := res.Points
	for i := 1; i < len(pts); i++ {
		for j := i; j > 0 && pts[j].Index < pts[j-1].Index; j-- {
			pts[j], pts[j-1] = pts[j-1], pts[j]
		}
	}
}

func fileHasHeader(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Size() > 0
}

// openResults opens --out: a new file, or with resume the existing one,
// checked to be of the same sweep, its points read into res and done, and
// cut after its last complete line.
func (e *env) openResults(name string, resume bool, header sweep.Header, res *sweep.Results, done map[int]bool) (*os.File, error) {
	if !resume {
		file, err := os.Create(name)
		if err != nil {
			return nil, &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
		return file, nil
	}
	file, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
	}
	if st, err := file.Stat(); err == nil && st.Size() == 0 {
		return file, nil // nothing to resume: start afresh
	}
	old, complete, err := sweep.Read(name, file)
	if err != nil {
		file.Close()
		return nil, &exitError{exitUsage, fmt.Errorf("--resume: %w", err)}
	}
	if why := sweep.SameSweep(old.Header, header); why != "" {
		file.Close()
		return nil, usageErr("--resume: %s is the results of another sweep (%s); remove it or choose another --out", name, why)
	}
	if err := file.Truncate(complete); err != nil {
		file.Close()
		return nil, &exitError{exitUsage, fmt.Errorf("--resume: %w", err)}
	}
	if _, err := file.Seek(complete, io.SeekStart); err != nil {
		file.Close()
		return nil, &exitError{exitUsage, fmt.Errorf("--resume: %w", err)}
	}
	for _, pt := range old.Points {
		done[pt.Index] = true
		res.Points = append(res.Points, pt)
	}
	return file, nil
}

// bar is the progress bar of a sweep: runs done, rate and ETA, redrawn on
// stderr when it is a terminal, at most five times a second.
type bar struct {
	e       *env
	on      bool
	start   time.Time
	last    time.Time
	printed bool
}

func (e *env) newBar(quiet bool) *bar {
	b := &bar{e: e, on: e.stderrTTY && !quiet}
	if b.on {
		b.start = e.wall.Now()
	}
	return b
}

func (b *bar) update(done, total int) {
	if !b.on {
		return
	}
	now := b.e.wall.Now()
	if done < total && now.Sub(b.last) < 200*time.Millisecond {
		return
	}
	b.last, b.printed = now, true
	const width = 30
	fill := width * done / max(total, 1)
	el := now.Sub(b.start).Seconds()
	rate, eta := 0.0, "?"
	if el > 0 {
		rate = float64(done) / el
	}
	if rate > 0 {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(b.e.stderr, "\r[%s%s] %d/%d runs  %.1f runs/s  ETA %s\033[K",
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total, rate, eta)
}

func (b *bar) done() {
	if b.printed {
		fmt.Fprintf(b.e.stderr, "\r\033[K")
	}
}
