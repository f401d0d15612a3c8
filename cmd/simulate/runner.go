package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// chunk is how much simulated time runs between checks of the event limit
// and progress reports. It does not change the run: events fire at their
// own times whatever the chunking.
const chunk = sim.Time(time.Second)

// outcome is how a simulation ended.
type outcome struct {
	log   *record.Log
	code  int   // exitOK, exitUsage (an action failed), exitLimit, exitInterrupted
	err   error // what went wrong, for exitUsage and exitLimit
	seed  uint64
	until time.Duration
}

// simulate runs a loaded scenario, recording into a log that streams to
// sink (nil: none). The log always ends with End, or Interrupted when a
// signal stopped the run, so a streamed JSONL log is valid whatever
// happens after the run started.
//
// flush, if not nil, is called after each simulated second when the run is
// paced, so that a watcher sees the log as it grows.
//
// keep says which records the log keeps in memory for what reads the run
// afterwards (nil: all of them); every record is hashed and streamed.
func (e *env) simulate(s *scenarios.Scenario, o scenarios.Options, f *runFlags, sink io.Writer, keep func(kind string) bool, flush func() error) (*outcome, error) {
	cfg, err := s.Config(o)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	for _, w := range s.Warnings(cfg) {
		e.log.Warn(w)
	}
	cfg.Network.RecordRequests = f.requests
	cfg.RecordObjects = f.views.recordObjects
	lim, err := f.limits.parse()
	if err != nil {
		return nil, err
	}
	if err := s.Bounded(o); err != nil {
		return nil, &exitError{exitUsage, err}
	}
	if err := lim.before(s.File, s.DurationFor(o), cfg); err != nil {
		return nil, err
	}
	out := &outcome{seed: cfg.Seed, until: s.DurationFor(o)}
	out.log = record.NewLog(sink)
	out.log.Keep(keep)
	c, err := cluster.New(cfg, out.log)
	if err != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("%s: %w", s.File, err)}
	}
	e.log.Info("running", "scenario", cfg.Scenario, "release", cfg.Profile.Name, "seed", cfg.Seed, "until", out.until)
	eng := c.Engine()
	var pacer *sim.Pacer
	if f.pace != "" {
		speed, err := parsePace(f.pace)
		if err != nil {
			return nil, usageErr("--pace %q: %v", f.pace, err)
		}
		pacer = sim.NewPacer(e.wall, speed)
		pacer.Start(eng.Now())
	}
	limited := ""
	eng.OnAdvance(func(next sim.Time) {
		if e.stopped() != "" {
			eng.Stop()
			return
		}
		if limited = lim.during(c, out.log); limited != "" {
			eng.Stop()
			return
		}
		if pacer != nil {
			pacer.Wait(next)
		}
	})
	prog := e.newProgress(f.quiet, sim.Time(out.until))
	until := sim.Time(out.until)
	for t := min(chunk, until); ; t = min(t+chunk, until) {
		err := c.RunUntil(t)
		if sig := e.stopped(); sig != "" {
			prog.done()
			st := eng.Stats()
			out.log.Add(eng.Now(), report.KindInterrupted, &record.Interrupted{Events: st.Fired, Hash: out.log.Hash(), Signal: sig})
			out.code = exitInterrupted
			e.log.Warn("interrupted", "signal", "SIG"+sig, "at", report.Clock(eng.Now()))
			break
		}
		if err != nil {
			prog.done()
			c.Finish()
			out.code, out.err = exitUsage, fmt.Errorf("%s: %w", s.File, err)
			break
		}
		if limited != "" {
			prog.done()
			c.Finish()
			out.code, out.err = exitLimit, fmt.Errorf("%s; raise the limit to go on", limited)
			break
		}
		prog.report(t)
		if err := f.views.chunk(out.log); err != nil {
			return nil, err
		}
		if pacer != nil && flush != nil {
			if err := flush(); err != nil {
				return nil, &exitError{exitUsage, fmt.Errorf("writing the output: %w", err)}
			}
		}
		if f.maxEvents > 0 && eng.Stats().Fired >= f.maxEvents {
			prog.done()
			c.Finish()
			out.code, out.err = exitLimit, fmt.Errorf("stopped at %s: --max-events %d reached", report.Clock(eng.Now()), f.maxEvents)
			break
		}
		if t >= until {
			prog.done()
			c.Finish()
			break
		}
	}
	if err := f.views.chunk(out.log); err != nil {
		return nil, err
	}
	if f.stats {
		e.printStats(eng.Stats())
	}
	return out, nil
}

