package quantity

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	"pgregory.net/rapid"
)

// TestHugeExponentsRejected pins the guard: inputs that make
// resource.ParseQuantity misread or never return (found by the scenarios'
// FuzzTrafficValues; kubernetes/kubernetes#139412) are errors.
func TestHugeExponentsRejected(t *testing.T) {
	for _, s := range []string{"44E4444444444444444", "2E6024865272343", "1e9223372036854775807", "1.5e-2147483647", "1e+10000", "-3E-00012345"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

// TestSameAsParseQuantity: wherever the exponent is short, Parse is
// resource.ParseQuantity, value and error alike.
func TestSameAsParseQuantity(t *testing.T) {
	for _, s := range []string{"128Mi", "500m", "1e3", "1E3", "2E", "2Ei", "1.5e-3", "+4", "-1", "0.1", "1e0009", "1e9999", "abc", "", "1e", "1e+", "3k"} {
		got, gerr := Parse(s)
		want, werr := resource.ParseQuantity(s)
		if (gerr == nil) != (werr == nil) || (gerr == nil && got.Cmp(want) != 0) {
			t.Errorf("Parse(%q) = %v, %v; ParseQuantity gives %v, %v", s, got.String(), gerr, want.String(), werr)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[+-]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,4}|[kMGTPE]i?|m|n|u)?`).Draw(t, "s")
		got, gerr := Parse(s)
		want, werr := resource.ParseQuantity(s)
		if (gerr == nil) != (werr == nil) || (gerr == nil && got.Cmp(want) != 0) {
			t.Fatalf("Parse(%q) = %v, %v; ParseQuantity gives %v, %v", s, got.String(), gerr, want.String(), werr)
		}
	})
}
