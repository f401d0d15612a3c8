// Package verify tests the whole model the way deterministic-simulation
// projects test theirs: it generates random scenario files (nodes,
// Deployments and Pods with random probes, application behaviours, actions
// and faults, release profiles and feature gates), runs them through the
// real loader and cluster, and checks invariants, determinism and
// closed-form oracles written from the fact sheet rather than from the
// model's code.
//
// The package has no API: everything is in its tests, which `go test ./...`
// runs with a short budget. docs/verification.md says how to run longer
// (-rapid.checks=N) and how to replay a failing case with `simulate run -f`.
package verify
