package controller

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

type podOpt func(*corev1.Pod)

func onNode(n string) podOpt { return func(p *corev1.Pod) { p.Spec.NodeName = n } }
func phase(ph corev1.PodPhase) podOpt {
	return func(p *corev1.Pod) { p.Status.Phase = ph }
}
func readyAt(s int) podOpt {
	return func(p *corev1.Pod) {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue,
			LastTransitionTime: store.WallSeconds(sim.Time(s) * sim.Time(time.Second))}}
	}
}
func cost(c string) podOpt {
	return func(p *corev1.Pod) { p.Annotations = map[string]string{PodDeletionCostAnnotation: c} }
}
func restarts(n int32) podOpt {
	return func(p *corev1.Pod) {
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", RestartCount: n}}
	}
}
func createdAt(s int) podOpt {
	return func(p *corev1.Pod) { p.CreationTimestamp = store.WallSeconds(sim.Time(s) * sim.Time(time.Second)) }
}

func pod(name string, opts ...podOpt) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name)}}
	p.Spec.NodeName = "n1"
	p.Status.Phase = corev1.PodRunning
	p.CreationTimestamp = store.WallSeconds(0)
	for _, o := range opts {
		o(p)
	}
	return p
}

// TestVictimRanking pins controller_utils.go ActivePodsWithRanks.Less rule
// by rule: each case lists pods in the order they are deleted.
func TestVictimRanking(t *testing.T) {
	now := sim.Time(10000 * time.Second)
	all := Options{LogarithmicScaleDown: true, PodDeletionCost: true}
	for _, tc := range []struct {
		name    string
		opts    Options
		pods    []*corev1.Pod
		related []*corev1.Pod
		want    []string
	}{
		{"1. unassigned first", all, []*corev1.Pod{pod("a", readyAt(1)), pod("b", onNode(""), phase(corev1.PodPending))}, nil, []string{"b", "a"}},
		{"2. Pending < Unknown < Running", all, []*corev1.Pod{
			pod("run", readyAt(1)), pod("unk", phase(corev1.PodUnknown)), pod("pend", phase(corev1.PodPending))}, nil,
			[]string{"pend", "unk", "run"}},
		{"3. not ready first", all, []*corev1.Pod{pod("ready", readyAt(1)), pod("notready")}, nil, []string{"notready", "ready"}},
		{"4. lower deletion cost first", all, []*corev1.Pod{pod("hi", readyAt(1), cost("100")), pod("lo", readyAt(1), cost("-5"))}, nil, []string{"lo", "hi"}},
		{"4. deletion cost ignored before 1.22", Options{}, []*corev1.Pod{pod("lo", readyAt(1), cost("-5")), pod("hi", readyAt(2), cost("100"))}, nil, []string{"hi", "lo"}},
		{"5. more pods on the node first", all, []*corev1.Pod{pod("alone", readyAt(1), onNode("n2")), pod("crowded", readyAt(1))},
			[]*corev1.Pod{pod("x", onNode("n1")), pod("y", onNode("n1")), pod("alone", onNode("n2")), pod("crowded")},
			[]string{"crowded", "alone"}},
		{"6. ready for less time first", Options{}, []*corev1.Pod{pod("long", readyAt(100)), pod("short", readyAt(9000))}, nil, []string{"short", "long"}},
		{"6. same log2 bucket: by UID", all, []*corev1.Pod{pod("b", readyAt(9000)), pod("a", readyAt(9001))}, nil, []string{"a", "b"}},
		{"7. more restarts first", all, []*corev1.Pod{pod("few", readyAt(5), restarts(1)), pod("many", readyAt(5), restarts(4))}, nil, []string{"many", "few"}},
		{"8. newer first", Options{}, []*corev1.Pod{pod("old", readyAt(5), createdAt(1)), pod("new", readyAt(5), createdAt(2))}, nil, []string{"new", "old"}},
	} {
		related := tc.related
		if related == nil {
			related = tc.pods
		}
		victims := PodsToDelete(tc.pods, related, len(tc.pods)-1, now, tc.opts)
		var got []string
		for _, p := range victims {
			got = append(got, p.Name)
		}
		if diff := cmp.Diff(tc.want[:len(tc.want)-1], got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
