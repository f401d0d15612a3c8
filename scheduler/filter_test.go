package scheduler

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// TestFilter pins each filter's verdict and its words per release. The
// cases follow the plugins' own tests: noderesources/fit_test.go (a pod
// that asks for nothing fits while the pods count has room; each resource
// short is its own reason, pods count first), nodeunschedulable (a
// toleration of the unschedulable taint lets the pod on a cordoned node),
// tainttoleration (NoSchedule and NoExecute reject, PreferNoSchedule does
// not; the reason's wording), nodeaffinity (nodeSelector AND required
// terms; terms ORed).
func TestFilter(t *testing.T) {
	full := node("n", "2", "4Gi", 2)
	withTaint := func(n *corev1.Node, ts ...corev1.Taint) *corev1.Node {
		n = n.DeepCopy()
		n.Spec.Taints = ts
		return n
	}
	labelled := node("n", "2", "4Gi", 10)
	labelled.Labels["disk"] = "ssd"
	labelled.Labels["gen"] = "5"
	cordoned := node("n", "2", "4Gi", 10)
	cordoned.Spec.Unschedulable = true
	unreachable := corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoExecute}
	prefer := corev1.Taint{Key: "k", Value: "v", Effect: corev1.TaintEffectPreferNoSchedule}
	dedicated := corev1.Taint{Key: "dedicated", Value: "user1", Effect: corev1.TaintEffectNoSchedule}
	tolerate := func(p *corev1.Pod, ts ...corev1.Toleration) *corev1.Pod { p.Spec.Tolerations = ts; return p }
	selector := func(p *corev1.Pod, sel map[string]string) *corev1.Pod { p.Spec.NodeSelector = sel; return p }
	affinity := func(p *corev1.Pod, terms ...corev1.NodeSelectorTerm) *corev1.Pod {
		p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms},
		}}
		return p
	}
	expr := func(key string, op corev1.NodeSelectorOperator, vals ...string) corev1.NodeSelectorTerm {
		return corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: vals}}}
	}

	tests := []struct {
		name     string
		release  string
		pod      *corev1.Pod
		node     *corev1.Node
		assigned []*corev1.Pod
		want     verdict
	}{
		{"fits", "1.36", pod("p", "1", "1Gi"), full, nil, verdict{}},
		{"cpu short", "1.36", pod("p", "1500m", "1Gi"), full, []*corev1.Pod{pod("a", "1", "")}, verdict{reasons: []string{"Insufficient cpu"}}},
		{"cpu and memory short", "1.36", pod("p", "3", "5Gi"), full, nil, verdict{reasons: []string{"Insufficient cpu", "Insufficient memory"}}},
		{"pods full, asks nothing", "1.36", pod("p", "", ""), full, []*corev1.Pod{pod("a", "", ""), pod("b", "", "")},
			verdict{reasons: []string{"Too many pods"}}},
		{"pods full, 1.11 words", "1.11", pod("p", "", ""), full, []*corev1.Pod{pod("a", "", ""), pod("b", "", "")},
			verdict{reasons: []string{"Insufficient pods"}}},
		{"asks nothing on a cpu-full node", "1.36", pod("p", "", ""), full, []*corev1.Pod{pod("a", "2", "")}, verdict{}},
		{"cordoned", "1.36", pod("p", "", ""), cordoned, nil, verdict{reasons: []string{"node(s) were unschedulable"}, unresolvable: true}},
		{"cordoned, tolerated", "1.36", tolerate(pod("p", "", ""), corev1.Toleration{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists}), cordoned, nil, verdict{}},
		{"unreachable taint 1.36", "1.36", pod("p", "", ""), withTaint(full, unreachable), nil,
			verdict{reasons: []string{"node(s) had untolerated taint(s)"}, unresolvable: true}},
		{"unreachable taint 1.34", "1.34", pod("p", "", ""), withTaint(full, unreachable), nil,
			verdict{reasons: []string{"node(s) had untolerated taint {node.kubernetes.io/unreachable: }"}, unresolvable: true}},
		{"taint 1.20", "1.20", pod("p", "", ""), withTaint(full, dedicated), nil,
			verdict{reasons: []string{"node(s) had taint {dedicated: user1}, that the pod didn't tolerate"}, unresolvable: true}},
		{"taint 1.11", "1.11", pod("p", "", ""), withTaint(full, dedicated), nil,
			verdict{reasons: []string{"node(s) had taints that the pod didn't tolerate"}, unresolvable: true}},
		{"PreferNoSchedule does not filter", "1.36", pod("p", "", ""), withTaint(full, prefer), nil, verdict{}},
		{"tolerated by key and value", "1.36", tolerate(pod("p", "", ""), corev1.Toleration{Key: "dedicated", Value: "user1", Effect: corev1.TaintEffectNoSchedule}),
			withTaint(full, dedicated), nil, verdict{}},
		{"wrong value not tolerated", "1.36", tolerate(pod("p", "", ""), corev1.Toleration{Key: "dedicated", Value: "user2"}),
			withTaint(full, dedicated), nil, verdict{reasons: []string{"node(s) had untolerated taint(s)"}, unresolvable: true}},
		{"empty key Exists tolerates all", "1.36", tolerate(pod("p", "", ""), corev1.Toleration{Operator: corev1.TolerationOpExists}),
			withTaint(full, dedicated, unreachable), nil, verdict{}},
		{"nodeSelector matches", "1.36", selector(pod("p", "", ""), map[string]string{"disk": "ssd"}), labelled, nil, verdict{}},
		{"nodeSelector misses", "1.36", selector(pod("p", "", ""), map[string]string{"disk": "hdd"}), labelled, nil,
			verdict{reasons: []string{"node(s) didn't match Pod's node affinity/selector"}, unresolvable: true}},
		{"nodeSelector misses 1.11", "1.11", selector(pod("p", "", ""), map[string]string{"disk": "hdd"}), labelled, nil,
			verdict{reasons: []string{"node(s) didn't match node selector"}, unresolvable: true}},
		{"affinity In", "1.36", affinity(pod("p", "", ""), expr("disk", corev1.NodeSelectorOpIn, "ssd", "nvme")), labelled, nil, verdict{}},
		{"affinity terms ORed", "1.36", affinity(pod("p", "", ""), expr("disk", corev1.NodeSelectorOpIn, "hdd"), expr("gen", corev1.NodeSelectorOpGt, "4")), labelled, nil, verdict{}},
		{"affinity NotIn", "1.36", affinity(pod("p", "", ""), expr("disk", corev1.NodeSelectorOpNotIn, "ssd")), labelled, nil,
			verdict{reasons: []string{"node(s) didn't match Pod's node affinity/selector"}, unresolvable: true}},
		{"affinity DoesNotExist", "1.36", affinity(pod("p", "", ""), expr("gpu", corev1.NodeSelectorOpDoesNotExist)), labelled, nil, verdict{}},
		{"affinity Lt", "1.36", affinity(pod("p", "", ""), expr("gen", corev1.NodeSelectorOpLt, "5")), labelled, nil,
			verdict{reasons: []string{"node(s) didn't match Pod's node affinity/selector"}, unresolvable: true}},
		{"selector AND affinity", "1.36", affinity(selector(pod("p", "", ""), map[string]string{"disk": "hdd"}), expr("gen", corev1.NodeSelectorOpExists)), labelled, nil,
			verdict{reasons: []string{"node(s) didn't match Pod's node affinity/selector"}, unresolvable: true}},
		{"taint before affinity before resources", "1.36", selector(pod("p", "9", ""), map[string]string{"disk": "hdd"}), withTaint(labelled, dedicated), nil,
			verdict{reasons: []string{"node(s) had untolerated taint(s)"}, unresolvable: true}},
		{"nodeName elsewhere", "1.36", func() *corev1.Pod { p := pod("p", "", ""); p.Spec.NodeName = "other"; return p }(), full, nil,
			verdict{reasons: []string{"node(s) didn't match the requested node name"}, unresolvable: true}},
		{"nodeName elsewhere 1.20", "1.20", func() *corev1.Pod { p := pod("p", "", ""); p.Spec.NodeName = "other"; return p }(), full, nil,
			verdict{reasons: []string{"node(s) didn't match the requested hostname"}, unresolvable: true}},
		{"limits stand for requests", "1.36", func() *corev1.Pod {
			p := pod("p", "", "")
			p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: full.Status.Allocatable[corev1.ResourceCPU]}
			return p
		}(), full, []*corev1.Pod{pod("a", "1m", "")}, verdict{reasons: []string{"Insufficient cpu"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ni := newNodeInfo(tc.node)
			for _, a := range tc.assigned {
				ni.addPod(a)
			}
			got := filter(profile(tc.release), newCandidate(tc.pod), ni)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(verdict{})); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPodRequests pins resource/helpers.go PodRequests: containers add up,
// an init container larger than their sum wins, and the scoring defaults
// (100m, 200Mi) apply per container without a request.
func TestPodRequests(t *testing.T) {
	p := pod("p", "200m", "")
	p.Spec.Containers = append(p.Spec.Containers, pod("q", "300m", "1Gi").Spec.Containers[0])
	if got, want := podRequests(p, false), (resources{milliCPU: 500, memory: 1 << 30}); got != want {
		t.Errorf("requests = %+v, want %+v", got, want)
	}
	if got, want := podRequests(p, true), (resources{milliCPU: 500, memory: 1<<30 + defaultMemory}); got != want {
		t.Errorf("non-zero requests = %+v, want %+v", got, want)
	}
	p.Spec.InitContainers = []corev1.Container{pod("i", "2", "").Spec.Containers[0]}
	if got, want := podRequests(p, false), (resources{milliCPU: 2000, memory: 1 << 30}); got != want {
		t.Errorf("with a large init container = %+v, want %+v", got, want)
	}
}
