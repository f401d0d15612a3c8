package sim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewKind(t *testing.T) {
	a := NewKind("test/kind/x", 4)
	if b := NewKind("test/kind/x", 4); b != a {
		t.Errorf("registering a name twice gave kinds %d and %d", a, b)
	}
	if a.Name() != "test/kind/x" || a.String() != "test/kind/x" || a.Phase() != 4 {
		t.Errorf("kind: name %q, phase %d", a.Name(), a.Phase())
	}
	if c := NewKind("test/kind/y", 4); c == a {
		t.Error("two names share a kind")
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a name with another phase did not panic")
		}
	}()
	NewKind("test/kind/x", 5)
}

func TestUnknownKind(t *testing.T) {
	k := Kind(60000)
	if k.Name() != "kind(60000)" || k.Phase() != 0 {
		t.Errorf("unregistered kind: name %q, phase %d", k.Name(), k.Phase())
	}
}

func TestStats(t *testing.T) {
	e := New(1)
	// Registered in an order unlike their names, so sorting shows.
	z := NewKind("test/stats/z", 0)
	a := NewKind("test/stats/a", 2)
	m := NewKind("test/stats/m", 1)
	unused := NewKind("test/stats/unused", 0)
	for i := range 3 {
		e.At(Time(i), z, func() {})
	}
	e.At(1, a, func() {})
	h := e.At(2, m, func() {})
	e.At(2, m, func() {})
	e.Cancel(h)
	e.Cancel(e.At(5, unused, func() {}))
	e.RunUntilIdle()
	want := Stats{
		Fired:     5,
		Cancelled: 2,
		Scheduled: 7,
		MaxQueued: 6,
		ByKind: []KindCount{
			{Kind: "test/stats/a", Count: 1},
			{Kind: "test/stats/m", Count: 1},
			{Kind: "test/stats/z", Count: 3},
		},
	}
	if diff := cmp.Diff(want, e.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}
