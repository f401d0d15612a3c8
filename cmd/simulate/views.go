package main

import (
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/sim"
)

// viewFlags are run's flags for what the text story shows besides its
// default sections, and for recording what the views read.
type viewFlags struct {
	at            []string
	recordObjects bool
	watch         bool
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
	return []*cobra.Command{e.getCommand(level), e.describeCommand(level)}
}
