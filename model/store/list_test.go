package store

import (
	"maps"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/sim"
)

// TestListStaysSorted checks the sorted keys List keeps between calls: after
// any creates, updates and deletes, List returns every stored object, sorted
// by namespace and name, as sorting the table afresh would.
func TestListStaysSorted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := New(sim.New(1))
		want := map[string]bool{}
		name := rapid.SampledFrom([]string{"a", "b", "c", "web-1", "web-10", "web-2", "z"})
		ns := rapid.SampledFrom([]string{"default", "dev"})
		for i, n := 0, rapid.IntRange(1, 60).Draw(t, "ops"); i < n; i++ {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns.Draw(t, "ns"), Name: name.Draw(t, "name")}}
			k := p.Namespace + "/" + p.Name
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0, 1:
				if s.Pods.Create(p) {
					want[k] = true
				}
			case 2:
				s.Pods.Update(p)
			case 3:
				if s.Pods.Delete(p.Namespace, p.Name) {
					delete(want, k)
				}
			}
			if rapid.Bool().Draw(t, "list") {
				var got, keys []string
				for _, o := range s.Pods.List() {
					got = append(got, Key(o))
				}
				for k := range want {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				if !slices.Equal(got, keys) {
					t.Fatalf("List = %v, want %v", got, keys)
				}
			}
		}
	})
}

// TestSortedKeys checks the set behind List and the indexes against a map:
// after any adds (present keys included), removes and reads, in any
// interleaving, a read gives the keys present, sorted and distinct.
func TestSortedKeys(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s sortedKeys
		want := map[string]bool{}
		key := rapid.StringMatching(`[a-e]{1,3}`)
		for i, n := 0, rapid.IntRange(1, 200).Draw(t, "ops"); i < n; i++ {
			switch k := key.Draw(t, "key"); rapid.IntRange(0, 3).Draw(t, "op") {
			case 0, 1:
				s.add(k)
				want[k] = true
			case 2:
				s.remove(k)
				delete(want, k)
			case 3:
				keys := slices.Sorted(maps.Keys(want))
				if got := s.list(); !slices.Equal(got, keys) {
					t.Fatalf("list = %v, want %v", got, keys)
				}
				if s.len() != len(keys) {
					t.Fatalf("len = %d, want %d", s.len(), len(keys))
				}
			}
		}
	})
}
