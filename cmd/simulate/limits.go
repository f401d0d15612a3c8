package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/internal/quantity"
	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
)

// The default limits: generous for any scenario a person writes, small
// enough that a typo (duration: 7000h, replicas: 100000) fails in a second
// instead of filling the memory or the disk.
const (
	defaultMaxDuration = 7 * 24 * time.Hour
	defaultMaxPods     = 10000
	defaultMaxOutput   = "1Gi"
)

// limitFlags are the flags that bound a run's resources.
type limitFlags struct {
	maxDuration time.Duration
	maxPods     int
	maxOutput   string
}

func (l *limitFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.DurationVar(&l.maxDuration, "max-duration", defaultMaxDuration, "refuse to simulate more than this much time (exit code 3)")
	fl.IntVar(&l.maxPods, "max-pods", defaultMaxPods, "stop with exit code 3 when more pods than this exist at once")
	fl.StringVar(&l.maxOutput, "max-output", defaultMaxOutput, "stop with exit code 3 when the log passes this size, like 500Mi or 2Gi")
}

// runLimits are the parsed limits of one invocation.
type runLimits struct {
	duration time.Duration
	pods     int
	output   int64
	// outputText is the limit as the user wrote it, for messages.
	outputText string
}

func (l *limitFlags) parse() (runLimits, error) {
	r := runLimits{duration: l.maxDuration, pods: l.maxPods, outputText: l.maxOutput}
	if r.duration <= 0 {
		return r, usageErr("--max-duration %s: expected a positive duration like 168h", l.maxDuration)
	}
	if r.pods <= 0 {
		return r, usageErr("--max-pods %d: expected a positive number", l.maxPods)
	}
	q, err := quantity.Parse(l.maxOutput)
	if err != nil || q.Sign() <= 0 {
		return r, usageErr("--max-output %q: expected a positive size in bytes, like 500Mi or 2Gi", l.maxOutput)
	}
	r.output = q.Value()
	return r, nil
}

// limitErr is an error that ends a run with exit code 3.
func limitErr(format string, args ...any) error {
	return &exitError{exitLimit, fmt.Errorf(format, args...)}
}

// before checks what can be known before the run: its simulated duration
// and the pods its manifests ask for.
func (r runLimits) before(file string, until time.Duration, cfg cluster.Config) error {
	if until > r.duration {
		return limitErr("%s: the run would simulate %s, more than --max-duration %s; raise --max-duration or shorten the run (--until)", file, until, r.duration)
	}
	total, biggest, most, askers := 0, "", 0, 0
	for _, o := range cfg.Objects {
		n, name := podsOf(o)
		total += n
		if n > 0 {
			askers++
		}
		if n > most {
			biggest, most = name, n
		}
	}
	if total > r.pods {
		by := " (" + biggest + ")"
		if askers > 1 {
			by = fmt.Sprintf(" (the most, %d, by %s)", most, biggest)
		}
		return limitErr("%s: the manifests ask for %d pods%s, more than --max-pods %d; raise --max-pods or lower the replicas", file, total, by, r.pods)
	}
	return nil
}

// podsOf is the number of pods an object asks for at creation.
func podsOf(o any) (int, string) {
	switch o := o.(type) {
	case *corev1.Pod:
		return 1, "Pod/" + o.Name
	case *appsv1.Deployment:
		return replicas(o.Spec.Replicas), "Deployment/" + o.Name
	case *appsv1.ReplicaSet:
		return replicas(o.Spec.Replicas), "ReplicaSet/" + o.Name
	case *corev1.ReplicationController:
		return replicas(o.Spec.Replicas), "ReplicationController/" + o.Name
	case *api.DeploymentConfig:
		return int(o.Spec.Replicas), "DeploymentConfig/" + o.Name
	}
	return 0, ""
}

func replicas(p *int32) int {
	if p == nil {
		return 1
	}
	return int(*p)
}

// during reports why a run must stop now, or "": too many pods exist, or
// the log has grown past the output limit. It runs before each advance of
// the clock, so it must be cheap.
func (r runLimits) during(c *cluster.Cluster, log *record.Log) string {
	if n := c.Store().Pods.Len(); n > r.pods {
		return fmt.Sprintf("stopped at %s: %d pods exist, more than --max-pods %d", report.Clock(c.Engine().Now()), n, r.pods)
	}
	if n := log.Size(); n > r.output {
		return fmt.Sprintf("stopped at %s: the log reached %d bytes, more than --max-output %s", report.Clock(c.Engine().Now()), n, r.outputText)
	}
	return ""
}
