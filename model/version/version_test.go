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

// TestPodReadyToStartContainersConditionGate pins the gate per release:
// absent before 1.28 (1.25–1.27 had it as PodHasNetworkCondition, not
// modelled), alpha and off in 1.28, beta and on from 1.29
// (pkg/features/kube_features.go 1.30–1.31; versioned_kube_features.go 1.32,
// kube_features.go 1.33–1.36 with the same history), and settable off.
func TestPodReadyToStartContainersConditionGate(t *testing.T) {
	for _, tc := range []struct {
		release     string
		exists, def bool
	}{
		{"1.26", false, false}, {"1.28", true, false}, {"1.30", true, true}, {"1.36", true, true},
	} {
		p, err := Lookup(tc.release)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.gateExists(PodReadyToStartContainersCondition); got != tc.exists {
			t.Errorf("%s: exists %v, want %v", tc.release, got, tc.exists)
		}
		if got := p.Gate(PodReadyToStartContainersCondition); got != tc.def {
			t.Errorf("%s: default %v, want %v", tc.release, got, tc.def)
		}
		err = p.SetGates(map[string]bool{PodReadyToStartContainersCondition: !tc.def})
		if (err == nil) != tc.exists {
			t.Errorf("%s: SetGates error %v", tc.release, err)
		}
		if tc.exists && p.Gate(PodReadyToStartContainersCondition) == tc.def {
			t.Errorf("%s: the gate could not be set to %v", tc.release, !tc.def)
		}
	}
}
