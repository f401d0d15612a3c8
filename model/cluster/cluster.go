// Package cluster wires the model's components onto one kernel: the object
// store, a kubelet per node, the controllers, and the timed actions of a
// scenario. It is the one place that knows every component; the components
// talk to each other only through the store.
package cluster

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/controller"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/kubelet"
	"github.com/probesim/probesim/model/network"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/scheduler"
	"github.com/probesim/probesim/sim"
)

// Version is probesim's version, recorded in every run.
var Version = "0.1.0-dev"

// Node describes one node of the cluster. Zero resources take the
// defaults (DefaultNodeCPU, DefaultNodeMemory, DefaultNodePods).
type Node struct {
	Name string
	// CPU, Memory and Pods are the node's allocatable resources.
	CPU, Memory resource.Quantity
	Pods        int64
	// PullSlowdown multiplies the node's image pull times; 0 means 1.
	PullSlowdown float64
}

// Action is something done to the cluster at a simulated time: applying a
// manifest, deleting a pod, sending a signal. Do changes the cluster; it is
// called from the event loop at time At.
type Action struct {
	At   sim.Time
	Name string // for diagnostics, e.g. "actions[2] (delete)"
	Do   func(c *Cluster) error
}

// Config is everything a run needs. It is built by package scenarios from a
// scenario file, or by tests directly.
type Config struct {
	Scenario string
	Profile  *version.Profile
	Seed     uint64
	Nodes    []Node
	// Apps describes what containers' processes do, by image; nil gives
	// every image the default behaviour (package app).
	Apps *app.Catalog
	// Objects are decoded, defaulted and validated manifests, applied at
	// time 0 in order: *corev1.Pod, *appsv1.Deployment, *appsv1.ReplicaSet,
	// *corev1.Service, and the OpenShift types of package api.
	Objects []any
	Actions []Action
	// MaxContainerRestartPeriod is every node's kubelet setting
	// crashLoopBackOff.maxContainerRestartPeriod; 0 leaves it unset.
	MaxContainerRestartPeriod sim.Duration
	// ParallelImagePulls and MaxParallelImagePulls are every kubelet's
	// serializeImagePulls: false and maxParallelImagePulls (0: no limit).
	ParallelImagePulls    bool
	MaxParallelImagePulls int
	// Network tunes the service network (proxy mode, recording of every
	// request); the zero value is the release's defaults.
	Network network.Options
	// Traffic are the request generators, started with the run.
	Traffic []network.Traffic
	// RecordObjects adds a record.Snapshot of every API object at each of
	// its changes (and of each EndpointSlice the network writes), for
	// views that print objects as kubectl does. It adds records to the log
	// and so changes its hash; it changes nothing the model does.
	RecordObjects bool
	// Straightforward turns off the model's shortcuts, the optimizations
	// that must not change its output, so that tests can check that they
	// do not.
	Straightforward bool
}

// Cluster is one simulated cluster on its own engine.
type Cluster struct {
	cfg       Config
	engine    *sim.Engine
	log       *record.Log
	store     *store.Store
	events    *events.Recorder
	kubelets  []*kubelet.Kubelet
	network   *network.Network
	scheduler *scheduler.Scheduler
	actionErr error

	// controllers are the workload controllers (Deployment, ReplicaSet,
	// DeploymentConfig and their deployer processes).
	controllers *controller.Controller
	// clusterIPs are the Service IPs allocated so far.
	clusterIPs map[string]bool
}

var kindAction = sim.NewKind("cluster/action", 30)

