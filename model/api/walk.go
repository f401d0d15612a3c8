package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/probesim/probesim/internal/quantity"
	"github.com/probesim/probesim/internal/ynode"
)

var (
	unmarshalerType  = reflect.TypeFor[json.Unmarshaler]()
	intOrStringType  = reflect.TypeFor[intstr.IntOrString]()
	quantityType     = reflect.TypeFor[resource.Quantity]()
	jsonNumberSyntax = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

// value checks node n against Go type t and returns the JSON value (maps,
// slices, strings, json.Number, bools, nil) that encoding/json will decode
// into t. Problems are recorded with n's position; the returned value is
// then meaningless.
func (d *decoder) value(n *yaml.Node, t reflect.Type, p *field.Path, depth int) any {
	if !d.spend(n) {
		return nil
	}
	n = ynode.Resolve(n)
	if n == nil || isNull(n) {
		return nil
	}
	if depth > maxDepth {
		d.errorf(n, p, "nested more than %d levels deep", maxDepth)
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return d.custom(n, t, p, depth)
	}
	switch t.Kind() {
	case reflect.Struct:
		return d.object(n, t, p, depth)
	case reflect.Map:
		return d.dict(n, t, p, depth)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return d.bytes(n, p)
		}
		return d.list(n, t, p, depth)
	case reflect.Interface:
		return d.generic(n, p, depth)
	case reflect.String:
		return d.str(n, p)
	case reflect.Bool:
		return d.boolean(n, p)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return d.integer(n, p, t.Bits(), true)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.integer(n, p, t.Bits(), false)
	case reflect.Float32, reflect.Float64:
		return d.number(n, p)
	}
	d.errorf(n, p, "cannot decode a value of Go type %s", t)
	return nil
}

// spend counts one visited value and reports whether the walk may go on.
func (d *decoder) spend(n *yaml.Node) bool {
	if d.spent {
		return false
	}
	d.budget--
	if d.budget < 0 {
		d.spent = true
		d.errorf(n, nil, "document too large: more than %d values once aliases are expanded", maxValues)
		return false
	}
	return true
}

// typeError records that n is not the kind of value expected.
func (d *decoder) typeError(n *yaml.Node, p *field.Path, expected string) {
	hint := ""
	if expected == "a string" && n.Kind == yaml.ScalarNode {
		hint = fmt.Sprintf(" (quote it: %q)", n.Value)
	}
	d.errorf(n, p, "expected %s, got %s%s", expected, ynode.Describe(n), hint)
}

// object checks a mapping against struct type t, field by field.
func (d *decoder) object(n *yaml.Node, t reflect.Type, p *field.Path, depth int) any {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, p, "a mapping")
		return nil
	}
	fs := fieldsOf(t)
	out := make(map[string]any)
	seen := make(map[string]*yaml.Node)
	for _, kv := range mappingPairs(n, d, depth) {
		k := ynode.Resolve(kv.key)
		if k == nil || k.Kind != yaml.ScalarNode {
			d.errorf(kv.key, p, "expected a field name, got %s", ynode.Describe(kv.key))
			continue
		}
		name := k.Value
		if first, dup := seen[name]; dup {
			d.errorf(k, p, "duplicate field %q (first at line %d)", name, first.Line)
			continue
		}
		seen[name] = k
		ft, ok := fs.types[name]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", name)
			if s, ok := ynode.Suggest(name, fs.names); ok {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			d.errorf(k, p, "%s", msg)
			continue
		}
		out[name] = d.value(kv.val, ft, child(p, name), depth+1)
	}
	return out
}

// dict checks a mapping against map type t; keys are taken as text, as
// kubectl turns YAML keys into JSON object keys.
func (d *decoder) dict(n *yaml.Node, t reflect.Type, p *field.Path, depth int) any {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, p, "a mapping")
		return nil
	}
	if t.Key().Kind() != reflect.String {
		d.errorf(n, p, "cannot decode a map with %s keys", t.Key())
		return nil
	}
	out := make(map[string]any)
	seen := make(map[string]*yaml.Node)
	for _, kv := range mappingPairs(n, d, depth) {
		k := ynode.Resolve(kv.key)
		if k == nil || k.Kind != yaml.ScalarNode {
			d.errorf(kv.key, p, "expected a key, got %s", ynode.Describe(kv.key))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, p, "duplicate key %q (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		out[k.Value] = d.value(kv.val, t.Elem(), p.Key(k.Value), depth+1)
	}
	return out
}

// list checks a sequence against slice type t.
func (d *decoder) list(n *yaml.Node, t reflect.Type, p *field.Path, depth int) any {
	if n.Kind != yaml.SequenceNode {
		d.typeError(n, p, "a list")
		return nil
	}
	out := make([]any, 0, len(n.Content))
	for i, item := range n.Content {
		var ip *field.Path
		if p != nil {
			ip = p.Index(i)
		}
		out = append(out, d.value(item, t.Elem(), ip, depth+1))
	}
	return out
}

// str accepts a string; timestamps and binary scalars are strings too.
func (d *decoder) str(n *yaml.Node, p *field.Path) any {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str", "!!timestamp", "!!binary":
			return n.Value
		}
	}
	d.typeError(n, p, "a string")
	return nil
}

// boolean accepts true and false, and the YAML 1.1 words (yes, on, ...)
// that kubectl's YAML reader also takes for booleans.
func (d *decoder) boolean(n *yaml.Node, p *field.Path) any {
	if n.Kind == yaml.ScalarNode {
		if n.ShortTag() == "!!bool" {
			var b bool
			if n.Decode(&b) == nil {
				return b
			}
		}
		if n.ShortTag() == "!!str" && n.Style == 0 {
			switch n.Value {
			case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON":
				return true
			case "n", "N", "no", "No", "NO", "off", "Off", "OFF":
				return false
			}
		}
	}
	d.typeError(n, p, "true or false")
	return nil
}

