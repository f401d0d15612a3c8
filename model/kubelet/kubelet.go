// Package kubelet models the node agent: the sync loop with its one-second
// tick, the generic PLEG relisting the runtime every second, pod workers and
// their requeue rules, the container runtime, the status manager and the
// prober. It follows pkg/kubelet in kubernetes/kubernetes; docs/fidelity.md
// records, per behaviour, the source it follows.
//
// Everything the kubelet learns about containers reaches pod syncs and the
// API only through the paths the real one has, with their latencies: a
// process exit is seen at the next PLEG relist (0-1 s later), work queued
// for later is picked up on the next sync tick, and a pod's API status is
// what the last pod sync generated.
package kubelet

import (
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Timing constants of the kubelet (pkg/kubelet/kubelet.go).
const (
	syncPeriod          = 1 * time.Second  // syncCh ticker in syncLoop
	plegRelistPeriod    = 1 * time.Second  // genericPlegRelistPeriod
	housekeepingPeriod  = 2 * time.Second  // housekeepingPeriod
	resyncInterval      = 60 * time.Second // KubeletConfiguration.syncFrequency default
	backOffPeriod       = 10 * time.Second // pod worker requeue after an error (≤ 1.34)
	workerJitterFactor  = 0.5              // workerResyncIntervalJitterFactor, workerBackOffPeriodJitterFactor
	podWatchLatency     = 5 * time.Millisecond
	statusUpdateLatency = 2 * time.Millisecond
)

// Phases of the kubelet's events. Simultaneous events resolve so that a
// process change happens before the relist that sees it, and a relist
// before the sync tick of the same instant.
const (
	phaseRuntime = 20 // runtime operations completing, processes changing
	phasePLEG    = 50
	phaseProbe   = 60
	phaseSyncCh  = 70
	phaseSync    = 80
	phaseHouse   = 90
)

var (
	kindSyncTick  = sim.NewKind("kubelet/sync-tick", phaseSyncCh)
	kindRelist    = sim.NewKind("kubelet/pleg-relist", phasePLEG)
	kindHouse     = sim.NewKind("kubelet/housekeeping", phaseHouse)
	kindPodSync   = sim.NewKind("kubelet/pod-sync", phaseSync)
	kindRuntimeOp = sim.NewKind("kubelet/runtime-op", phaseRuntime)
	kindProcess   = sim.NewKind("app/process", phaseRuntime-5)
)

// Config is what a kubelet needs from the cluster.
type Config struct {
	Node string
	// PodSubnet is the prefix of the node's pod IPs, "10.128.0.".
	PodSubnet string
	// NodeIP is the node's InternalIP, which the kubelet writes as its
	// pods' status.hostIP.
	NodeIP  string
	Engine  *sim.Engine
	Store   *store.Store
	Log     *record.Log
	Events  *events.Recorder
	Profile *version.Profile
	Apps    Apps
	// MaxContainerRestartPeriod is the node's
	// crashLoopBackOff.maxContainerRestartPeriod; 0 when not set.
	MaxContainerRestartPeriod sim.Duration
	// ParallelImagePulls is serializeImagePulls: false: pulls run at once,
	// up to MaxParallelImagePulls (0: no limit). By default they run one
	// at a time.
	ParallelImagePulls    bool
	MaxParallelImagePulls int
	// PullSlowdown multiplies every pull's time on this node (a slow
	// link or disk); 0 means 1.
	PullSlowdown float64
	// Straightforward turns off the shortcuts that must not change what
	// the kubelet does (a relist skipping its comparison when no container
	// started or ended, a sync tick skipping its look at every pod before
	// any is due, the watch echoes of its own status writes taken as
	// status-only without comparing specs, a resync not regenerating a
	// status that cannot have changed, a status write sharing what it
	// does not change with the object it replaces): tests run both ways
	// and compare the logs.
	Straightforward bool
	// StartedAt is when the kubelet process started. Kubelets of the
	// initial nodes started long before the run; a restarted kubelet starts
	// during it, which matters to the prober's start-up jitter.
	StartedAt sim.Time
}

// Apps gives the processes that run in containers. The cluster implements
// it with package app's catalog of behaviours; tests use small fakes.
type Apps interface {
	// Start starts instance n (1 = the first start in the pod) of the
	// process of image, at time at, in a container with the given memory
	// limit in bytes (0: none), drawing what varies from r.
	Start(image string, n int, at sim.Time, memoryLimit int64, r *rand.Rand) Process
	// Pull says how the registry serves image to a pull that starts at
	// time at.
	Pull(image string, at sim.Time) app.Pull
}

// Process is a container's running program, as far as the kubelet can
// observe it. *app.Instance implements it.
type Process interface {
	// Exit reports when the process ends, as things stand: by itself or
	// because of a signal already delivered. Requests whose reply says
	// Crashed, and signals, can change it.
	Exit() (at sim.Time, code int, reason string, ok bool)
	// HTTP answers a request for method and path on port, sent at time at.
	HTTP(at sim.Time, port int, method, path string) app.Reply
	// TCP answers a connection attempt to port at time at.
	TCP(at sim.Time, port int) app.Reply
	// GRPC answers a grpc.health.v1 Check of service on port at time at.
	GRPC(at sim.Time, port int, service string) app.Reply
	// Exec answers a command run in the container at time at.
	Exec(at sim.Time, command []string) app.Reply
	// Signal delivers sig at time at.
	Signal(at sim.Time, sig app.Signal) app.Reaction
}

// Kubelet is one node's agent.
type Kubelet struct {
	cfg    Config
	e      *sim.Engine
	rng    *rand.Rand
	source events.Source

	pods     map[types.UID]*podState
	podOrder []*podState // admission order, for deterministic iteration

	syncTicker  *sim.Ticker
	plegTicker  *sim.Ticker
	houseTicker *sim.Ticker
	lastRelist  sim.Time
	containerID uint64
	backoff     map[string]*backoffEntry
	legacyTimer *sim.Timer // the 1.1 syncLoop's periodic wait
	podIPs      int
	images      *images

	// A restarted kubelet: down while stopped; epoch counts the processes
	// that ended, so that work of an old process does not continue.
	down       bool
	epoch      uint32
	firstTicks [3]sim.Handle

	// probeRecord is reused for every Probe record when the log streams
	// them without keeping them: the most frequent record then costs no
	// allocation.
	probeRecord record.Probe
	// scratch holds the buffers generateStatus fills. Most pod syncs
	// generate the status the cache already has, which setStatus then
	// drops; reusing the buffers makes those syncs allocate nothing.
	scratch statusScratch
	// runtimeChanged tells the next relist that some container of the
	// node started or ended, or that a pod's cache was reset, since the
	// last one; waiting counts the pods whose worker waits for a relist.
	// Without either, a relist has nothing to do, which is most seconds.
	runtimeChanged bool
	waiting        int
	// requeueFrom is at or before every pod's requeueAt: a sync tick
	// before it finds no pod due and need not look at each.
	requeueFrom sim.Time
}

// New returns a kubelet for cfg.Node. Call Start to begin its loops.
func New(cfg Config) *Kubelet {
	k := &Kubelet{
		cfg:    cfg,
		e:      cfg.Engine,
		rng:    cfg.Engine.Rand("kubelet/" + cfg.Node),
		source: events.Source{Component: "kubelet", Host: cfg.Node},
		pods:   map[types.UID]*podState{},
	}
	k.images = newImages(k)
	return k
}

// Start begins the kubelet's loops and its watch of the pods bound to its
// node. The sync tick, the PLEG relist and housekeeping each run on a grid
// whose phase, relative to the start of the run, is drawn from the node's
// stream: the kubelet started at some unknown moment before.
//
// Start after Stop is a kubelet restart: see restart.go.
func (k *Kubelet) Start() {
	restarted := k.down
	if !k.cfg.Profile.PodWorkers() {
		if restarted {
			k.legacyTimer.Reset(sim.Duration(k.rng.Int64N(int64(legacySyncFrequency))))
			k.restart()
			return
		}
		k.startLegacy()
		return
	}
	phase := func(period time.Duration) sim.Duration { return sim.Duration(k.rng.Int64N(int64(period))) }
	k.firstTicks[0] = k.e.After(phase(syncPeriod), kindSyncTick, func() {
		k.syncTick()
		k.syncTicker = k.e.NewTicker(syncPeriod, kindSyncTick, k.syncTick)
	})
	k.firstTicks[1] = k.e.After(phase(plegRelistPeriod), kindRelist, func() {
		k.relist()
		k.plegTicker = k.e.NewTicker(plegRelistPeriod, kindRelist, k.relist)
	})
	k.firstTicks[2] = k.e.After(phase(housekeepingPeriod), kindHouse, func() {
		k.housekeeping()
		k.houseTicker = k.e.NewTicker(housekeepingPeriod, kindHouse, k.housekeeping)
	})
	if restarted {
		k.restart()
		return
	}
	k.watchPods()
}

// watchPods is the kubelet's pod source: a watch with the field selector
// spec.nodeName=<node>, so the API server sends it only its own pods (a pod
// moving onto the node arrives as its binding).
func (k *Kubelet) watchPods() {
	node := k.cfg.Node
	k.cfg.Store.Pods.WatchWhere(podWatchLatency, func(pod, old *corev1.Pod) bool {
		return pod.Spec.NodeName == node
	}, k.podEvent)
}

// podEvent is the kubelet's pod informer: it admits pods bound to this node
// and passes updates (deletion above all) to their workers.
//
// Like the kubelet's pod config source (pkg/kubelet/config/config.go
// checkAndUpdatePod), it ignores updates that change only the status: the
// kubelet's own status writes must not trigger syncs.
func (k *Kubelet) podEvent(ev store.EventType, pod, old *corev1.Pod) {
	if pod.Spec.NodeName != k.cfg.Node || k.down {
		return // a stopped kubelet lists its pods again when it starts
	}
	ps := k.pods[pod.UID]
	switch {
	case ps == nil && ev != store.Deleted:
		k.admit(pod)
	case ps != nil && ev == store.Deleted:
		k.forget(ps)
	case ps != nil:
		ps.setPod(pod)
		ownWrite := ps.isEcho(pod) && !k.cfg.Straightforward
		if !ownWrite && specChanged(old, pod) {
			// What kubectl shows follows the API object, whoever changed
			// it: a deletion timestamp reads Terminating before the
			// kubelet acts. (The kubelet's own status writes are recorded
			// when it makes them; the watch echoes them later.) The
			// watch delivers the object as it was changed; a status the
			// kubelet wrote since is newer, and what kubectl shows now.
			cur, ok := k.cfg.Store.Pods.Get(pod.Namespace, pod.Name)
			if !ok || cur.UID != pod.UID {
				cur = pod
			}
			ps.record(cur)
			k.syncUpdated(ps)
		}
	}
}

func specChanged(old, pod *corev1.Pod) bool {
	if old == nil {
		return true
	}
	return !equality.Semantic.DeepEqual(old.Spec, pod.Spec) ||
		!equality.Semantic.DeepEqual(old.DeletionTimestamp, pod.DeletionTimestamp) ||
		!equality.Semantic.DeepEqual(old.Labels, pod.Labels) ||
		!equality.Semantic.DeepEqual(old.Annotations, pod.Annotations)
}

// syncUpdated asks for a sync of a pod whose spec the API changed: at once
// through its worker, or on 1.1 through the next syncLoop iteration.
func (k *Kubelet) syncUpdated(ps *podState) {
	if k.legacyTimer != nil {
		k.legacyConfigUpdate(ps)
		return
	}
	k.updatePod(ps)
}

// syncTick is the syncCh branch of syncLoopIteration: pods whose requeue
// delay has passed get a sync (getPodsToSync).
func (k *Kubelet) syncTick() {
	now := k.e.Now()
	if now < k.requeueFrom && !k.cfg.Straightforward {
		return
	}
	next := sim.Never
	for _, ps := range k.podOrder {
		if ps.requeueAt != sim.Never && ps.requeueAt <= now {
			ps.requeueAt = sim.Never
			k.updatePod(ps)
		}
		next = min(next, ps.requeueAt)
	}
	// updatePod only schedules syncs, so no requeueAt moved during the
	// loop; a later finishSync lowers requeueFrom as it requeues.
	k.requeueFrom = next
}

func (k *Kubelet) housekeeping() {
	// HandlePodCleanups: the crash-loop backoff entries older than their
	// expiry are garbage collected here.
	k.gcBackoff()
}

// jitter is wait.Jitter: d plus a random fraction up to factor of d.
func (k *Kubelet) jitter(d sim.Duration, factor float64) sim.Duration {
	return d + sim.Duration(k.rng.Float64()*factor*float64(d))
}

func (k *Kubelet) newContainerID() string {
	k.containerID++
	const hex = "0123456789abcdef"
	var b [16]byte
	v := k.containerID*0x9e3779b97f4a7c15 ^ uint64(len(k.cfg.Node))
	for i := range b {
		b[i] = hex[v&15]
		v = v>>4 | v<<60
	}
	// dockershim was the runtime until it was removed in 1.24; containerd
	// after (a model choice: OpenShift 4 uses CRI-O).
	if k.cfg.Profile.AtLeast(24) {
		return "containerd://" + string(b[:])
	}
	return "docker://" + string(b[:])
}
