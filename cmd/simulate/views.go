package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
	"github.com/probesim/probesim/sim"
)

// viewFlags are run's flags for what the text story shows besides its
// default sections, and for recording what the views read.
type viewFlags struct {
	at            []string
	recordObjects bool
	watch         bool
	// onChunk, set by --watch, is called with the log after each simulated
	// second of the run.
	onChunk func(*record.Log) error
}

func (f *viewFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.at, "at", nil, "also print kubectl get pods as it read at this simulated time, like 3m30s (repeatable; text output)")
	fl.BoolVar(&f.watch, "watch", false, "print pods as kubectl get pods -w does while the run goes (redrawn on a terminal); with --pace, in wall-clock time")
	fl.BoolVar(&f.recordObjects, "record-objects", false, "record every API object at each change (Snapshot records in the JSONL; see docs/output.md)")
}

// parseAt parses --at values: durations of simulated time, not negative.
func parseAt(values []string) ([]sim.Time, error) {
	var out []sim.Time
	for _, v := range values {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, usageErr("--at %q: expected a simulated time like 90s or 3m30s", v)
		}
		out = append(out, sim.Time(d))
	}
	return out, nil
}

// viewCommands are the commands that show a run as kubectl shows a
// cluster: get, describe, rollout status, explain.
func (e *env) viewCommands(level *slog.LevelVar) []*cobra.Command {
	return []*cobra.Command{e.getCommand(level), e.describeCommand(level), e.rolloutCommand(level), e.explainCommand(level)}
}

// prepareViews checks run's view flags against the run's length and sets
// up --watch. It returns the --at times.
func (e *env) prepareViews(f *runFlags, until time.Duration) ([]sim.Time, error) {
	v := &f.views
	at, err := parseAt(v.at)
	if err != nil {
		return nil, err
	}
	for i, t := range at {
		if time.Duration(t) > until {
			return nil, usageErr("--at %s is after the end of the run (%s)", v.at[i], until)
		}
	}
	if len(at) > 0 && (f.output != "text" || v.watch) {
		return nil, usageErr("--at adds snapshots to the text output; it cannot go with --output %s or --watch", f.output)
	}
	if !v.watch {
		return at, nil
	}
	if f.output != "text" && f.out == "" {
		what := "output" // a timeline, a page or a trace would mix with the screen
		if f.output == "jsonl" {
			what = "log"
		}
		return nil, usageErr("--watch writes to standard output: with --output %s, give --out FILE for the %s", f.output, what)
	}
	v.recordObjects = true
	tty := false
	if file, ok := e.stdout.(*os.File); ok {
		tty = isTerminal(file)
	}
	var pw report.PodWatch
	v.onChunk = func(log *record.Log) error {
		records := log.Records()
		lines := pw.Lines(records)
		if lines == "" {
			return nil
		}
		if tty {
			// A live screen: the whole table, redrawn at each change.
			lines = "\033[H\033[2J" + report.PodScreen(records, sim.Time(records[len(records)-1].Base().T))
		}
		_, err := io.WriteString(e.stdout, lines)
		return err
	}
	return at, nil
}

// chunk lets --watch see the log after each simulated second.
func (v *viewFlags) chunk(log *record.Log) error {
	if v.onChunk == nil {
		return nil
	}
	if err := v.onChunk(log); err != nil {
		return &exitError{exitUsage, fmt.Errorf("writing the watch: %w", err)}
	}
	return nil
}

// notFound reports err (an object that is not there, a restart that did
// not happen) on standard error and exits 1, as kubectl does for a
// NotFound.
func (e *env) notFound(err error) error {
	e.log.Error(err.Error())
	return &exitError{exitFailed, nil}
}
