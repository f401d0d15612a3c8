package controller

import (
	"math/rand/v2"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// WatchDelay is how long a change in the store takes to reach a
// controller's event handler: the API server's watch plus the informer. The
// fact sheet (5.8) says every hop between components takes milliseconds;
// the model charges one millisecond per hop, so a chain such as pod Ready →
// ReplicaSet status → Deployment sync → ReplicaSet spec → pod create takes a
// few milliseconds of simulated time.
const WatchDelay = time.Millisecond

// Sources of the controllers' events (Event.Source.Component).
var (
	DeploymentSource = events.Source{Component: "deployment-controller"}
	ReplicaSetSource = events.Source{Component: "replicaset-controller"}
)

var (
	kindRSSync         = sim.NewKind("controller/replicaset/sync", 50)
	kindDeploymentSync = sim.NewKind("controller/deployment/sync", 50)
)

// ScaleMessage selects the text of the ScalingReplicaSet event.
type ScaleMessage uint8

// The ScalingReplicaSet texts Kubernetes has used.
const (
	// ScaleTo is "Scaled up replica set web-6d4b8f9c7 to 3", the text
	// before kubernetes/kubernetes#101142.
	ScaleTo ScaleMessage = iota
	// ScaleToFrom is "Scaled up replica set web-6d4b8f9c7 to 3 from 0"
	// (#101142, taken here to be in 1.26: unverified).
	ScaleToFrom
	// ScaleFromTo is "Scaled up replica set web-6d4b8f9c7 from 0 to 3"
	// (#125118, v1.32.0-alpha.2, CHANGELOG-1.32).
	ScaleFromTo
)

// Options are the controllers' behaviours that differ between releases.
type Options struct {
	// ScaleMessage is the ScalingReplicaSet text.
	ScaleMessage ScaleMessage
	// LogarithmicScaleDown ranks deletion victims by log2 buckets of how
	// long they have been ready and how old they are, ties broken by UID
	// (feature gate LogarithmicScaleDown: alpha 1.21, beta and on 1.22).
	LogarithmicScaleDown bool
	// PodDeletionCost honours the controller.kubernetes.io/pod-deletion-cost
	// annotation when choosing victims (alpha 1.21, beta and on 1.22).
	PodDeletionCost bool
}

// OptionsFor returns the options of a release profile. It is the one place
// that maps releases to this package's switches.
func OptionsFor(p *version.Profile) Options {
	o := Options{ScaleMessage: ScaleTo}
	switch {
	case p.AtLeast(32):
		o.ScaleMessage = ScaleFromTo
	case p.AtLeast(26):
		o.ScaleMessage = ScaleToFrom
	}
	o.LogarithmicScaleDown = p.AtLeast(22)
	o.PodDeletionCost = p.AtLeast(22)
	return o
}

// Config is what the controllers need.
type Config struct {
	Engine *sim.Engine
	Store  *store.Store
	Log    *record.Log
	Events *events.Recorder
	// Options are the release's switches; see OptionsFor.
	Options Options
	// PodTemplateHash computes a Deployment's pod-template-hash
	// (controller.ComputeHash); nil uses api.PodTemplateHash.
	PodTemplateHash func(template *corev1.PodTemplateSpec, collisionCount *int32) string
	// ExitProcess ends the process of a running container, with an exit
	// code: a deployer pod's process exits when its rollout ends. Nil
	// leaves deployer pods running.
	ExitProcess func(pod *corev1.Pod, container string, code int) error
	// DeployerImage is the deployer pods' image; empty is
	// DefaultDeployerImage.
	DeployerImage string
	// Straightforward makes the controllers scan every pod, as they did
	// before the pod indexes, instead of reading the indexes and their
	// tallies, and give each pod they create its own copy of the
	// template rather than share the ReplicaSet's, so that tests can
	// check these shortcuts change nothing
	// (cluster.Config.Straightforward).
	Straightforward bool
}

// Controller runs the Deployment and ReplicaSet controllers of one cluster,
// and OpenShift's replication manager, DeploymentConfig and deployer
// controllers with their deployer processes.
type Controller struct {
	cfg   Config
	e     *sim.Engine
	s     *store.Store
	names *rand.Rand

	// pods is the pod table indexed by controller, with each owner's
	// status counts.
	pods *store.Index[*corev1.Pod, podOwnerKey, podTally]
	// deployerPods is the pod table indexed by the deployment whose
	// deployer pods they are.
	deployerPods *store.Index[*corev1.Pod, deployerPodKey, struct{}]

	rsQueue *queue
	dQueue  *queue
	exp     map[string]*expectation
	rollout map[string]*record.Rollout

	// The OpenShift side: the replication manager, the DeploymentConfig
	// and deployer controllers, and the deployer processes.
	rcQueue       *queue
	dcQueue       *queue
	deployerQueue *queue
	dcRollout     map[string]*record.Rollout
	runs          map[string]*deployerRun // by RC key, the newest
	runOrder      []*deployerRun
	ran           map[types.UID]bool // deployer pods whose process started
	encodedDCs    map[types.UID]*encodedDC
	dcTemplates   map[string]versionedJSON
}

// New returns the controllers of a cluster. Nothing happens until Start.
func New(cfg Config) *Controller {
	if cfg.PodTemplateHash == nil {
		cfg.PodTemplateHash = api.PodTemplateHash
	}
	c := &Controller{
		cfg: cfg, e: cfg.Engine, s: cfg.Store,
		names:   cfg.Engine.Rand("controller/replicaset/names"),
		exp:     map[string]*expectation{},
		rollout: map[string]*record.Rollout{},

		pods:         newPodIndex(cfg.Store),
		deployerPods: newDeployerPodIndex(cfg.Store),

		dcRollout: map[string]*record.Rollout{},
		runs:      map[string]*deployerRun{},
		ran:       map[types.UID]bool{},

		encodedDCs:  map[types.UID]*encodedDC{},
		dcTemplates: map[string]versionedJSON{},
	}
	c.rsQueue = newQueue(c.e, kindRSSync, c.syncReplicaSet)
	c.dQueue = newQueue(c.e, kindDeploymentSync, c.syncDeployment)
	c.rcQueue = newQueue(c.e, kindRCSync, c.syncReplicationController)
	c.dcQueue = newQueue(c.e, kindDCSync, c.syncDC)
	c.deployerQueue = newQueue(c.e, kindDeployerSync, c.syncDeployer)
	return c
}

// Start registers the controllers' watches, and queues every object that
// already exists, as informers' initial lists do.
func (c *Controller) Start() {
	c.s.ReplicaSets.Watch(WatchDelay, c.rsEventForRS)
	c.s.Pods.Watch(WatchDelay, c.podEventForRS)
	c.s.Deployments.Watch(WatchDelay, c.deploymentEvent)
	c.s.ReplicaSets.Watch(WatchDelay, c.rsEventForDeployment)
	c.s.Pods.Watch(WatchDelay, c.podEventForDeployment)
	for _, rs := range c.s.ReplicaSets.List() {
		c.rsQueue.Add(store.Key(rs))
	}
	for _, d := range c.s.Deployments.List() {
		c.dQueue.Add(store.Key(d))
	}
	// The OpenShift handlers ignore every pod that is neither an RC's nor
	// a deployer pod; filtering them out here saves a kernel event per
	// pod change in clusters without DeploymentConfigs.
	c.s.ReplicationControllers.Watch(WatchDelay, c.rcEventForRC)
	c.s.Pods.WatchWhere(WatchDelay, rcPod, c.podEventForRC)
	c.s.DeploymentConfigs.Watch(WatchDelay, c.dcEventForDC)
	c.s.ReplicationControllers.Watch(WatchDelay, c.rcEventForDC)
	c.s.ReplicationControllers.Watch(WatchDelay, c.rcEventForDeployer)
	c.s.Pods.WatchWhere(WatchDelay, rcPod, c.podEventForDeployer)
	for _, rc := range c.s.ReplicationControllers.List() {
		c.rcQueue.Add(store.Key(rc))
		c.deployerQueue.Add(store.Key(rc))
	}
	for _, dc := range c.s.DeploymentConfigs.List() {
		c.dcQueue.Add(store.Key(dc))
	}
}

func (c *Controller) now() sim.Time { return c.e.Now() }

func (c *Controller) object(kind, name string, action, owner string) {
	c.cfg.Log.Add(c.now(), record.KindObject, &record.Object{
		Header: record.Header{Object: kind + "/" + name}, Action: action, Owner: owner,
	})
}

func (c *Controller) event(src events.Source, object, reason, msg string) {
	if c.cfg.Events != nil {
		c.cfg.Events.Eventf(src, object, events.Normal, reason, msg)
	}
}

// ownedReplicaSets lists the ReplicaSets whose controller is d, by name.
func (c *Controller) ownedReplicaSets(d *appsv1.Deployment) []*appsv1.ReplicaSet {
	return controlledIn(c.s.ReplicaSets, d.Namespace, d.UID)
}

// rcPod reports whether a pod is an RC's or a deployer pod (owned by an
// RC, not as its controller), before or after a change.
func rcPod(pod, old *corev1.Pod) bool {
	for _, p := range [2]*corev1.Pod{pod, old} {
		if p == nil {
			continue
		}
		for _, r := range p.OwnerReferences {
			if r.Kind == "ReplicationController" {
				return true
			}
		}
	}
	return false
}
