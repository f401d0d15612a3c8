package main

import (
	"bufio"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
	"github.com/probesim/probesim/sim"
)

// lookFlags are the flags of the commands that look at one moment of a
// run (get, describe, rollout status, explain): the scenario to run and
// the time to look at.
type lookFlags struct {
	runFlags
	at     string
	output string
}

func (f *lookFlags) add(cmd *cobra.Command, atHelp string) {
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.files, "filename", "f", nil, "scenario file to run (- for standard input)")
	fl.StringArrayVar(&f.names, "scenario", nil, "built-in scenario to run (see simulate scenarios)")
	fl.StringVar(&f.at, "at", "", atHelp)
	f.addCommon(cmd)
	fl.SortFlags = false
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
}

// atLook is the help of --at for the commands that look at one moment.
const atLook = "simulated time to look at, like 3m30s (default: the end of the run)"

// look is a run recorded for the views: its records (with Snapshot
// records of every object) up to the time looked at.
type look struct {
	records []record.Record
	at      sim.Time
}

// recordForViews runs the scenario of f with object snapshots on, until
// the time asked for (--at) or the run's end, and returns its records.
// Running only as far as --at changes nothing before it: the model is
// causal and deterministic.
func (e *env) recordForViews(cmd *cobra.Command, f *lookFlags, level *slog.LevelVar) (*look, error) {
	if f.quiet {
		level.Set(slog.LevelWarn)
	}
	srcs := sources(f.files, f.names)
	switch {
	case len(srcs) == 0:
		return nil, usageErr("nothing to run: give -f FILE or --scenario NAME (simulate scenarios lists the built-ins)")
	case len(srcs) > 1:
		return nil, usageErr("%s takes one scenario, got %d", cmd.Name(), len(srcs))
	}
	o, err := f.options(cmd)
	if err != nil {
		return nil, err
	}
	s, err := e.load(srcs[0], f.sets)
	if err != nil {
		return nil, err
	}
	end := s.DurationFor(o)
	at := sim.Time(end)
	if f.at != "" {
		d, err := time.ParseDuration(f.at)
		if err != nil || d < 0 {
			return nil, usageErr("--at %q: expected a simulated time like 90s or 3m30s", f.at)
		}
		if o.Until != nil && d > *o.Until {
			return nil, usageErr("--at %s is after the end of the run (--until %s)", f.at, *o.Until)
		}
		at = sim.Time(d)
		o.Until = &d
	}
	f.views.recordObjects = true
	// The views read any kind (explain reads probes): keep the whole log.
	out, err := e.simulate(s, o, &f.runFlags, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if out.code != exitOK {
		return nil, &exitError{out.code, out.err}
	}
	return &look{records: out.log.Records(), at: at}, nil
}

const getLong = `Print a table of objects as kubectl get (or oc get) prints it, at one
moment of a simulated run: the columns of the run's Kubernetes release, AGE
as kubectl formats durations, RESTARTS as "5 (20s ago)" from 1.22. The run
is simulated first, up to --at (default: its end).

Resources: pods (po), deployments (deploy), replicasets (rs),
replicationcontrollers (rc), deploymentconfigs (dc), services (svc),
endpointslices.`

func (e *env) getCommand(level *slog.LevelVar) *cobra.Command {
	var f lookFlags
	cmd := &cobra.Command{
		Use:   "get RESOURCE [NAME...] (--scenario NAME | -f FILE) [--at T] [-o wide]",
		Short: "Print objects as kubectl get would at a moment of the run",
		Long:  getLong,
		Example: `  simulate get pods --scenario liveness-404-crashloop --at 3m30s
  simulate get pods -o wide --scenario readiness-stall --at 2m
  simulate get deploy,rs --scenario readiness-stall --at 11m
  simulate get endpointslices --scenario readiness-stall`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.output != "" && f.output != "wide" {
				return usageErr("--output %q: expected wide (or nothing)", f.output)
			}
			var kinds []report.Resource
			for _, name := range strings.Split(args[0], ",") {
				r, ok := report.LookupResource(name)
				if !ok {
					return usageErr("the server doesn't have a resource type %q (simulate get knows pods, deploy, rs, rc, dc, svc, endpointslices)", name)
				}
				kinds = append(kinds, r)
			}
			lk, err := e.recordForViews(cmd, &f, level)
			if err != nil {
				return err
			}
			return e.printGet(lk, kinds, args[1:], f.output == "wide")
		},
	}
	f.add(cmd, atLook)
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "output format: wide adds kubectl's wide columns")
	return cmd
}

// printGet prints the tables of kinds, as kubectl does for "get a,b": one
// table per kind, names prefixed with the resource when there are several
// kinds, a blank line between tables.
func (e *env) printGet(lk *look, kinds []report.Resource, names []string, wide bool) error {
	objs := report.ObjectsAt(lk.records, lk.at)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	printed := 0
	var missing []string
	for _, k := range kinds {
		t, err := report.Get(objs, k.Kind, wide)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		if len(names) > 0 {
			var rows [][]string
			for _, n := range names {
				found := false
				for _, r := range t.Rows {
					if r[0] == n {
						rows, found = append(rows, r), true
					}
				}
				if !found && len(kinds) == 1 {
					missing = append(missing, fmt.Sprintf("Error from server (NotFound): %s %q not found", k.Plural, n))
				}
			}
			t.Rows = rows
		}
		if len(t.Rows) == 0 {
			continue
		}
		if len(kinds) > 1 {
			for _, r := range t.Rows {
				r[0] = k.PrefixFor(objs.Minor) + "/" + r[0]
			}
		}
		if printed > 0 {
			fmt.Fprintln(w)
		}
		if err := t.Write(w); err != nil {
			return err
		}
		printed++
	}
	w.Flush()
	for _, m := range missing {
		fmt.Fprintln(e.stderr, m)
	}
	if len(missing) > 0 {
		return &exitError{exitFailed, nil}
	}
	if printed == 0 {
		fmt.Fprintln(e.stderr, "No resources found in default namespace.")
	}
	return nil
}
