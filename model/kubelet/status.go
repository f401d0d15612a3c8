package kubelet

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/kubectl"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
)

// statusScratch is the storage of a status being generated. A status
// generated into it must be deep-copied before it is kept (setStatus does).
type statusScratch struct {
	hostIPs    [1]corev1.HostIP
	podIPs     [1]corev1.PodIP
	containers statusList
	inits      statusList
	conditions []corev1.PodCondition
	// triggers are the readiness workers the status asks to probe at once,
	// triggered by publishStatus once the status is set.
	triggers []*probeWorker
}

// statusList is the storage of one list of container statuses being
// generated: the statuses, their running states and their started flags.
type statusList struct {
	statuses []corev1.ContainerStatus
	running  []corev1.ContainerStateRunning
	started  []bool
}

// fill generates the statuses of containers from their PLEG cache entries
// (convertToAPIContainerStatuses) into l and returns them.
func (l *statusList) fill(ps *podState, containers []*containerState, cache []runtimeStatus) []corev1.ContainerStatus {
	if n := len(containers); cap(l.running) < n {
		l.running = make([]corev1.ContainerStateRunning, n)
		l.started = make([]bool, n)
	}
	l.statuses = l.statuses[:0]
	for i, c := range containers {
		l.statuses = append(l.statuses, ps.containerStatus(c, cache[i], &l.running[i]))
	}
	return l.statuses
}

// publishStatus is the status half of a sync: generateAPIPodStatus, whose
// readiness manual triggers it sends, and SetPodStatus. A status that is
// still fresh is not generated again; the generation would change nothing.
func (ps *podState) publishStatus() {
	k := ps.k
	if ps.statusFresh && !k.cfg.Straightforward {
		return
	}
	changed := ps.setStatus(ps.generateStatus())
	ps.statusFresh = !changed && len(k.scratch.triggers) == 0
	for _, w := range k.scratch.triggers {
		w.trigger()
	}
}

// generateStatus is generateAPIPodStatus: the pod's API status from the PLEG
// cache, the reason cache and the probe results. The status it returns, and
// the workers it asks to trigger (scratch.triggers), live in the kubelet's
// scratch buffers until the next call. It changes nothing else.
func (ps *podState) generateStatus() corev1.PodStatus {
	now := ps.k.e.Now()
	old := ps.status
	buf := &ps.k.scratch
	buf.triggers = buf.triggers[:0]
	st := corev1.PodStatus{
		StartTime: old.StartTime,
		QOSClass:  old.QOSClass,
		HostIP:    ps.k.cfg.NodeIP,
	}
	if ps.k.cfg.NodeIP != "" && ps.k.cfg.Profile.AtLeast(28) {
		// status.hostIPs exists from 1.28.
		buf.hostIPs[0] = corev1.HostIP{IP: ps.k.cfg.NodeIP}
		st.HostIPs = buf.hostIPs[:]
	}
	if ps.ip != "" {
		st.PodIP = ps.ip
		buf.podIPs[0] = corev1.PodIP{IP: ps.ip}
		st.PodIPs = buf.podIPs[:]
	}
	if st.StartTime == nil {
		t := store.WallSeconds(now)
		st.StartTime = &t
	}
	st.ContainerStatuses = buf.containers.fill(ps, ps.containers, ps.cache)
	if len(ps.inits) > 0 {
		st.InitContainerStatuses = buf.inits.fill(ps, ps.inits, ps.initCache)
		ps.applyInitProbes(&st, buf.inits.started)
	}
	ps.applyProbes(&st, buf.containers.started)
	st.Phase = podPhase(ps.pod.Spec.RestartPolicy, st.InitContainerStatuses, st.ContainerStatuses)
	st.Conditions = ps.conditions(buf.conditions[:0], st)
	buf.conditions = st.Conditions
	return st
}

