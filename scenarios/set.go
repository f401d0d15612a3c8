package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
)

// ApplySet applies --set overrides to the documents of a scenario stream,
// in order, before they are decoded. Each override is PATH=VALUE:
//
//	duration=5m                          a field of the Scenario document
//	cluster.release=1.11
//	apps["nodejs-ex:*"].start=40s        keys that are not plain go in ["..."]
//	cluster.nodes[0].count=3             list items by index
//	deployment/web:spec.replicas=5       a field of the manifest KIND/NAME
//	deployment/web:containers[web].livenessProbe.periodSeconds=5
//
// In a manifest path, containers[...] and initContainers[...] at the start
// stand for the pod spec's lists (spec.containers of a Pod,
// spec.template.spec.containers of a workload), and an index that is not a
// number selects the list item whose name is that text. VALUE is YAML: 5,
// true, "1.11" (a string), {path: /healthz, port: 8080}. Missing mapping
// keys are created; an index one past the end appends.
//
// Errors are a ynode.ErrorList without positions; Load adds the file name.
func ApplySet(docs []*yaml.Node, sets []string) error {
	var errs ynode.ErrorList
	for _, s := range sets {
		if err := applyOne(docs, s); err != nil {
			errs = append(errs, &ynode.Error{Msg: fmt.Sprintf("--set %s: %v", s, err)})
		}
	}
	return errs.Err()
}

// segment is one step of a --set path.
type segment struct {
	key   string // a mapping key
	index int    // a list index, when isIndex
	name  string // a list item's name, when byName
	// isIndex and byName say which of the above is set.
	isIndex, byName bool
}

// String writes the segment as a path writes it.
func (s segment) String() string {
	switch {
	case s.isIndex:
		return "[" + strconv.Itoa(s.index) + "]"
	case s.byName:
		return "[" + s.name + "]"
	}
	return s.key
}

var refPrefix = regexp.MustCompile(`^([A-Za-z]+)/([^:\[\]"=]+):`)

