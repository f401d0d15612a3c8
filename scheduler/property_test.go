package scheduler

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
)

// cluster draws a few nodes and a burst of pods with random requests,
// some created while others are being scheduled.
type drawn struct {
	nodes []*corev1.Node
	pods  []*corev1.Pod
	at    []time.Duration
}

func draw(t *rapid.T) drawn {
	var d drawn
	for i := range rapid.IntRange(1, 5).Draw(t, "nodes") {
		cpu := rapid.IntRange(1, 4).Draw(t, "cpu")
		mem := rapid.IntRange(1, 8).Draw(t, "memGi")
		pods := rapid.Int64Range(1, 8).Draw(t, "maxPods")
		d.nodes = append(d.nodes, node(fmt.Sprintf("n%d", i), fmt.Sprint(cpu), fmt.Sprintf("%dGi", mem), pods))
	}
	for i := range rapid.IntRange(0, 25).Draw(t, "pods") {
		cpu, mem := "", ""
		if m := rapid.IntRange(0, 2500).Draw(t, "milliCPU"); m > 0 {
			cpu = fmt.Sprintf("%dm", m)
		}
		if m := rapid.IntRange(0, 4096).Draw(t, "memMi"); m > 0 {
			mem = fmt.Sprintf("%dMi", m)
		}
		d.pods = append(d.pods, pod(fmt.Sprintf("p%02d", i), cpu, mem))
		d.at = append(d.at, time.Duration(rapid.IntRange(0, 50).Draw(t, "ms"))*time.Millisecond)
	}
	return d
}

func (d drawn) run(release string, seed uint64) *harness {
	var nodes []*corev1.Node
	for _, n := range d.nodes {
		nodes = append(nodes, n.DeepCopy())
	}
	h := newHarness(release, seed, nodes...)
	for i, p := range d.pods {
		h.e.RunUntil(at(d.at[i]))
		h.createPod(p.DeepCopy())
	}
	h.e.RunUntil(at(time.Minute))
	return h
}

// TestSchedulingProperties checks, for random clusters and pods:
//   - no node is given more than its allocatable cpu, memory or pods
//     (NodeResourcesFit), counting the pods as the store has them bound;
//   - every pod is bound at most once, and a bound pod has exactly one
//     Scheduled event;
//   - every pod still Pending fits on no node (the filters' verdict), and its
//     PodScheduled condition says so in the FitError form for all the nodes;
//   - the same seed places every pod on the same node.
func TestSchedulingProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := draw(t)
		release := rapid.SampledFrom([]string{"1.11", "1.21", "1.26", "1.36"}).Draw(t, "release")
		seed := rapid.Uint64().Draw(t, "seed")
		h := d.run(release, seed)

		used := map[string]*nodeInfo{}
		for _, n := range h.st.Nodes.List() {
			used[n.Name] = newNodeInfo(n)
		}
		scheduled := map[string]int{}
		for _, r := range h.log.Records() {
			if ev, ok := r.(*record.Event); ok && ev.Reason == "Scheduled" {
				scheduled[ev.Object] += int(ev.Count)
			}
		}
		placement := map[string]string{}
		var pending []*corev1.Pod
		for _, p := range h.st.Pods.List() {
			placement[p.Name] = p.Spec.NodeName
			if p.Spec.NodeName == "" {
				pending = append(pending, p)
				if scheduled["Pod/"+p.Name] != 0 {
					t.Fatalf("%s has a Scheduled event but no node", p.Name)
				}
				continue
			}
			if n := scheduled["Pod/"+p.Name]; n != 1 {
				t.Fatalf("%s bound with %d Scheduled events", p.Name, n)
			}
			used[p.Spec.NodeName].addPod(p)
		}
		for name, ni := range used {
			if ni.requested.milliCPU > ni.allocatable.milliCPU || ni.requested.memory > ni.allocatable.memory || ni.pods > ni.maxPods {
				t.Fatalf("node %s over allocatable: requested %+v of %+v, %d of %d pods", name, ni.requested, ni.allocatable, ni.pods, ni.maxPods)
			}
			if c := h.s.byName[name]; c.requested != ni.requested || c.pods != ni.pods {
				t.Fatalf("scheduler cache of %s: %+v/%d pods, store: %+v/%d", name, c.requested, c.pods, ni.requested, ni.pods)
			}
		}
		p := profile(release)
		for _, pod := range pending {
			for name, ni := range used {
				if filter(p, newCandidate(pod), ni).fits() {
					t.Fatalf("pending %s fits on %s", pod.Name, name)
				}
			}
			var cond *corev1.PodCondition
			for i := range pod.Status.Conditions {
				if pod.Status.Conditions[i].Type == corev1.PodScheduled {
					cond = &pod.Status.Conditions[i]
				}
			}
			if cond == nil || cond.Status != corev1.ConditionFalse || cond.Reason != "Unschedulable" {
				t.Fatalf("pending %s: condition %+v", pod.Name, cond)
			}
			prefix := fmt.Sprintf("0/%d nodes are available: ", len(d.nodes))
			if !strings.HasPrefix(cond.Message, prefix) {
				t.Fatalf("pending %s: message %q, want prefix %q", pod.Name, cond.Message, prefix)
			}
		}

		again := d.run(release, seed)
		placement2 := map[string]string{}
		for _, p := range again.st.Pods.List() {
			placement2[p.Name] = p.Spec.NodeName
		}
		if diff := cmp.Diff(placement, placement2); diff != "" {
			t.Fatalf("same seed, different placement (-first +second):\n%s", diff)
		}
	})
}
