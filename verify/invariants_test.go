package verify

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// instanceLife is one container instance as its Container records tell it.
type instanceLife struct {
	start, end     sim.Time
	started, ended bool
}

// lifeKey names a container of a pod: "Pod/web-abcde/c0".
type lifeKey struct{ pod, container string }

// lives indexes Container records by pod and container: the instances, in
// order, with their start and end.
type lives struct {
	m    map[lifeKey][]*instanceLife
	seen int // records indexed so far
}

func newLives() *lives { return &lives{m: map[lifeKey][]*instanceLife{}} }

// index adds the Container records not yet seen, and returns the problems
// they show: an instance started twice or ended twice, an instance number
// that skips, an instance that starts before the previous one ended, an end
// without a start.
func (l *lives) index(recs []record.Record) []string {
	var bad []string
	for ; l.seen < len(recs); l.seen++ {
		c, ok := recs[l.seen].(*record.Container)
		if !ok {
			continue
		}
		t := sim.Time(c.T)
		k := lifeKey{c.Object, c.Container}
		ins := l.m[k]
		switch c.State {
		case "running":
			if c.Instance != len(ins)+1 {
				bad = append(bad, fmt.Sprintf("%s: %s %s starts instance %d after %d instances", fmtT(t), c.Object, c.Container, c.Instance, len(ins)))
				continue
			}
			if n := len(ins); n > 0 && !ins[n-1].ended {
				bad = append(bad, fmt.Sprintf("%s: %s %s starts instance %d while instance %d still runs", fmtT(t), c.Object, c.Container, c.Instance, n))
			}
			l.m[k] = append(ins, &instanceLife{start: t, started: true})
		case "terminated":
			if c.Instance < 1 || c.Instance > len(ins) {
				bad = append(bad, fmt.Sprintf("%s: %s %s instance %d ends but never started", fmtT(t), c.Object, c.Container, c.Instance))
				continue
			}
			in := ins[c.Instance-1]
			if in.ended {
				bad = append(bad, fmt.Sprintf("%s: %s %s instance %d ends twice", fmtT(t), c.Object, c.Container, c.Instance))
			}
			in.end, in.ended = t, true
		}
	}
	return bad
}

// staleProbeLimit bounds how long after an instance ended a probe may still
// be attributed to it (see checkLog).
const staleProbeLimit = 60 * time.Second

func fmtT(t sim.Time) string { return "t=" + t.FormatSeconds() }

