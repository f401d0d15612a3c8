package nodelifecycle

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// nodeEvent is what the controllers do when they hear of a node change:
// the NoSchedule taint that mirrors the Ready condition
// (doNoScheduleTaintingPass, TaintNodesByCondition) and the evictions of
// the pods on a node with NoExecute taints (taint eviction controller
// handleNodeUpdate).
func (c *Controller) nodeEvent(ev store.EventType, n, _ *corev1.Node) {
	if ev == store.Deleted || !c.cfg.Profile.TaintBasedEvictions() {
		return
	}
	if cur, ok := c.cfg.Store.Nodes.Get("", n.Name); !ok || cur.ResourceVersion != n.ResourceVersion {
		return // a later change is on its way
	}
	if nn, changed := replaceTaints(n, corev1.TaintEffectNoSchedule, readinessTaints(readyOf(n), corev1.TaintEffectNoSchedule), c); changed {
		c.cfg.Store.Nodes.Update(nn)
		return // the update comes back through the watch
	}
	c.scheduleEvictions(n)
}

// swapNoExecuteTaint is processTaintBaseEviction: an Unknown node gets
// node.kubernetes.io/unreachable:NoExecute (a NotReady one
// not-ready:NoExecute), a Ready one loses both.
func (c *Controller) swapNoExecuteTaint(n *corev1.Node, ready corev1.ConditionStatus) {
	if nn, changed := replaceTaints(n, corev1.TaintEffectNoExecute, readinessTaints(ready, corev1.TaintEffectNoExecute), c); changed {
		c.cfg.Store.Nodes.Update(nn)
	}
}

// readinessTaints is the node controller's taint of the given effect for a
// node whose Ready condition is ready: unreachable for Unknown, not-ready
// for False, none for True.
func readinessTaints(ready corev1.ConditionStatus, effect corev1.TaintEffect) []corev1.Taint {
	switch ready {
	case corev1.ConditionUnknown:
		return []corev1.Taint{{Key: corev1.TaintNodeUnreachable, Effect: effect}}
	case corev1.ConditionFalse:
		return []corev1.Taint{{Key: corev1.TaintNodeNotReady, Effect: effect}}
	}
	return nil
}

// replaceTaints makes the node controller's taints of one effect (the
// unreachable and not-ready keys) equal to want, keeping every other
// taint. NoExecute taints carry the time they were added.
func replaceTaints(n *corev1.Node, effect corev1.TaintEffect, want []corev1.Taint, c *Controller) (*corev1.Node, bool) {
	ours := func(t corev1.Taint) bool {
		return t.Effect == effect && (t.Key == corev1.TaintNodeUnreachable || t.Key == corev1.TaintNodeNotReady)
	}
	var have []corev1.Taint
	for _, t := range n.Spec.Taints {
		if ours(t) {
			have = append(have, t)
		}
	}
	if len(have) == len(want) && (len(want) == 0 || have[0].Key == want[0].Key) {
		return n, false
	}
	nn := n.DeepCopy()
	nn.Spec.Taints = nil
	for _, t := range n.Spec.Taints {
		if !ours(t) {
			nn.Spec.Taints = append(nn.Spec.Taints, t)
		}
	}
	for _, t := range want {
		if effect == corev1.TaintEffectNoExecute {
			ts := store.WallSeconds(c.e.Now())
			t.TimeAdded = &ts
		}
		nn.Spec.Taints = append(nn.Spec.Taints, t)
	}
	return nn, true
}

// scheduleEvictions is processPodOnNode for every pod of the node: a pod
// that does not tolerate a NoExecute taint is deleted at once; one that
// tolerates them all for a while is deleted when the shortest
// tolerationSeconds has passed since the controller saw the taints; a pod
// on a node without them keeps its place, and a deletion planned for it is
// cancelled.
func (c *Controller) scheduleEvictions(n *corev1.Node) {
	var taints []corev1.Taint
	for _, t := range n.Spec.Taints {
		if t.Effect == corev1.TaintEffectNoExecute {
			taints = append(taints, t)
		}
	}
	for _, p := range c.podsOn(n.Name) {
		key := store.Key(p)
		if p.DeletionTimestamp != nil {
			continue
		}
		if len(taints) == 0 {
			if h, ok := c.evictions[key]; ok {
				c.e.Cancel(*h)
				delete(c.evictions, key)
				c.cfg.Events.Eventf(c.taintSource(), "Pod/"+p.Name, events.Normal, "TaintManagerEviction",
					fmt.Sprintf("Cancelling deletion of Pod %s", key))
			}
			continue
		}
		if _, ok := c.evictions[key]; ok {
			continue // planned from when the taints were first seen
		}
		wait, forever := tolerationTime(p, taints)
		if forever {
			continue
		}
		ns, name, uid := p.Namespace, p.Name, p.UID
		h := c.e.After(wait, kindEvict, func() { c.evict(ns, name, uid) })
		c.evictions[key] = &h
	}
}

