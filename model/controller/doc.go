// Package controller models kube-controller-manager's Deployment and
// ReplicaSet controllers (pkg/controller/deployment and
// pkg/controller/replicaset), exact to the replica and the second.
//
// The controllers talk to the rest of the model only through the store: they
// watch Deployments, ReplicaSets and Pods, and write objects back. Each has a
// work queue with client-go's dedupe semantics (an object queued twice before
// it is synced is synced once); syncs run as kernel events. Every rule cites
// the Kubernetes function it follows, next to the code.
//
// Simplifications, each noted where it is made: API calls never fail and
// never conflict; a controller reads the store directly, so its own writes
// are visible to its next sync at once (a real controller reads an informer
// cache that lags by a watch hop); pods are never adopted or orphaned by
// label, only the controller's own objects (by controller reference) count.
package controller