// checkLog checks the invariants of a finished run's log: the framing (Run
// first, End last, its hash that of the canonical lines before it), time
// order, nothing about an object after its deletion, container instances,
// probes only while their container runs, pod statuses consistent with
// themselves, and no probe on a node whose kubelet is down.
func checkLog(recs []record.Record, g genCase) []string {
	var bad []string
	add := func(format string, args ...any) {
		if len(bad) < 20 {
			bad = append(bad, fmt.Sprintf(format, args...))
		}
	}
	if len(recs) < 2 {
		return []string{fmt.Sprintf("the log has %d records", len(recs))}
	}
	if k := recs[0].Base().Kind; k != record.KindRun {
		add("the first record is %s, want Run", k)
	}
	end, ok := recs[len(recs)-1].(*record.End)
	if !ok {
		add("the last record is %s, want End", recs[len(recs)-1].Base().Kind)
	} else if h, err := canonicalHash(recs[:len(recs)-1]); err != nil || h != end.Hash {
		add("End.hash %s is not the hash of the lines before it (%s, %v)", end.Hash, h, err)
	}

	l := newLives()
	for _, p := range l.index(recs) {
		add("%s", p)
	}
	deleted := map[string]sim.Time{}
	restarts := map[string]int32{}
	initialized := map[string]bool{} // the Initialized condition of each pod's last PodStatus
	podNode := map[string]string{}
	var last sim.Time
	for i, r := range recs {
		h := r.Base()
		t := sim.Time(h.T)
		if t < last {
			add("record %d (%s %s) at %s is before the previous record's time %s", i, h.Kind, h.Object, fmtT(t), fmtT(last))
		}
		last = t
		if h.Object != "" {
			if at, gone := deleted[h.Object]; gone {
				add("record %d (%s) at %s is about %s, deleted at %s", i, h.Kind, fmtT(t), h.Object, fmtT(at))
			}
		}
		switch r := r.(type) {
		case *record.Object:
			if r.Action == "deleted" {
				deleted[r.Object] = t
			}
		case *record.Probe:
			// The probe ran against an instance the kubelet had seen start;
			// it began after that start.
			begin := t.Add(-time.Duration(r.Duration))
			ins := l.m[lifeKey{r.Object, r.Container}]
			if r.Instance < 1 || r.Instance > len(ins) {
				add("%s: %s probe of %s %s instance %d, which never started", fmtT(t), r.Probe, r.Object, r.Container, r.Instance)
				break
			}
			in := ins[r.Instance-1]
			if begin < in.start {
				add("%s: %s probe of %s %s instance %d began at %s, before the instance started at %s", fmtT(t), r.Probe, r.Object, r.Container, r.Instance, fmtT(begin), fmtT(in.start))
			}
			// Nor long after it ended: the kubelet learns of an exit at its
			// next relist and sync (≤ 2 s), unless that sync waits for
			// another container's kill (its grace period: ≤ 40 s here) or
			// the kubelet is down (≤ 10 s); the probe itself lasts up to
			// its timeout (≤ 3 s).
			if in.ended && begin > in.end.Add(staleProbeLimit) {
				add("%s: %s probe of %s %s instance %d began at %s, %v after the instance ended", fmtT(t), r.Probe, r.Object, r.Container, r.Instance, fmtT(begin), begin.Sub(in.end))
			}
			for _, d := range g.downs {
				from, to := sim.Time(d.from), sim.Time(d.to)
				if podNode[r.Object] == d.node && t > from && t < to {
					add("%s: %s probe of %s on %s while its kubelet is down (%s to %s)", fmtT(t), r.Probe, r.Object, d.node, fmtT(from), fmtT(to))
				}
			}
		case *record.PodStatus:
			if r.Node != "" {
				podNode[r.Object] = r.Node
			}
			k, n, err := parseReady(r.Ready)
			if err != nil {
				add("%s: %s READY %q: %v", fmtT(t), r.Object, r.Ready, err)
				break
			}
			if r.Conditions["Ready"] && k != n {
				add("%s: %s has condition Ready but READY %s", fmtT(t), r.Object, r.Ready)
			}
			if r.Conditions["Ready"] && r.Phase != string(corev1.PodRunning) {
				add("%s: %s has condition Ready in phase %s", fmtT(t), r.Object, r.Phase)
			}
			if r.Conditions["Ready"] != r.Conditions["ContainersReady"] {
				add("%s: %s Ready %v but ContainersReady %v (no readiness gates)", fmtT(t), r.Object, r.Conditions["Ready"], r.Conditions["ContainersReady"])
			}
			// RESTARTS counts the init containers' restarts until the pod
			// is initialized, then the app containers' (printPod: restarts
			// start again from the restartable init containers' once
			// Initialized is True): it goes down only then.
			becameInitialized := r.Conditions["Initialized"] && !initialized[r.Object]
			if r.Restarts < restarts[r.Object] && !becameInitialized {
				add("%s: %s RESTARTS went down from %d to %d", fmtT(t), r.Object, restarts[r.Object], r.Restarts)
			}
			restarts[r.Object] = r.Restarts
			initialized[r.Object] = r.Conditions["Initialized"]
		}
	}
	return bad
}

func parseReady(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("not k/n")
	}
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || k < 0 || k > n {
		return 0, 0, fmt.Errorf("not k/n with 0 ≤ k ≤ n")
	}
	return k, n, nil
}

// storeChecker checks the API objects between chunks of a run: each pod's
// status against its own containers, and against the Container records.
type storeChecker struct {
	lives    *lives
	restarts map[string]int32 // pod UID/container → last restartCount
	created  map[string]bool  // pods with a created record
	deleted  map[string]bool  // pods with a deleted record
	reported map[string]bool  // pods already reported gone
	seen     int
}

func newStoreChecker() *storeChecker {
	return &storeChecker{lives: newLives(), restarts: map[string]int32{}, created: map[string]bool{}, deleted: map[string]bool{}, reported: map[string]bool{}}
}

