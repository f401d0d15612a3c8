package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/sweep"
)

func (e *env) compareCommand() *cobra.Command {
	var f sweepFlags
	cmd := &cobra.Command{
		Use:   "compare (A.yaml B.yaml | FILE --set-a PATH=V --set-b PATH=V) [flags]",
		Short: "Run two configurations side by side on the same seeds",
		Long: `Run two configurations under the same seeds and print each metric's
distribution for both, the difference of the means, and in how many seeds B
came out lower or higher than A (the runs are paired by seed, so that the
cluster's and the app's randomness is the same on both sides).

A and B are two scenario files, or one file (or --scenario NAME) with
--set-a and --set-b overrides. The metrics are those of simulate sweep
(docs/sweeps.md); -o csv, json and html give the same reports as a sweep of
two points.`,
		Example: `  # The slow starter without and with a startup probe, 20 seeds each
  simulate compare --scenario slow-start-killed --seeds 20 \
    --set-b 'deployment/petclinic:containers[petclinic].startupProbe={httpGet: {path: /actuator/health/liveness, port: 8080}, failureThreshold: 12}'

  # Two files
  simulate compare before.yaml after.yaml --seeds 50 --metrics restarts,time-to-ready,error-rate`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error { return e.compareCmd(cmd, &f, args) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.names, "scenario", nil, "built-in scenario to compare variants of")
	fl.StringArrayVar(&f.setA, "set-a", nil, "an override of A only: PATH=VALUE (repeatable)")
	fl.StringArrayVar(&f.setB, "set-b", nil, "an override of B only: PATH=VALUE (repeatable)")
	f.addCommon(cmd)
	fl.StringVar(&f.out, "out", "", "write the results file (JSONL) here")
	return cmd
}

func (e *env) compareCmd(cmd *cobra.Command, f *sweepFlags, args []string) error {
	if _, _, _, err := f.parse(); err != nil {
		return err
	}
	var srcs []source
	for _, a := range args {
		srcs = append(srcs, source{file: a})
	}
	for _, n := range f.names {
		srcs = append(srcs, source{name: n})
	}
	p, err := f.plan(cmd)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		src, err := e.readSource(s)
		if err != nil {
			return err
		}
		p.Sources = append(p.Sources, src)
	}
	switch len(p.Sources) {
	case 1:
		if len(f.setA) == 0 && len(f.setB) == 0 {
			return usageErr("one scenario: give --set-a and/or --set-b to make two configurations of it")
		}
		p.Variants = []sweep.Variant{{Label: "A", Source: 0, Sets: f.setA}, {Label: "B", Source: 0, Sets: f.setB}}
	case 2:
		p.Variants = []sweep.Variant{{Label: "A", Source: 0, Sets: f.setA}, {Label: "B", Source: 1, Sets: f.setB}}
	default:
		return usageErr("compare takes two scenarios (A.yaml B.yaml), or one with --set-a/--set-b; got %d", len(p.Sources))
	}
	if f.output != "table" {
		return e.runSweep(p, f)
	}
	// The table pairs the runs of both sides by seed: it needs the runs,
	// which a sweep's report drops.
	return e.runCompare(p, f)
}

// runCompare runs a comparison and prints its side-by-side table.
func (e *env) runCompare(p *sweep.Plan, f *sweepFlags) error {
	expect, defs, err := f.prepare(p)
	if err != nil {
		return err
	}
	var pts []*sweep.PointResult
	var w *sweep.Writer
	if f.out != "" {
		file, err := e.openResults(f.out, false, sweep.Header{}, nil, nil)
		if err != nil {
			return err
		}
		defer file.Close()
		h := p.Header(cluster.Version, expect)
		if w, err = sweep.NewWriter(file, &h); err != nil {
			return &exitError{exitUsage, fmt.Errorf("--out: %w", err)}
		}
	}
	bar := e.newBar(f.quiet)
	err = p.Run(sweep.Options{Workers: f.workers, Progress: bar.update, Stop: func() bool { return e.stopped() != "" },
		Emit: func(pt *sweep.PointResult) error {
			pts = append(pts, pt)
			if w != nil {
				return w.Write(pt)
			}
			return nil
		}})
	bar.done()
	if err != nil {
		if err == sweep.ErrStopped {
			return &exitError{exitInterrupted, fmt.Errorf("interrupted")}
		}
		return &exitError{exitUsage, err}
	}
	return writeCompare(e.stdout, p, expect, defs, pts, f)
}

func writeCompare(out io.Writer, p *sweep.Plan, expect [][]string, defs []sweep.MetricDef, pts []*sweep.PointResult, f *sweepFlags) error {
	_, _, stats, _ := f.parse()
	for _, v := range p.Variants {
		fmt.Fprintf(out, "%s: %s", v.Label, p.Sources[v.Source].Name)
		for _, s := range append(append([]string(nil), p.Sets...), v.Sets...) {
			fmt.Fprintf(out, " --set '%s'", s)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "%d seeds each (%d..%d), paired.\n\n", p.Seeds, p.FirstSeed, p.FirstSeed+uint64(p.Seeds)-1)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	head := []string{"METRIC"}
	for _, side := range []string{"A", "B"} {
		for _, s := range stats {
			head = append(head, side+" "+strings.ToUpper(s))
		}
	}
	head = append(head, "B-A MEAN", "B LOWER", "B HIGHER")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	a, b := pts[0], pts[1]
	for m, d := range defs {
		ma, mb := a.Metrics[m], b.Metrics[m]
		if ma.N == 0 && mb.N == 0 {
			continue
		}
		row := []string{d.Name}
		for _, mr := range []sweep.MetricResult{ma, mb} {
			for _, s := range stats {
				v, _ := mr.Stat(s)
				cell := sweep.FormatValue(d.Unit, v)
				if mr.Censored > 0 && d.Unit == sweep.Seconds && s != "min" {
					cell = "≥" + cell
				}
				row = append(row, cell)
			}
		}
		diff := float64(mb.Mean) - float64(ma.Mean)
		cell := sweep.FormatValue(d.Unit, diff)
		if diff > 0 {
			cell = "+" + cell
		}
		lower, higher, n := 0, 0, 0
		for s := range ma.Runs {
			x, y := float64(ma.Runs[s]), float64(mb.Runs[s])
			if math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			n++
			switch {
			case y < x:
				lower++
			case y > x:
				higher++
			}
		}
		row = append(row, cell, fmt.Sprintf("%d/%d", lower, n), fmt.Sprintf("%d/%d", higher, n))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	all := false
	chosen := map[string]bool{}
	for _, d := range defs {
		chosen[d.Name] = true
		all = all || d.Name == "expectations"
	}
	listed := false
	for side, x := range expect {
		label := "A"
		if len(expect) == 1 {
			label = "A and B"
		} else if side == 1 {
			label = "B"
		}
		for i, text := range x {
			if all || chosen[fmt.Sprintf("expect.%d", i+1)] {
				fmt.Fprintf(out, "\nexpect.%d of %s: %s", i+1, label, text)
				listed = true
			}
		}
	}
	if listed {
		fmt.Fprintln(out)
	}
	reqs, obj, _, _ := f.parse()
	if len(reqs) > 0 || obj != nil {
		res := &sweep.Results{Header: p.Header(cluster.Version, expect), Points: pts}
		rec := sweep.Recommend(res, p.DimNames(), reqs, obj)
		fmt.Fprintf(out, "\n%s\n", sweep.Wrap(rec.Text, 100))
	}
	return nil
}