// New builds a cluster from cfg, recording into log. It writes the log's Run
// record and schedules the initial objects and the actions; nothing runs
// until RunUntil.
func New(cfg Config, log *record.Log) (*Cluster, error) {
	if cfg.Profile == nil {
		p, err := version.Lookup(version.Default)
		if err != nil {
			return nil, err
		}
		cfg.Profile = p
	}
	if len(cfg.Nodes) == 0 {
		cfg.Nodes = []Node{{Name: "node"}}
	}
	if cfg.Apps == nil {
		cfg.Apps = app.NewCatalog()
	}
	e := sim.New(cfg.Seed)
	c := &Cluster{cfg: cfg, engine: e, log: log, store: store.New(e)}
	c.events = events.NewRecorder(e.Now, log, e.Rand("events/correlator"))
	c.events.SetRelease(cfg.Profile)
	if cfg.RecordObjects {
		c.store.Observe(c.snapshot)
		cfg.Network.RecordObjects = true
	}
	gates := map[string]bool{}
	for k, v := range cfg.Profile.Gates {
		gates[k] = v
	}
	log.Add(0, record.KindRun, &record.Run{
		Scenario: cfg.Scenario, Release: cfg.Profile.Name, FeatureGates: gates,
		Seed: cfg.Seed, Version: Version,
	})
	for i, n := range cfg.Nodes {
		k := kubelet.New(kubelet.Config{
			Node: n.Name, PodSubnet: fmt.Sprintf("10.128.%d.", i), NodeIP: fmt.Sprintf("10.0.%d.%d", (10+i)/256, (10+i)%256), Engine: e, Store: c.store, Log: log, Events: c.events,
			Profile: cfg.Profile, Apps: kubelet.CatalogApps(cfg.Apps), StartedAt: -sim.Time(1e12),
			MaxContainerRestartPeriod: cfg.MaxContainerRestartPeriod,
			ParallelImagePulls:        cfg.ParallelImagePulls, MaxParallelImagePulls: cfg.MaxParallelImagePulls,
			PullSlowdown: n.PullSlowdown, Straightforward: cfg.Straightforward,
		})
		k.Start()
		c.kubelets = append(c.kubelets, k)
	}
	c.startScheduler()
	c.controllers = controller.New(controller.Config{
		Engine: e, Store: c.store, Log: log, Events: c.events,
		Options:         controller.OptionsFor(cfg.Profile),
		PodTemplateHash: api.PodTemplateHash,
		ExitProcess:     c.exitProcess,
		Straightforward: cfg.Straightforward,
	})
	c.controllers.Start()
	c.network = c.startNetwork(cfg.Network)
	for i, t := range cfg.Traffic {
		if err := c.network.AddTraffic(t); err != nil {
			return nil, fmt.Errorf("traffic[%d]: %w", i, err)
		}
	}
	for i, o := range cfg.Objects {
		if err := c.create(o); err != nil {
			return nil, fmt.Errorf("objects[%d]: %w", i, err)
		}
	}
	for _, a := range cfg.Actions {
		a := a
		e.At(a.At, kindAction, func() {
			if err := a.Do(c); err != nil && c.actionErr == nil {
				c.actionErr = fmt.Errorf("%s at %s: %w", a.Name, a.At, err)
				e.Stop()
			}
		})
	}
	return c, nil
}

// create stores a manifest's object as the API server would on creation.
func (c *Cluster) create(o any) error {
	switch o := o.(type) {
	case *corev1.Pod:
		return c.CreatePod(o.DeepCopy())
	case *appsv1.Deployment, *appsv1.ReplicaSet, *corev1.Service, *api.DeploymentConfig, *corev1.ReplicationController:
		return c.Apply(o)
	case *api.Route:
		c.network.AddRoute(network.RouteFrom(o))
		c.log.Add(c.engine.Now(), record.KindObject, &record.Object{Header: record.Header{Object: "Route/" + o.Name}, Action: "created"})
		return nil
	default:
		return fmt.Errorf("%T is not supported by the model yet", o)
	}
}