// applyProbes is probeManager.UpdatePodStatus: started and ready from the
// probe results. A container without a startup probe is started once it
// runs, one without a readiness probe is ready once started. A started
// container whose readiness is not yet Success gets an immediate readiness
// probe through the worker's manual trigger, on releases that have it.
func (ps *podState) applyProbes(st *corev1.PodStatus, startedBuf []bool) {
	for i := range st.ContainerStatuses {
		cs := &st.ContainerStatuses[i]
		c := ps.containers[i]
		if ps.k.legacyTimer != nil {
			// 1.1: the readiness of the last inline probe, for this
			// instance; no startup probes.
			started := cs.State.Running != nil
			startedBuf[i] = started
			cs.Started = &startedBuf[i]
			cs.Ready = started && (c.spec.ReadinessProbe == nil || (c.legacyReady && c.legacyReadyID == cs.ContainerID))
			continue
		}
		keep := ps.k.keepsStatusOnRestart()
		started := false
		if cs.State.Running != nil {
			old := ps.statusOf(c)
			switch r, ok := c.probes[startup].get(cs.ContainerID); {
			case ok:
				started = r == success
			case keep && old != nil && old.State.Running != nil && old.Started != nil && *old.Started:
				// convertToAPIContainerStatuses carries Started over from
				// the old status of a running container (1.35+).
				started = true
			default:
				started = c.probes[startup] == nil
			}
		}
		startedBuf[i] = started
		cs.Started = &startedBuf[i]
		ready := false
		if started {
			r, ok := c.probes[readiness].get(cs.ContainerID)
			if ok && r == success {
				ready = true
			} else if w := c.probes[readiness]; w == nil {
				ready = true
			} else if ps.k.cfg.Profile.ReadinessManualTrigger() {
				ps.k.scratch.triggers = append(ps.k.scratch.triggers, w)
			}
			// setReadyStateOnKubeletRestart (1.35+): a container that ran
			// before this kubelet started keeps the pod's readiness until
			// its readiness probe has a result.
			if !ready && keep && ps.k.startedBeforeRestart(ps.instanceByID(c, cs.ContainerID)) {
				ready = !ok
				if c.spec.ReadinessProbe != nil && !ps.podReadyInAPI() {
					ready = false
				}
			}
		}
		cs.Ready = ready
	}
}

// applyInitProbes is the init-container part of probeManager.UpdatePodStatus
// for regular init containers: Ready once terminated with exit code 0
// (every release); Started, from 1.30, true while running (a regular init
// container has no startup probe), false otherwise. Before 1.30 the
// kubelet left Started unset on init containers (1.26 sets none; 1.28 and
// 1.29 are not confirmed).
func (ps *podState) applyInitProbes(st *corev1.PodStatus, startedBuf []bool) {
	for i := range st.InitContainerStatuses {
		cs := &st.InitContainerStatuses[i]
		cs.Ready = cs.State.Terminated != nil && cs.State.Terminated.ExitCode == 0
		if ps.k.cfg.Profile.InitContainerStarted() {
			startedBuf[i] = cs.State.Running != nil
			cs.Started = &startedBuf[i]
		}
	}
}

// setContainerCondition is the status manager's SetContainerReadiness and
// SetContainerStartup: it changes one container's cached status, if the
// cache still shows the container the result is about, recomputes the pod
// conditions and writes the status to the API.
func (ps *podState) setContainerCondition(c *containerState, id string, change func(*corev1.ContainerStatus)) {
	if !ps.hasStatus {
		return
	}
	cur := ps.statusOf(c)
	if cur == nil || cur.ContainerID != id {
		return
	}
	st := *ps.status.DeepCopy()
	for i := range st.ContainerStatuses {
		if st.ContainerStatuses[i].Name == c.spec.Name {
			change(&st.ContainerStatuses[i])
		}
	}
	st.Conditions = ps.conditions(nil, st)
	ps.setStatus(st)
}

