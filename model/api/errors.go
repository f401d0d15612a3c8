package api

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/probesim/probesim/internal/ynode"
)

// Error is one problem in a manifest: its line and column, the path of the
// field in Kubernetes form and what is wrong. It is the project's shared
// document error, so the scenario loader can merge these with its own; its
// File is empty until the caller sets it (ErrorList.WithFile), and it
// prints as FILE:LINE:COL: PATH: MESSAGE.
type Error = ynode.Error

// ErrorList is every problem found in a manifest, in document order. It is
// the error that Decode, Load and Locate return.
type ErrorList = ynode.ErrorList

// fieldPath returns the text of p; the root (nil) is "".
func fieldPath(p *field.Path) ynode.Path {
	if p == nil {
		return ""
	}
	return ynode.Path(p.String())
}

// child returns the path of field name under p, p being nil for the root.
func child(p *field.Path, name string) *field.Path {
	if p == nil {
		return field.NewPath(name)
	}
	return p.Child(name)
}

// Locate gives each validation error the line and column, in doc, of the
// value its path names. When the value is absent from doc (a required field
// left out, a value the defaults filled in), the error takes the position
// of the nearest enclosing field that is present. The message is the API
// server's: "Invalid value: 2: must be 1".
func Locate(doc *yaml.Node, errs field.ErrorList) ErrorList {
	if len(errs) == 0 {
		return nil
	}
	out := make(ErrorList, 0, len(errs))
	for _, e := range errs {
		if e == nil {
			continue
		}
		n := locate(doc, e.Field)
		le := &Error{Path: ynode.Path(e.Field), Msg: e.ErrorBody() + suggestion(e)}
		if n != nil {
			le.Line, le.Column = n.Line, n.Column
		}
		out = append(out, le)
	}
	return out
}

// suggestion is " (did you mean "X"?)" for an unsupported value that is
// close to a supported one, and "" otherwise. The API server's message
// lists the supported values; the hint only picks the likely one.
func suggestion(e *field.Error) string {
	// Enum values are named string types (corev1.RestartPolicy).
	v := reflect.ValueOf(e.BadValue)
	if e.Type != field.ErrorTypeNotSupported || v.Kind() != reflect.String || v.String() == "" {
		return ""
	}
	bad := v.String()
	var values []string
	for _, m := range quoted.FindAllStringSubmatch(e.Detail, -1) {
		values = append(values, m[1])
	}
	if s, ok := ynode.Suggest(bad, values); ok {
		return " (did you mean " + strconv.Quote(s) + "?)"
	}
	return ""
}

// quoted matches the quoted values of a NotSupported error's detail.
var quoted = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

// locate returns the node that best marks path in doc: the value when it is
// a scalar, else the key that introduces it, else the nearest ancestor's
// key, else the document's root.
func locate(doc *yaml.Node, path string) *yaml.Node {
	cur := ynode.Resolve(doc)
	if cur == nil {
		return doc
	}
	mark := cur
	for _, seg := range splitPath(path) {
		var next, key *yaml.Node
		switch cur.Kind {
		case yaml.MappingNode:
			for _, kv := range mappingPairs(cur, nil, 0) {
				if kv.key.Value == seg {
					key, next = kv.key, ynode.Resolve(kv.val)
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(cur.Content) {
				next = ynode.Resolve(cur.Content[i])
				key = next
			}
		}
		if next == nil {
			return mark
		}
		cur = next
		mark = key
		if next.Kind == yaml.ScalarNode {
			mark = next
		}
	}
	return mark
}

// splitPath splits a field path as field.Path prints it
// ("spec.containers[0].env[FOO]") into its names, indexes and keys.
func splitPath(path string) []string {
	var out []string
	for len(path) > 0 {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(out, path[1:])
			}
			out = append(out, path[1:end])
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				return append(out, path)
			}
			out = append(out, path[:end])
			path = path[end:]
		}
	}
	return out
}