// integer accepts an integer that fits the Go type, or a float with no
// fractional part (kubectl writes 10.0 as 10 in JSON).
func (d *decoder) integer(n *yaml.Node, p *field.Path, bits int, signed bool) any {
	if n.Kind != yaml.ScalarNode {
		d.typeError(n, p, "an integer")
		return nil
	}
	var v float64
	switch n.ShortTag() {
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			if signed && (bits == 64 || (i >= -1<<(bits-1) && i < 1<<(bits-1))) {
				return json.Number(strconv.FormatInt(i, 10))
			}
			if !signed && i >= 0 && (bits == 64 || i < 1<<bits) {
				return json.Number(strconv.FormatInt(i, 10))
			}
		} else if !signed && bits == 64 {
			var u uint64
			if n.Decode(&u) == nil {
				return json.Number(strconv.FormatUint(u, 10))
			}
		}
		d.errorf(n, p, "the number %s is out of range for a %d-bit integer", n.Value, bits)
		return nil
	case "!!float":
		if err := n.Decode(&v); err != nil || v != math.Trunc(v) || math.IsInf(v, 0) {
			d.typeError(n, p, "an integer")
			return nil
		}
		lo, hi := -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)
		if !signed {
			lo, hi = 0, math.Ldexp(1, bits)
		}
		if v < lo || v >= hi {
			d.errorf(n, p, "the number %s is out of range for a %d-bit integer", n.Value, bits)
			return nil
		}
		return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
	}
	d.typeError(n, p, "an integer")
	return nil
}

// number accepts any finite number.
func (d *decoder) number(n *yaml.Node, p *field.Path) any {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int", "!!float":
			if v, ok := jsonNumber(n); ok {
				return v
			}
		}
	}
	d.typeError(n, p, "a number")
	return nil
}

// jsonNumber returns the number n holds as JSON, keeping its text when it
// is already valid JSON (so 0.5 stays 0.5). It fails for infinities, NaN
// and integers too large for any Go type.
func jsonNumber(n *yaml.Node) (json.Number, bool) {
	if jsonNumberSyntax.MatchString(n.Value) {
		return json.Number(n.Value), true
	}
	var f float64
	if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
}

// bytes accepts base64 text, as encoding/json decodes []byte.
func (d *decoder) bytes(n *yaml.Node, p *field.Path) any {
	s, ok := d.str(n, p).(string)
	if !ok {
		return nil
	}
	if _, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), "")); err != nil {
		d.errorf(n, p, "invalid base64 data: %v", err)
		return nil
	}
	return strings.Join(strings.Fields(s), "")
}

// custom handles a type with its own JSON decoding (IntOrString,
// resource.Quantity, metav1.Time, ...): the node is converted as is and
// decoded on its own, so a malformed value is reported at its node.
func (d *decoder) custom(n *yaml.Node, t reflect.Type, p *field.Path, depth int) any {
	if t == intOrStringType {
		if n.Kind == yaml.ScalarNode {
			switch n.ShortTag() {
			case "!!int":
				return d.integer(n, p, 32, true)
			case "!!str":
				return n.Value
			}
		}
		d.typeError(n, p, "an integer or a string")
		return nil
	}
	if t == quantityType && n.Kind == yaml.ScalarNode {
		if err := quantity.CheckExponent(n.Value); err != nil {
			d.errorf(n, p, "invalid value %s: %v", strconv.Quote(n.Value), err)
			return nil
		}
	}
	before := len(d.errs)
	v := d.generic(n, p, depth)
	if len(d.errs) > before {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		d.errorf(n, p, "converting to JSON: %v", err)
		return nil
	}
	target, ok := reflect.New(t).Interface().(json.Unmarshaler)
	if !ok {
		return v
	}
	if err := target.UnmarshalJSON(data); err != nil {
		shown := ynode.Describe(n)
		if n.Kind == yaml.ScalarNode {
			shown = strconv.Quote(n.Value)
		}
		d.errorf(n, p, "invalid value %s: %s", shown, strings.TrimPrefix(err.Error(), "json: "))
		return nil
	}
	return v
}

// generic converts a free-form value (a field of type any, or the input of
// a custom decoder) to JSON, as kubectl does: keys become text.
func (d *decoder) generic(n *yaml.Node, p *field.Path, depth int) any {
	if !d.spend(n) {
		return nil
	}
	n = ynode.Resolve(n)
	if n == nil || isNull(n) {
		return nil
	}
	if depth > maxDepth {
		d.errorf(n, p, "nested more than %d levels deep", maxDepth)
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := make(map[string]any)
		for _, kv := range mappingPairs(n, d, depth) {
			k := ynode.Resolve(kv.key)
			if k == nil || k.Kind != yaml.ScalarNode {
				d.errorf(kv.key, p, "expected a key, got %s", ynode.Describe(kv.key))
				continue
			}
			out[k.Value] = d.generic(kv.val, p.Key(k.Value), depth+1)
		}
		return out
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			var ip *field.Path
			if p != nil {
				ip = p.Index(i)
			}
			out = append(out, d.generic(item, ip, depth+1))
		}
		return out
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!bool":
			return d.boolean(n, p)
		case "!!int", "!!float":
			return d.number(n, p)
		case "!!str", "!!timestamp", "!!binary":
			return n.Value
		}
		d.errorf(n, p, "unsupported YAML tag %s", n.ShortTag())
		return nil
	}
	d.errorf(n, p, "unexpected YAML node")
	return nil
}
