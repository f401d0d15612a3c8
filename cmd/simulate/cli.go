package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/spf13/cobra"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// Exit codes, documented in docs/cli.md and the root command's help.
const (
	exitOK          = 0
	exitFailed      = 1   // an expectation failed (simulate check)
	exitUsage       = 2   // bad input or usage
	exitLimit       = 3   // a limit (--max-events) was reached
	exitInterrupted = 130 // SIGINT or SIGTERM
)

// env is what a command invocation reads and writes. main builds one on the
// process's files; tests build one on buffers.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrTTY enables progress reports on stderr.
	stderrTTY bool
	// stdoutWidth, if not nil, returns the width of the terminal stdout
	// is (0 if unknown); nil when stdout is not a terminal.
	stdoutWidth func() int
	// wall is the wall clock, for pacing and progress only.
	wall sim.Clock
	// readFile reads a scenario file.
	readFile func(string) ([]byte, error)
	// stop holds the name of the signal that asked the run to stop.
	stop atomic.Pointer[string]
	log  *slog.Logger
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer) *env {
	return &env{stdin: stdin, stdout: stdout, stderr: stderr, readFile: os.ReadFile, wall: clock.New()}
}

// run runs the command line args (without the program name) and returns
// the exit code. It is main without the process: tests call it.
func run(args []string, stdout, stderr io.Writer) int {
	return newEnv(strings.NewReader(""), stdout, stderr).run(args)
}

// interrupt asks the running simulation to stop at its next event. It
// reports false if a stop was already asked for.
func (e *env) interrupt(signal string) bool {
	return e.stop.CompareAndSwap(nil, &signal)
}

// stopped returns the signal that asked the run to stop, or "".
func (e *env) stopped() string {
	if s := e.stop.Load(); s != nil {
		return *s
	}
	return ""
}

// exitError is an error with the exit code it leads to.
type exitError struct {
	code int
	err  error
}

// Error returns the message of the underlying error.
func (e *exitError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func (e *env) run(args []string) int {
	level := new(slog.LevelVar)
	e.log = slog.New(&lineHandler{w: e.stderr, level: level, mu: &sync.Mutex{}})
	root := e.commands(level)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return exitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil && xe.code != exitFailed {
			for _, line := range strings.Split(xe.err.Error(), "\n") {
				e.log.Error(line)
			}
		}
		return xe.code
	}
	// Cobra's own errors: unknown command or flag, bad flag value.
	e.log.Error(err.Error())
	fmt.Fprintf(e.stderr, "Run 'simulate --help' for usage.\n")
	return exitUsage
}

// runFlags are the flags of run (and of the root command, its shorthand)
// and check.
type runFlags struct {
	files     []string
	names     []string
	seed      uint64
	until     string
	output    string
	out       string
	pace      string
	stats     bool
	sets      []string
	release   string
	quiet     bool
	maxEvents uint64
	requests  bool
	views     viewFlags // --at, --watch, --record-objects: views.go
	limits    limitFlags
	width     int // --width of --output timeline: output.go
}

func (f *runFlags) addCommon(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Uint64Var(&f.seed, "seed", 0, "seed of the run's random streams (default: the file's seed, else 1)")
	fl.StringVar(&f.until, "until", "", "simulated time to run, like 90s or 12m (default: the file's duration, else 10m)")
	fl.StringArrayVar(&f.sets, "set", nil, "override a field before decoding: PATH=VALUE (repeatable; see docs/scenarios.md)")
	fl.StringVar(&f.release, "release", "", "behaviour profile of the Kubernetes release, like 1.11 or 1.35 (default: the file's, else "+version.Default+")")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only results and errors")
	fl.Uint64Var(&f.maxEvents, "max-events", 0, "stop with exit code 3 after this many kernel events (0: no limit)")
	fl.BoolVar(&f.requests, "record-requests", false, "write a Request record for every request of the scenario's traffic (default: per-second Requests records only)")
	f.limits.add(cmd)
}

func (f *runFlags) addRun(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.files, "filename", "f", nil, "scenario file to run (- for standard input)")
	fl.StringArrayVar(&f.names, "scenario", nil, "built-in scenario to run (see simulate scenarios)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: "+strings.Join(outputFormats, ", ")+" (see docs/output.md)")
	fl.IntVar(&f.width, "width", 0, "columns of --output timeline (default: the terminal's width, else 80)")
	fl.StringVar(&f.out, "out", "", "write the output to this file (written whole, or not at all)")
	fl.StringVar(&f.pace, "pace", "", "play the run back in wall-clock time, N times faster: 1x, 60x")
	fl.BoolVar(&f.stats, "stats", false, "print the kernel's event counters to stderr")
	f.views.add(cmd)
	f.addCommon(cmd)
}

