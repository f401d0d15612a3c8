// Package scenarios reads scenario files: one YAML stream made of a Scenario
// document (cluster, release profile, seed, duration, application
// behaviours, timed actions, traffic, expectations) followed by plain
// Kubernetes and OpenShift manifests. It also holds the built-in library of
// scenarios, embedded in the same format a user writes, and evaluates a
// scenario's expectations over a finished run's records.
//
// Decoding is strict and reports every problem at once, each as
// FILE:LINE:COL: PATH: MESSAGE (see package internal/ynode). Overrides
// given on the command line (--set) are applied to the YAML nodes before
// decoding, so their errors carry positions too.
package scenarios

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/app"
)

// APIVersion is the apiVersion of the Scenario document.
const APIVersion = "probesim.dev/v1alpha1"

// ErrUnsupported marks a scenario that is well formed but uses something
// this build of the model cannot run yet (a manifest kind, an action, a
// traffic source). Errors that wrap it are input errors: the CLI exits 2.
var ErrUnsupported = errors.New("not supported by this build yet")

// Scenario is a decoded scenario file.
type Scenario struct {
	// File is the name the scenario was loaded under, used in messages.
	File string
	// Name is metadata.name.
	Name string
	// Description is the one-paragraph description.
	Description string
	// Seed is the file's seed, if it gives one.
	Seed *uint64
	// Duration is the simulated time to run, if the file gives one.
	Duration *time.Duration
	// Cluster is the cluster section.
	Cluster Cluster
	// Apps is the apps section as written.
	Apps *yaml.Node
	// Catalog is the apps section decoded by package model/app; nil
	// without one.
	Catalog *app.Catalog
	// Actions are the timed actions, in file order.
	Actions []Action
	// Traffic are the traffic sources.
	Traffic []Traffic
	// Expect are the expectations, in file order.
	Expect []Expectation
	// Manifests are the documents after the Scenario document, in order.
	Manifests []*Manifest
}

// Cluster is the cluster section of a scenario.
type Cluster struct {
	// Release is the behaviour profile's name ("1.11"); empty for the
	// default. ReleasePos is where the file gives it.
	Release    string
	ReleasePos Pos
	// FeatureGates are gates turned on or off, by name; GatePos where each
	// is written.
	FeatureGates map[string]bool
	GatePos      map[string]Pos
	// MaxContainerRestartPeriod is the kubelet's
	// maxContainerRestartPeriod, if given.
	MaxContainerRestartPeriod *time.Duration
	// SerializeImagePulls and MaxParallelImagePulls are the kubelet's
	// settings of those names, if given.
	SerializeImagePulls   *bool
	MaxParallelImagePulls int
	// Nodes are the node groups as written; Config expands count.
	Nodes []NodeGroup
}

// NodeGroup is one entry of cluster.nodes.
type NodeGroup struct {
	Pos    Pos
	Name   string
	Count  int
	CPU    string
	Memory string
	Pods   int
	// PullSlowdown multiplies the time of every image pull on these nodes
	// (a slow link or disk); 0 means 1.
	PullSlowdown float64
}

// Manifest is one Kubernetes or OpenShift document of a scenario.
type Manifest struct {
	// Node is the document's root mapping, with positions.
	Node *yaml.Node
	// Path is how errors name the document: "documents[1]".
	Path ynode.Path
	// APIVersion, Kind, Name and Namespace are read from the document.
	APIVersion, Kind, Name, Namespace string
	// Labels are metadata.labels.
	Labels map[string]string
	// TemplateLabels are spec.template.metadata.labels, for workloads.
	TemplateLabels map[string]string
	// Object is the decoded object (*corev1.Pod, *appsv1.Deployment, ...),
	// nil if the kind cannot be decoded by this build.
	Object any
	// Raw is the document as JSON, exactly as written (no defaults): what
	// an apply action merges into an existing object.
	Raw []byte
}

// Ref returns "Kind/name".
func (m *Manifest) Ref() string { return m.Kind + "/" + m.Name }

// Pos is where a value is in the file.
type Pos struct {
	Line, Column int
	Path         ynode.Path
}

func posOf(n *yaml.Node, p ynode.Path) Pos {
	if n == nil {
		return Pos{Path: p}
	}
	return Pos{Line: n.Line, Column: n.Column, Path: p}
}

// errorf returns a positioned error for a scenario file.
func (p Pos) errorf(file, format string, args ...any) *ynode.Error {
	return &ynode.Error{File: file, Line: p.Line, Column: p.Column, Path: p.Path, Msg: fmt.Sprintf(format, args...)}
}

// ObjectRef names an object as kind/name, "deployment/web".
type ObjectRef struct {
	// Kind is the canonical kind, "Deployment".
	Kind string
	Name string
}

// String returns "Kind/name".
func (r ObjectRef) String() string { return r.Kind + "/" + r.Name }

