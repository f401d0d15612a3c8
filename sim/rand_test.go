package sim

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func draws(r interface{ Uint64() uint64 }, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

// TestStreamIndependence: the numbers a stream gives depend on the seed and
// its name only, never on other streams being created or drawn from,
// before, between or after its own draws.
func TestStreamIndependence(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		a := rapid.StringMatching(`[a-z/0-9-]{0,12}`).Draw(t, "a")
		b := rapid.StringMatching(`[a-z/0-9-]{0,12}`).Filter(func(s string) bool { return s != a }).Draw(t, "b")
		n := rapid.IntRange(1, 20).Draw(t, "n")
		// Before each draw from a, this many draws from b (-1: b not yet created).
		interleave := rapid.SliceOfN(rapid.IntRange(-1, 3), n, n).Draw(t, "interleave")

		alone := draws(New(seed).Rand(a), n)

		e := New(seed)
		var mixed []uint64
		for i := range n {
			for range interleave[i] {
				e.Rand(b).Uint64()
			}
			mixed = append(mixed, e.Rand(a).Uint64())
		}
		if diff := cmp.Diff(alone, mixed); diff != "" {
			t.Fatalf("stream %q changed when %q was used (-alone +mixed):\n%s", a, b, diff)
		}
		if diff := cmp.Diff(alone, draws(NewStream(seed, a), n)); diff != "" {
			t.Fatalf("NewStream(seed, %q) differs from Engine.Rand (-engine +NewStream):\n%s", a, diff)
		}
		// Different names, and different seeds, give different streams.
		// Four 64-bit draws agreeing by chance is beyond rapid's reach.
		if cmp.Equal(draws(NewStream(seed, a), 4), draws(NewStream(seed, b), 4)) {
			t.Fatalf("streams %q and %q agree", a, b)
		}
		if cmp.Equal(draws(NewStream(seed, a), 4), draws(NewStream(seed+1, a), 4)) {
			t.Fatalf("seeds %d and %d agree on stream %q", seed, seed+1, a)
		}
	})
}

func TestRandReturnsTheSameStream(t *testing.T) {
	e := New(7)
	if e.Seed() != 7 {
		t.Errorf("Seed() = %d, want 7", e.Seed())
	}
	r := e.Rand("x")
	r.Uint64()
	if e.Rand("x") != r {
		t.Error("Rand returned a new generator for a name already in use")
	}
}

// TestStreamGolden pins the derivation from seed and name. Changing it
// changes the result of every published seed (`simulate run --seed S` must
// reproduce a run from an earlier sweep), so it must not change by accident.
// The values were recorded from the implementation when this test was
// written; they pin it, they do not prove it right.
func TestStreamGolden(t *testing.T) {
	got := draws(NewStream(1, "kubelet/node-1/pleg"), 3)
	want := []uint64{0x9a646faaf166a4ce, 0x6a1bf05cea8ab604, 0xa87ba597af76f084}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewStream(1, \"kubelet/node-1/pleg\") (-want +got):\n%s", diff)
	}
}