func applyOne(docs []*yaml.Node, set string) error {
	if !utf8.ValidString(set) {
		return fmt.Errorf("expected text, got bytes that are not valid UTF-8")
	}
	lhs, value, ok := SplitSet(set)
	if !ok {
		return fmt.Errorf("expected PATH=VALUE, like duration=5m or deployment/web:spec.replicas=3")
	}
	root := ynode.Resolve(docs[0])
	var kind string
	if m := refPrefix.FindStringSubmatch(lhs); m != nil {
		ref, err := parseRef(m[1] + "/" + m[2])
		if err != nil {
			return err
		}
		lhs = lhs[len(m[0]):]
		root = nil
		var have []string
		for _, d := range docs[1:] {
			r := ynode.Resolve(d)
			k, _ := stringAt(r, "kind")
			n, _ := stringAt(child(r, "metadata"), "name")
			if k == ref.Kind && n == ref.Name {
				root = r
				break
			}
			have = append(have, strings.ToLower(k)+"/"+n)
		}
		if root == nil {
			if len(have) == 0 {
				return fmt.Errorf("no %s in the scenario: it has no manifests", ref)
			}
			return fmt.Errorf("no %s in the scenario; it has %s", ref, strings.Join(have, ", "))
		}
		kind = ref.Kind
	}
	segs, err := parsePath(lhs)
	if err != nil {
		return err
	}
	if kind != "" && (segs[0].key == "containers" || segs[0].key == "initContainers") && !segs[0].isIndex && !segs[0].byName {
		prefix := []segment{{key: "spec"}, {key: "template"}, {key: "spec"}}
		if kind == "Pod" {
			prefix = prefix[:1]
		}
		segs = append(prefix, segs...)
	}
	var v yaml.Node
	if err := yaml.Unmarshal([]byte(value), &v); err != nil {
		return fmt.Errorf("the value is not valid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	val := ynode.Resolve(&v)
	if val == nil || val.Kind == 0 { // an empty value: YAML's null

		val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return setAt(root, segs, val)
}

// SplitSet splits a --set argument, PATH=VALUE, at the first = outside
// brackets and quotes; ok is false when there is none or PATH is blank.
func SplitSet(s string) (string, string, bool) {
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' && depth > 0:
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '=' && depth == 0:
			if strings.TrimSpace(s[:i]) == "" {
				return "", "", false
			}
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// parsePath parses a.b[0]["c.d"][web].
func parsePath(s string) ([]segment, error) {
	var segs []segment
	i := 0
	for i < len(s) {
		switch s[i] {
		case '.':
			if i == 0 || i == len(s)-1 || s[i+1] == '.' || s[i+1] == '[' {
				return nil, fmt.Errorf("bad path %q: empty key at offset %d", s, i)
			}
			i++
		case '[':
			j := i + 1
			if j < len(s) && s[j] == '"' {
				k := j + 1
				for k < len(s) && s[k] != '"' {
					if s[k] == '\\' {
						k++
					}
					k++
				}
				if k+1 >= len(s) || s[k+1] != ']' {
					return nil, fmt.Errorf("bad path %q: unterminated [\"...\"]", s)
				}
				key, err := strconv.Unquote(s[j : k+1])
				if err != nil {
					return nil, fmt.Errorf("bad path %q: %v", s, err)
				}
				segs = append(segs, segment{key: key})
				i = k + 2
				continue
			}
			k := strings.IndexByte(s[j:], ']')
			if k <= 0 {
				return nil, fmt.Errorf("bad path %q: unterminated or empty [...]", s)
			}
			in := s[j : j+k]
			if n, err := strconv.Atoi(in); err == nil {
				if n < 0 {
					return nil, fmt.Errorf("bad path %q: negative index", s)
				}
				segs = append(segs, segment{index: n, isIndex: true})
			} else {
				segs = append(segs, segment{name: in, byName: true})
			}
			i = j + k + 1
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			segs = append(segs, segment{key: s[i:j]})
			i = j
		}
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("empty path")
	}
	return segs, nil
}

// setAt sets the value at segs under n, creating mappings on the way.
func setAt(n *yaml.Node, segs []segment, val *yaml.Node) error {
	done := ""
	for i, sg := range segs {
		last := i == len(segs)-1
		n = ynode.Resolve(n)
		where := done
		if where == "" {
			where = "the document"
		}
		switch {
		case sg.isIndex || sg.byName:
			if n == nil || n.Kind != yaml.SequenceNode {
				return fmt.Errorf("%s is %s, not a list", where, ynode.Describe(n))
			}
			idx := sg.index
			if sg.byName {
				idx = -1
				var names []string
				for j, it := range n.Content {
					name, _ := stringAt(it, "name")
					names = append(names, name)
					if name == sg.name {
						idx = j
					}
				}
				if idx < 0 {
					return fmt.Errorf("%s has no item named %q; it has %s", where, sg.name, strings.Join(names, ", "))
				}
			}
			if idx > len(n.Content) {
				return fmt.Errorf("%s has %d items; index %d is past the end", where, len(n.Content), idx)
			}
			if idx == len(n.Content) {
				n.Content = append(n.Content, newFor(segs, i+1, n))
			}
			if last {
				n.Content[idx] = withPos(val, n.Content[idx])
				return nil
			}
			n = n.Content[idx]
		default:
			if n == nil || n.Kind != yaml.MappingNode {
				return fmt.Errorf("%s is %s, not a mapping", where, ynode.Describe(n))
			}
			found := -1
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == sg.key {
					found = j + 1
				}
			}
			if found < 0 {
				k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: sg.key, Line: n.Line, Column: n.Column}
				n.Content = append(n.Content, k, newFor(segs, i+1, n))
				found = len(n.Content) - 1
			}
			if last {
				n.Content[found] = withPos(val, n.Content[found])
				return nil
			}
			n = n.Content[found]
		}
		if done == "" && !sg.isIndex && !sg.byName {
			done = sg.key
		} else {
			done += sg.sep() + sg.String()
		}
	}
	return nil
}

func (s segment) sep() string {
	if s.isIndex || s.byName {
		return ""
	}
	return "."
}

// newFor makes the empty node that segs[i] steps into.
func newFor(segs []segment, i int, parent *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: parent.Line, Column: parent.Column}
	if i < len(segs) && (segs[i].isIndex || segs[i].byName) {
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
	}
	return n
}

// withPos returns a copy of val positioned where old was, so that errors in
// an overridden value point at the field it replaced.
func withPos(val, old *yaml.Node) *yaml.Node {
	c := copyNode(val, 0)
	var place func(n *yaml.Node)
	place = func(n *yaml.Node) {
		n.Line, n.Column = old.Line, old.Column
		for _, x := range n.Content {
			place(x)
		}
	}
	place(c)
	return c
}

func copyNode(n *yaml.Node, depth int) *yaml.Node {
	if n == nil || depth > 100 {
		return nil
	}
	c := *n
	c.Content = nil
	for _, x := range n.Content {
		c.Content = append(c.Content, copyNode(x, depth+1))
	}
	return &c
}
