// Package app describes what a container's process does, without running
// it: when it listens on each port, what each HTTP path, TCP port, gRPC
// service and exec command answers over time, how many requests it serves
// at once, when it ends by itself, and how it takes signals.
//
// A [Catalog] holds behaviours by image pattern, decoded strictly from the
// `apps:` section of a scenario by [Decode] (errors are a
// [ynode.ErrorList] with line, column and field path) and changed during a
// run by setApp actions ([DecodeChange], [Catalog.Apply]). [Catalog.Start]
// (or [Behavior.Start]) starts an [Instance], one container instance's
// process: it draws the instance's start-up and lifetime values from the
// random stream the caller hands in, then answers requests
// ([Instance.HTTP], [Instance.TCP], [Instance.GRPC], [Instance.Exec]),
// reports when it ends ([Instance.Exit]) and reacts to signals
// ([Instance.Signal]).
//
// The package is pure: no goroutines, no clock, no files; randomness comes
// only from the *rand.Rand the caller passes, so the same seed gives the
// same run. Requests take no allocation in steady state.
//
// docs/app-behaviour.md is the reference for the YAML and explains the
// decisions made where Kubernetes and Linux leave a choice.
package app