// isRegularOrAbsent reports whether path is a regular file or does not
// exist: a file --out may replace by renaming.
func isRegularOrAbsent(path string) bool {
	st, err := os.Stat(path)
	return err != nil || st.Mode().IsRegular()
}

func parsePace(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "x"), 64)
	if err != nil || v <= 0 || v != v {
		return 0, errors.New("expected a speed like 1x or 60x")
	}
	return v, nil
}

func (e *env) printStats(st sim.Stats) {
	tw := tabwriter.NewWriter(e.stderr, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "events fired\t%d\t\n", st.Fired)
	fmt.Fprintf(tw, "events scheduled\t%d\t\n", st.Scheduled)
	fmt.Fprintf(tw, "events cancelled\t%d\t\n", st.Cancelled)
	fmt.Fprintf(tw, "largest queue\t%d\t\n", st.MaxQueued)
	for _, k := range st.ByKind {
		fmt.Fprintf(tw, "  %s\t%d\t\n", k.Kind, k.Count)
	}
	tw.Flush()
}

// progress reports the simulated time reached on stderr, when stderr is a
// terminal and the run has taken more than a second of wall time.
type progress struct {
	e       *env
	on      bool
	start   time.Time
	last    time.Time
	until   sim.Time
	printed bool
}

func (e *env) newProgress(quiet bool, until sim.Time) *progress {
	p := &progress{e: e, on: e.stderrTTY && !quiet, until: until}
	if p.on {
		p.start = e.wall.Now()
	}
	return p
}

func (p *progress) report(t sim.Time) {
	if !p.on {
		return
	}
	now := p.e.wall.Now()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.printed = now, true
	fmt.Fprintf(p.e.stderr, "\rsimulated %s of %s", report.Clock(t), report.Clock(p.until))
}

func (p *progress) done() {
	if p.printed {
		fmt.Fprintf(p.e.stderr, "\r\033[K")
		p.printed = false
	}
}

