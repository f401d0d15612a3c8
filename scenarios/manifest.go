package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/internal/ynode"
)

// decodeManifest reads the identity of a Kubernetes or OpenShift document
// (apiVersion, kind, name, labels) and decodes it into its object type.
func (s *Scenario) decodeManifest(d *ynode.Decoder, root *yaml.Node, p ynode.Path) {
	m, ok := readManifest(d, root, p, false)
	if !ok {
		return
	}
	for _, o := range s.Manifests {
		if o.Kind == m.Kind && o.Name == m.Name && o.Namespace == m.Namespace {
			d.Errorf(root, p, "%s is defined twice (first in %s)", m.Ref(), o.Path)
			return
		}
	}
	s.Manifests = append(s.Manifests, m)
}

// readManifest reads a manifest's identity and decodes its object. A patch
// (the body of an apply action) may leave out apiVersion.
func readManifest(d *ynode.Decoder, root *yaml.Node, p ynode.Path, patch bool) (*Manifest, bool) {
	entries, ok := d.Mapping(root, p)
	if !ok {
		return nil, false
	}
	m := &Manifest{Node: root, Path: p}
	var meta *yaml.Node
	for _, e := range entries {
		switch e.Key {
		case "apiVersion":
			m.APIVersion, _ = d.String(e.Value, e.Path)
		case "kind":
			m.Kind, _ = d.String(e.Value, e.Path)
		case "metadata":
			meta = e.Value
		case "spec":
			m.TemplateLabels = nestedLabels(e.Value, "template", "metadata", "labels")
		}
	}
	before := len(d.Errors())
	if m.Kind == "" {
		d.Errorf(root, p, "missing kind: expected a Kubernetes manifest (Pod, Deployment, ReplicaSet, Service, DeploymentConfig, Route)")
	}
	if m.APIVersion == "" && !patch {
		d.Errorf(root, p, "missing apiVersion")
	}
	if meta == nil {
		d.Errorf(root, p, "missing metadata.name")
	} else {
		m.Name, _ = stringAt(meta, "name")
		m.Namespace, _ = stringAt(meta, "namespace")
		m.Labels = nestedLabels(meta, "labels")
		if m.Name == "" {
			d.Errorf(meta, p.Key("metadata"), "missing name")
		}
	}
	if len(d.Errors()) > before {
		return nil, false
	}
	obj, err := decodeObject(m)
	if err != nil {
		d.Errorf(root, p, "%s: %v", m.Ref(), err)
		return nil, false
	}
	m.Object = obj
	return m, true
}

// stringAt returns the string under key of mapping n.
func stringAt(n *yaml.Node, key string) (string, bool) {
	v := child(n, key)
	if ynode.IsScalar(v, "!!str") {
		return v.Value, true
	}
	return "", false
}

// child returns the value under key of mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	n = ynode.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return ynode.Resolve(n.Content[i+1])
		}
	}
	return nil
}

// nestedLabels returns the string map at keys under n, or nil.
func nestedLabels(n *yaml.Node, keys ...string) map[string]string {
	for _, k := range keys {
		n = child(n, k)
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = ynode.Resolve(n.Content[i+1]).Value
	}
	return out
}

// decodeObject decodes a manifest into its k8s.io/api type, rejecting
// unknown fields. Kinds that have no type here yet (DeploymentConfig,
// Route) are kept as nodes; Config reports them as unsupported.
//
// This is the stand-in for package model/api's decoder (strict, with
// positions, defaulting and validation), which the loader will hand
// manifests to once it exists.
func decodeObject(m *Manifest) (any, error) {
	var obj any
	switch m.Kind {
	case "Pod":
		obj = &corev1.Pod{}
	case "Deployment":
		obj = &appsv1.Deployment{}
	case "ReplicaSet":
		obj = &appsv1.ReplicaSet{}
	case "Service":
		obj = &corev1.Service{}
	case "DeploymentConfig", "Route":
		return nil, nil
	default:
		return nil, fmt.Errorf("kind %s is not one the simulator models: expected Pod, Deployment, ReplicaSet, Service, DeploymentConfig or Route", m.Kind)
	}
	var generic any
	if err := m.Node.Decode(&generic); err != nil {
		return nil, err
	}
	data, err := json.Marshal(jsonable(generic))
	if err != nil {
		return nil, fmt.Errorf("converting to JSON: %w", err)
	}
	m.Raw = data
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		defaultPodSpec(&o.Spec)
	case *appsv1.Deployment:
		defaultDeployment(&o.Spec)
		defaultPodSpec(&o.Spec.Template.Spec)
	case *appsv1.ReplicaSet:
		defaultPodSpec(&o.Spec.Template.Spec)
	}
	return obj, nil
}

// defaultDeployment applies SetDefaults_Deployment (pkg/apis/apps/v1
// defaults.go): one replica, RollingUpdate with 25% surge and 25%
// unavailable, 10 revisions of history, a 600 s progress deadline.
func defaultDeployment(s *appsv1.DeploymentSpec) {
	if s.Replicas == nil {
		one := int32(1)
		s.Replicas = &one
	}
	if s.Strategy.Type == "" {
		s.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if s.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType {
		if s.Strategy.RollingUpdate == nil {
			s.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{}
		}
		quarter := intstr.FromString("25%")
		if s.Strategy.RollingUpdate.MaxUnavailable == nil {
			u := quarter
			s.Strategy.RollingUpdate.MaxUnavailable = &u
		}
		if s.Strategy.RollingUpdate.MaxSurge == nil {
			m := quarter
			s.Strategy.RollingUpdate.MaxSurge = &m
		}
	}
	if s.RevisionHistoryLimit == nil {
		ten := int32(10)
		s.RevisionHistoryLimit = &ten
	}
	if s.ProgressDeadlineSeconds == nil {
		d := int32(600)
		s.ProgressDeadlineSeconds = &d
	}
}

// defaultPodSpec applies the API server's defaults (pkg/apis/core/v1
// defaults.go) to the fields the model reads, until model/api does it.
func defaultPodSpec(s *corev1.PodSpec) {
	if s.RestartPolicy == "" {
		s.RestartPolicy = corev1.RestartPolicyAlways
	}
	if s.TerminationGracePeriodSeconds == nil {
		g := int64(corev1.DefaultTerminationGracePeriodSeconds)
		s.TerminationGracePeriodSeconds = &g
	}
	for _, list := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range list {
			c := &list[i]
			for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
				if p == nil {
					continue
				}
				if p.TimeoutSeconds == 0 {
					p.TimeoutSeconds = 1
				}
				if p.PeriodSeconds == 0 {
					p.PeriodSeconds = 10
				}
				if p.SuccessThreshold == 0 {
					p.SuccessThreshold = 1
				}
				if p.FailureThreshold == 0 {
					p.FailureThreshold = 3
				}
				if g := p.HTTPGet; g != nil {
					if g.Path == "" {
						g.Path = "/"
					}
					if g.Scheme == "" {
						g.Scheme = corev1.URISchemeHTTP
					}
				}
			}
			if c.TerminationMessagePath == "" {
				c.TerminationMessagePath = corev1.TerminationMessagePathDefault
			}
			if c.TerminationMessagePolicy == "" {
				c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
			}
			if c.ImagePullPolicy == "" {
				c.ImagePullPolicy = corev1.PullIfNotPresent
				if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
					c.ImagePullPolicy = corev1.PullAlways
				}
			}
		}
	}
}

// jsonable turns what yaml.v3 decodes into something encoding/json takes:
// maps with non-string keys get string keys.
func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = jsonable(x)
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = jsonable(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = jsonable(x)
		}
		return v
	}
	return v
}
