package kubelet

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// podState is everything the kubelet keeps about one admitted pod.
type podState struct {
	k          *Kubelet
	pod        *corev1.Pod // the newest spec seen from the API; set with setPod
	deleting   bool        // pod has a deletionTimestamp: read by every sync
	object     string      // "Pod/name", for records and events
	ip         string      // the pod IP, given when the sandbox is created; "" before
	containers []*containerState
	// inits are the regular init containers, in spec order, and initCache
	// their PLEG cache. They run one at a time before any of containers
	// (init.go).
	inits     []*containerState
	initCache []runtimeStatus

	// Pod worker (pod_workers.go managePodLoop).
	working     bool     // a sync is in progress
	pending     bool     // an update came while working
	waitRelist  bool     // the next sync waits for a relist newer than lastSyncEnd
	lastSyncEnd sim.Time // lastSyncTime in managePodLoop
	syncEpoch   uint32   // the kubelet process that asked for the sync
	startFn     func()   // startSync, bound once: a sync is asked for often
	requeueAt   sim.Time // the work queue's due time; Never when not queued
	sync        *podSync

	// PLEG cache: the runtime state of each container as of the last relist.
	cache []runtimeStatus
	// sandboxStopped says that killPod has stopped the pod's sandbox
	// (SyncTerminatingPod): the runtime reports it NOTREADY from then on.
	sandboxStopped bool

	// Status manager: the cached status the prober reads.
	hasStatus   bool
	probing     bool // probe workers exist
	terminating bool // SyncTerminatingPod has begun
	status      corev1.PodStatus
	// statusFresh says that generating the status now would change
	// nothing: the last generation left the cached status as it was and
	// triggered no probe, and nothing it reads has changed since
	// (statusInputsChanged). A periodic resync then skips generateStatus.
	statusFresh bool
	// echoes are the objects of the kubelet's status writes that the watch
	// has not brought back yet, oldest first. When it does, only the status
	// can differ from the object the write replaced: the write copied the
	// rest.
	echoes     []*corev1.Pod
	lastRecord record.PodStatus
	recorded   bool
}

// setPod makes pod the newest the kubelet has seen.
func (ps *podState) setPod(pod *corev1.Pod) {
	ps.pod = pod
	ps.deleting = pod.DeletionTimestamp != nil
	ps.statusInputsChanged()
}

// statusInputsChanged is called wherever something generateStatus reads
// changes: the API pod, the cached status, the IP, the PLEG cache, an
// instance starting or ending, the reason cache, a probe result or worker.
func (ps *podState) statusInputsChanged() { ps.statusFresh = false }

// isEcho reports whether pod is the object of one of the kubelet's own
// status writes, and forgets it and any older ones: the watch delivers a
// pod's changes in order.
func (ps *podState) isEcho(pod *corev1.Pod) bool {
	for i, e := range ps.echoes {
		if e == pod {
			n := copy(ps.echoes, ps.echoes[i+1:])
			clear(ps.echoes[n:])
			ps.echoes = ps.echoes[:n]
			return true
		}
	}
	return false
}

// containerState is the runtime's view of one container of the spec: its
// instances, newest last.
type containerState struct {
	spec      *corev1.Container
	init      bool // an init container: its events name spec.initContainers{NAME}
	instances []*instance
	probes    [3]*probeWorker // by probeType
	// On 1.1, the readiness the last inline probe gave, and for which
	// container instance.
	legacyReady   bool
	legacyReadyID string
	// reason is the kubelet's reasonCache entry: why the last attempt to
	// start the container failed (CrashLoopBackOff), shown as the waiting
	// reason in the statuses generated after it.
	reason, reasonMessage string
}

// live returns the instance of c a network probe reaches now, the newest if
// it runs, and its process; nil if none runs.
func (c *containerState) live() (*instance, Process) {
	if in := c.newest(); in != nil && in.running {
		return in, in.proc
	}
	return nil, nil
}

// runtimeChanged tells c's probe workers that its newest instance started
// or ended.
func (c *containerState) runtimeChanged() {
	in, p := c.live()
	for _, w := range c.probes {
		if w != nil {
			w.live, w.liveProc = in, p
		}
	}
}

// statusView is the part of a container's cached status that probe workers
// read. Read through the pod's status, it costs a cache miss or two per
// probe when thousands of pods are probed.
type statusView struct {
	hasStatus  bool      // the status manager has a status for the pod
	terminal   bool      // the pod's phase is Succeeded or Failed
	present    bool      // the cached status has the container
	id         string    // its container ID
	inst       *instance // the instance with that ID; nil if none
	n          int       // inst's number
	startedAt  sim.Time  // inst's start
	running    bool      // state.running is set
	terminated bool      // state.terminated is set
	started    bool      // started is true
}

