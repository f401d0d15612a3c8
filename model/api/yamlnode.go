package api

import (
	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/probesim/probesim/internal/ynode"
)

// isNull reports whether n is a YAML null (null, ~ or nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// pair is one entry of a mapping.
type pair struct{ key, val *yaml.Node }

// mappingPairs returns the entries of mapping n with merge keys (<<)
// expanded: an explicit key wins over a merged one, and among merged
// mappings the earlier wins, as YAML's merge type says. A malformed merge
// is reported to d when d is not nil.
func mappingPairs(n *yaml.Node, d *decoder, depth int) []pair {
	var out, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, mergePairs(v, d, depth+1)...)
			continue
		}
		out = append(out, pair{k, v})
	}
	if len(merged) == 0 {
		return out
	}
	have := make(map[string]bool, len(out))
	for _, kv := range out {
		have[kv.key.Value] = true
	}
	for _, kv := range merged {
		if !have[kv.key.Value] {
			have[kv.key.Value] = true
			out = append(out, kv)
		}
	}
	return out
}

// mergePairs returns the entries a merge key's value contributes: those of
// a mapping, or of each mapping in a list.
func mergePairs(v *yaml.Node, d *decoder, depth int) []pair {
	v = ynode.Resolve(v)
	if v == nil || depth > maxDepth {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return mappingPairs(v, d, depth)
	case yaml.SequenceNode:
		var out []pair
		for _, item := range v.Content {
			if m := ynode.Resolve(item); m != nil && m.Kind == yaml.MappingNode {
				out = append(out, mappingPairs(m, d, depth+1)...)
			} else if d != nil {
				d.errorf(item, (*field.Path)(nil), "a merge key (<<) takes a mapping or a list of mappings")
			}
		}
		return out
	}
	if d != nil {
		d.errorf(v, nil, "a merge key (<<) takes a mapping or a list of mappings")
	}
	return nil
}
