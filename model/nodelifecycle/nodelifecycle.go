// Package nodelifecycle models what happens to a node whose kubelet stops
// reaching the API server: the kubelet's heartbeats (its Lease and node
// status), the node lifecycle controller that marks the node Unknown after
// node-monitor-grace-period, taints it and marks its pods not Ready, and
// the taint eviction controller that deletes the pods once their
// tolerations run out (300 s, as the DefaultTolerationSeconds admission
// plugin gives every pod). It follows pkg/controller/nodelifecycle and
// pkg/controller/tainteviction; docs/fidelity.md ("Scheduling and node
// lifecycle") has the sources per release.
package nodelifecycle

import (
	"fmt"
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/kubectl"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Periods of the kubelet's heartbeat and of the controller.
const (
	// HeartbeatPeriod is how often the kubelet renews its Lease and
	// checks its node status (nodeStatusUpdateFrequency 10 s; the lease
	// renew interval is a quarter of its 40 s duration).
	HeartbeatPeriod = 10 * time.Second
	// MonitorPeriod is --node-monitor-period (5 s): how often the
	// controller looks at every node's last heartbeat.
	MonitorPeriod = 5 * time.Second
	// PodEvictionTimeout is --pod-eviction-timeout (5 min), used before
	// taint-based evictions.
	PodEvictionTimeout = 5 * time.Minute
	// DefaultTolerationSeconds is the admission plugin's
	// --default-unreachable-toleration-seconds and
	// --default-not-ready-toleration-seconds.
	DefaultTolerationSeconds = 300
	watchLatency             = 5 * time.Millisecond
)

var (
	kindHeartbeat = sim.NewKind("nodelifecycle/heartbeat", 46)
	kindMonitor   = sim.NewKind("nodelifecycle/monitor", 47)
	kindEvict     = sim.NewKind("nodelifecycle/evict", 47)
)

// Config is what the controllers need from the cluster.
type Config struct {
	Engine  *sim.Engine
	Store   *store.Store
	Log     *record.Log
	Events  *events.Recorder
	Profile *version.Profile
	// KubeletUp reports whether the kubelet of a node is running and can
	// reach the API server.
	KubeletUp func(node string) bool
}

// Controller is the node lifecycle controller with the taint eviction
// controller, and the heartbeat side of every kubelet.
type Controller struct {
	cfg   Config
	e     *sim.Engine
	rng   *rand.Rand
	nodes []*nodeHealth // in the order of Start's list
	// evictions are the pending deletions of pods on tainted nodes, by
	// pod key.
	evictions map[string]*sim.Handle
}

// nodeHealth is nodeHealthData: the last lease renewal the kubelet made,
// the one the controller has seen, and when it saw it (probeTimestamp).
type nodeHealth struct {
	name       string
	renewed    sim.Time
	seen       sim.Time
	probe      sim.Time
	ready      corev1.ConditionStatus // as the controller last observed
	readySince sim.Time
	evicted    bool // pods deleted by the pre-taint evictor
}

// New returns the controllers; Start begins them.
func New(cfg Config) *Controller {
	return &Controller{cfg: cfg, e: cfg.Engine, rng: cfg.Engine.Rand("nodelifecycle"), evictions: map[string]*sim.Handle{}}
}

// Start begins the heartbeats of the nodes in the store and the
// controller's monitor pass, each on a grid whose phase is drawn from the
// "nodelifecycle" stream (the kubelets and the controller manager started
// before the run), and the watch of nodes for taints.
func (c *Controller) Start() {
	for _, n := range c.cfg.Store.Nodes.List() {
		h := &nodeHealth{name: n.Name, renewed: 0, ready: corev1.ConditionTrue}
		c.nodes = append(c.nodes, h)
		c.e.After(sim.Duration(c.rng.Int64N(int64(HeartbeatPeriod))), kindHeartbeat, func() {
			c.heartbeat(h)
			c.e.NewTicker(HeartbeatPeriod, kindHeartbeat, func() { c.heartbeat(h) })
		})
	}
	c.e.After(sim.Duration(c.rng.Int64N(int64(MonitorPeriod))), kindMonitor, func() {
		c.monitor()
		c.e.NewTicker(MonitorPeriod, kindMonitor, c.monitor)
	})
	c.cfg.Store.Nodes.Watch(watchLatency, c.nodeEvent)
}

// heartbeat is the kubelet's periodic lease renewal and node status check
// (kubelet_node_status.go syncNodeStatus, nodelease controller). A kubelet
// that is back finds its node not Ready and posts Ready again.
func (c *Controller) heartbeat(h *nodeHealth) {
	if !c.cfg.KubeletUp(h.name) {
		return
	}
	now := c.e.Now()
	h.renewed = now
	n, ok := c.cfg.Store.Nodes.Get("", h.name)
	if !ok || readyOf(n) == corev1.ConditionTrue {
		return
	}
	nn := n.DeepCopy()
	setReady(nn, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status", now)
	c.cfg.Store.Nodes.Update(nn)
	c.cfg.Events.Eventf(events.Source{Component: "kubelet", Host: h.name}, "Node/"+h.name, events.Normal, "NodeReady",
		fmt.Sprintf("Node %s status is now: NodeReady", h.name))
}

// monitor is monitorNodeHealth: a node whose last heartbeat the controller
// saw more than node-monitor-grace-period ago becomes Unknown; then the
// node is tainted (or, before taint-based evictions, its pods are deleted
// after pod-eviction-timeout), and a node Ready again loses its taints.
func (c *Controller) monitor() {
	now := c.e.Now()
	grace := c.cfg.Profile.NodeMonitorGracePeriod()
	for _, h := range c.nodes {
		n, ok := c.cfg.Store.Nodes.Get("", h.name)
		if !ok {
			continue
		}
		if h.renewed != h.seen {
			h.seen, h.probe = h.renewed, now
		}
		cur := readyOf(n)
		if cur == corev1.ConditionTrue && now > h.probe.Add(grace) {
			nn := n.DeepCopy()
			setReady(nn, corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status.", now)
			c.cfg.Store.Nodes.Update(nn)
			n, cur = nn, corev1.ConditionUnknown
		}
		if cur != h.ready {
			h.ready, h.readySince = cur, now
			if cur != corev1.ConditionTrue {
				c.cfg.Events.Eventf(events.Source{Component: "node-controller"}, "Node/"+h.name, events.Normal, "NodeNotReady",
					fmt.Sprintf("Node %s status is now: NodeNotReady", h.name))
				c.markPodsNotReady(h.name)
			} else {
				h.evicted = false
			}
		}
		if !c.cfg.Profile.TaintBasedEvictions() {
			if cur != corev1.ConditionTrue && !h.evicted && now > h.readySince.Add(PodEvictionTimeout) {
				h.evicted = true
				c.deletePodsLegacy(h.name)
			}
			continue
		}
		c.swapNoExecuteTaint(n, cur)
	}
}

// markPodsNotReady is MarkPodsNotReady: every pod of the node whose Ready
// condition is True gets it False, with the NodeNotReady event (from 1.20;
// 1.11's MarkAllPodsNotReady wrote none).
func (c *Controller) markPodsNotReady(node string) {
	now := c.e.Now()
	for _, p := range c.podsOn(node) {
		for i, cond := range p.Status.Conditions {
			if cond.Type != corev1.PodReady || cond.Status != corev1.ConditionTrue {
				continue
			}
			np := p.DeepCopy()
			np.Status.Conditions[i].Status = corev1.ConditionFalse
			np.Status.Conditions[i].LastTransitionTime = store.WallSeconds(now)
			c.cfg.Store.Pods.Update(np)
			c.recordPod(np)
			if c.cfg.Profile.AtLeast(18) {
				c.cfg.Events.Eventf(events.Source{Component: "node-controller"}, "Pod/"+np.Name, events.Warning, "NodeNotReady", "Node is not ready")
			}
			break
		}
	}
}

// podsOn lists the pods bound to node, in the store's order.
func (c *Controller) podsOn(node string) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range c.cfg.Store.Pods.List() {
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	return out
}

// recordPod adds a PodStatus record of what kubectl shows for a pod the
// controllers changed while its kubelet could not.
func (c *Controller) recordPod(p *corev1.Pod) {
	row := kubectl.Pod(p, c.cfg.Profile.Minor)
	r := &record.PodStatus{
		Header: record.Header{Object: "Pod/" + p.Name}, Phase: string(p.Status.Phase),
		Ready: row.Ready, Status: row.Status, Restarts: row.Restarts, Node: p.Spec.NodeName,
		Conditions: map[string]bool{},
	}
	for _, cond := range p.Status.Conditions {
		r.Conditions[string(cond.Type)] = cond.Status == corev1.ConditionTrue
	}
	c.cfg.Log.Add(c.e.Now(), record.KindPodStatus, r)
}

func readyOf(n *corev1.Node) corev1.ConditionStatus {
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status
		}
	}
	return corev1.ConditionUnknown
}

func setReady(n *corev1.Node, st corev1.ConditionStatus, reason, msg string, now sim.Time) {
	ts := store.WallSeconds(now)
	for i := range n.Status.Conditions {
		cond := &n.Status.Conditions[i]
		if cond.Type != corev1.NodeReady {
			continue
		}
		if cond.Status != st {
			cond.LastTransitionTime = ts
		}
		cond.Status, cond.Reason, cond.Message = st, reason, msg
		if st == corev1.ConditionTrue {
			cond.LastHeartbeatTime = ts
		}
		return
	}
	n.Status.Conditions = append(n.Status.Conditions, corev1.NodeCondition{
		Type: corev1.NodeReady, Status: st, Reason: reason, Message: msg, LastTransitionTime: ts, LastHeartbeatTime: ts,
	})
}