// containerStatus is convertToAPIContainerStatuses for one container.
func (ps *podState) containerStatus(c *containerState, rs runtimeStatus, running *corev1.ContainerStateRunning) corev1.ContainerStatus {
	cs := corev1.ContainerStatus{Name: c.spec.Name, Image: c.spec.Image}
	in := rs.inst
	if in == nil {
		// The reason cache applies to containers that never ran too: a
		// failed image pull shows ErrImagePull instead of ContainerCreating.
		// In a pod with init containers, every container (init or not)
		// that has not run waits with PodInitializing instead
		// (convertToAPIContainerStatuses' defaultWaitingState).
		cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
		if len(ps.inits) > 0 {
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "PodInitializing"}
		}
		if c.reason != "" {
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: c.reason, Message: c.reasonMessage}
		}
		return cs
	}
	cs.ContainerID = in.id
	cs.ImageID = c.spec.Image
	cs.RestartCount = int32(in.n - 1)
	if rs.running {
		*running = corev1.ContainerStateRunning{StartedAt: store.WallSeconds(in.startedAt)}
		cs.State.Running = running
	} else {
		cs.State.Terminated = terminated(in)
	}
	if in.n > 1 {
		prev := c.instances[in.n-2]
		cs.LastTerminationState.Terminated = terminated(prev)
	}
	// A container whose last start failed shows the reason as its waiting
	// state; its terminated state moves to the last termination.
	if c.reason != "" && !rs.running {
		if cs.State.Terminated != nil {
			cs.LastTerminationState = cs.State
		}
		cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: c.reason, Message: c.reasonMessage}}
	}
	return cs
}

func terminated(in *instance) *corev1.ContainerStateTerminated {
	return &corev1.ContainerStateTerminated{
		ExitCode:    in.exitCode,
		Reason:      in.reason,
		StartedAt:   store.WallSeconds(in.startedAt),
		FinishedAt:  store.WallSeconds(in.finishedAt),
		ContainerID: in.id,
	}
}

// podPhase is getPhase in pkg/kubelet/kubelet_pods.go, for regular init
// containers: an init container that has not run, runs, or waits without a
// last termination is pending initialization, and keeps the pod Pending; one
// that exited non-zero (now or as its last termination) fails the pod when
// its restartPolicy is Never. The rest looks at the app containers.
func podPhase(policy corev1.RestartPolicy, inits, statuses []corev1.ContainerStatus) corev1.PodPhase {
	pendingInit, failedInit := 0, 0
	for _, cs := range inits {
		switch {
		case cs.State.Running != nil:
			pendingInit++
		case cs.State.Terminated != nil:
			if cs.State.Terminated.ExitCode != 0 {
				failedInit++
			}
		case cs.State.Waiting != nil && cs.LastTerminationState.Terminated != nil:
			if cs.LastTerminationState.Terminated.ExitCode != 0 {
				failedInit++
			}
		default:
			pendingInit++
		}
	}
	if failedInit > 0 && policy == corev1.RestartPolicyNever {
		return corev1.PodFailed
	}
	if pendingInit > 0 {
		return corev1.PodPending
	}
	var running, waiting, stopped, succeeded int
	for _, cs := range statuses {
		switch {
		case cs.State.Running != nil:
			running++
		case cs.State.Terminated != nil:
			stopped++
			if cs.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case cs.State.Waiting != nil:
			if cs.LastTerminationState.Terminated != nil {
				stopped++
			} else {
				waiting++
			}
		}
	}
	switch {
	case waiting > 0:
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case stopped > 0:
		if policy == corev1.RestartPolicyAlways {
			return corev1.PodRunning
		}
		if stopped == succeeded {
			return corev1.PodSucceeded
		}
		if policy == corev1.RestartPolicyNever {
			return corev1.PodFailed
		}
		return corev1.PodRunning
	}
	return corev1.PodPending
}

