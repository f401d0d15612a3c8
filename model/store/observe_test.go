package store

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/sim"
)

// TestObserve checks that an observer hears every change of every table,
// in the order the changes are made, at the moment they are made (before
// any watcher, whose notifications are events), and that observing
// schedules no event: a run that records objects runs the same events.
func TestObserve(t *testing.T) {
	e := sim.New(1)
	s := New(e)
	var heard []string
	s.Observe(func(kind string, ev EventType, obj Object) {
		heard = append(heard, fmt.Sprintf("%s %s/%s rv=%s", ev, kind, obj.GetName(), obj.GetResourceVersion()))
	})
	watched := 0
	s.Pods.Watch(0, func(EventType, *corev1.Pod, *corev1.Pod) { watched++ })

	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"}}
	s.Pods.Create(pod)
	s.Services.Create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"}})
	p := pod.DeepCopy()
	p.Status.Phase = corev1.PodRunning
	s.Pods.Update(p)
	s.Pods.Delete("default", "web")
	want := []string{"ADDED Pod/web rv=1", "ADDED Service/web rv=2", "MODIFIED Pod/web rv=3", "DELETED Pod/web rv=3"}
	if diff := cmp.Diff(want, heard); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	if watched != 0 {
		t.Errorf("a watcher heard %d changes before any event ran", watched)
	}
	if st := e.Stats(); st.Scheduled != 3 {
		t.Errorf("%d events scheduled, want 3 (the watcher's, none for the observer)", st.Scheduled)
	}
}
