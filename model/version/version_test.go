package version

import (
	"regexp"
	"slices"
	"testing"
)

// TestGateNames checks that the names offered as suggestions are the gates
// SetGates knows: every gate its message lists, and only those, exists in
// the newest profile.
func TestGateNames(t *testing.T) {
	p, err := Lookup(Default)
	if err != nil {
		t.Fatal(err)
	}
	err = p.SetGates(map[string]bool{"NoSuchGate": true})
	if err == nil {
		t.Fatal("an unknown gate was accepted")
	}
	listed := regexp.MustCompile(`([A-Z][A-Za-z]+) \(1\.\d+\+\)`).FindAllStringSubmatch(err.Error(), -1)
	var names []string
	for _, m := range listed {
		names = append(names, m[1])
	}
	slices.Sort(names)
	if got := GateNames(); !slices.Equal(got, names) {
		t.Errorf("GateNames() = %v; SetGates knows %v", got, names)
	}
	for _, g := range GateNames() {
		if !p.gateExists(g) {
			t.Errorf("%s does not exist in %s", g, Default)
		}
	}
}