// conditions builds PodReadyToStartContainers, Initialized, ContainersReady
// and Ready as pkg/kubelet/status/generate.go does, keeping PodScheduled
// from the API and each condition's lastTransitionTime while its status
// stays the same.
func (ps *podState) conditions(conds []corev1.PodCondition, st corev1.PodStatus) []corev1.PodCondition {
	now := store.WallSeconds(ps.k.e.Now())
	ready := containersReady(ps.pod, &st)
	// generateAPIPodStatus keeps the conditions others own (the taint
	// manager's DisruptionTarget), then appends its own in this order:
	// PodReadyToStartContainers (when its gate is on), Initialized, Ready,
	// ContainersReady, PodScheduled (kubelet_pods.go; describe shows it).
	readyToStart := ps.k.cfg.Profile.Gate(version.PodReadyToStartContainersCondition)
	for _, c := range ps.pod.Status.Conditions {
		if !conditionByKubelet(c.Type, readyToStart) {
			conds = append(conds, c)
		}
	}
	if readyToStart {
		conds = append(conds, readyToStartContainers(ps.sandboxReady()))
	}
	conds = append(conds,
		initialized(ps.pod, &st, ps.k.cfg.Profile.InitializedOnceAppStarted()),
		podReady(ps.pod, ready, st.Phase),
		ready,
	)
	for _, c := range ps.pod.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			conds = append(conds, c)
		}
	}
	for i := range conds {
		conds[i].LastTransitionTime = now
		for _, o := range ps.status.Conditions {
			if o.Type == conds[i].Type && o.Status == conds[i].Status {
				conds[i].LastTransitionTime = o.LastTransitionTime
			}
		}
	}
	return conds
}

// readyToStartContainers is GeneratePodReadyToStartContainersCondition
// (generate.go): True when no new sandbox is needed, that is when the
// runtime reports one ready sandbox with its IP (PodSandboxChanged in
// pkg/kubelet/kuberuntime/util/util.go), False otherwise; no reason or
// message.
func readyToStartContainers(sandboxReady bool) corev1.PodCondition {
	c := corev1.PodCondition{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionFalse}
	if sandboxReady {
		c.Status = corev1.ConditionTrue
	}
	return c
}

// sandboxReady reports whether the PLEG cache shows the pod's sandbox ready
// with its network: created (the pod has its IP, given with the sandbox at
// the first sync) and not stopped by the pod's termination.
func (ps *podState) sandboxReady() bool { return ps.ip != "" && !ps.sandboxStopped }

// initialized is GeneratePodInitializedCondition: True without init
// containers; otherwise False, reason ContainersNotInitialized, naming the
// init containers that are not ready (not yet exited 0) as of "incomplete
// status", unless the pod Succeeded (True, reason PodCompleted) or, from
// 1.30 (appStarted), an app container has run (HasAnyRegularContainerStarted:
// True).
func initialized(pod *corev1.Pod, st *corev1.PodStatus, appStarted bool) corev1.PodCondition {
	c := corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}
	if len(pod.Spec.InitContainers) == 0 {
		return c
	}
	unknown, unready := notReady(pod.Spec.InitContainers, st.InitContainerStatuses)
	if st.Phase == corev1.PodSucceeded && len(unknown) == 0 {
		c.Reason = reasonPodCompleted
		return c
	}
	if appStarted {
		for i := range st.ContainerStatuses {
			if cs := &st.ContainerStatuses[i]; cs.State.Running != nil || cs.State.Terminated != nil {
				return c
			}
		}
	}
	if msg := notReadyMessage(unknown, unready, "incomplete"); msg != "" {
		c.Status, c.Reason, c.Message = corev1.ConditionFalse, reasonContainersNotInitialized, msg
	}
	return c
}

