package cluster

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/nodelifecycle"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/scheduler"
)

// Allocatable resources of a node whose scenario does not give them: a
// large node, so that scenarios about probes never wait for room.
var (
	DefaultNodeCPU    = resource.MustParse("32")
	DefaultNodeMemory = resource.MustParse("128Gi")
)

// DefaultNodePods is the kubelet's default maxPods.
const DefaultNodePods = 110

// nodeObject is the Node the kubelet registers: capacity and allocatable
// as the scenario gives them (the model reserves nothing for the system),
// the well-known labels, and Ready.
func nodeObject(n Node, uid string) *corev1.Node {
	cpu, mem, pods := n.CPU, n.Memory, n.Pods
	if cpu.IsZero() {
		cpu = DefaultNodeCPU
	}
	if mem.IsZero() {
		mem = DefaultNodeMemory
	}
	if pods == 0 {
		pods = DefaultNodePods
	}
	res := corev1.ResourceList{
		corev1.ResourceCPU:    cpu,
		corev1.ResourceMemory: mem,
		corev1.ResourcePods:   *resource.NewQuantity(pods, resource.DecimalSI),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: n.Name, UID: types.UID(uid), CreationTimestamp: store.WallSeconds(0),
			Labels: map[string]string{
				"kubernetes.io/hostname": n.Name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
			},
		},
		Status: corev1.NodeStatus{
			Capacity: res, Allocatable: res.DeepCopy(),
			Conditions: []corev1.NodeCondition{{
				Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
				Message: "kubelet is posting ready status",
			}},
		},
	}
}

// startScheduler registers the nodes and starts kube-scheduler, which
// binds every pod created without a node.
func (c *Cluster) startScheduler() {
	s := scheduler.New(scheduler.Config{
		Engine: c.engine, Store: c.store, Log: c.log, Events: c.events, Profile: c.cfg.Profile,
		Straightforward: c.cfg.Straightforward,
	})
	for _, n := range c.cfg.Nodes {
		// Node UIDs are not drawn from the store's sequence, so that the
		// pods' UIDs (which events print) do not depend on the node count.
		obj := nodeObject(n, "node-"+n.Name)
		c.store.Nodes.Create(obj)
		s.AddNode(obj)
	}
	s.Start()
	c.scheduler = s
	nodelifecycle.New(nodelifecycle.Config{
		Engine: c.engine, Store: c.store, Log: c.log, Events: c.events, Profile: c.cfg.Profile,
		KubeletUp: func(node string) bool {
			k := c.Kubelet(node)
			return k != nil && !k.Down()
		},
	}).Start()
}

// FailNode cuts node off: its kubelet stops (no syncs, probes, status
// updates or heartbeats) while its containers keep running, as when the
// kubelet dies or the node loses the control plane. The node lifecycle
// controller notices after node-monitor-grace-period.
func (c *Cluster) FailNode(node string) error {
	k := c.Kubelet(node)
	if k == nil {
		return fmt.Errorf("node %q not found", node)
	}
	if k.Down() {
		return fmt.Errorf("node %q has already failed", node)
	}
	return k.Stop()
}

// RecoverNode brings a failed node's kubelet back: it lists its pods,
// relists its containers and resumes its heartbeats, so the node is Ready
// again at its next status update.
func (c *Cluster) RecoverNode(node string) error {
	k := c.Kubelet(node)
	if k == nil {
		return fmt.Errorf("node %q not found", node)
	}
	if !k.Down() {
		return fmt.Errorf("node %q has not failed", node)
	}
	k.Start()
	return nil
}
