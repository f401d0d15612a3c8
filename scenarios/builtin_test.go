package scenarios

import (
	"errors"
	"strings"
	"testing"
)

// TestBuiltins loads every built-in scenario and builds its run
// configuration. What this build of the model cannot run yet is reported
// (ErrUnsupported) and logged, never silently dropped.
func TestBuiltins(t *testing.T) {
	list := List()
	if len(list) < 2 {
		t.Fatalf("List() = %v", list)
	}
	for _, i := range list {
		t.Run(i.Name, func(t *testing.T) {
			if i.Description == "" {
				t.Error("no description")
			}
			data, err := Builtin(i.Name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Load(i.Name+".yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != i.Name {
				t.Errorf("metadata.name = %q, want the file's name %q", s.Name, i.Name)
			}
			if len(s.Expect) == 0 {
				t.Error("a built-in states its outcome as expectations")
			}
			if _, err := s.Config(Options{}); err != nil {
				if !errors.Is(err, ErrUnsupported) {
					t.Fatal(err)
				}
				t.Logf("not runnable by this build yet: %v", err)
			}
		})
	}
}

func TestBuiltinUnknown(t *testing.T) {
	_, err := Builtin("nope")
	var names []string
	for _, i := range List() {
		names = append(names, i.Name)
	}
	// The message lists every built-in, sorted, whatever the library holds.
	want := `unknown scenario "nope": the built-in scenarios are ` + strings.Join(names, ", ") + ` (simulate scenarios lists them)`
	if !strings.Contains(want, "liveness-404-crashloop, ") || !strings.Contains(want, "readiness-stall") {
		t.Fatalf("List() lost built-ins: %v", names)
	}
	if err == nil || err.Error() != want {
		t.Errorf("Builtin(nope) = %v, want %s", err, want)
	}
	if _, err := Builtin("../scenario.go"); err == nil || !strings.Contains(err.Error(), "unknown scenario") {
		t.Errorf("a path is not a scenario name: %v", err)
	}
}