const rootLong = `simulate replays the life of pods on a simulated Kubernetes or OpenShift
cluster: probes, kubelet restarts, CrashLoopBackOff, rollouts and Service
traffic. It reads a scenario (a Scenario document followed by plain
manifests), replays hours of cluster time in milliseconds, and prints what
kubectl would have shown, or the full event log as JSONL.

The same scenario, seed and binary always give byte-identical output.

Release profile: the default is Kubernetes ` + version.Default + `; --release or
cluster.release picks another (simulate version lists them).

Exit codes:
  0    the run finished (simulate check: every expectation held)
  1    simulate check: an expectation failed
  2    bad input or usage: the message names the file, line and field
  3    a limit was reached (--max-events, --max-duration, --max-pods, --max-output)
  130  interrupted by SIGINT or SIGTERM (the JSONL log ends with an Interrupted record)`

func (e *env) commands(level *slog.LevelVar) *cobra.Command {
	var rf runFlags
	root := &cobra.Command{
		Use:   "simulate [--scenario NAME | -f FILE] [flags]",
		Short: "Replay pod lifecycles on a simulated Kubernetes cluster",
		Long:  rootLong,
		Example: `  # Watch a liveness probe that answers 404 drive a pod into CrashLoopBackOff
  simulate --scenario liveness-404-crashloop

  # The same run as a JSONL event log
  simulate --scenario liveness-404-crashloop -o jsonl --out run.jsonl

  # Lanes over time: in the terminal, as an HTML page, as a Perfetto trace
  simulate --scenario liveness-404-crashloop -o timeline
  simulate --scenario liveness-404-crashloop -o html --out run.html
  simulate --scenario liveness-404-crashloop -o trace --out run.trace.json

  # Run your own scenario with a faster probe, under 1.11's behaviour
  simulate run -f my-app.yaml --release 1.11 \
    --set 'deployment/web:containers[web].livenessProbe.periodSeconds=5'

  # Fail a CI job when a scenario's expectations do not hold
  simulate check -f ci/scenarios/*.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(rf.files) == 0 && len(rf.names) == 0 {
				return cmd.Help()
			}
			return e.runCmd(cmd, &rf, level)
		},
	}
	rf.addRun(root)
	root.Flags().SortFlags = false
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })

	var runF runFlags
	runCmd := &cobra.Command{
		Use:   "run (-f FILE | --scenario NAME) [flags]",
		Short: "Run one scenario and print what happened",
		Long: `Run one scenario and print what happened: the key moments, a kubectl get
pods snapshot at the end, and the events as kubectl describe lists them
(--output text), or every record of the run (--output jsonl, see
docs/output.md). --output timeline draws lanes per pod and container over
time; html writes a self-contained page with the lanes, the key moments
and the events; trace writes Chrome trace-event JSON for Perfetto. The seed
and the log's hash are printed with every result.`,
		Example: `  simulate run --scenario readiness-stall
  simulate run -f scenario.yaml --seed 7 --until 5m -o jsonl
  simulate run -f scenario.yaml --set duration=30m --set cluster.release=1.11
  simulate run --scenario readiness-stall --pace 60x   # one simulated minute per second
  simulate run --scenario readiness-stall -o timeline --width 120
  simulate run --scenario readiness-stall -o html --out stall.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return e.runCmd(cmd, &runF, level) },
	}
	runF.addRun(runCmd)

	var cf runFlags
	checkCmd := &cobra.Command{
		Use:   "check -f FILE... [flags]",
		Short: "Run scenarios and judge their expectations",
		Long: `Run each scenario and judge its expect: entries over the recorded run.
Each expectation is printed as PASS or FAIL with the value observed and the
simulated time of the observation. The exit code is 1 if any expectation
failed, 2 if a scenario could not be loaded.`,
		Example: `  simulate check -f probes.yaml -f rollout.yaml
  simulate check --scenario readiness-stall --seed 3
  simulate check -f app.yaml --set 'deployment/web:containers[web].readinessProbe.failureThreshold=1'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return e.checkCmd(cmd, &cf, level) },
	}
	checkCmd.Flags().StringArrayVarP(&cf.files, "filename", "f", nil, "scenario file to check (repeatable; - for standard input)")
	checkCmd.Flags().StringArrayVar(&cf.names, "scenario", nil, "built-in scenario to check (repeatable)")
	cf.addCommon(checkCmd)

	scen := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios",
		Long:  "List the built-in scenarios with their one-line descriptions. They are files in the scenario format: simulate scenarios show NAME prints one.",
		Example: `  simulate scenarios
  simulate scenarios show readiness-stall > mine.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(e.stdout, 6, 4, 3, ' ', 0)
			fmt.Fprintf(tw, "NAME\tDESCRIPTION\n")
			for _, i := range scenarios.List() {
				fmt.Fprintf(tw, "%s\t%s\n", i.Name, i.Description)
			}
			return tw.Flush()
		},
	}
	show := &cobra.Command{
		Use:     "show NAME",
		Short:   "Print a built-in scenario's file",
		Example: "  simulate scenarios show liveness-404-crashloop",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := scenarios.Builtin(args[0])
			if err != nil {
				return &exitError{exitUsage, err}
			}
			_, err = e.stdout.Write(data)
			return err
		},
	}
	scen.AddCommand(show)

	ver := &cobra.Command{
		Use:     "version",
		Short:   "Print simulate's version and the release profiles it has",
		Example: "  simulate version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(e.stdout, "simulate %s\n", cluster.Version)
			fmt.Fprintf(e.stdout, "release profiles: %s (default %s)\n", strings.Join(version.Names(), ", "), version.Default)
			return nil
		},
	}
	sweeps := e.sweepCommands() // sweep, sweep merge, compare
	root.AddCommand(runCmd, checkCmd, sweeps[0], sweeps[2], scen, ver)
	root.AddCommand(e.viewCommands(level)...)
	for _, c := range append([]*cobra.Command{runCmd, checkCmd, scen, show, ver}, sweeps...) {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
		c.Flags().SortFlags = false
	}
	return root
}

// options turns the common flags into scenario options.
func (f *runFlags) options(cmd *cobra.Command) (scenarios.Options, error) {
	var o scenarios.Options
	if cmd.Flags().Changed("seed") {
		seed := f.seed
		o.Seed = &seed
	}
	if f.until != "" {
		d, err := time.ParseDuration(f.until)
		if err != nil || d <= 0 {
			return o, usageErr("--until %q: expected a positive duration like 90s or 12m", f.until)
		}
		o.Until = &d
	}
	o.Release = f.release
	if o.Release != "" {
		if _, err := version.Lookup(o.Release); err != nil {
			return o, usageErr("--release: %v", err)
		}
	}
	return o, nil
}

// source is one scenario to load: a file or a built-in name.
type source struct {
	file, name string
}

// String names the source as messages do.
func (s source) String() string {
	if s.name != "" {
		return s.name
	}
	return s.file
}

// load reads and decodes a scenario.
func (e *env) load(src source, sets []string) (*scenarios.Scenario, error) {
	var data []byte
	var err error
	var read scenarios.ReadFunc // manifest files: only a scenario file may name them
	file := src.file
	switch {
	case src.name != "":
		data, err = scenarios.Builtin(src.name)
		file = "builtin/" + src.name + ".yaml"
	case src.file == "-":
		file = "<stdin>"
		data, err = io.ReadAll(e.stdin)
	default:
		data, err = e.readFile(src.file)
		read = e.readFile
	}
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	s, err := scenarios.LoadFiles(file, data, read, sets...)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	return s, nil
}

func sources(files, names []string) []source {
	var out []source
	for _, f := range files {
		out = append(out, source{file: f})
	}
	for _, n := range names {
		out = append(out, source{name: n})
	}
	return out
}

// lineHandler is a slog handler that writes one plain line per record:
// "simulate: error: MESSAGE key=value". Diagnostics stay readable, and
// multi-line error lists keep their file:line:col form.
type lineHandler struct {
	w     io.Writer
	level slog.Leveler
	attrs []slog.Attr
	mu    *sync.Mutex
}

// Enabled reports whether records of level l are written.
func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// Handle writes one record as one line.
func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString("simulate: ")
	if r.Level != slog.LevelInfo {
		b.WriteString(strings.ToLower(r.Level.String()) + ": ")
	}
	b.WriteString(r.Message)
	write := func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// WithAttrs returns a handler that adds as to every line.
func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup ignores groups: lines are flat.
func (h *lineHandler) WithGroup(string) slog.Handler { return h }
