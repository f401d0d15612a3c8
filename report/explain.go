package report

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/controller"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// when formats a simulated time for explanations: the time since the start
// of the run, to the millisecond ("1m32.017s").
func when(t sim.Time) string {
	return sim.FormatShort(time.Duration(t).Round(time.Millisecond))
}

func dur(d time.Duration) string { return sim.FormatShort(d.Round(time.Millisecond)) }

// instance is one start of a container, as the Container records tell it.
type instance struct {
	n          int
	start, end sim.Time // end is -1 while it runs
	exit       *record.Container
}

// podHistory is what the records say about one pod.
type podHistory struct {
	object     string
	containers []string               // in order of first start
	inits      map[string]bool        // the containers whose records say init
	instances  map[string][]*instance // by container, by instance number
	restarts   []restartRef           // in time order
	probes     []*record.Probe
	events     []*record.Event
	statuses   []*record.PodStatus
	snapshots  []*record.Snapshot
	end        sim.Time
}

type restartRef struct {
	container string
	n         int // the new instance
}

func historyOf(records []record.Record, object string, until sim.Time) *podHistory {
	h := &podHistory{object: object, instances: map[string][]*instance{}, inits: map[string]bool{}, end: until}
	for _, r := range records {
		b := r.Base()
		if sim.Time(b.T) > until {
			break
		}
		if b.Object != object {
			continue
		}
		switch r := r.(type) {
		case *record.Container:
			list := h.instances[r.Container]
			if list == nil {
				h.containers = append(h.containers, r.Container)
			}
			if r.Init {
				h.inits[r.Container] = true
			}
			switch r.State {
			case "running":
				h.instances[r.Container] = append(list, &instance{n: r.Instance, start: sim.Time(b.T), end: -1})
				if r.Instance > 1 {
					h.restarts = append(h.restarts, restartRef{r.Container, r.Instance})
				}
			case "terminated":
				for _, in := range list {
					if in.n == r.Instance && in.exit == nil {
						in.end, in.exit = sim.Time(b.T), r
					}
				}
			}
		case *record.Probe:
			h.probes = append(h.probes, r)
		case *record.Event:
			h.events = append(h.events, r)
		case *record.PodStatus:
			h.statuses = append(h.statuses, r)
		case *record.Snapshot:
			h.snapshots = append(h.snapshots, r)
		}
	}
	return h
}

func (h *podHistory) instance(c string, n int) *instance {
	for _, in := range h.instances[c] {
		if in.n == n {
			return in
		}
	}
	return nil
}

// podAt decodes the last snapshot of the pod at or before t.
func (h *podHistory) podAt(t sim.Time) *corev1.Pod {
	var raw json.RawMessage
	for _, s := range h.snapshots {
		if sim.Time(s.T) > t {
			break
		}
		raw = s.Value
	}
	if raw == nil {
		return nil
	}
	var p corev1.Pod
	if json.Unmarshal(raw, &p) != nil {
		return nil
	}
	return &p
}

func containerSpec(p *corev1.Pod, name string) *corev1.Container {
	if p == nil {
		return nil
	}
	for i := range p.Spec.Containers {
		if p.Spec.Containers[i].Name == name {
			return &p.Spec.Containers[i]
		}
	}
	return nil
}

func probeSpec(c *corev1.Container, kind string) *corev1.Probe {
	if c == nil {
		return nil
	}
	switch kind {
	case "liveness":
		return c.LivenessProbe
	case "readiness":
		return c.ReadinessProbe
	case "startup":
		return c.StartupProbe
	}
	return nil
}

// failureRun returns the probe results of one kind for container c that
// failed in a row up to time t (a success ends the run), oldest first,
// looking no further back than from.
func (h *podHistory) failureRun(c, kind string, from, t sim.Time) []*record.Probe {
	var run []*record.Probe
	for _, p := range h.probes {
		pt := sim.Time(p.T)
		if pt < from || pt > t || p.Container != c || p.Probe != kind {
			continue
		}
		if p.Result == "success" {
			run = run[:0]
			continue
		}
		if p.Result == "failure" || p.Result == "error" {
			run = append(run, p)
		}
	}
	return run
}

