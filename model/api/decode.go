package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/probesim/probesim/internal/ynode"
)

// Limits that keep hostile documents cheap: aliases can make a small
// document stand for a huge tree, and nesting is bounded by the Go types
// except under free-form fields.
const (
	maxValues = 1 << 20 // values visited, aliases expanded
	maxDepth  = 64      // nesting below the document root
)

// Decode decodes one YAML document (as yaml.Unmarshal into a yaml.Node
// gives it, or its root mapping) into the typed object for its kind. It
// applies no defaults: see Default and Load.
//
// Decoding is strict, as the API server's strict field validation: an
// unknown or duplicated field, a value of the wrong type (a quoted number
// for an integer, a number for a string), a malformed quantity, time or
// base64 value, or an unsupported kind or apiVersion is an error. Every
// problem is reported, not only the first, as an ErrorList whose entries
// carry the line and column of the offending node. Merge keys (<<) and
// aliases are followed.
func Decode(doc *yaml.Node) (Object, error) {
	d := &decoder{budget: maxValues}
	obj := d.decode(doc)
	if len(d.errs) > 0 {
		d.errs.Sort()
		return nil, d.errs
	}
	return obj, nil
}

// decoder collects the problems found while walking one document.
type decoder struct {
	errs   ErrorList
	budget int  // values left to visit
	spent  bool // the budget ran out; stop walking
}

// errorf records a problem at node n (nil for no position) and path p.
func (d *decoder) errorf(n *yaml.Node, p *field.Path, format string, args ...any) {
	e := &Error{Path: fieldPath(p), Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// decode reads the document's kind and apiVersion, walks it against the
// kind's Go type and, if the walk found nothing wrong, decodes the JSON
// the walk produced into the object.
func (d *decoder) decode(doc *yaml.Node) Object {
	root := ynode.Resolve(doc)
	if root == nil {
		d.errorf(doc, nil, "empty document: expected a manifest with apiVersion and kind (%s)", kindList())
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, nil, "expected a manifest (a mapping with apiVersion and kind), got %s", ynode.Describe(root))
		return nil
	}
	var kindNode, versionNode *yaml.Node
	for _, kv := range mappingPairs(root, nil, 0) {
		switch kv.key.Value {
		case "kind":
			kindNode = ynode.Resolve(kv.val)
		case "apiVersion":
			versionNode = ynode.Resolve(kv.val)
		}
	}
	if kindNode == nil || kindNode.Kind != yaml.ScalarNode || kindNode.Value == "" {
		d.errorf(root, nil, "missing kind: expected one of %s", kindList())
		return nil
	}
	k, ok := kinds[kindNode.Value]
	if !ok {
		d.errorf(kindNode, field.NewPath("kind"), "unsupported kind %q: the simulator models %s", kindNode.Value, kindList())
		return nil
	}
	switch {
	case versionNode == nil || versionNode.Kind != yaml.ScalarNode || versionNode.Value == "":
		d.errorf(root, nil, "missing apiVersion: expected %s for %s", k.versions[0], kindNode.Value)
	case !slices.Contains(k.versions, versionNode.Value):
		d.errorf(versionNode, field.NewPath("apiVersion"), "apiVersion %q is not supported for %s: expected %s",
			versionNode.Value, kindNode.Value, strings.Join(k.versions, " or "))
	}
	obj := k.new()
	tree := d.value(root, reflect.TypeOf(obj).Elem(), nil, 0)
	if len(d.errs) > 0 {
		return nil
	}
	data, err := json.Marshal(tree)
	if err != nil {
		d.errorf(root, nil, "converting to JSON: %v", err)
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		// The walk checks everything encoding/json checks, so this is a
		// safety net; it names the field but cannot point at a line.
		var te *json.UnmarshalTypeError
		var p *field.Path
		if errors.As(err, &te) && te.Field != "" {
			p = field.NewPath(te.Field)
		}
		d.errorf(root, p, "%s", strings.TrimPrefix(err.Error(), "json: "))
		return nil
	}
	return obj
}