// notReady names the containers of specs that have no status in statuses
// (unknown) and those whose status is not ready (unready), in spec order,
// as the generators of the Initialized and ContainersReady conditions do.
func notReady(specs []corev1.Container, statuses []corev1.ContainerStatus) (unknown, unready []string) {
	for _, spec := range specs {
		found := false
		for i := range statuses {
			if cs := &statuses[i]; cs.Name == spec.Name {
				found = true
				if !cs.Ready {
					unready = append(unready, spec.Name)
				}
			}
		}
		if !found {
			unknown = append(unknown, spec.Name)
		}
	}
	return unknown, unready
}

// notReadyMessage is the message of a condition that names the unknown and
// the not-ready containers (state is "unready" or "incomplete"); "" if
// there are none.
func notReadyMessage(unknown, unready []string, state string) string {
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with unknown status: %s", unknown))
	}
	if len(unready) > 0 {
		msgs = append(msgs, fmt.Sprintf("containers with %s status: %s", state, unready))
	}
	return strings.Join(msgs, ", ")
}

// conditionByKubelet is kubetypes.PodConditionByKubelet: the condition
// types the kubelet generates (pkg/kubelet/types/pod_status.go).
// PodReadyToStartContainers is the kubelet's only while its gate is on
// (readyToStart); otherwise the kubelet keeps it as another owner's.
func conditionByKubelet(t corev1.PodConditionType, readyToStart bool) bool {
	switch t {
	case corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized, corev1.ContainersReady,
		corev1.PodResizeInProgress, corev1.PodResizePending:
		return true
	case corev1.PodReadyToStartContainers:
		return readyToStart
	}
	return false
}

// Condition reasons of generate.go.
const (
	reasonContainersNotReady     = "ContainersNotReady"
	reasonReadinessGatesNotReady = "ReadinessGatesNotReady"
	reasonPodCompleted           = "PodCompleted"
	reasonPodFailed              = "PodFailed"
	// reasonContainersNotInitialized is ContainersNotInitialized.
	reasonContainersNotInitialized = "ContainersNotInitialized"
)

// containersReady is GenerateContainersReadyCondition: False with the
// unknown and unready containers named, or PodCompleted / PodFailed for a
// terminal pod.
func containersReady(pod *corev1.Pod, st *corev1.PodStatus) corev1.PodCondition {
	c := corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse}
	unknown, unready := notReady(pod.Spec.Containers, st.ContainerStatuses)
	switch {
	case st.Phase == corev1.PodSucceeded && len(unknown) == 0:
		c.Reason = reasonPodCompleted
		return c
	case st.Phase == corev1.PodFailed:
		c.Reason = reasonPodFailed
		return c
	}
	if msg := notReadyMessage(unknown, unready, "unready"); msg != "" {
		c.Reason, c.Message = reasonContainersNotReady, msg
		return c
	}
	c.Status = corev1.ConditionTrue
	return c
}