// probeTarget names what an HTTP probe asks for, " on /healthz", to
// follow the prober's message.
func probeTarget(p *corev1.Probe) string {
	if p == nil || p.HTTPGet == nil {
		return ""
	}
	return " on " + p.HTTPGet.Path
}

func describeFailures(kind string, run []*record.Probe, threshold int32, target string) string {
	if threshold > 0 && len(run) > int(threshold) {
		run = run[len(run)-int(threshold):]
	}
	var times, outputs []string
	seen := map[string]bool{}
	for _, p := range run {
		times = append(times, when(sim.Time(p.T)))
		if p.Output != "" && !seen[p.Output] {
			seen[p.Output] = true
			outputs = append(outputs, p.Output)
		}
	}
	s := fmt.Sprintf("%s failed %s in a row at %s", kind, times1(len(run)), strings.Join(times, ", "))
	if len(outputs) > 0 {
		s += " (" + strings.Join(outputs, "; ") + target + ")"
	}
	return s
}

func times1(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

var backoffMessage = regexp.MustCompile(`(?i)back-off (\S+) restarting failed container`)

// ExplainPod writes the causal chain behind each restart of a pod's
// containers and each change of its readiness, up to time until, in plain
// numbers. restart, if not 0, picks the restart to explain (1 is the
// pod's first restart, in time order). It reads records only: Container,
// Probe, Event and PodStatus records, and the pod's Snapshot records for
// its probe settings and the kubelet's back-off messages.
func ExplainPod(w io.Writer, records []record.Record, name string, restart int, until sim.Time) error {
	h := historyOf(records, "Pod/"+name, until)
	if len(h.containers) == 0 && len(h.statuses) == 0 {
		return fmt.Errorf("pod %q has no recorded history by %s", name, when(until))
	}
	if restart > len(h.restarts) {
		return fmt.Errorf("pod %s restarted %d times by %s; there is no restart %d", name, len(h.restarts), when(until), restart)
	}
	fmt.Fprintf(w, "Pod/%s, up to %s:\n", name, when(until))
	type line struct {
		t sim.Time
		s string
	}
	var lines []line
	for i, r := range h.restarts {
		if restart != 0 && i+1 != restart {
			continue
		}
		t, s := h.explainRestart(i+1, r)
		lines = append(lines, line{t, s})
	}
	if restart == 0 {
		changes := h.explainReadiness()
		for _, l := range changes {
			lines = append(lines, line{l.t, l.s})
		}
		// A pod that was never Ready has no change to explain: say why.
		if n := len(h.statuses); n > 0 && len(changes) == 0 && !h.statuses[n-1].Conditions["Ready"] {
			if why := h.whyNotReady(until); why != "" {
				st := h.statuses[n-1]
				lines = append(lines, line{until, fmt.Sprintf("not Ready (%s, %s) at %s%s", st.Ready, st.Status, when(until), why)})
			}
		}
		if len(lines) == 0 {
			lines = append(lines, line{0, "no restart and no change of readiness"})
		}
	}
	// Keep time order; a restart and a readiness change at the same
	// instant keep the restart first.
	for i := 1; i < len(lines); i++ {
		for j := i; j > 0 && lines[j].t < lines[j-1].t; j-- {
			lines[j], lines[j-1] = lines[j-1], lines[j]
		}
	}
	for _, l := range lines {
		fmt.Fprintf(w, "- %s\n", l.s)
	}
	return nil
}

// explainRestart explains restart k: container r.container starting its
// instance r.n.
func (h *podHistory) explainRestart(k int, r restartRef) (sim.Time, string) {
	now := h.instance(r.container, r.n)
	prev := h.instance(r.container, r.n-1)
	what := "container"
	if h.inits[r.container] {
		what = "init container"
	}
	s := fmt.Sprintf("restart %d at %s (%s %s, start #%d)", k, when(now.start), what, r.container, r.n)
	if len(h.containers) == 1 {
		s = fmt.Sprintf("restart %d at %s", k, when(now.start))
	}
	if prev == nil || prev.exit == nil {
		return now.start, s + ": the previous instance's end was not recorded"
	}
	var parts []string
	pod := h.podAt(prev.end)
	spec := containerSpec(pod, r.container)
	exit := prev.exit
	code := ""
	if exit.ExitCode != nil {
		code = fmt.Sprint(*exit.ExitCode)
	}
	// A kill the kubelet decided: a liveness or startup probe that failed
	// failureThreshold times in a row before the exit (the Killing event
	// confirms it, but the event spam filter may have dropped it).
	kind := ""
	var run []*record.Probe
	for _, k := range []string{"liveness", "startup"} {
		p := probeSpec(spec, k)
		rn := h.failureRun(r.container, k, prev.start, prev.end)
		threshold := 0
		if p != nil {
			threshold = int(p.FailureThreshold)
		}
		if len(rn) > 0 && threshold > 0 && len(rn) >= threshold {
			// The last threshold failures are those that killed it.
			kind, run = k, rn[len(rn)-threshold:]
		}
	}
	// Container names are unique across app and init containers.
	fieldPath, initPath := "spec.containers{"+r.container+"}", "spec.initContainers{"+r.container+"}"
	var kill *record.Event
	for _, e := range h.events {
		et := sim.Time(e.T)
		if e.Reason == "Killing" && (e.FieldPath == fieldPath || e.FieldPath == initPath) && et >= prev.start && et <= prev.end {
			kill = e
		}
	}
	if kind == "" && kill != nil && spec == nil {
		// Without the pod's spec, the Killing event names the probe.
		for _, k := range []string{"liveness", "startup"} {
			if strings.Contains(kill.Message, k) {
				kind = k
				run = h.failureRun(r.container, k, prev.start, sim.Time(kill.T))
			}
		}
	}
	switch {
	case kind != "":
		threshold := int32(0)
		p := probeSpec(spec, kind)
		if p != nil {
			threshold = p.FailureThreshold
		}
		parts = append(parts, describeFailures(kind, run, threshold, probeTarget(p)))
		grace := ""
		if pod != nil {
			g := int64(corev1.DefaultTerminationGracePeriodSeconds)
			if pod.Spec.TerminationGracePeriodSeconds != nil {
				g = *pod.Spec.TerminationGracePeriodSeconds
			}
			if p != nil && p.TerminationGracePeriodSeconds != nil {
				g = *p.TerminationGracePeriodSeconds
			}
			grace = fmt.Sprintf(" with %d s grace", g)
		}
		x := fmt.Sprintf("killed%s, exited %s at %s", grace, code, when(prev.end))
		if exit.Signal == "KILL" {
			x += " (SIGKILL: the grace period ran out)"
		} else if exit.Signal != "" {
			x += " (SIG" + exit.Signal + ")"
		}
		parts = append(parts, x)
	case kill != nil:
		parts = append(parts, fmt.Sprintf("the kubelet killed it at %s (%s), exited %s at %s", when(sim.Time(kill.T)), kill.Message, code, when(prev.end)))
	default:
		x := fmt.Sprintf("the process exited by itself with code %s at %s", code, when(prev.end))
		if exit.Reason != "" {
			x += " (" + exit.Reason + ")"
		}
		if exit.Signal != "" {
			x += " on SIG" + exit.Signal
		}
		parts = append(parts, x+fmt.Sprintf(", %s after it started", dur(time.Duration(prev.end-prev.start))))
	}
	// The kubelet's waiting message between the exit and the new start
	// names the back-off it applied.
	backoff := ""
	for _, sn := range h.snapshots {
		st := sim.Time(sn.T)
		if st < prev.end || st > now.start {
			continue
		}
		var p corev1.Pod
		if json.Unmarshal(sn.Value, &p) != nil {
			continue
		}
		for _, cs := range append(p.Status.ContainerStatuses, p.Status.InitContainerStatuses...) {
			if cs.Name == r.container && cs.State.Waiting != nil {
				if m := backoffMessage.FindStringSubmatch(cs.State.Waiting.Message); m != nil {
					backoff = m[1]
				}
			}
		}
	}
	started := "started " + when(now.start)
	switch {
	case backoff != "":
		d, err := time.ParseDuration(backoff)
		if err == nil {
			until := prev.end + sim.Time(d)
			parts = append(parts, fmt.Sprintf("back-off %s from that exit, until %s", backoff, when(until)))
			if late := now.start - until; late > 0 {
				started += fmt.Sprintf(", %s after the back-off ended", dur(time.Duration(late)))
			}
		} else {
			parts = append(parts, "back-off "+backoff)
		}
	case len(h.snapshots) > 0:
		x := fmt.Sprintf("no back-off wait (restarted %s after the exit)", dur(time.Duration(now.start-prev.end)))
		if k == 1 {
			x = fmt.Sprintf("no back-off before a first restart (restarted %s after the exit)", dur(time.Duration(now.start-prev.end)))
		}
		parts = append(parts, x)
	}
	parts = append(parts, started)
	return now.start, s + ": " + strings.Join(parts, "; ")
}

type timed struct {
	t sim.Time
	s string
}

// explainReadiness explains each change of the pod's Ready condition.
func (h *podHistory) explainReadiness() []timed {
	var out []timed
	ready, known := false, false
	var since sim.Time
	for _, st := range h.statuses {
		t := sim.Time(st.T)
		r := st.Conditions["Ready"]
		if known && r == ready {
			continue
		}
		if !known && !r {
			known, ready, since = true, false, t
			continue
		}
		known = true
		if r {
			out = append(out, timed{t, h.becameReady(st, since)})
		} else {
			out = append(out, timed{t, h.becameUnready(st, since)})
		}
		ready, since = r, t
	}
	return out
}

func (h *podHistory) becameReady(st *record.PodStatus, since sim.Time) string {
	t := sim.Time(st.T)
	s := fmt.Sprintf("Ready %s at %s", st.Ready, when(t))
	var last *record.Probe
	fails := 0
	for _, p := range h.probes {
		pt := sim.Time(p.T)
		if p.Probe != "readiness" || pt > t || pt < since {
			continue
		}
		if p.Result == "success" {
			if last == nil || sim.Time(last.T) < pt {
				last = p
			}
		} else if last == nil {
			fails++
		}
	}
	if last == nil {
		return s + ": its containers run and no readiness probe result was needed"
	}
	s += fmt.Sprintf(": readiness succeeded at %s", when(sim.Time(last.T)))
	if fails > 0 {
		s += fmt.Sprintf(" after %s failed", times1(fails))
	}
	return s
}

func (h *podHistory) becameUnready(st *record.PodStatus, since sim.Time) string {
	t := sim.Time(st.T)
	s := fmt.Sprintf("not Ready (%s, %s) at %s", st.Ready, st.Status, when(t))
	// The latest container exit since the pod was last Ready.
	var last *instance
	lastC := ""
	for _, c := range h.containers {
		for _, in := range h.instances[c] {
			if in.exit != nil && in.end >= since && in.end <= t && (last == nil || in.end > last.end) {
				last, lastC = in, c
			}
		}
	}
	if last != nil {
		code := ""
		if last.exit.ExitCode != nil {
			code = fmt.Sprintf(" with code %d", *last.exit.ExitCode)
		}
		return s + fmt.Sprintf(": container %s (start #%d) exited%s at %s", lastC, last.n, code, when(last.end))
	}
	if st.Status == "Terminating" {
		return s + ": the pod is being deleted"
	}
	for _, c := range h.containers {
		if run := h.failureRun(c, "readiness", since, t); len(run) > 0 {
			threshold := int32(0)
			if p := probeSpec(containerSpec(h.podAt(t), c), "readiness"); p != nil {
				threshold = p.FailureThreshold
			}
			return s + ": " + describeFailures("readiness", run, threshold, "")
		}
	}
	return s
}

// ExplainDeployment writes why a Deployment's rollout stands where it
// stands at time t: the status kubectl rollout status would print, the
// rolling-update bounds that hold the next step back, the pods of the new
// ReplicaSet that are not available and why, and the progress deadline:
// when it fired, or when it will if nothing progresses.
func ExplainDeployment(w io.Writer, records []record.Record, name string, t sim.Time) error {
	o := ObjectsAt(records, t)
	var d appsv1.Deployment
	ok, err := o.Decode("Deployment", name, &d)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("deployments.apps %q not found at %s", name, when(t))
	}
	fmt.Fprintf(w, "Deployment/%s at %s:\n", name, when(t))
	msg, done, serr := controller.RolloutStatus(&d)
	if serr != nil {
		msg = "error: " + serr.Error()
	}
	fmt.Fprintf(w, "- rollout status: %s\n", msg)
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	st := d.Status
	fmt.Fprintf(w, "- replicas: %d desired, %d updated, %d total, %d ready, %d available\n", replicas, st.UpdatedReplicas, st.Replicas, st.ReadyReplicas, st.AvailableReplicas)
	if done {
		if line := doneSince(records, name, t); line != "" {
			fmt.Fprintf(w, "- %s\n", line)
		}
		return nil
	}
	oldRSs, newRS, err := o.replicaSetsOf(&d)
	if err != nil {
		return err
	}
	if ru := d.Spec.Strategy.RollingUpdate; d.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType && ru != nil {
		surge, _ := intstr.GetScaledValueFromIntOrPercent(orZero(ru.MaxSurge), int(replicas), true)
		unavail, _ := intstr.GetScaledValueFromIntOrPercent(orZero(ru.MaxUnavailable), int(replicas), false)
		if surge == 0 && unavail == 0 {
			unavail = 1
		}
		maxTotal, minAvail := int(replicas)+surge, int(replicas)-unavail
		fmt.Fprintf(w, "- rolling update: at most %d pods in all (%d + maxSurge %s = %d), at least %d available (%d - maxUnavailable %s = %d)\n",
			maxTotal, replicas, orZero(ru.MaxSurge).String(), surge, minAvail, replicas, orZero(ru.MaxUnavailable).String(), unavail)
		if int(st.Replicas) >= maxTotal && newRS != nil && st.UpdatedReplicas < replicas {
			fmt.Fprintf(w, "- the new ReplicaSet %s cannot grow: %d pods exist, the most allowed\n", newRS.Name, st.Replicas)
		}
		if int(st.AvailableReplicas) <= minAvail && len(oldRSs) > 0 {
			var names []string
			for _, rs := range oldRSs {
				names = append(names, fmt.Sprintf("%s (%d pods)", rs.Name, rs.Status.Replicas))
			}
			fmt.Fprintf(w, "- the old ReplicaSets cannot shrink: %d available, and %d must stay available: %s\n", st.AvailableReplicas, minAvail, strings.Join(names, ", "))
		}
	}
	if newRS != nil {
		pods, err := All[corev1.Pod](o, "Pod")
		if err != nil {
			return err
		}
		for _, p := range pods {
			if !ownedBy(p, newRS.UID) {
				continue
			}
			if available(p, d.Spec.MinReadySeconds, o) {
				continue
			}
			row := o.PodRow(p, false)
			h := historyOf(records, "Pod/"+p.Name, t)
			why := h.whyNotReady(t)
			fmt.Fprintf(w, "- pod %s of the new ReplicaSet is not available: %s %s, restarts %s%s\n", p.Name, row[1], row[2], row[3], why)
		}
	}
	cond := progressing(&d)
	if cond == nil || d.Spec.ProgressDeadlineSeconds == nil {
		return nil
	}
	pds := time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second
	if cond.Reason == "NewReplicaSetAvailable" {
		// DeploymentTimedOut is false for a rollout that completed: the
		// deadline does not apply to a later loss of availability.
		fmt.Fprintf(w, "- the rollout completed (Progressing: NewReplicaSetAvailable) and has not restarted since: the progress deadline (%s) no longer applies\n", dur(pds))
		return nil
	}
	last := lastProgress(records, name, t)
	if cond.Reason == controller.ReasonProgressDeadlineExceeded {
		fired := firedAt(records, name, t)
		if lp := lastProgress(records, name, fired-1); lp >= 0 {
			last = lp
		}
		fmt.Fprintf(w, "- the progress deadline (%s) fired at %s, %s after the last progress at %s: %s\n", dur(pds), when(fired), dur(time.Duration(fired-last)), when(last), cond.Message)
		return nil
	}
	fmt.Fprintf(w, "- the progress deadline (%s) fires at about %s unless the rollout progresses first (last progress at %s: %s)\n", dur(pds), when(last+sim.Time(pds)), when(last), cond.Message)
	return nil
}

