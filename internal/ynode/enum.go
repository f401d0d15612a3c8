package ynode

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Enum decodes a string that must be one of values. A value that is not
// gets an error listing them, with the closest one when the value looks
// like a misspelling of it.
func (d *Decoder) Enum(n *yaml.Node, p Path, values ...string) (string, bool) {
	v, ok := d.String(n, p)
	if !ok {
		return "", false
	}
	if contains(values, v) {
		return v, true
	}
	d.Errorf(Resolve(n), p, "%s", Unexpected(v, values))
	return v, false
}

// Unexpected is the message for a value v that is not among values:
// `expected a, b or c, got "x" (did you mean "a"?)`.
func Unexpected(v string, values []string) string {
	msg := "expected " + OneOf(values) + ", got " + strconv.Quote(v)
	if s, ok := Suggest(v, values); ok {
		msg += " (did you mean " + strconv.Quote(s) + "?)"
	}
	return msg
}

// OneOf lists values as prose: "a", "a or b", "a, b or c".
func OneOf(values []string) string {
	switch len(values) {
	case 0:
		return "nothing"
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