// podReady is GeneratePodReadyCondition: ContainersReady, then every
// readiness gate's condition True.
func podReady(pod *corev1.Pod, containers corev1.PodCondition, phase corev1.PodPhase) corev1.PodCondition {
	c := corev1.PodCondition{Type: corev1.PodReady, Status: containers.Status, Reason: containers.Reason, Message: containers.Message}
	if containers.Status != corev1.ConditionTrue {
		return c
	}
	var msgs []string
	for _, g := range pod.Spec.ReadinessGates {
		var cond *corev1.PodCondition
		for i := range pod.Status.Conditions {
			if pod.Status.Conditions[i].Type == g.ConditionType {
				cond = &pod.Status.Conditions[i]
			}
		}
		switch {
		case cond == nil:
			msgs = append(msgs, fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", string(g.ConditionType)))
		case cond.Status != corev1.ConditionTrue:
			msgs = append(msgs, fmt.Sprintf("the status of pod readiness gate %q is not \"True\", but %v", string(g.ConditionType), cond.Status))
		}
	}
	if len(msgs) > 0 {
		c.Status, c.Reason, c.Message = corev1.ConditionFalse, reasonReadinessGatesNotReady, strings.Join(msgs, ", ")
	}
	return c
}

// setStatus is the status manager's SetPodStatus: a changed status is written
// to the API, and a change of what kubectl shows is recorded. It reports
// whether the status changed.
func (ps *podState) setStatus(st corev1.PodStatus) bool {
	if ps.hasStatus && statusEqual(&st, &ps.status) {
		return false
	}
	ps.keepStatus(*st.DeepCopy()) // st may live in the scratch buffers
	k := ps.k
	cur, ok := k.cfg.Store.Pods.Get(ps.pod.Namespace, ps.pod.Name)
	if !ok || cur.UID != ps.pod.UID {
		return true
	}
	// The new object shares its metadata and spec with cur, and its status
	// with the status manager's cache: stored objects are immutable, every
	// writer copies what it changes (package store), and the cache is
	// replaced, never changed in place (keepStatus).
	pod := &corev1.Pod{TypeMeta: cur.TypeMeta, ObjectMeta: cur.ObjectMeta, Spec: cur.Spec, Status: ps.status}
	if k.cfg.Straightforward {
		pod = cur.DeepCopy()
		pod.Status = *ps.status.DeepCopy()
	}
	if k.cfg.Store.Pods.Update(pod) {
		ps.echoes = append(ps.echoes, pod)
	}
	ps.record(pod)
	return true
}

// keepStatus makes st the status manager's cached status and refreshes the
// probe workers' views of it. st must not be changed afterwards: the API
// object shares it.
func (ps *podState) keepStatus(st corev1.PodStatus) {
	ps.statusInputsChanged()
	ps.hasStatus = true
	ps.status = st
	for _, c := range ps.containers {
		v := ps.viewOf(c)
		for _, w := range c.probes {
			if w != nil {
				w.view = v
			}
		}
	}
}

// viewOf returns container c's statusView of the cached status.
func (ps *podState) viewOf(c *containerState) statusView {
	if !ps.hasStatus {
		return statusView{}
	}
	v := statusView{hasStatus: true, terminal: ps.status.Phase == corev1.PodFailed || ps.status.Phase == corev1.PodSucceeded}
	if cs := ps.statusOf(c); cs != nil {
		v.present, v.id = true, cs.ContainerID
		if in := ps.instanceByID(c, cs.ContainerID); in != nil {
			v.inst, v.n, v.startedAt = in, in.n, in.startedAt
		}
		v.running, v.terminated = cs.State.Running != nil, cs.State.Terminated != nil
		v.started = cs.Started != nil && *cs.Started
	}
	return v
}

// record adds a PodStatus record if what the API shows has changed.
func (ps *podState) record(pod *corev1.Pod) {
	row := kubectl.Pod(pod, ps.k.cfg.Profile.Minor)
	r := record.PodStatus{
		Header:     record.Header{Object: ps.object},
		Phase:      string(pod.Status.Phase),
		Ready:      row.Ready,
		Status:     row.Status,
		Restarts:   row.Restarts,
		Node:       pod.Spec.NodeName,
		Conditions: map[string]bool{},
	}
	for _, c := range pod.Status.Conditions {
		r.Conditions[string(c.Type)] = c.Status == corev1.ConditionTrue
	}
	if ps.recorded && samePodRecord(&r, &ps.lastRecord) {
		return
	}
	ps.recorded = true
	ps.lastRecord = r
	rc := r
	ps.k.cfg.Log.Add(ps.k.e.Now(), "PodStatus", &rc)
}

func samePodRecord(a, b *record.PodStatus) bool {
	if a.Phase != b.Phase || a.Ready != b.Ready || a.Status != b.Status || a.Restarts != b.Restarts || a.Node != b.Node || len(a.Conditions) != len(b.Conditions) {
		return false
	}
	// The result does not depend on the order of iteration.
	for k, v := range a.Conditions {
		if w, ok := b.Conditions[k]; !ok || w != v {
			return false
		}
	}
	return true
}
