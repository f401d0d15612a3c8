package store

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/sim"
)

// podTally counts a group's pods and those of them being deleted.
type podTally struct{ pods, terminating int }

func tallyTerminating(s *podTally, p *corev1.Pod, delta int) {
	s.pods += delta
	if p.DeletionTimestamp != nil {
		s.terminating += delta
	}
}

func appLabel(p *corev1.Pod) string { return p.Labels["app"] }

// TestIndexInStep checks Index against a scan of the table: after any
// creates, updates (which may move an object to another group) and
// deletes, each group lists exactly the objects List returns with that
// key, in List's order, its tally is the tally of those objects, and no
// empty group is kept. An index made after some changes, from the objects
// already there, answers the same as one made at the start.
func TestIndexInStep(t *testing.T) {
	apps := []string{"", "web", "db"}
	rapid.Check(t, func(t *rapid.T) {
		s := New(sim.New(1))
		early := NewIndex(s.Pods, appLabel, tallyTerminating)
		var late *Index[*corev1.Pod, string, podTally]
		name := rapid.SampledFrom([]string{"a", "b", "c", "web-1", "web-10", "web-2", "z"})
		ns := rapid.SampledFrom([]string{"default", "dev"})
		for i, n := 0, rapid.IntRange(1, 80).Draw(t, "ops"); i < n; i++ {
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
				Namespace: ns.Draw(t, "ns"), Name: name.Draw(t, "name"),
				Labels: map[string]string{"app": rapid.SampledFrom(apps).Draw(t, "app")},
			}}
			if rapid.Bool().Draw(t, "terminating") {
				p.DeletionTimestamp = new(Wall(0))
			}
			switch rapid.IntRange(0, 4).Draw(t, "op") {
			case 0, 1:
				s.Pods.Create(p)
			case 2, 3:
				s.Pods.Update(p)
			case 4:
				s.Pods.Delete(p.Namespace, p.Name)
			}
			if late == nil && rapid.IntRange(0, 9).Draw(t, "index now") == 0 {
				late = NewIndex(s.Pods, appLabel, tallyTerminating)
			}
			for _, x := range []*Index[*corev1.Pod, string, podTally]{early, late} {
				if x == nil {
					continue
				}
				groups := 0
				for _, app := range apps {
					var want []*corev1.Pod
					var sum podTally
					for _, p := range s.Pods.List() {
						if appLabel(p) == app {
							want = append(want, p)
							tallyTerminating(&sum, p, 1)
						}
					}
					if got := x.List(app); !slices.Equal(got, want) {
						t.Fatalf("List(%q) = %v, want %v", app, keys(got), keys(want))
					}
					if x.Len(app) != len(want) {
						t.Fatalf("Len(%q) = %d, want %d", app, x.Len(app), len(want))
					}
					if diff := cmp.Diff(sum, x.Tally(app), cmp.AllowUnexported(podTally{})); diff != "" {
						t.Fatalf("Tally(%q) (-scan +index):\n%s", app, diff)
					}
					if len(want) > 0 {
						groups++
					}
				}
				if len(x.groups) != groups {
					t.Fatalf("%d groups kept, %d not empty", len(x.groups), groups)
				}
			}
		}
	})
}

func keys(pods []*corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, Key(p))
	}
	return out
}