// Apply creates an object, or replaces the spec, labels and annotations of
// the existing one of the same kind, namespace and name, as `kubectl apply`
// of a whole manifest does. A changed spec bumps metadata.generation, which
// controllers compare with status.observedGeneration.
func (c *Cluster) Apply(o any) error {
	now := c.engine.Now()
	switch o := o.(type) {
	case *corev1.Pod:
		if cur, ok := c.store.Pods.Get(namespaceOf(o.Namespace), o.Name); ok {
			p := cur.DeepCopy()
			p.Labels, p.Annotations = o.Labels, o.Annotations
			c.store.Pods.Update(p)
			return nil
		}
		return c.CreatePod(o.DeepCopy())
	case *appsv1.Deployment:
		return applyTo(c, c.store.Deployments, o.DeepCopy(), "Deployment", now, func(cur, n *appsv1.Deployment) bool {
			changed := !equality.Semantic.DeepEqual(cur.Spec, n.Spec)
			n.Status = cur.Status
			return changed
		})
	case *appsv1.ReplicaSet:
		return applyTo(c, c.store.ReplicaSets, o.DeepCopy(), "ReplicaSet", now, func(cur, n *appsv1.ReplicaSet) bool {
			changed := !equality.Semantic.DeepEqual(cur.Spec, n.Spec)
			n.Status = cur.Status
			return changed
		})
	case *corev1.Service:
		o = o.DeepCopy()
		if _, ok := c.store.Services.Get(namespaceOf(o.Namespace), o.Name); !ok {
			c.allocateClusterIP(o)
		}
		return applyTo(c, c.store.Services, o, "Service", now, func(cur, n *corev1.Service) bool {
			n.Spec.ClusterIP, n.Spec.ClusterIPs = cur.Spec.ClusterIP, cur.Spec.ClusterIPs
			return !equality.Semantic.DeepEqual(cur.Spec, n.Spec)
		})
	case *api.DeploymentConfig:
		return c.applyDC(o)
	case *corev1.ReplicationController:
		return applyTo(c, c.store.ReplicationControllers, o.DeepCopy(), "ReplicationController", now, func(cur, n *corev1.ReplicationController) bool {
			changed := !equality.Semantic.DeepEqual(cur.Spec, n.Spec)
			n.Status = cur.Status
			return changed
		})
	}
	return fmt.Errorf("applying a %T is not supported by the model yet", o)
}

// applyTo creates obj in table t, or updates the existing object with
// merge, which copies what the server keeps and reports whether the spec
// changed.
func applyTo[T interface {
	store.Object
	SetNamespace(string)
	SetUID(types.UID)
	SetCreationTimestamp(metav1.Time)
	GetGeneration() int64
	SetGeneration(int64)
	GetCreationTimestamp() metav1.Time
}](c *Cluster, t *store.Table[T], obj T, kind string, now sim.Time, merge func(cur, obj T) bool) error {
	obj.SetNamespace(namespaceOf(obj.GetNamespace()))
	cur, ok := t.Get(obj.GetNamespace(), obj.GetName())
	if !ok {
		obj.SetUID(types.UID(c.store.NewUID()))
		obj.SetCreationTimestamp(store.WallSeconds(now))
		obj.SetGeneration(1)
		t.Create(obj)
		c.log.Add(now, record.KindObject, &record.Object{Header: record.Header{Object: kind + "/" + obj.GetName()}, Action: "created"})
		return nil
	}
	obj.SetUID(cur.GetUID())
	obj.SetCreationTimestamp(cur.GetCreationTimestamp())
	obj.SetGeneration(cur.GetGeneration())
	if merge(cur, obj) {
		obj.SetGeneration(cur.GetGeneration() + 1)
	}
	t.Update(obj)
	return nil
}

