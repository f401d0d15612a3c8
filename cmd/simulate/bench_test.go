package main

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// probeRestartWorkload is the scenario scripts/simpy/workload prints.
func probeRestartWorkload(pods int, hours int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata:
  name: probe-restart
description: %d pods whose liveness probe fails from 60 s after each start, killed and restarted for %dh.
duration: %dh
cluster:
  nodes:
  - {name: node, count: %d}
apps:
  web:*:
    http:
      8080:
        /healthz: [{until: 60s, status: 200}, {status: 500}]
        /ready: 200
`, pods, hours, hours, max(pods/20, 1))
	for i := range pods {
		fmt.Fprintf(&b, `---
apiVersion: v1
kind: Pod
metadata: {name: web-%05d}
spec:
  containers:
  - name: web
    image: web:1
    livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3}
    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3}
`, i)
	}
	return b.String()
}

// BenchmarkProbeRestart runs the workload of the SimPy comparison (1000
// pods whose liveness probe kills them every few minutes, for a simulated
// hour; scripts/simpy/workload) as `simulate run -o jsonl` does: the log
// streamed and hashed, nothing kept. scripts/simpy/compare times the
// binary on the same scenario; this is the same run, for pprof.
func BenchmarkProbeRestart(b *testing.B) {
	s, err := scenarios.Load("workload.yaml", []byte(probeRestartWorkload(1000, 1)))
	if err != nil {
		b.Fatal(err)
	}
	var events uint64
	for b.Loop() {
		cfg, err := s.Config(scenarios.Options{})
		if err != nil {
			b.Fatal(err)
		}
		log := record.NewLog(io.Discard)
		log.Keep(record.KeepNone)
		c, err := cluster.New(cfg, log)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.RunUntil(sim.Time(s.DurationFor(scenarios.Options{}))); err != nil {
			b.Fatal(err)
		}
		c.Finish()
		events += c.Engine().Stats().Fired
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
}
