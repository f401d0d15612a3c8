package scenarios

import (
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	qty "github.com/probesim/probesim/internal/quantity"
	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/version"
)

// decode fills s from the documents of a stream, recording problems in d.
// The documents of manifest files come last in docs; from says where each
// came from.
func (s *Scenario) decode(d *ynode.Decoder, docs []*yaml.Node, from []includedDoc) {
	root := ynode.Resolve(docs[0])
	if !s.isScenarioDoc(root) {
		d.Errorf(root, "", "the first document must be the Scenario (apiVersion: %s, kind: Scenario), got %s", APIVersion, docKind(root))
	} else {
		s.decodeScenario(d, root)
	}
	own := len(docs) - len(from)
	for i, doc := range docs[1:own] {
		s.decodeManifest(d, ynode.Resolve(doc), ynode.Path("").Key("documents").Index(i+1))
	}
	for i, doc := range docs[own:] {
		var fd ynode.Decoder
		s.decodeManifest(&fd, ynode.Resolve(doc), from[i].path)
		d.Add(fd.Errors().WithFile(from[i].file))
	}
}

// docKind describes a document by its kind, for messages.
func docKind(n *yaml.Node) string {
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "kind" && ynode.IsScalar(n.Content[i+1], "!!str") {
				return "kind " + strconv.Quote(n.Content[i+1].Value)
			}
		}
		return "a mapping without kind"
	}
	return ynode.Describe(n)
}

func (s *Scenario) isScenarioDoc(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "kind" {
			return n.Content[i+1].Value == "Scenario"
		}
	}
	return false
}

func (s *Scenario) decodeScenario(d *ynode.Decoder, root *yaml.Node) {
	entries, _ := d.Fields(root, "", "apiVersion", "kind", "metadata", "description", "seed", "duration",
		"cluster", "apps", "actions", "traffic", "expect", "manifests")
	sawAPIVersion := false
	for _, e := range entries {
		switch e.Key {
		case "apiVersion":
			sawAPIVersion = true
			if v, ok := d.String(e.Value, e.Path); ok && v != APIVersion {
				d.Errorf(e.Value, e.Path, "expected %q, got %q", APIVersion, v)
			}
		case "kind":
		case "metadata":
			for _, m := range fields(d, e, "name") {
				s.Name, _ = d.String(m.Value, m.Path)
			}
		case "description":
			s.Description, _ = d.String(e.Value, e.Path)
		case "seed":
			if ynode.IsScalar(e.Value, "!!int") {
				var v uint64
				if err := e.Value.Decode(&v); err == nil {
					s.Seed = &v
					continue
				}
			}
			d.Errorf(e.Value, e.Path, "expected a non-negative integer seed, got %s", ynode.Describe(e.Value))
		case "duration":
			if v, ok := d.Duration(e.Value, e.Path); ok {
				if v == 0 {
					d.Errorf(e.Value, e.Path, "expected a positive duration, got 0")
				} else {
					s.Duration = &v
				}
			}
		case "cluster":
			s.decodeCluster(d, e)
		case "apps":
			s.Apps = e.Value
			cat, err := app.Decode(e.Value)
			if err != nil {
				d.Add(ynode.AsList(err))
			} else {
				s.Catalog = cat
			}
		case "actions":
			items, _ := d.Sequence(e.Value, e.Path)
			for i, it := range items {
				if a, ok := decodeAction(d, it, e.Path.Index(i)); ok {
					s.Actions = append(s.Actions, a)
				}
			}
		case "traffic":
			items, _ := d.Sequence(e.Value, e.Path)
			for i, it := range items {
				if t, ok := decodeTraffic(d, it, e.Path.Index(i)); ok {
					s.Traffic = append(s.Traffic, t)
				}
			}
		case "expect":
			items, _ := d.Sequence(e.Value, e.Path)
			for i, it := range items {
				if x, ok := decodeExpectation(d, it, e.Path.Index(i)); ok {
					s.Expect = append(s.Expect, x)
				}
			}
		}
	}
	if !sawAPIVersion {
		d.Errorf(root, "", "missing apiVersion: expected apiVersion: %s", APIVersion)
	}
	s.linkBudgets(d)
}

// linkBudgets gives each budgetSpent expectation its target's SLO, which
// its traffic entry states.
func (s *Scenario) linkBudgets(d *ynode.Decoder) {
	for i := range s.Expect {
		x := &s.Expect[i]
		if x.BudgetSpent == nil {
			continue
		}
		for _, t := range s.Traffic {
			if t.Target.String() == x.Name && t.SLO != nil {
				x.SLO = t.SLO
				break
			}
		}
		if x.SLO == nil {
			d.Add(ynode.ErrorList{{Line: x.Pos.Line, Column: x.Pos.Column, Path: x.Pos.Path.Key("budgetSpent"),
				Msg: "no traffic entry gives " + x.Name + " an slo: add slo: {availability: 99.9%} to its traffic"}})
		}
	}
}

// fields decodes the mapping of an entry with known keys.
func fields(d *ynode.Decoder, e ynode.Entry, known ...string) []ynode.Entry {
	es, _ := d.Fields(e.Value, e.Path, known...)
	return es
}