// podPhase is the phase the fact sheet (2.1; kubelet_pods.go getPhase)
// gives a pod without init containers from its container states: any
// waiting container that never ran → Pending; else any running → Running;
// else, all stopped: Running under Always, Succeeded if all exited 0,
// Failed under Never, and under OnFailure Running while a container failed
// (it will be restarted).
// initPhase is the init-container part of getPhase (kubelet_pods.go) for
// regular init containers, in front of the phase the app containers give:
// a failed init container (terminated non-zero, or waiting after such a
// termination) with restartPolicy Never is Failed; one not yet completed
// is Pending.
func initPhase(policy corev1.RestartPolicy, inits []corev1.ContainerStatus, apps corev1.PodPhase) corev1.PodPhase {
	failed, pending := false, false
	for _, c := range inits {
		switch {
		case c.State.Terminated != nil:
			failed = failed || c.State.Terminated.ExitCode != 0
		case c.State.Waiting != nil && c.LastTerminationState.Terminated != nil:
			failed = failed || c.LastTerminationState.Terminated.ExitCode != 0
		default:
			pending = true
		}
	}
	switch {
	case failed && policy == corev1.RestartPolicyNever:
		return corev1.PodFailed
	case pending:
		return corev1.PodPending
	}
	return apps
}

// checkRestarts checks one container status's restartCount (what = "container"
// or "init container"): it never goes down, and it is the number of the
// instance shown, minus one (kuberuntime_container.go startContainer, R8):
// the instance whose start, cut to the second as the status shows it, is
// the StartedAt of the state shown.
func (s *storeChecker) checkRestarts(pod *corev1.Pod, obj, what string, c *corev1.ContainerStatus, add func(string, ...any)) {
	key := string(pod.UID) + "/" + c.Name
	if c.RestartCount < s.restarts[key] {
		add("%s %s %s restartCount went down from %d to %d", obj, what, c.Name, s.restarts[key], c.RestartCount)
	}
	s.restarts[key] = c.RestartCount
	var startedAt *sim.Time
	switch {
	case c.State.Running != nil:
		t := store.SimTime(c.State.Running.StartedAt)
		startedAt = &t
	case c.State.Terminated != nil:
		t := store.SimTime(c.State.Terminated.StartedAt)
		startedAt = &t
	}
	if startedAt == nil {
		return
	}
	ins := s.lives.m[lifeKey{obj, c.Name}]
	n := int(c.RestartCount) + 1
	if n > len(ins) {
		add("%s %s %s shows restartCount %d but only %d instances started", obj, what, c.Name, c.RestartCount, len(ins))
	} else if got := ins[n-1].start.Truncate(time.Second); got != *startedAt {
		add("%s %s %s shows restartCount %d, started at %s, but instance %d started at %s", obj, what, c.Name, c.RestartCount, fmtT(*startedAt), n, fmtT(ins[n-1].start))
	}
}

// checkInits checks a pod's init container statuses: one per init
// container, in spec order; Ready exactly when terminated with exit code 0
// (prober_manager.go UpdatePodStatus); restartCount never going down and
// naming the instance whose start the status shows; the Initialized
// condition True exactly when every init container is Ready
// (GeneratePodInitializedCondition; app containers start only after that);
// no app container ever run while one is not.
func (s *storeChecker) checkInits(pod *corev1.Pod, add func(string, ...any)) {
	obj := "Pod/" + pod.Name
	ics := pod.Status.InitContainerStatuses
	if len(ics) != len(pod.Spec.InitContainers) {
		add("%s has %d init container statuses for %d init containers", obj, len(ics), len(pod.Spec.InitContainers))
		return
	}
	all := true
	for i, c := range ics {
		if c.Name != pod.Spec.InitContainers[i].Name {
			add("%s init container status %d is %s, not %s", obj, i, c.Name, pod.Spec.InitContainers[i].Name)
		}
		done := c.State.Terminated != nil && c.State.Terminated.ExitCode == 0
		if c.Ready != done {
			add("%s init container %s ready %v: %s", obj, c.Name, c.Ready, describe(ics))
		}
		all = all && done
		s.checkRestarts(pod, obj, "init container", &ics[i], add)
	}
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodInitialized && (cond.Status == corev1.ConditionTrue) != all && len(ics) > 0 {
			add("%s condition Initialized is %s but its init containers give %v: %s", obj, cond.Status, all, describe(ics))
		}
	}
	if !all {
		for _, c := range pod.Status.ContainerStatuses {
			if c.State.Running != nil || c.State.Terminated != nil || c.LastTerminationState.Terminated != nil {
				add("%s container %s has run before its init containers completed: %s", obj, c.Name, describe(ics))
			}
		}
	}
}