// instance is one run of a container: what crictl would list.
type instance struct {
	n          int // 1-based
	id         string
	running    bool
	startedAt  sim.Time
	finishedAt sim.Time
	exitCode   int32
	reason     string
	proc       Process
	exit       sim.Handle // the process's own end, if it has one
	onExit     func()     // who waits for the process to die
	inflight   []inflightProbe
}

// runtimeStatus is what the PLEG cache holds for one container: the newest
// instance and its state when the relist ran.
type runtimeStatus struct {
	inst       *instance
	running    bool
	finishedAt sim.Time
}

func (c *containerState) newest() *instance {
	if len(c.instances) == 0 {
		return nil
	}
	return c.instances[len(c.instances)-1]
}

func (k *Kubelet) admit(pod *corev1.Pod) {
	ps := &podState{k: k, object: "Pod/" + pod.Name, requeueAt: sim.Never}
	ps.setPod(pod)
	for i := range pod.Spec.Containers {
		ps.containers = append(ps.containers, &containerState{spec: &pod.Spec.Containers[i]})
	}
	ps.cache = make([]runtimeStatus, len(ps.containers))
	for i := range pod.Spec.InitContainers {
		ps.inits = append(ps.inits, &containerState{spec: &pod.Spec.InitContainers[i], init: true})
	}
	ps.initCache = make([]runtimeStatus, len(ps.inits))
	k.runtimeChanged = true
	k.pods[pod.UID] = ps
	k.podOrder = append(k.podOrder, ps)
	k.addProbesAtPodAdd(ps)
	k.syncUpdated(ps)
}

// addProbesAtPodAdd creates a pod's probe workers when the kubelet adds the
// pod, on releases that do so (HandlePodAdditions up to 1.21,
// docs/fidelity.md P1); later releases create them in the first sync.
func (k *Kubelet) addProbesAtPodAdd(ps *podState) {
	if k.cfg.Profile.PodWorkers() && k.cfg.Profile.ProbeWorkersAtPodAdd() && !ps.probing {
		ps.probing = true
		k.addProbes(ps)
	}
}

func (k *Kubelet) forget(ps *podState) {
	delete(k.pods, ps.pod.UID)
	if ps.waitRelist {
		ps.waitRelist = false
		k.waiting--
	}
	for i, p := range k.podOrder {
		if p == ps {
			k.podOrder = append(k.podOrder[:i], k.podOrder[i+1:]...)
			break
		}
	}
	for _, c := range ps.inits {
		if in := c.newest(); in != nil {
			k.e.Cancel(in.exit)
		}
	}
	// HandlePodRemoves: the probe workers go with the pod.
	for _, c := range ps.containers {
		if in := c.newest(); in != nil {
			k.e.Cancel(in.exit)
		}
		for _, w := range c.probes {
			if w != nil {
				w.stop()
			}
		}
	}
}

// statusOf returns the status manager's cached status of container c.
func (ps *podState) statusOf(c *containerState) *corev1.ContainerStatus {
	for i := range ps.status.ContainerStatuses {
		if ps.status.ContainerStatuses[i].Name == c.spec.Name {
			return &ps.status.ContainerStatuses[i]
		}
	}
	return nil
}

// instanceByID returns the instance of c with the given container ID.
func (ps *podState) instanceByID(c *containerState, id string) *instance {
	for i := len(c.instances) - 1; i >= 0; i-- {
		if c.instances[i].id == id {
			return c.instances[i]
		}
	}
	return nil
}

// ref is the object reference of the container's events: the pod, and the
// field path kubecontainer.GenerateContainerRef gives
// (spec.containers{NAME} or spec.initContainers{NAME}).
func (c *containerState) ref(object string) events.Ref {
	if c.init {
		return events.Ref{Object: object, FieldPath: "spec.initContainers{" + c.spec.Name + "}"}
	}
	return events.ContainerRef(object, c.spec.Name)
}

// byName returns the pod's app or init container with the given name, or
// nil.
func (ps *podState) byName(name string) *containerState {
	for _, list := range [][]*containerState{ps.containers, ps.inits} {
		for _, c := range list {
			if c.spec.Name == name {
				return c
			}
		}
	}
	return nil
}
