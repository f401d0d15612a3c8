package scheduler

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/version"
)

// verdict is a filter's answer for one node: no reasons means the pod fits.
// unresolvable is UnschedulableAndUnresolvable: preemption cannot help.
type verdict struct {
	reasons      []string
	unresolvable bool
}

func (v verdict) fits() bool { return len(v.reasons) == 0 }

// filter runs the default profile's filters that the model has, in the
// profile's order (apis/config/v1/default_plugins.go: NodeUnschedulable,
// NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit),
// and stops at the first that rejects the node, as RunFilterPlugins does.
func filter(p *version.Profile, c *candidate, ni *nodeInfo) verdict {
	pod := c.pod
	if !p.TaintBasedEvictions() && !nodeReady(ni.node) {
		// 1.11's CheckNodeCondition predicate, before nodes were tainted.
		return verdict{reasons: []string{"node(s) were not ready"}, unresolvable: true}
	}
	if v := nodeUnschedulable(pod, ni.node); !v.fits() {
		return v
	}
	if v := nodeName(p, pod, ni.node); !v.fits() {
		return v
	}
	if v := taintToleration(p, pod, ni.node); !v.fits() {
		return v
	}
	if v := nodeAffinity(p, pod, ni.node); !v.fits() {
		return v
	}
	return resourcesFit(p, c, ni)
}

// nodeReady reports whether the node's Ready condition is True. A node
// without conditions (as in tests) counts as ready.
func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return true
}

// nodeUnschedulable is plugins/nodeunschedulable: a cordoned node takes
// only pods that tolerate node.kubernetes.io/unschedulable:NoSchedule.
func nodeUnschedulable(pod *corev1.Pod, node *corev1.Node) verdict {
	if !node.Spec.Unschedulable {
		return verdict{}
	}
	t := corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule}
	if tolerates(pod.Spec.Tolerations, &t) {
		return verdict{}
	}
	return verdict{reasons: []string{"node(s) were unschedulable"}, unresolvable: true}
}

// nodeName is plugins/nodename: a pod that names a node fits only there.
func nodeName(p *version.Profile, pod *corev1.Pod, node *corev1.Node) verdict {
	if pod.Spec.NodeName == "" || pod.Spec.NodeName == node.Name {
		return verdict{}
	}
	return verdict{reasons: []string{p.NodeNameReason()}, unresolvable: true}
}

// taintToleration is plugins/tainttoleration Filter: the first NoSchedule
// or NoExecute taint the pod does not tolerate rejects the node
// (v1helper.FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc).
func taintToleration(p *version.Profile, pod *corev1.Pod, node *corev1.Node) verdict {
	for i := range node.Spec.Taints {
		t := &node.Spec.Taints[i]
		if t.Effect != corev1.TaintEffectNoSchedule && t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if tolerates(pod.Spec.Tolerations, t) {
			continue
		}
		var reason string
		switch p.TaintReasonForm() {
		case 0:
			reason = "node(s) had taints that the pod didn't tolerate"
		case 1:
			reason = fmt.Sprintf("node(s) had taint {%s: %s}, that the pod didn't tolerate", t.Key, t.Value)
		case 2:
			reason = fmt.Sprintf("node(s) had untolerated taint {%s: %s}", t.Key, t.Value)
		default:
			reason = "node(s) had untolerated taint(s)"
		}
		return verdict{reasons: []string{reason}, unresolvable: true}
	}
	return verdict{}
}

// tolerates is core/v1 Toleration.ToleratesTaint for the Equal and Exists
// operators: the effect and key must match where the toleration names
// them, and Equal compares the values.
func tolerates(ts []corev1.Toleration, t *corev1.Taint) bool {
	for i := range ts {
		tol := &ts[i]
		if tol.Effect != "" && tol.Effect != t.Effect || tol.Key != "" && tol.Key != t.Key {
			continue
		}
		switch tol.Operator {
		case corev1.TolerationOpExists:
			return true
		case "", corev1.TolerationOpEqual:
			if tol.Value == t.Value {
				return true
			}
		}
	}
	return false
}

// nodeAffinity is plugins/nodeaffinity Filter: the node must match the
// pod's nodeSelector and one term of its required node affinity.
func nodeAffinity(p *version.Profile, pod *corev1.Pod, node *corev1.Node) verdict {
	ok := true
	for k, v := range pod.Spec.NodeSelector { // an AND: order does not matter
		if w, has := node.Labels[k]; !has || w != v {
			ok = false
		}
	}
	if a := pod.Spec.Affinity; ok && a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		ok = matchesNodeSelector(a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution, node)
	}
	if ok {
		return verdict{}
	}
	return verdict{reasons: []string{p.NodeAffinityReason()}, unresolvable: true}
}

// matchesNodeSelector is component-helpers' nodeaffinity: the terms are
// ORed, a term's expressions and fields ANDed; a term with neither matches
// nothing.
func matchesNodeSelector(ns *corev1.NodeSelector, node *corev1.Node) bool {
	for _, term := range ns.NodeSelectorTerms {
		if len(term.MatchExpressions) == 0 && len(term.MatchFields) == 0 {
			continue
		}
		ok := true
		for _, r := range term.MatchExpressions {
			v, has := node.Labels[r.Key]
			if !matchRequirement(r, v, has) {
				ok = false
				break
			}
		}
		for _, r := range term.MatchFields {
			if !ok {
				break
			}
			// metadata.name is the only field selector the API accepts.
			if r.Key != "metadata.name" || !matchRequirement(r, node.Name, true) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func matchRequirement(r corev1.NodeSelectorRequirement, v string, has bool) bool {
	in := func() bool {
		for _, x := range r.Values {
			if x == v {
				return true
			}
		}
		return false
	}
	switch r.Operator {
	case corev1.NodeSelectorOpIn:
		return has && in()
	case corev1.NodeSelectorOpNotIn:
		return !has || !in()
	case corev1.NodeSelectorOpExists:
		return has
	case corev1.NodeSelectorOpDoesNotExist:
		return !has
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		if !has || len(r.Values) != 1 {
			return false
		}
		a, err1 := strconv.ParseInt(v, 10, 64)
		b, err2 := strconv.ParseInt(r.Values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if r.Operator == corev1.NodeSelectorOpGt {
			return a > b
		}
		return a < b
	}
	return false
}

// resourcesFit is plugins/noderesources fit.go fitsRequest: the pods count,
// then cpu, then memory; every shortage is a reason. A pod that requests
// nothing fits wherever there is room for one more pod.
func resourcesFit(p *version.Profile, c *candidate, ni *nodeInfo) verdict {
	var v verdict
	if ni.pods+1 > ni.maxPods {
		v.reasons = append(v.reasons, p.TooManyPodsReason())
	}
	req := c.req
	if req.milliCPU == 0 && req.memory == 0 {
		return v
	}
	if req.milliCPU > 0 && req.milliCPU > ni.allocatable.milliCPU-ni.requested.milliCPU {
		v.reasons = append(v.reasons, "Insufficient cpu")
	}
	if req.memory > 0 && req.memory > ni.allocatable.memory-ni.requested.memory {
		v.reasons = append(v.reasons, "Insufficient memory")
	}
	return v
}
