package controller

import (
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"pgregory.net/rapid"
)

// TestHasLabelsIsSelectorFromSet checks the ReplicaSet status's label test
// against the selector calculateStatus builds
// (labels.SelectorFromSet(template labels).Matches), for any label sets.
func TestHasLabelsIsSelectorFromSet(t *testing.T) {
	key := rapid.SampledFrom([]string{"app", "tier", "pod-template-hash", ""})
	val := rapid.SampledFrom([]string{"web", "db", "", "x"})
	rapid.Check(t, func(t *rapid.T) {
		have := rapid.MapOf(key, val).Draw(t, "have")
		want := rapid.MapOf(key, val).Draw(t, "want")
		if rapid.Bool().Draw(t, "nilWant") {
			want = nil
		}
		if got, exp := hasLabels(have, want), labels.SelectorFromSet(want).Matches(labels.Set(have)); got != exp {
			t.Fatalf("hasLabels(%v, %v) = %t, SelectorFromSet says %t", have, want, got, exp)
		}
	})
}
