package scenarios

import (
	"math"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/network"
)

// FuzzSetPath applies an arbitrary --set to a scenario with manifests. It
// must never panic; when it succeeds, the result must still encode as YAML.
func FuzzSetPath(f *testing.F) {
	src := head + "duration: 5m\n" + pod
	f.Fuzz(func(t *testing.T, set string) {
		docs, err := parseStream("f.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := ApplySet(docs, []string{set}); err != nil {
			if err.Error() == "" {
				t.Errorf("ApplySet(%q): an empty message", set)
			}
			return
		}
		for _, d := range docs {
			if _, err := yaml.Marshal(d); err != nil {
				t.Errorf("ApplySet(%q) left a document that does not encode: %v", set, err)
			}
		}
	})
}

// FuzzTrafficValues decodes arbitrary text as each traffic value: a rate,
// a time of day, a percentage, a quantity. None may panic; what is accepted
// must be in range.
func FuzzTrafficValues(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		var d ynode.Decoder
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Line: 1, Column: 1}
		if v := rate(&d, n, "rate"); len(d.Errors()) == 0 && (!(v > 0) || math.IsInf(v, 0)) {
			t.Errorf("rate(%q) = %v accepted", s, v)
		}
		if r, per, err := network.ParseRate(s); err == nil && (r <= 0 || per <= 0) {
			t.Errorf("ParseRate(%q) = %d per %v accepted", s, r, per)
		}
		if v, err := ParseTimeOfDay(s); err == nil {
			if v < 0 || v > 24*time.Hour {
				t.Errorf("ParseTimeOfDay(%q) = %v", s, v)
			}
			if back, _ := ParseTimeOfDay(strings.TrimSuffix(clockOf(v), ":00")); back != v && v != 24*time.Hour {
				t.Errorf("ParseTimeOfDay(%q) = %v, which reads back as %v", s, v, back)
			}
		}
		if v, err := ParsePercent(s); err == nil && (v != v || math.IsInf(v, 0)) {
			t.Errorf("ParsePercent(%q) = %v", s, v)
		}
		_ = quantity(&d, ynode.Entry{Value: n, Path: "cpu"})
		for _, e := range d.Errors() {
			if e.Msg == "" {
				t.Errorf("an empty message for %q", s)
			}
		}
	})
}