// lastProgress is the Progressing condition's lastUpdateTime in the last
// snapshot of the Deployment at or before t, as simulated time: the
// controller moves it whenever the rollout progresses.
func lastProgress(records []record.Record, name string, t sim.Time) sim.Time {
	var raw json.RawMessage
	for _, r := range records {
		s, ok := r.(*record.Snapshot)
		if !ok || s.Object != "Deployment/"+name {
			continue
		}
		if sim.Time(s.T) > t {
			break
		}
		raw = s.Value
	}
	var d appsv1.Deployment
	if raw == nil || json.Unmarshal(raw, &d) != nil {
		return -1
	}
	c := progressing(&d)
	if c == nil {
		return -1
	}
	return sim.Time(c.LastUpdateTime.Time.Sub(store.Epoch))
}

func orZero(v *intstr.IntOrString) *intstr.IntOrString {
	if v == nil {
		return &intstr.IntOrString{}
	}
	return v
}

func ownedBy(p *corev1.Pod, uid types.UID) bool {
	for _, r := range p.OwnerReferences {
		if r.Controller != nil && *r.Controller && r.UID == uid {
			return true
		}
	}
	return false
}

// available is podutil.IsPodAvailable: Ready for at least minReadySeconds.
func available(p *corev1.Pod, minReady int32, o *Objects) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return minReady == 0 || !c.LastTransitionTime.Add(time.Duration(minReady)*time.Second).After(o.now())
		}
	}
	return false
}

