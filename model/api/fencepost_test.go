package api

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestResolveFenceposts pins deployment_util.go ResolveFenceposts: surge
// rounds up, unavailable down, both 0 gives unavailable 1.
func TestResolveFenceposts(t *testing.T) {
	pct := func(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }
	num := func(n int32) *intstr.IntOrString { v := intstr.FromInt32(n); return &v }
	tests := []struct {
		name         string
		surge, unavl *intstr.IntOrString
		desired      int32
		wantS, wantU int32
	}{
		{"25%/25% of 1", pct("25%"), pct("25%"), 1, 1, 0},
		{"25%/25% of 3", pct("25%"), pct("25%"), 3, 1, 0},
		{"25%/25% of 4", pct("25%"), pct("25%"), 4, 1, 1},
		{"25%/25% of 10", pct("25%"), pct("25%"), 10, 3, 2},
		{"0/0 gives unavailable 1", num(0), num(0), 10, 0, 1},
		{"0%/0% gives unavailable 1", pct("0%"), pct("0%"), 10, 0, 1},
		{"nil counts as 0", nil, nil, 5, 0, 1},
		{"int forms", num(2), num(1), 10, 2, 1},
		{"int surge, 0 unavailable", num(1), num(0), 3, 1, 0},
		{"0 replicas", pct("25%"), pct("25%"), 0, 0, 1},
		{"100% surge", pct("100%"), num(0), 3, 3, 0},
	}
	for _, tt := range tests {
		s, u, err := ResolveFenceposts(tt.surge, tt.unavl, tt.desired)
		if err != nil || s != tt.wantS || u != tt.wantU {
			t.Errorf("%s: got %d/%d, %v; want %d/%d", tt.name, s, u, err, tt.wantS, tt.wantU)
		}
	}
	if _, _, err := ResolveFenceposts(pct("lots"), nil, 3); err == nil {
		t.Error("a malformed percentage resolved")
	}
}