func namespaceOf(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// CreatePod stores a new pod, filling in what the API server sets: UID,
// namespace, creation time, phase Pending.
func (c *Cluster) CreatePod(pod *corev1.Pod) error {
	pod.Namespace = namespaceOf(pod.Namespace)
	pod.UID = types.UID(c.store.NewUID())
	pod.CreationTimestamp = store.WallSeconds(c.engine.Now())
	pod.Status = corev1.PodStatus{Phase: corev1.PodPending}
	if !c.store.Pods.Create(pod) {
		return fmt.Errorf("pods %q already exists", pod.Name)
	}
	c.log.Add(c.engine.Now(), record.KindObject, &record.Object{Header: record.Header{Object: "Pod/" + pod.Name}, Action: "created", Owner: owner(pod)})
	return nil
}

func owner(pod *corev1.Pod) string {
	for _, r := range pod.OwnerReferences {
		if r.Controller != nil && *r.Controller {
			return r.Kind + "/" + r.Name
		}
	}
	return ""
}

// DeletePod deletes a pod as `kubectl delete pod` does (store.DeletePod: a
// graceful delete, or removal at once of a pod that is unbound or in a
// terminal phase). grace nil is the pod's own grace period. A pod removed
// at once has no kubelet to record its removal, so it is recorded here, as
// the ReplicaSet controller records the pods it removes. It reports
// whether the pod existed.
func (c *Cluster) DeletePod(namespace, name string, grace *int64) bool {
	pod, ok := c.store.Pods.Get(namespace, name)
	if !ok {
		return false
	}
	c.store.DeletePod(namespace, name, grace, c.engine.Now())
	if cur, ok := c.store.Pods.Get(namespace, name); !ok || cur.UID != pod.UID {
		c.log.Add(c.engine.Now(), record.KindObject, &record.Object{Header: record.Header{Object: "Pod/" + name}, Action: "deleted", Owner: owner(pod)})
	}
	return true
}

// Signal sends sig to the process of a container of a pod (the first
// container when container is empty), through the kubelet of the pod's node.
func (c *Cluster) Signal(namespace, pod, container string, sig app.Signal) error {
	p, ok := c.store.Pods.Get(namespace, pod)
	if !ok {
		return fmt.Errorf("pods %q not found", pod)
	}
	for _, k := range c.kubelets {
		if k.Node() == p.Spec.NodeName {
			return k.Signal(p, container, sig)
		}
	}
	return fmt.Errorf("pod %q is not bound to a node", pod)
}

var kindKubeletStart = sim.NewKind("cluster/kubelet-start", 10)

// RestartKubelet stops the kubelet of node now, as `systemctl restart
// kubelet` does, and starts a new kubelet process after down (the time the
// new process takes to come up and list its pods).
func (c *Cluster) RestartKubelet(node string, down sim.Duration) error {
	k := c.Kubelet(node)
	if k == nil {
		return fmt.Errorf("node %q not found", node)
	}
	if err := k.Stop(); err != nil {
		return err
	}
	c.engine.After(down, kindKubeletStart, k.Start)
	return nil
}

// Kubelet returns the kubelet of a node, or nil.
func (c *Cluster) Kubelet(node string) *kubelet.Kubelet {
	for _, k := range c.kubelets {
		if k.Node() == node {
			return k
		}
	}
	return nil
}

// Network returns the cluster's service network: endpoints, data plane,
// traffic and its results.
func (c *Cluster) Network() *network.Network { return c.network }

// Engine returns the cluster's kernel, for pacing, interruption and stats.
func (c *Cluster) Engine() *sim.Engine { return c.engine }

// Store returns the cluster's object store.
func (c *Cluster) Store() *store.Store { return c.store }

// Log returns the run's log.
func (c *Cluster) Log() *record.Log { return c.log }

// RunUntil runs the cluster until simulated time t, or until the engine is
// stopped. It returns the error of the first action that failed, which
// stops the run.
func (c *Cluster) RunUntil(t sim.Time) error {
	c.engine.RunUntil(t)
	return c.actionErr
}

// Finish closes the log: the network's ErrorBudget records, then End.
// Call it once, after the last RunUntil.
func (c *Cluster) Finish() {
	c.network.Finish()
	c.log.Add(c.engine.Now(), record.KindEnd, &record.End{Events: c.engine.Stats().Fired, Hash: c.log.Hash()})
}
