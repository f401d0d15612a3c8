package ynode

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration decodes a non-negative duration in Go and Kubernetes form:
// "1.5s", "2m30s", "100ms", "1h". The bare number 0 is accepted; any other
// number needs a unit.
func (d *Decoder) Duration(n *yaml.Node, p Path) (time.Duration, bool) {
	n = Resolve(n)
	if IsScalar(n, "!!int") && n.Value == "0" {
		return 0, true
	}
	if !IsScalar(n, "!!str") {
		hint := ""
		if IsScalar(n, "!!int") || IsScalar(n, "!!float") {
			hint = " (a duration needs a unit: " + n.Value + "s?)"
		}
		d.Errorf(n, p, "expected a duration like \"1.5s\" or \"2m30s\", got %s%s", Describe(n), hint)
		return 0, false
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		d.Errorf(n, p, "expected a duration like \"1.5s\" or \"2m30s\", got %s: %s", Describe(n), err)
		return 0, false
	}
	return v, true
}

// ParseDuration parses a non-negative duration as time.ParseDuration does,
// with messages that do not repeat the input.
func ParseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		msg := err.Error()
		// time.ParseDuration says `time: invalid duration "x"`; keep the why.
		msg = strings.TrimPrefix(msg, "time: ")
		if i := strings.Index(msg, " in duration"); i >= 0 {
			msg = msg[:i]
		} else if i := strings.Index(msg, ` "`); i >= 0 {
			msg = msg[:i]
		}
		return 0, durationError(msg)
	}
	if v < 0 {
		return 0, durationError("negative")
	}
	return v, nil
}

type durationError string

func (e durationError) Error() string { return string(e) }
