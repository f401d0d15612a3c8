package main

import (
	"bufio"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/report"
	"github.com/probesim/probesim/sim"
)

const rolloutLong = `Print what kubectl rollout status deployment/NAME prints as the run goes,
each line with the simulated time of the Deployment change it reports:
"Waiting for deployment ... rollout to finish: ..." lines, then
"deployment ... successfully rolled out", or "error: deployment ... exceeded
its progress deadline" (exit code 1). --at is when the command is started
(default: the start of the run).

For a DeploymentConfig (dc/NAME) the lines are oc 3.11's: "Waiting for
rollout to finish: ...", the Progressing condition's message when the
new replication controller is available, its message as the error when the
rollout timed out or was cancelled.`

func (e *env) rolloutCommand(level *slog.LevelVar) *cobra.Command {
	rollout := &cobra.Command{
		Use:   "rollout",
		Short: "Follow a Deployment's rollout as kubectl rollout does",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var f lookFlags
	status := &cobra.Command{
		Use:   "status (deploy|dc)/NAME (--scenario NAME | -f FILE) [--at T]",
		Short: "Print kubectl rollout status lines over the run",
		Long:  rolloutLong,
		Example: `  simulate rollout status deploy/web --scenario readiness-stall
  simulate rollout status deployment web --scenario rollout-502 --at 1m`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, name, err := objectArg(args)
			if err != nil {
				return err
			}
			if r.Kind != "Deployment" && r.Kind != "DeploymentConfig" {
				return usageErr("rollout status follows deployments and deploymentconfigs; %s is not supported", r.Plural)
			}
			start := f.at
			f.at = ""
			lk, err := e.recordForViews(cmd, &f, level)
			if err != nil {
				return err
			}
			from, err := parseAt(optional(start))
			if err != nil {
				return err
			}
			var t0 sim.Time // kubectl started with the run, unless --at
			if len(from) > 0 {
				t0 = from[0]
			}
			lines, ok, err := report.RolloutStatus(lk.records, r.Kind, name, t0)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if !ok {
				return e.notFound(fmt.Errorf("%s %q not found at %s", r.Plural, name, report.Clock(t0)))
			}
			w := bufio.NewWriter(e.stdout)
			failed, done := false, false
			for _, l := range lines {
				fmt.Fprintf(w, "%s  %s\n", report.Clock(l.T), l.Line)
				failed = failed || l.Err
				done = done || l.Done
			}
			if err := w.Flush(); err != nil {
				return err
			}
			switch {
			case failed:
				return &exitError{exitFailed, nil}
			case !done:
				e.log.Warn(fmt.Sprintf("the run ended at %s before the rollout finished", report.Clock(lk.at)))
				return &exitError{exitFailed, nil}
			}
			return nil
		},
	}
	f.add(status, "simulated time kubectl rollout status starts at, like 1m (default: the start of the run)")
	rollout.AddCommand(status)
	return rollout
}

func optional(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

const explainLong = `Explain, from the recorded run alone, why something happened.

explain pod/NAME gives the causal chain of each restart and each change of
readiness, in plain numbers: which probe failed how many times in a row and
when (with its message), when the kubelet killed the container and with
what grace, the exit code, the back-off the kubelet applied, and when the
container started again. --restart N explains the pod's N-th restart only.

explain deploy/NAME says why a rollout stands where it stands at --at
(default: the end of the run): the rolling-update bounds that hold the
next step back, which pods of the new ReplicaSet are not available and
why, and when the progress deadline fired or will fire.`

func (e *env) explainCommand(level *slog.LevelVar) *cobra.Command {
	var f lookFlags
	var restart int
	cmd := &cobra.Command{
		Use:   "explain (pod/NAME [--restart N] | deploy/NAME) (--scenario NAME | -f FILE) [--at T]",
		Short: "Explain a pod's restarts and readiness, or a stuck rollout, from the records",
		Long:  explainLong,
		Example: `  simulate explain pod/nodejs-ex-8dd758c84-wcxxh --scenario liveness-404-crashloop --restart 3
  simulate explain deploy/web --scenario readiness-stall`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, name, err := objectArg(args)
			if err != nil {
				return err
			}
			if r.Kind != "Pod" && r.Kind != "Deployment" {
				return usageErr("explain covers pods and deployments; %s is not supported yet", r.Plural)
			}
			if restart < 0 {
				return usageErr("--restart %d: expected a restart number from 1", restart)
			}
			lk, err := e.recordForViews(cmd, &f, level)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(e.stdout)
			if r.Kind == "Pod" {
				err = report.ExplainPod(w, lk.records, name, restart, lk.at)
			} else {
				err = report.ExplainDeployment(w, lk.records, name, lk.at)
			}
			if err != nil {
				return e.notFound(err)
			}
			return w.Flush()
		},
	}
	f.add(cmd, atLook)
	cmd.Flags().IntVar(&restart, "restart", 0, "explain only the pod's N-th restart (1 is the first)")
	return cmd
}