func progressing(d *appsv1.Deployment) *appsv1.DeploymentCondition {
	for i := range d.Status.Conditions {
		if d.Status.Conditions[i].Type == appsv1.DeploymentProgressing {
			return &d.Status.Conditions[i]
		}
	}
	return nil
}

// firedAt is when the Deployment's Rollout records first showed
// ProgressDeadlineExceeded, up to t.
func firedAt(records []record.Record, name string, t sim.Time) sim.Time {
	var fired sim.Time = -1
	for _, r := range records {
		ro, ok := r.(*record.Rollout)
		if !ok || ro.Object != "Deployment/"+name || sim.Time(ro.T) > t {
			continue
		}
		if c, ok := ro.Conditions["Progressing"]; ok && c.Reason == controller.ReasonProgressDeadlineExceeded {
			if fired < 0 {
				fired = sim.Time(ro.T)
			}
		} else {
			fired = -1
		}
	}
	return max(fired, 0)
}

// doneSince says since when a finished rollout has been complete.
func doneSince(records []record.Record, name string, t sim.Time) string {
	var since sim.Time = -1
	for _, r := range records {
		ro, ok := r.(*record.Rollout)
		if !ok || ro.Object != "Deployment/"+name || sim.Time(ro.T) > t {
			continue
		}
		if c, ok := ro.Conditions["Progressing"]; ok && c.Reason == "NewReplicaSetAvailable" {
			if since < 0 {
				since = sim.Time(ro.T)
			}
		} else {
			since = -1
		}
	}
	if since < 0 {
		return ""
	}
	return fmt.Sprintf("complete since %s (Progressing: NewReplicaSetAvailable)", when(since))
}

// whyNotReady says, from the records, why a pod is not ready at t: its
// latest run of failing readiness or startup probes, or a container that is
// not running.
func (h *podHistory) whyNotReady(t sim.Time) string {
	for _, c := range h.containers {
		ins := h.instances[c]
		if len(ins) == 0 {
			continue
		}
		cur := ins[len(ins)-1]
		if cur.exit != nil {
			return fmt.Sprintf(" (container %s exited at %s and has not started again)", c, when(cur.end))
		}
		for _, kind := range []string{"startup", "readiness"} {
			if run := h.failureRun(c, kind, cur.start, t); len(run) > 0 {
				first := run[0]
				lastOut := run[len(run)-1].Output
				s := fmt.Sprintf(" (%s probe failing since %s, %s in a row", kind, when(sim.Time(first.T)), times1(len(run)))
				if lastOut != "" {
					s += ": " + lastOut
				}
				return s + ")"
			}
		}
	}
	return ""
}
