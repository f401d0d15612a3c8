package ynode

import (
	"testing"
	"time"
)

// FuzzParseDuration checks that the duration parser never panics, never
// accepts a negative duration, and reads back what time.Duration prints.
func FuzzParseDuration(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDuration(s)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("ParseDuration(%q): an empty message", s)
			}
			return
		}
		if v < 0 {
			t.Errorf("ParseDuration(%q) = %v, negative", s, v)
		}
		back, err := ParseDuration(time.Duration(v).String())
		if err != nil || back != v {
			t.Errorf("ParseDuration(%q) = %v, which reads back as %v, %v", s, v, back, err)
		}
	})
}

// FuzzSuggest checks that a suggestion is always one of the known words
// and that the distance is symmetric.
func FuzzSuggest(f *testing.F) {
	f.Fuzz(func(t *testing.T, word, a, b string) {
		known := []string{a, b, "livenessProbe", "readinessProbe"}
		if s, ok := Suggest(word, known); ok && !contains(known, s) {
			t.Errorf("Suggest(%q) = %q, not a known word", word, s)
		}
		if Distance(word, a) != Distance(a, word) {
			t.Errorf("Distance(%q, %q) is not symmetric", word, a)
		}
	})
}
