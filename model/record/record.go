// Package record defines the log of a run: every observable change the model
// makes, as typed records in simulated-time order, and their canonical JSONL
// encoding.
//
// The log is the contract between the model and everything that reads a run:
// the renderers in package report, expectations, sweeps, and users' scripts
// through `simulate --output jsonl`. The record kinds and their fields are
// fixed by the scenario-format contract; add fields, never rename them.
package record

import (
	"encoding/json"

	"github.com/probesim/probesim/sim"
)

// Record is one entry of a run's log.
type Record interface {
	// Base returns the fields every record has.
	Base() *Header
}

// Header holds the fields every record has: when, what kind, and the object
// it concerns as "Kind/name" (empty for records about the run).
type Header struct {
	T      Seconds `json:"t"`
	Kind   string  `json:"kind"`
	Object string  `json:"object,omitempty"`
}

// Base returns h itself; embedding Header makes a type a Record.
func (h *Header) Base() *Header { return h }

// Seconds is a simulated time encoded in JSON as seconds since the start of
// the run, with millisecond precision.
type Seconds sim.Time

// MarshalJSON encodes s as a JSON number of seconds, e.g. 62.5.
func (s Seconds) MarshalJSON() ([]byte, error) {
	return []byte(sim.Time(s).FormatSeconds()), nil
}

// Dur is a simulated duration encoded in JSON as seconds with millisecond
// precision.
type Dur sim.Duration

// MarshalJSON encodes d as a JSON number of seconds, e.g. 0.005.
func (d Dur) MarshalJSON() ([]byte, error) {
	return []byte(sim.FormatSeconds(sim.Duration(d))), nil
}

// The record kinds of the JSONL contract.
const (
	KindRun       = "Run"
	KindObject    = "Object"
	KindContainer = "Container"
	KindProbe     = "Probe"
	KindPodStatus = "PodStatus"
	KindEvent     = "Event"
	KindRollout   = "Rollout"
	KindEndpoints = "Endpoints"
	KindRequests  = "Requests"
	KindEnd       = "End"
	KindSnapshot  = "Snapshot"
)

// Run opens every log: what was run, under which profile and seed.
type Run struct {
	Header
	Scenario     string          `json:"scenario"`
	Release      string          `json:"release"`
	FeatureGates map[string]bool `json:"featureGates"`
	Seed         uint64          `json:"seed"`
	Version      string          `json:"version"`
}

// Object records that an API object was created or deleted.
type Object struct {
	Header
	Action string `json:"action"` // created or deleted
	Owner  string `json:"owner,omitempty"`
	Node   string `json:"node,omitempty"`
}

// Container records a change of a container's real process state, at the
// moment it happens (not when the kubelet notices it).
type Container struct {
	Header
	Container string `json:"container"`
	Instance  int    `json:"instance"` // 1-based: 1 is the first start in the pod
	State     string `json:"state"`    // waiting, running or terminated
	Reason    string `json:"reason,omitempty"`
	ExitCode  *int32 `json:"exitCode,omitempty"`
	Signal    string `json:"signal,omitempty"`
	// Init is true for an init container (spec.initContainers); absent
	// for the pod's app containers.
	Init bool `json:"init,omitempty"`
}

// Probe records one probe execution and its result, at the time the result
// is known. Instance is the container instance the kubelet probed as far as
// it knew: until its next relist notices a restart, a network probe reaches
// the new instance while the kubelet still attributes it to the old one.
type Probe struct {
	Header
	Container string `json:"container"`
	Instance  int    `json:"instance"`
	Probe     string `json:"probe"`  // startup, liveness or readiness
	Result    string `json:"result"` // success, failure, error or warning
	Output    string `json:"output,omitempty"`
	Duration  Dur    `json:"duration"`
}

// PodStatus records what the API shows for a pod, whenever that changes.
type PodStatus struct {
	Header
	Phase      string          `json:"phase"`
	Ready      string          `json:"ready"`  // kubectl's READY column, "0/1"
	Status     string          `json:"status"` // kubectl's STATUS column
	Restarts   int32           `json:"restarts"`
	Node       string          `json:"node,omitempty"`
	Conditions map[string]bool `json:"conditions"`
}

// Event records a Kubernetes Event as it is written or updated in the API.
type Event struct {
	Header
	// FieldPath names the part of the object the event is about, such as
	// "spec.containers{app}" for the kubelet's container events.
	FieldPath string `json:"fieldPath,omitempty"`
	Type      string `json:"type"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
	Count     int32  `json:"count"`
	// First is the event's firstTimestamp: when it was first observed,
	// even if that observation was dropped by the spam filter.
	First  Seconds `json:"firstTimestamp"`
	Source string  `json:"source"`
}

// Condition is one status condition of a rollout.
type Condition struct {
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// Rollout records the status of a Deployment or DeploymentConfig whenever it
// changes.
type Rollout struct {
	Header
	Replicas   int32                `json:"replicas"`
	Updated    int32                `json:"updated"`
	Ready      int32                `json:"ready"`
	Available  int32                `json:"available"`
	Conditions map[string]Condition `json:"conditions"`
}

// Endpoints records a Service's endpoints whenever they change.
type Endpoints struct {
	Header
	Ready       int `json:"ready"`
	Serving     int `json:"serving"`
	Terminating int `json:"terminating"`
	Dataplane   int `json:"dataplane"` // ready endpoints the data plane routes to
}

// Requests aggregates one second of traffic to one target.
type Requests struct {
	Header
	Sent    int            `json:"sent"`
	OK      int            `json:"ok"`
	Codes   map[string]int `json:"codes,omitempty"`
	Refused int            `json:"refused"`
	Reset   int            `json:"reset"`
	Timeout int            `json:"timeout"`
	// Slow counts the ok answers slower than the target's SLO latency
	// threshold, when its SLO has one: good for errorRate, bad for the
	// error budget.
	Slow int  `json:"slow,omitempty"`
	P50  *Dur `json:"p50,omitempty"`
	P99  *Dur `json:"p99,omitempty"`
}

// Snapshot records an API object as the API server holds it after a
// change: the whole object, metadata, spec and status, as `kubectl get -o
// json` would print it then. Runs write snapshots only when asked (the
// views `simulate get` and `describe` read them; `simulate run
// --record-objects` adds them to the JSONL), so the default log stays
// small and its hash unchanged.
type Snapshot struct {
	Header
	Change string          `json:"change"` // ADDED, MODIFIED or DELETED
	Value  json.RawMessage `json:"value"`
}

// End closes every log.
type End struct {
	Header
	Events uint64 `json:"events"` // kernel events processed
	Hash   string `json:"hash"`   // "sha256:" of every line before this one
}

// Interrupted closes a log whose run was stopped by a signal, so that the
// JSONL stays valid.
type Interrupted struct {
	Header
	Events uint64 `json:"events"`
	Hash   string `json:"hash"`
	Signal string `json:"signal"`
}
