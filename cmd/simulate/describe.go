package main

import (
	"bufio"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/probesim/probesim/report"
)

// objectArg reads a kubectl object argument, "pod/web" or "pod web", into
// a resource and a name.
func objectArg(args []string) (report.Resource, string, error) {
	var kind, name string
	switch {
	case len(args) == 1 && strings.Contains(args[0], "/"):
		kind, name, _ = strings.Cut(args[0], "/")
	case len(args) == 2:
		kind, name = args[0], args[1]
	default:
		return report.Resource{}, "", usageErr("expected TYPE NAME or TYPE/NAME, like pod web or deploy/web")
	}
	if name == "" {
		return report.Resource{}, "", usageErr("%q: no name", strings.Join(args, " "))
	}
	r, ok := report.LookupResource(kind)
	if !ok {
		return report.Resource{}, "", usageErr("the server doesn't have a resource type %q", kind)
	}
	return r, name, nil
}

const describeLong = `Print an object as kubectl describe prints it, at one moment of a simulated
run (--at, default: its end): for a pod its containers with their state
and last state, ready, restart count and probes, the conditions, and the
Events table with ages and "(x5 over 3m11s)" as kubectl formats them; for a
Deployment its replicas, strategy, pod template, conditions and
ReplicaSets.`

func (e *env) describeCommand(level *slog.LevelVar) *cobra.Command {
	var f lookFlags
	cmd := &cobra.Command{
		Use:   "describe (pod|deploy) NAME (--scenario NAME | -f FILE) [--at T]",
		Short: "Print a pod or Deployment as kubectl describe would at a moment of the run",
		Long:  describeLong,
		Example: `  simulate describe pod nodejs-ex-8dd758c84-wcxxh --scenario liveness-404-crashloop --at 3m30s
  simulate describe deploy/web --scenario readiness-stall --at 11m`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, name, err := objectArg(args)
			if err != nil {
				return err
			}
			if r.Kind != "Pod" && r.Kind != "Deployment" {
				return usageErr("describe shows pods and deployments; %s is not supported yet", r.Plural)
			}
			lk, err := e.recordForViews(cmd, &f, level)
			if err != nil {
				return err
			}
			objs := report.ObjectsAt(lk.records, lk.at)
			w := bufio.NewWriter(e.stdout)
			if r.Kind == "Pod" {
				err = report.DescribePod(w, lk.records, objs, name)
			} else {
				err = report.DescribeDeployment(w, lk.records, objs, name)
			}
			if err != nil {
				return e.notFound(err)
			}
			return w.Flush()
		},
	}
	f.add(cmd, atLook)
	return cmd
}