// tolerationTime is GetMatchingTolerations and getMinTolerationTime over
// the pod's tolerations and those DefaultTolerationSeconds admission adds
// to every pod that has none for the key: the shortest tolerationSeconds
// among the tolerations used, 0 if a taint is not tolerated, forever if
// none of them has a limit.
func tolerationTime(p *corev1.Pod, taints []corev1.Taint) (wait sim.Duration, forever bool) {
	tols := withDefaultTolerations(p.Spec.Tolerations)
	minSeconds := int64(-1)
	for i := range taints {
		t := &taints[i]
		found := false
		for j := range tols {
			if !tolerates(&tols[j], t) {
				continue
			}
			found = true
			if s := tols[j].TolerationSeconds; s != nil {
				v := max(*s, 0)
				if minSeconds < 0 || v < minSeconds {
					minSeconds = v
				}
			}
			break
		}
		if !found {
			return 0, false
		}
	}
	if minSeconds < 0 {
		return 0, true
	}
	return sim.Duration(minSeconds) * 1e9, false
}

// withDefaultTolerations is the DefaultTolerationSeconds admission plugin:
// not-ready and unreachable NoExecute tolerations for 300 s, unless the pod
// already tolerates that taint.
func withDefaultTolerations(ts []corev1.Toleration) []corev1.Toleration {
	out := append([]corev1.Toleration(nil), ts...)
	for _, key := range []string{corev1.TaintNodeNotReady, corev1.TaintNodeUnreachable} {
		t := corev1.Taint{Key: key, Effect: corev1.TaintEffectNoExecute}
		has := false
		for i := range ts {
			if tolerates(&ts[i], &t) {
				has = true
			}
		}
		if !has {
			s := int64(DefaultTolerationSeconds)
			out = append(out, corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &s})
		}
	}
	return out
}

// tolerates is core/v1 Toleration.ToleratesTaint for Equal and Exists.
func tolerates(tol *corev1.Toleration, t *corev1.Taint) bool {
	if tol.Effect != "" && tol.Effect != t.Effect || tol.Key != "" && tol.Key != t.Key {
		return false
	}
	switch tol.Operator {
	case corev1.TolerationOpExists:
		return true
	case "", corev1.TolerationOpEqual:
		return tol.Value == t.Value
	}
	return false
}

// taintSource is the taint eviction controller's event source: its own
// controller from 1.29, the node lifecycle controller's taint manager
// before.
func (c *Controller) taintSource() events.Source {
	if c.cfg.Profile.AtLeast(29) {
		return events.Source{Component: "taint-eviction-controller"}
	}
	return events.Source{Component: "taint-controller"}
}

// evict is the taint eviction controller's deletePodHandler: the
// TaintManagerEviction event, the DisruptionTarget condition (1.26+,
// PodDisruptionConditions) and a graceful delete with the pod's own grace
// period. The pod shows Terminating until its kubelet, if it comes back,
// finishes it.
func (c *Controller) evict(ns, name string, uid types.UID) {
	delete(c.evictions, ns+"/"+name)
	p, ok := c.cfg.Store.Pods.Get(ns, name)
	if !ok || p.UID != uid || p.DeletionTimestamp != nil {
		return
	}
	now := c.e.Now()
	c.cfg.Events.Eventf(c.taintSource(), "Pod/"+name, events.Normal, "TaintManagerEviction",
		fmt.Sprintf("Marking for deletion Pod %s/%s", ns, name))
	if c.cfg.Profile.AtLeast(26) {
		np := p.DeepCopy()
		np.Status.Conditions = append(np.Status.Conditions, corev1.PodCondition{
			Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "DeletionByTaintManager",
			Message: "Taint manager: deleting due to NoExecute taint", LastTransitionTime: store.WallSeconds(now),
		})
		c.cfg.Store.Pods.Update(np)
	}
	c.cfg.Store.DeletePod(ns, name, nil, now)
	if p, ok := c.cfg.Store.Pods.Get(ns, name); ok {
		c.recordPod(p)
	}
}

// deletePodsLegacy is DeletePods of the releases before taint-based
// evictions (1.11): every pod of the node gets status.reason NodeLost, the
// NodeControllerEviction event, and a graceful delete; kubectl then shows
// Unknown.
func (c *Controller) deletePodsLegacy(node string) {
	now := c.e.Now()
	for _, p := range c.podsOn(node) {
		if p.DeletionTimestamp != nil {
			continue
		}
		np := p.DeepCopy()
		np.Status.Reason = "NodeLost"
		np.Status.Message = fmt.Sprintf("Node %s which was running pod %s is unresponsive", node, p.Name)
		c.cfg.Store.Pods.Update(np)
		c.cfg.Events.Eventf(events.Source{Component: "node-controller"}, "Pod/"+p.Name, events.Normal, "NodeControllerEviction",
			fmt.Sprintf("Marking for deletion Pod %s from Node %s", p.Name, node))
		c.cfg.Store.DeletePod(p.Namespace, p.Name, nil, now)
		if cur, ok := c.cfg.Store.Pods.Get(p.Namespace, p.Name); ok {
			c.recordPod(cur)
		}
	}
}