// kinds maps the lower-case names and short names kubectl accepts to kinds.
var kinds = map[string]string{
	"pod": "Pod", "pods": "Pod", "po": "Pod",
	"deployment": "Deployment", "deployments": "Deployment", "deploy": "Deployment",
	"replicaset": "ReplicaSet", "replicasets": "ReplicaSet", "rs": "ReplicaSet",
	"service": "Service", "services": "Service", "svc": "Service",
	"deploymentconfig": "DeploymentConfig", "deploymentconfigs": "DeploymentConfig", "dc": "DeploymentConfig",
	"route": "Route", "routes": "Route",
	"replicationcontroller": "ReplicationController", "rc": "ReplicationController",
	"node": "Node", "nodes": "Node", "no": "Node",
}

// refKinds are the kinds parseRef suggests for a misspelt one.
var refKinds = []string{"pod", "deployment", "replicaset", "service", "deploymentconfig", "route", "replicationcontroller", "node"}

// parseRef parses "kind/name" as kubectl does (kinds case-insensitive, short
// names accepted).
func parseRef(s string) (ObjectRef, error) {
	k, name, ok := strings.Cut(s, "/")
	if !ok || k == "" || name == "" {
		return ObjectRef{}, fmt.Errorf("expected KIND/NAME, like deployment/web, got %q", s)
	}
	kind, ok := kinds[strings.ToLower(k)]
	if !ok {
		msg := fmt.Sprintf("unknown kind %q in %q: expected one of pod, deployment, replicaset, service, deploymentconfig, route, node", k, s)
		if sug, ok := ynode.Suggest(k, refKinds); ok {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		return ObjectRef{}, errors.New(msg)
	}
	return ObjectRef{Kind: kind, Name: name}, nil
}

// PodSelector chooses pods: by name (pod/NAME) or by a label selector.
type PodSelector struct {
	// Text is the selector as written.
	Text string
	// Name is set for pod/NAME.
	Name string
	// Labels is the label selector otherwise.
	Labels labels.Selector
}

func parsePodSelector(s string) (PodSelector, error) {
	if k, name, ok := strings.Cut(s, "/"); ok && !strings.ContainsAny(s, "=!(), ") {
		if kinds[strings.ToLower(k)] != "Pod" || name == "" {
			return PodSelector{}, fmt.Errorf("expected a label selector (app=web) or pod/NAME, got %q", s)
		}
		return PodSelector{Text: s, Name: name}, nil
	}
	sel, err := labels.Parse(s)
	if err != nil {
		return PodSelector{}, fmt.Errorf("expected a label selector (app=web) or pod/NAME: %v", err)
	}
	if sel.Empty() {
		return PodSelector{}, fmt.Errorf("expected a label selector (app=web) or pod/NAME, got %q", s)
	}
	return PodSelector{Text: s, Labels: sel}, nil
}

// Matches reports whether a pod with this name and labels is selected.
func (s PodSelector) Matches(name string, l map[string]string) bool {
	if s.Name != "" {
		return s.Name == name
	}
	return s.Labels != nil && s.Labels.Matches(labels.Set(l))
}

// Load decodes a scenario file. name is the file name errors are given
// under; sets are --set overrides (see ApplySet), applied to the YAML nodes
// before decoding. Every problem found is reported, as a ynode.ErrorList.
func Load(name string, data []byte, sets ...string) (*Scenario, error) {
	return LoadFiles(name, data, nil, sets...)
}

// LoadFiles is Load for a scenario file that may name manifest files
// (`manifests:`), read with read relative to the directory of name.
// Their documents follow the file's own; errors in them name their file.
func LoadFiles(name string, data []byte, read ReadFunc, sets ...string) (*Scenario, error) {
	docs, err := parseStream(name, data)
	if err != nil {
		return nil, err
	}
	extra, from, errs := readManifestFiles(name, ynode.Resolve(docs[0]), read)
	docs = append(docs, extra...)
	s := &Scenario{File: name}
	var d ynode.Decoder
	// A manifest file that cannot be read is reported with the rest; the
	// files that could be read are decoded.
	d.Add(errs)
	// A --set that cannot be applied is reported with the file's own
	// problems, not instead of them.
	if err := ApplySet(docs, sets); err != nil {
		d.Add(ynode.AsList(err))
	}
	s.decode(&d, docs, from)
	if errs := d.Errors(); len(errs) > 0 {
		errs = errs.WithFile(name)
		errs.Sort()
		return nil, errs
	}
	return s, nil
}

func withFile(err error, file string) error {
	var l ynode.ErrorList
	if errors.As(err, &l) {
		return l.WithFile(file)
	}
	return fmt.Errorf("%s: %w", file, err)
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parseStream splits data into YAML documents, keeping their nodes.
func parseStream(name string, data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := decodeSafe(dec, &n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			e := &ynode.Error{File: name, Msg: err.Error()}
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
				e.Line, _ = strconv.Atoi(m[1])
				if e.Line > 0 {
					e.Column = 1
				}
				e.Msg = "invalid YAML: " + m[2]
			}
			return nil, ynode.ErrorList{e}
		}
		if ynode.Resolve(&n) == nil {
			continue // an empty document, as between two "---"
		}
		docs = append(docs, &n)
	}
	if len(docs) == 0 {
		return nil, ynode.ErrorList{{File: name, Msg: "empty file: expected a Scenario document (apiVersion: " + APIVersion + ", kind: Scenario)"}}
	}
	return docs, nil
}

// decodeSafe decodes one document, turning a panic of the YAML library
// into an error: no input may crash the loader.
func decodeSafe(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}
