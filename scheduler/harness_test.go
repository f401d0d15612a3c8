package scheduler

import (
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// harness is a scheduler on its own engine and store, with no kubelets:
// bound pods stay as the scheduler left them.
type harness struct {
	e   *sim.Engine
	st  *store.Store
	log *record.Log
	s   *Scheduler
}

func newHarness(release string, seed uint64, nodes ...*corev1.Node) *harness {
	p, err := version.Lookup(release)
	if err != nil {
		panic(err)
	}
	e := sim.New(seed)
	st := store.New(e)
	log := record.NewLog(io.Discard)
	rec := events.NewRecorder(e.Now, log, e.Rand("events"))
	rec.SetRelease(p)
	s := New(Config{Engine: e, Store: st, Log: log, Events: rec, Profile: p})
	for _, n := range nodes {
		st.Nodes.Create(n)
		s.AddNode(n)
	}
	s.Start()
	return &harness{e: e, st: st, log: log, s: s}
}

func (h *harness) createPod(p *corev1.Pod) {
	if p.Namespace == "" {
		p.Namespace = "default"
	}
	p.UID = types.UID(h.st.NewUID())
	p.Status.Phase = corev1.PodPending
	if !h.st.Pods.Create(p) {
		panic("duplicate pod " + p.Name)
	}
}

func (h *harness) pod(name string) *corev1.Pod {
	p, ok := h.st.Pods.Get("default", name)
	if !ok {
		panic("no pod " + name)
	}
	return p
}

// events returns the messages of the events with reason, in order.
func (h *harness) events(reason string) []string {
	var out []string
	for _, r := range h.log.Records() {
		if ev, ok := r.(*record.Event); ok && ev.Reason == reason {
			out = append(out, fmt.Sprintf("%s x%d: %s", ev.Object, ev.Count, ev.Message))
		}
	}
	return out
}

func node(name, cpu, mem string, pods int64) *corev1.Node {
	res := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(cpu),
		corev1.ResourceMemory: resource.MustParse(mem),
		corev1.ResourcePods:   *resource.NewQuantity(pods, resource.DecimalSI),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}},
		Status:     corev1.NodeStatus{Capacity: res, Allocatable: res},
	}
}

func pod(name, cpu, mem string) *corev1.Pod {
	req := corev1.ResourceList{}
	if cpu != "" {
		req[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		req[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "app", Image: "app", Resources: corev1.ResourceRequirements{Requests: req},
		}}},
	}
}

func profile(release string) *version.Profile {
	p, err := version.Lookup(release)
	if err != nil {
		panic(err)
	}
	return p
}
