package scenarios

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/api"
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
	var generic any
	if err := root.Decode(&generic); err != nil {
		d.Errorf(root, p, "%s: %v", m.Ref(), err)
		return nil, false
	}
	raw, err := json.Marshal(jsonable(generic))
	if err != nil {
		d.Errorf(root, p, "%s: converting to JSON: %v", m.Ref(), err)
		return nil, false
	}
	m.Raw = raw
	// A document is what the API server would store: decoded strictly,
	// defaulted and validated. An apply action's body is a patch: decoded
	// strictly, but neither defaulted nor validated until it is merged.
	load := api.Load
	if patch {
		load = api.Decode
		if v, ok := api.APIVersion(m.Kind); ok && m.APIVersion == "" {
			// A patch may leave apiVersion out; decode it as the kind's
			// current version.
			root = withAPIVersion(root, v)
		}
	}
	obj, err := load(root)
	if err != nil {
		for _, e := range ynode.AsList(err) {
			e.Path = ynode.Path(strings.TrimSpace(m.Ref() + " " + string(e.Path)))
			d.Add(ynode.ErrorList{e})
		}
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

// withAPIVersion returns a copy of mapping n with apiVersion v added.
func withAPIVersion(n *yaml.Node, v string) *yaml.Node {
	c := *ynode.Resolve(n)
	c.Content = append([]*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "apiVersion", Line: c.Line, Column: c.Column},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: c.Line, Column: c.Column},
	}, c.Content...)
	return &c
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