func podPhase(policy corev1.RestartPolicy, cs []corev1.ContainerStatus) corev1.PodPhase {
	var running, waiting, stopped, succeeded int
	for _, c := range cs {
		switch {
		case c.State.Running != nil:
			running++
		case c.State.Terminated != nil:
			stopped++
			if c.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case c.LastTerminationState.Terminated != nil:
			stopped++ // waiting to restart after a run
		default:
			waiting++
		}
	}
	switch {
	case waiting > 0:
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case policy == corev1.RestartPolicyAlways:
		return corev1.PodRunning
	case stopped == succeeded:
		return corev1.PodSucceeded
	case policy == corev1.RestartPolicyNever:
		return corev1.PodFailed
	}
	return corev1.PodRunning
}

func (s *storeChecker) check(now sim.Time, st *store.Store, recs []record.Record) []string {
	var bad []string
	add := func(format string, args ...any) {
		if len(bad) < 10 {
			bad = append(bad, fmtT(now)+": "+fmt.Sprintf(format, args...))
		}
	}
	for _, p := range s.lives.index(recs) {
		add("%s", p)
	}
	for ; s.seen < len(recs); s.seen++ {
		if o, ok := recs[s.seen].(*record.Object); ok && strings.HasPrefix(o.Object, "Pod/") {
			if o.Action == "created" {
				s.created[o.Object], s.deleted[o.Object] = true, false
			} else {
				s.deleted[o.Object] = true
			}
		}
	}
	exists := map[string]bool{}
	for _, pod := range st.Pods.List() {
		obj := "Pod/" + pod.Name
		exists[obj] = true
		if !s.created[obj] {
			add("%s exists in the API without a created record", obj)
		}
		if s.deleted[obj] {
			add("%s exists in the API after its deleted record", obj)
		}
		cs := pod.Status.ContainerStatuses
		if len(cs) == 0 {
			continue
		}
		if len(cs) != len(pod.Spec.Containers) {
			add("%s has %d container statuses for %d containers", obj, len(cs), len(pod.Spec.Containers))
			continue
		}
		allReady := true
		for _, c := range cs {
			allReady = allReady && c.Ready
			// Ready needs a running container. (Not "and started": the
			// status manager's SetContainerStartup changes Started alone,
			// and Ready follows at the next sync, so Ready with Started
			// false is real, briefly, e.g. after a kubelet restart.)
			if c.Ready && c.State.Running == nil {
				add("%s container %s is ready but not running: %s", obj, c.Name, describe(cs))
			}
			s.checkRestarts(pod, obj, "container", &c, add)
		}
		if pod.DeletionTimestamp == nil {
			if want := initPhase(pod.Spec.RestartPolicy, pod.Status.InitContainerStatuses, podPhase(pod.Spec.RestartPolicy, cs)); pod.Status.Phase != want {
				add("%s is in phase %s, but its containers give %s: %s %s", obj, pod.Status.Phase, want, describe(pod.Status.InitContainerStatuses), describe(cs))
			}
		}
		s.checkInits(pod, add)
		terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
		for _, cond := range pod.Status.Conditions {
			if cond.Type != corev1.PodReady && cond.Type != corev1.ContainersReady {
				continue
			}
			want := allReady && !terminal
			if (cond.Status == corev1.ConditionTrue) != want {
				add("%s condition %s is %s but its containers' readiness gives %v: %s", obj, cond.Type, cond.Status, want, describe(cs))
			}
		}
	}
	var gone []string
	for obj := range s.created { // sorted below: the order of messages must not depend on the map
		if s.created[obj] && !s.deleted[obj] && !exists[obj] && !s.reported[obj] {
			s.reported[obj] = true
			gone = append(gone, obj)
		}
	}
	sort.Strings(gone)
	for _, obj := range gone {
		add("%s is gone from the API without a deleted record", obj)
	}
	return bad
}

func describe(cs []corev1.ContainerStatus) string {
	var parts []string
	for _, c := range cs {
		state := "waiting"
		switch {
		case c.State.Running != nil:
			state = "running"
		case c.State.Terminated != nil:
			state = fmt.Sprintf("terminated(%d)", c.State.Terminated.ExitCode)
		case c.State.Waiting != nil:
			state = "waiting(" + c.State.Waiting.Reason + ")"
		}
		parts = append(parts, fmt.Sprintf("%s %s ready=%v restarts=%d", c.Name, state, c.Ready, c.RestartCount))
	}
	return strings.Join(parts, "; ")
}