func (s *Scenario) decodeCluster(d *ynode.Decoder, e ynode.Entry) {
	for _, f := range fields(d, e, "release", "featureGates", "kubelet", "nodes") {
		switch f.Key {
		case "release":
			// A release written without quotes is a YAML number: 1.11 is
			// meant as "1.11", and the text keeps the trailing zero of 1.20.
			if ynode.IsScalar(f.Value, "!!str") || ynode.IsScalar(f.Value, "!!float") || ynode.IsScalar(f.Value, "!!int") {
				s.Cluster.Release = f.Value.Value
				s.Cluster.ReleasePos = posOf(f.Value, f.Path)
				if _, err := version.Lookup(f.Value.Value); err != nil {
					msg := ynode.Unexpected(f.Value.Value, version.Names())
					d.Errorf(f.Value, f.Path, "unknown release: %s", msg)
				}
			} else {
				d.Errorf(f.Value, f.Path, "expected a release like \"1.35\", got %s", ynode.Describe(f.Value))
			}
		case "featureGates":
			gates, _ := d.Mapping(f.Value, f.Path)
			for _, g := range gates {
				if v, ok := d.Bool(g.Value, g.Path); ok {
					if s.Cluster.FeatureGates == nil {
						s.Cluster.FeatureGates = map[string]bool{}
						s.Cluster.GatePos = map[string]Pos{}
					}
					s.Cluster.FeatureGates[g.Key] = v
					s.Cluster.GatePos[g.Key] = posOf(g.KeyNode, g.Path)
					if !contains(version.GateNames(), g.Key) {
						d.Errorf(g.KeyNode, g.Path, "unknown feature gate: %s", ynode.Unexpected(g.Key, version.GateNames()))
					}
				}
			}
		case "kubelet":
			for _, k := range fields(d, f, "maxContainerRestartPeriod", "serializeImagePulls", "maxParallelImagePulls") {
				switch k.Key {
				case "maxContainerRestartPeriod":
					if v, ok := d.Duration(k.Value, k.Path); ok {
						if v < time.Second {
							d.Errorf(k.Value, k.Path, "expected a duration of at least 1s, got %s", v)
						} else {
							s.Cluster.MaxContainerRestartPeriod = &v
						}
					}
				case "serializeImagePulls":
					if v, ok := d.Bool(k.Value, k.Path); ok {
						s.Cluster.SerializeImagePulls = &v
					}
				case "maxParallelImagePulls":
					s.Cluster.MaxParallelImagePulls, _ = d.IntRange(k.Value, k.Path, 1, 1000)
				}
			}
			// The kubelet's validation (apis/config/validation): parallel
			// pulls need serializeImagePulls false.
			if sp := s.Cluster.SerializeImagePulls; sp != nil && *sp && s.Cluster.MaxParallelImagePulls > 1 {
				d.Errorf(f.Value, f.Path, "maxParallelImagePulls %d must be 1 or unset when serializeImagePulls is true", s.Cluster.MaxParallelImagePulls)
			}
		case "nodes":
			items, _ := d.Sequence(f.Value, f.Path)
			names := map[string]bool{}
			for i, it := range items {
				p := f.Path.Index(i)
				g := NodeGroup{Count: 1, Pos: posOf(it, p)}
				es, _ := d.Fields(it, p, "name", "count", "cpu", "memory", "pods", "pullSlowdown")
				for _, n := range es {
					switch n.Key {
					case "name":
						g.Name, _ = d.String(n.Value, n.Path)
					case "count":
						g.Count, _ = d.IntRange(n.Value, n.Path, 1, 10000)
					case "cpu":
						g.CPU = quantity(d, n)
					case "memory":
						g.Memory = quantity(d, n)
					case "pods":
						g.Pods, _ = d.IntRange(n.Value, n.Path, 1, 10000)
					case "pullSlowdown":
						if v, ok := d.Float(n.Value, n.Path); ok {
							if v <= 0 || v > 1000 {
								d.Errorf(n.Value, n.Path, "expected a factor above 0 and at most 1000, like 3 for pulls three times slower, got %v", v)
							} else {
								g.PullSlowdown = v
							}
						}
					}
				}
				if g.Name == "" {
					d.Errorf(it, p, "missing name: every node group needs one")
				} else if names[g.Name] {
					d.Errorf(child(it, "name"), p.Key("name"), "duplicate node group %q", g.Name)
				}
				names[g.Name] = true
				s.Cluster.Nodes = append(s.Cluster.Nodes, g)
			}
		}
	}
}

// quantity decodes a Kubernetes resource quantity ("4", 500m, 8Gi).
func quantity(d *ynode.Decoder, e ynode.Entry) string {
	v := e.Value
	if !(ynode.IsScalar(v, "!!str") || ynode.IsScalar(v, "!!int") || ynode.IsScalar(v, "!!float")) {
		d.Errorf(v, e.Path, "expected a quantity like \"4\", 500m or 8Gi, got %s", ynode.Describe(v))
		return ""
	}
	if _, err := qty.Parse(v.Value); err != nil {
		d.Errorf(v, e.Path, "expected a quantity like \"4\", 500m or 8Gi, got %q", v.Value)
		return ""
	}
	return v.Value
}

// duration decodes a duration field that must be positive.
func positiveDuration(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (time.Duration, bool) {
	v, ok := d.Duration(n, p)
	if ok && v <= 0 {
		d.Errorf(n, p, "expected a positive duration, got 0")
		return 0, false
	}
	return v, ok
}