// runCmd is simulate run (and simulate --scenario NAME).
func (e *env) runCmd(cmd *cobra.Command, f *runFlags, level *slog.LevelVar) error {
	if f.quiet {
		level.Set(slog.LevelWarn)
	}
	srcs := sources(f.files, f.names)
	switch {
	case len(srcs) == 0:
		return usageErr("nothing to run: give -f FILE or --scenario NAME (simulate scenarios lists the built-ins)")
	case len(srcs) > 1:
		return usageErr("run takes one scenario, got %d (simulate check runs several)", len(srcs))
	}
	if err := checkOutput(f.output); err != nil {
		return err
	}
	if f.width != 0 && f.width < report.MinWidth {
		return fmtWidthErr(f.width)
	}
	o, err := f.options(cmd)
	if err != nil {
		return err
	}
	s, err := e.load(srcs[0], f.sets)
	if err != nil {
		return err
	}
	at, err := e.prepareViews(f, s.DurationFor(o))
	if err != nil {
		return err
	}

	// The destination: stdout, or a temporary file next to --out that is
	// renamed over it only when the output is complete.
	var dst io.Writer = e.stdout
	var tmp *os.File
	if f.out != "" && !isRegularOrAbsent(f.out) {
		// A device or a pipe (--out /dev/null, a FIFO): written directly;
		// renaming a file over it would replace the device.
		dev, err := os.OpenFile(f.out, os.O_WRONLY, 0)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
		defer dev.Close()
		dst = dev
	} else if f.out != "" {
		tmp, err = os.CreateTemp(filepath.Dir(f.out), "."+filepath.Base(f.out)+".*.tmp")
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
		defer func() {
			if tmp != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		dst = tmp
	}
	bw := bufio.NewWriterSize(dst, 64<<10)
	// The log is streamed as it is made; in memory stays only what the
	// text report reads (nothing for JSONL), so a long run's memory does
	// not grow with its probes.
	var sink io.Writer
	keep := report.TextNeeds
	if f.output == "jsonl" {
		sink, keep = bw, record.KeepNone
	}
	if f.output != "text" && f.output != "jsonl" {
		keep = viewNeeds(f.output)
	}
	if f.views.watch {
		// --watch reads the log as it grows, up to its latest record.
		keep = nil
	}
	out, err := e.simulate(s, o, f, sink, keep, bw.Flush)
	if err != nil {
		return err
	}
	if f.output == "text" && !f.views.watch {
		if err := report.Text(bw, out.log.Records(), at...); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	if f.output != "text" && f.output != "jsonl" {
		if err := e.render(bw, f.output, out.log.Records(), f.width, f.out != ""); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	}
	if err := out.log.Err(); err != nil {
		return &exitError{exitUsage, fmt.Errorf("writing the log: %w", err)}
	}
	if err := bw.Flush(); err != nil {
		return &exitError{exitUsage, fmt.Errorf("writing the output: %w", err)}
	}
	// Only a run that finished, or that a limit stopped (its log ends with
	// End), replaces the file; an interrupted or failed one leaves it.
	if tmp != nil && (out.code == exitOK || out.code == exitLimit) {
		if err := tmp.Close(); err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
		if err := os.Rename(tmp.Name(), f.out); err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
		tmp = nil
		e.log.Info("wrote "+f.out, "seed", out.seed)
	}
	if out.code != exitOK {
		return &exitError{out.code, out.err}
	}
	return nil
}

// checkCmd is simulate check.
func (e *env) checkCmd(cmd *cobra.Command, f *runFlags, level *slog.LevelVar) error {
	if f.quiet {
		level.Set(slog.LevelWarn)
	}
	srcs := sources(f.files, f.names)
	if len(srcs) == 0 {
		return usageErr("nothing to check: give -f FILE (repeatable) or --scenario NAME")
	}
	o, err := f.options(cmd)
	if err != nil {
		return err
	}
	worst := exitOK
	note := func(code int) {
		rank := map[int]int{exitOK: 0, exitFailed: 1, exitLimit: 2, exitUsage: 3, exitInterrupted: 4}
		if rank[code] > rank[worst] {
			worst = code
		}
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	for _, src := range srcs {
		s, err := e.load(src, f.sets)
		if err == nil {
			var out *outcome
			// Expectations are judged at every record's time, so the
			// check keeps the whole log.
			out, err = e.simulate(s, o, f, nil, nil, nil)
			if err == nil {
				if out.code == exitInterrupted {
					return &exitError{exitInterrupted, nil}
				}
				if out.code != exitOK {
					err = &exitError{out.code, out.err}
				} else {
					note(e.printResults(w, s, out, f.quiet))
				}
			}
		}
		if err != nil {
			w.Flush()
			var xe *exitError
			code := exitUsage
			if errors.As(err, &xe) {
				code = xe.code
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				e.log.Error(line)
			}
			note(code)
		}
	}
	if worst != exitOK {
		return &exitError{worst, nil}
	}
	return nil
}

// printResults prints one scenario's verdicts and returns exitFailed if
// any expectation failed.
func (e *env) printResults(w io.Writer, s *scenarios.Scenario, out *outcome, quiet bool) int {
	records := out.log.Records()
	var run *record.Run
	if len(records) > 0 {
		run, _ = records[0].(*record.Run)
	}
	release, hash := "", ""
	if run != nil {
		release = run.Release
	}
	if len(records) > 0 {
		if end, ok := records[len(records)-1].(*record.End); ok {
			hash = end.Hash
		}
	}
	fmt.Fprintf(w, "%s: seed %d, release %s, %s, hash %s\n", s.File, out.seed, release, out.until, hash)
	results := s.Check(records)
	failed := 0
	for _, r := range results {
		if !r.Pass {
			failed++
		}
		if quiet && r.Pass {
			continue
		}
		fmt.Fprintf(w, "  %s\n", r)
	}
	fmt.Fprintf(w, "  %d of %d expectations held\n", len(results)-failed, len(results))
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}
