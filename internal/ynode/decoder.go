package ynode

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decoder collects the problems found while walking a document. The zero
// value is ready to use. A Decoder never panics on any node, including nil.
type Decoder struct {
	errs ErrorList
}

// Errorf records a problem with node n (which gives the line and column;
// nil for none) at path p.
func (d *Decoder) Errorf(n *yaml.Node, p Path, format string, args ...any) {
	e := &Error{Path: p, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// Add records errors found by another decoder or helper.
func (d *Decoder) Add(l ErrorList) { d.errs = append(d.errs, l...) }

// Errors returns the problems recorded so far.
func (d *Decoder) Errors() ErrorList { return d.errs }

// Err returns the problems recorded so far as an ErrorList, or nil if there
// are none.
func (d *Decoder) Err() error { return d.errs.Err() }

// Resolve returns the node that n stands for: the content of a document
// node, the target of an alias. It returns nil for nil, an empty document,
// or a chain of more than 100 aliases and documents.
func Resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && depth < 100; depth++ {
		switch {
		case n.Kind == yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

// Describe names what n is, for messages: "a mapping", "a list",
// "a string "abc"", "the number 3.5", "true", "null".
func Describe(n *yaml.Node) string {
	n = Resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!bool":
			return n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!str":
			return "the string " + strconv.Quote(n.Value)
		default:
			return n.ShortTag() + " " + strconv.Quote(n.Value)
		}
	}
	return "an unexpected node"
}

// Entry is one key and value of a mapping.
type Entry struct {
	Key     string     // the key's text
	KeyNode *yaml.Node // the key, for positions
	Value   *yaml.Node // the value, resolved (see Resolve)
	Path    Path       // the value's path
}

// Mapping returns the entries of the mapping n at p, in document order. It
// reports a node that is not a mapping, a key that is not a scalar, a
// duplicate key and a merge key (<<, not supported); the entries it
// returns are those with scalar, unique keys. ok is false if n is not a
// mapping.
func (d *Decoder) Mapping(n *yaml.Node, p Path) (entries []Entry, ok bool) {
	return d.mapping(n, p, nil)
}

// Fields is Mapping for a mapping whose keys must be among known. An
// unknown key is reported, with a suggestion when one is close, and left
// out of the result.
func (d *Decoder) Fields(n *yaml.Node, p Path, known ...string) (entries []Entry, ok bool) {
	if known == nil {
		known = []string{}
	}
	return d.mapping(n, p, known)
}

// mapping is Mapping, and Fields when known is not nil.
func (d *Decoder) mapping(n *yaml.Node, p Path, known []string) (entries []Entry, ok bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		d.Errorf(n, p, "expected a mapping, got %s", Describe(n))
		return nil, false
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Resolve(n.Content[i]), n.Content[i+1]
		switch {
		case k == nil || k.Kind != yaml.ScalarNode:
			d.Errorf(n.Content[i], p, "expected a plain key, got %s", Describe(k))
			continue
		case k.ShortTag() == "!!merge":
			d.Errorf(k, p, "merge keys (<<) are not supported; write the fields out")
			continue
		case seen[k.Value]:
			d.Errorf(k, p.Key(k.Value), "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		e := Entry{Key: k.Value, KeyNode: k, Value: Resolve(v), Path: p.Key(k.Value)}
		if known != nil && !contains(known, e.Key) {
			if s, ok := Suggest(e.Key, known); ok {
				d.Errorf(k, e.Path, "unknown field %q (did you mean %q?)", e.Key, s)
			} else {
				d.Errorf(k, e.Path, "unknown field %q; expected one of: %s", e.Key, strings.Join(known, ", "))
			}
			continue
		}
		entries = append(entries, e)
	}
	return entries, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Sequence returns the items of the list n at p, resolved. ok is false if n
// is not a list.
func (d *Decoder) Sequence(n *yaml.Node, p Path) (items []*yaml.Node, ok bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		d.Errorf(n, p, "expected a list, got %s", Describe(n))
		return nil, false
	}
	items = make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = Resolve(c)
	}
	return items, true
}

// IsScalar reports whether n is a scalar whose tag is tag ("!!int",
// "!!str", ...).
func IsScalar(n *yaml.Node, tag string) bool {
	n = Resolve(n)
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == tag
}

// String decodes a string. Numbers and booleans are not strings: quote them.
func (d *Decoder) String(n *yaml.Node, p Path) (string, bool) {
	n = Resolve(n)
	if !IsScalar(n, "!!str") {
		d.Errorf(n, p, "expected a string, got %s", Describe(n))
		return "", false
	}
	return n.Value, true
}

// Int decodes an integer (decimal, 0x hexadecimal, 0o octal) that fits an
// int.
func (d *Decoder) Int(n *yaml.Node, p Path) (int, bool) {
	n = Resolve(n)
	if !IsScalar(n, "!!int") {
		d.Errorf(n, p, "expected an integer, got %s", Describe(n))
		return 0, false
	}
	var v int
	if err := n.Decode(&v); err != nil {
		d.Errorf(n, p, "expected an integer, got %s (out of range)", Describe(n))
		return 0, false
	}
	return v, true
}

// IntRange decodes an integer and checks that lo <= v <= hi.
func (d *Decoder) IntRange(n *yaml.Node, p Path, lo, hi int) (int, bool) {
	v, ok := d.Int(n, p)
	if ok && (v < lo || v > hi) {
		d.Errorf(Resolve(n), p, "expected an integer from %d to %d, got %d", lo, hi, v)
		return 0, false
	}
	return v, ok
}

// Float decodes a number, integer or not. Infinities and NaN are rejected.
func (d *Decoder) Float(n *yaml.Node, p Path) (float64, bool) {
	n = Resolve(n)
	if !IsScalar(n, "!!int") && !IsScalar(n, "!!float") {
		d.Errorf(n, p, "expected a number, got %s", Describe(n))
		return 0, false
	}
	var v float64
	if err := n.Decode(&v); err != nil || v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308 {
		d.Errorf(n, p, "expected a finite number, got %s", Describe(n))
		return 0, false
	}
	return v, true
}

// Bool decodes true or false (YAML 1.2: yes, no, on and off are strings).
func (d *Decoder) Bool(n *yaml.Node, p Path) (bool, bool) {
	n = Resolve(n)
	if !IsScalar(n, "!!bool") {
		d.Errorf(n, p, "expected true or false, got %s", Describe(n))
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	d.Errorf(n, p, "expected true or false, got %s", Describe(n))
	return false, false
}
