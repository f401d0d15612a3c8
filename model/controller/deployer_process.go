package controller

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/sim"
)

// The deployer process is what `openshift-deploy` does inside a deployer
// pod (origin pkg/apps/cmd/deployer.go with pkg/apps/strategy/rolling and
// recreate, and the rolling updater copied from kubectl into
// pkg/apps/strategy/rolling/rolling_updater.go). It is an API client: it
// reads and writes ReplicationControllers and lists pods through the store.
// The real one blocks in polls and sleeps; the model runs the same sequence
// as a chain of kernel events, one per poll, sleep or watch notification.
// Its output, the pod's log, is kept in Log.

var kindDeployerStep = sim.NewKind("controller/deployer/step", 55)

// sourceIDAnnotation and originalReplicasAnnotation are the rolling updater's
// annotations (rolling_updater.go).
const (
	sourceIDAnnotation         = "kubectl.kubernetes.io/update-source-id"
	originalReplicasAnnotation = "kubectl.kubernetes.io/original-replicas"
)

// deployerRun is one deployer process.
type deployerRun struct {
	c       *Controller
	ns      string
	name    string // the deployment (RC) rolled out
	pod     types.UID
	podName string
	log     []string
	stopped bool
	called  bool // the rolling updater's writer printed its first line
	// start and end are when the process started its work and exited.
	start, end sim.Time

	// A pending wait on the RC's watch (the acceptor) or on pod deletions
	// (waitForTerminatedPods); nil when none.
	onRC      func(*corev1.ReplicationController) bool
	podsGone  map[types.UID]bool
	onPodGone func()
	deadline  sim.Handle
	hasTimer  bool

	// Rolling updater state.
	oldRC, newRC              *corev1.ReplicationController
	desired, surge, unavail   int32
	minAvailable              int32
	interval, period, timeout sim.Duration
	minReady                  int32
	progressDeadline          sim.Time
}

// DeployerLog returns the log of the deployer process that ran, or runs, in
// a deployer pod (`oc logs <rc>-deploy`), nil if none ran.
func (c *Controller) DeployerLog(namespace, pod string) []string {
	for _, r := range c.runOrder {
		if r.ns == namespace && r.podName == pod {
			return append([]string(nil), r.log...)
		}
	}
	return nil
}

func (c *Controller) startDeployer(pod *corev1.Pod, rcName string) {
	r := &deployerRun{c: c, ns: pod.Namespace, name: rcName, pod: pod.UID, podName: pod.Name, start: c.now(), end: -1}
	c.runs[pod.Namespace+"/"+rcName] = r
	c.runOrder = append(c.runOrder, r)
	r.main()
}

func (r *deployerRun) now() sim.Time { return r.c.now() }

func (r *deployerRun) printf(format string, args ...any) {
	r.log = append(r.log, fmt.Sprintf(format, args...))
}

// updaterf is rolling.go rollingUpdaterWriter: the updater's first line is
// prefixed "--> ", the others "    ".
func (r *deployerRun) updaterf(format string, args ...any) {
	if r.called {
		r.printf("    "+format, args...)
		return
	}
	r.called = true
	r.printf("--> "+format, args...)
}

func (r *deployerRun) stop() {
	r.stopped = true
	r.cancelWait()
}

// after runs fn d from now unless the process has stopped.
func (r *deployerRun) after(d sim.Duration, fn func()) {
	r.c.e.After(d, kindDeployerStep, func() {
		if !r.stopped {
			fn()
		}
	})
}

func (r *deployerRun) rc(name string) (*corev1.ReplicationController, bool) {
	return r.c.s.ReplicationControllers.Get(r.ns, name)
}

// finish ends the process: "--> Success" and exit 0, or the error as
// kubectl's CheckErr prints it and exit 1.
func (r *deployerRun) finish(err error) {
	if r.stopped {
		return
	}
	code := 0
	if err != nil {
		r.printf("error: %v", err)
		code = 1
	} else {
		r.printf("--> Success")
	}
	r.stop()
	r.end = r.now()
	if pod, ok := r.c.s.Pods.Get(r.ns, r.podName); ok && pod.UID == r.pod && r.c.cfg.ExitProcess != nil {
		_ = r.c.cfg.ExitProcess(pod, DeployerContainer, code)
	}
}

// pollImmediate is wait.PollImmediate: cond now, then every interval; after
// timeout it gives up (a last check is made at the deadline).
func (r *deployerRun) pollImmediate(interval, timeout sim.Duration, cond func() bool, done func(ok bool)) {
	r.pollFrom(interval, timeout, cond, done)()
}

// poll is wait.Poll: like pollImmediate without the first immediate check.
func (r *deployerRun) poll(interval, timeout sim.Duration, cond func() bool, done func(ok bool)) {
	r.after(min(interval, timeout), r.pollFrom(interval, timeout, cond, done))
}

// pollFrom returns one step of a poll started now: check cond, then give up
// at timeout or check again an interval later.
func (r *deployerRun) pollFrom(interval, timeout sim.Duration, cond func() bool, done func(ok bool)) func() {
	start := r.now()
	var step func()
	step = func() {
		if cond() {
			done(true)
			return
		}
		elapsed := r.now().Sub(start)
		if elapsed >= timeout {
			done(false)
			return
		}
		r.after(min(interval, timeout-elapsed), step)
	}
	return step
}

// setReplicas writes an RC's spec.replicas through its scale subresource.
func (r *deployerRun) setReplicas(name string, n int32) {
	cur, ok := r.rc(name)
	if !ok {
		return
	}
	if cur.Spec.Replicas != nil && *cur.Spec.Replicas == n {
		return
	}
	cp := cur.DeepCopy()
	cp.Spec.Replicas = &n
	cp.Generation++
	r.c.s.ReplicationControllers.Update(cp)
}

// kubectlScale is kubectl's Scaler.Scale with waitForReplicas (scale.go):
// set the size, then poll every interval until the scale's status shows it
// (or the size was changed by someone else), for at most timeout.
func (r *deployerRun) kubectlScale(name string, n int32, interval, timeout sim.Duration, done func(*corev1.ReplicationController, error)) {
	r.setReplicas(name, n)
	r.pollImmediate(interval, timeout, func() bool {
		cur, ok := r.rc(name)
		if !ok {
			return true
		}
		if replicas(cur.Spec.Replicas) != n {
			return true // "the desired scale target has been reset by something else"
		}
		return cur.Status.Replicas == n
	}, func(ok bool) {
		if !ok {
			done(nil, fmt.Errorf("timed out waiting for %q to be synced", name))
			return
		}
		cur, found := r.rc(name)
		if !found {
			done(nil, fmt.Errorf("replicationcontrollers %q not found", name))
			return
		}
		done(cur, nil)
	})
}

// main is deployer.go Deploy: find the last complete deployment, scale down
// every other older one, and run the strategy.
func (r *deployerRun) main() {
	to, ok := r.rc(r.name)
	if !ok {
		r.finish(fmt.Errorf("couldn't get deployment %s: replicationcontrollers %q not found", r.ns+"/"+r.name, r.name))
		return
	}
	dc, err := r.c.decodeDC(to)
	if err != nil {
		r.finish(err)
		return
	}
	desired, err := strconv.Atoi(to.Annotations[DCDesiredReplicasAnnotation])
	if err != nil {
		r.finish(fmt.Errorf("deployment %s has already run to completion", to.Name))
		return
	}
	var all []*corev1.ReplicationController
	for _, rc := range r.c.s.ReplicationControllers.List() {
		if rc.Namespace == r.ns && rc.Labels[DCNameAnnotation] == dc.Name {
			all = append(all, rc)
		}
	}
	byVersionDesc(all)
	var from *corev1.ReplicationController
	for _, rc := range all {
		if rc.Name != to.Name && dcPhase(rc) == PhaseComplete {
			from = rc
			break
		}
	}
	if from != nil && dcVersion(to) < dcVersion(from) {
		r.finish(fmt.Errorf("deployment %s is older than %s", to.Name, from.Name))
		return
	}
	var older []string
	for _, rc := range all {
		if rc.Name == to.Name || from != nil && rc.Name == from.Name || replicas(rc.Spec.Replicas) == 0 {
			continue
		}
		older = append(older, rc.Name)
	}
	var next func(i int)
	next = func(i int) {
		if i == len(older) {
			r.strategy(dc, from, to, int32(desired))
			return
		}
		r.kubectlScale(older[i], 0, time.Second, 120*time.Second, func(_ *corev1.ReplicationController, err error) {
			if err != nil {
				r.printf("error: Couldn't scale down prior deployment %s: %v", r.ns+"/"+older[i], err)
			} else {
				r.printf("--> Scaled older deployment %s down", older[i])
			}
			next(i + 1)
		})
	}
	next(0)
}

func (r *deployerRun) strategy(dc *api.DeploymentConfig, from, to *corev1.ReplicationController, desired int32) {
	switch dc.Spec.Strategy.Type {
	case api.DeploymentStrategyTypeRecreate:
		r.recreate(dc, from, to, desired)
	case api.DeploymentStrategyTypeRolling:
		if from == nil {
			// rolling.go: "If there's no prior deployment, delegate to
			// another strategy": Recreate, with the rolling timeout.
			r.recreate(dc, nil, to, desired)
			return
		}
		r.rolling(dc, from, to, desired)
	default:
		r.finish(fmt.Errorf("unsupported strategy type: %s", dc.Spec.Strategy.Type))
	}
}

// recreate is recreate.go DeployWithAcceptor (hooks are rejected before
// the run starts).
func (r *deployerRun) recreate(dc *api.DeploymentConfig, from, to *corev1.ReplicationController, desired int32) {
	timeout := sim.Duration(api.DefaultRollingTimeoutSeconds) * time.Second
	podWait := timeout
	if p := dc.Spec.Strategy.RecreateParams; p != nil && p.TimeoutSeconds != nil {
		timeout = sim.Duration(*p.TimeoutSeconds) * time.Second
		podWait = timeout
	}
	if p := dc.Spec.Strategy.RollingParams; p != nil && p.TimeoutSeconds != nil {
		timeout = sim.Duration(*p.TimeoutSeconds) * time.Second
	}
	scaleUp := func() {
		if desired <= 0 {
			r.finish(nil)
			return
		}
		complete := func(cur *corev1.ReplicationController, accepted bool) {
			if replicas(cur.Spec.Replicas) != desired {
				r.printf("--> Scaling %s to %d", to.Name, desired)
			}
			r.recreateScale(cur, desired, timeout, func(cur *corev1.ReplicationController, err error) {
				if err != nil {
					r.finish(fmt.Errorf("couldn't scale %s to %d: %v", to.Name, desired, err))
					return
				}
				if accepted {
					r.finish(nil)
					return
				}
				r.accept(cur, timeout, func(err error) {
					if err != nil {
						r.finish(fmt.Errorf("update acceptor rejected %s: %v", to.Name, err))
						return
					}
					r.finish(nil)
				})
			})
		}
		if from == nil {
			complete(to, false)
			return
		}
		r.printf("--> Scaling %s to 1 before performing acceptance check", to.Name)
		r.recreateScale(to, 1, timeout, func(cur *corev1.ReplicationController, err error) {
			if err != nil {
				r.finish(fmt.Errorf("couldn't scale %s to 1: %v", to.Name, err))
				return
			}
			r.accept(cur, timeout, func(err error) {
				if err != nil {
					r.finish(fmt.Errorf("update acceptor rejected %s: %v", to.Name, err))
					return
				}
				complete(cur, true)
			})
		})
	}
	if from == nil {
		scaleUp()
		return
	}
	r.printf("--> Scaling %s down to zero", from.Name)
	r.recreateScale(from, 0, timeout, func(_ *corev1.ReplicationController, err error) {
		if err != nil {
			r.finish(fmt.Errorf("couldn't scale %s to 0: %v", from.Name, err))
			return
		}
		r.waitForTerminatedPods(from, podWait, scaleUp)
	})
}

// recreateScale is recreate.go scaleAndWait: nothing to do if spec and
// status already show n; otherwise set the size (unless the status already
// shows it) and poll every second until the status does.
func (r *deployerRun) recreateScale(rc *corev1.ReplicationController, n int32, timeout sim.Duration, done func(*corev1.ReplicationController, error)) {
	if replicas(rc.Spec.Replicas) == n && rc.Status.Replicas == n {
		done(rc, nil)
		return
	}
	cur, ok := r.rc(rc.Name)
	if !ok {
		done(nil, fmt.Errorf("replicationcontrollers %q not found", rc.Name))
		return
	}
	finish := func() {
		cur, ok := r.rc(rc.Name)
		if !ok {
			done(nil, fmt.Errorf("replicationcontrollers %q not found", rc.Name))
			return
		}
		done(cur, nil)
	}
	if cur.Status.Replicas == n {
		finish() // alreadyScaled
		return
	}
	r.setReplicas(rc.Name, n)
	r.pollImmediate(time.Second, timeout, func() bool {
		cur, ok := r.rc(rc.Name)
		return ok && cur.Status.Replicas == n
	}, func(ok bool) {
		if !ok {
			done(nil, errWaitTimeout)
			return
		}
		finish()
	})
}

// errWaitTimeout is wait.ErrWaitTimeout's text.
var errWaitTimeout = errors.New("timed out waiting for the condition")

// waitForTerminatedPods is recreate.go waitForTerminatedPods: wait for as
// many pod deletions as the old deployment's selector matches, or timeout;
// either way, go on.
func (r *deployerRun) waitForTerminatedPods(from *corev1.ReplicationController, timeout sim.Duration, then func()) {
	sel := labels.SelectorFromSet(from.Spec.Selector)
	r.podsGone = map[types.UID]bool{}
	for _, p := range r.c.s.Pods.List() {
		if p.Namespace == r.ns && sel.Matches(labels.Set(p.Labels)) {
			r.podsGone[p.UID] = true
		}
	}
	if len(r.podsGone) == 0 {
		r.podsGone = nil
		then()
		return
	}
	r.onPodGone = func() {
		r.cancelWait()
		then()
	}
	r.setDeadline(timeout, func() {
		r.podsGone, r.onPodGone = nil, nil
		then()
	})
}

// podDeletedForRuns tells the waiting deployer processes of a pod deletion.
func (c *Controller) podDeletedForRuns(pod *corev1.Pod) {
	for _, r := range c.runOrder {
		if r.stopped || r.podsGone == nil || !r.podsGone[pod.UID] {
			continue
		}
		delete(r.podsGone, pod.UID)
		if len(r.podsGone) == 0 && r.onPodGone != nil {
			r.onPodGone()
		}
	}
}

func (r *deployerRun) setDeadline(d sim.Duration, fn func()) {
	r.deadline = r.c.e.After(d, kindDeployerStep, func() {
		r.hasTimer = false
		if !r.stopped {
			fn()
		}
	})
	r.hasTimer = true
}

func (r *deployerRun) cancelWait() {
	if r.hasTimer {
		r.c.e.Cancel(r.deadline)
		r.hasTimer = false
	}
	r.onRC, r.podsGone, r.onPodGone = nil, nil, nil
}

// accept is support/acceptor.go acceptAvailablePods.Accept: done at once if
// every replica is available, else on the first watch event of the RC that
// shows it, or an error after timeout.
func (r *deployerRun) accept(rc *corev1.ReplicationController, timeout sim.Duration, done func(error)) {
	all := func(x *corev1.ReplicationController) bool {
		return x.Status.AvailableReplicas == replicas(x.Spec.Replicas)
	}
	if all(rc) {
		done(nil)
		return
	}
	r.onRC = func(x *corev1.ReplicationController) bool {
		if !all(x) {
			return false
		}
		r.cancelWait()
		done(nil)
		return true
	}
	r.setDeadline(timeout, func() {
		r.onRC = nil
		done(fmt.Errorf("pods for rc '%s/%s' took longer than %.f seconds to become available", rc.Namespace, rc.Name, timeout.Seconds()))
	})
}

// rcChanged delivers a watch event of the deployment's RC.
func (r *deployerRun) rcChanged(rc *corev1.ReplicationController) {
	if r.stopped || r.onRC == nil || rc.Name != r.name {
		return
	}
	r.onRC(rc)
}

// rolling is rolling.go Deploy for an existing deployment followed by
// RollingUpdater.Update.
func (r *deployerRun) rolling(dc *api.DeploymentConfig, from, to *corev1.ReplicationController, desiredReplicas int32) {
	p := dc.Spec.Strategy.RollingParams
	if p == nil || p.MaxSurge == nil || p.MaxUnavailable == nil {
		r.finish(errors.New("no maxSurge or maxUnavailable parameters set, cannot perform a rolling update"))
		return
	}
	// "HACK: Assign the source ID annotation that the rolling updater
	// expects."
	if cur, ok := r.rc(to.Name); ok {
		if _, has := cur.Annotations[sourceIDAnnotation]; !has {
			cp := cur.DeepCopy()
			cp.Annotations[sourceIDAnnotation] = from.Name + ":" + string(from.UID)
			r.c.s.ReplicationControllers.Update(cp)
		}
	}
	newRC, ok := r.rc(to.Name)
	if !ok {
		r.finish(fmt.Errorf("replicationcontrollers %q not found", to.Name))
		return
	}
	if src := newRC.Annotations[sourceIDAnnotation]; src != from.Name+":"+string(from.UID) {
		r.finish(fmt.Errorf("Missing/unexpected annotations for controller %s, expected %s : %v", newRC.Name, from.Name+":"+string(from.UID), newRC.Annotations))
		return
	}
	desired, err := strconv.Atoi(newRC.Annotations[DCDesiredReplicasAnnotation])
	if err != nil {
		r.finish(fmt.Errorf("Unable to parse annotation for %s: %s=%s", newRC.Name, DCDesiredReplicasAnnotation, newRC.Annotations[DCDesiredReplicasAnnotation]))
		return
	}
	oldRC := from.DeepCopy()
	if _, has := from.Annotations[originalReplicasAnnotation]; !has {
		if cur, ok := r.rc(from.Name); ok && cur.Spec.Replicas != nil {
			cp := cur.DeepCopy()
			if cp.Annotations == nil {
				cp.Annotations = map[string]string{}
			}
			cp.Annotations[originalReplicasAnnotation] = strconv.Itoa(int(*cur.Spec.Replicas))
			r.c.s.ReplicationControllers.Update(cp)
			oldRC = cp
		}
	}
	surge, unavail, err := api.ResolveFenceposts(p.MaxSurge, p.MaxUnavailable, int32(desired))
	if err != nil {
		r.finish(err)
		return
	}
	r.desired = int32(desired)
	if r.desired > 0 && surge == 0 && unavail == 0 {
		r.finish(errors.New("one of maxSurge or maxUnavailable must be specified"))
		return
	}
	r.surge, r.unavail = surge, unavail
	r.minAvailable = max(0, r.desired-unavail)
	if r.desired == 0 {
		r.unavail = replicas(oldRC.Spec.Replicas)
		r.minAvailable = 0
	}
	r.oldRC, r.newRC = oldRC, newRC
	r.interval = seconds(p.IntervalSeconds, api.DefaultRollingIntervalSeconds)
	r.period = seconds(p.UpdatePeriodSeconds, api.DefaultRollingUpdatePeriodSeconds)
	r.timeout = seconds(p.TimeoutSeconds, api.DefaultRollingTimeoutSeconds)
	r.minReady = dc.Spec.MinReadySeconds
	r.updaterf("Scaling up %s from %d to %d, scaling down %s from %d to 0 (keep %d pods available, don't exceed %d pods)",
		newRC.Name, replicas(newRC.Spec.Replicas), r.desired, oldRC.Name, replicas(oldRC.Spec.Replicas), r.minAvailable, r.desired+r.surge)
	r.progressDeadline = r.now().Add(r.timeout)
	r.rollingLoop()
}

// rollingLoop is one iteration of Update's loop: scale up, sleep
// updatePeriod, scale down, and fail if neither moved for timeout.
func (r *deployerRun) rollingLoop() {
	if replicas(r.newRC.Spec.Replicas) == r.desired && replicas(r.oldRC.Spec.Replicas) == 0 {
		r.rollingCleanup()
		return
	}
	newBefore, oldBefore := replicas(r.newRC.Spec.Replicas), replicas(r.oldRC.Spec.Replicas)
	r.scaleUp(func(err error) {
		if err != nil {
			r.finish(err)
			return
		}
		r.after(r.period, func() {
			r.scaleDown(func(err error) {
				if err != nil {
					r.finish(err)
					return
				}
				if replicas(r.newRC.Spec.Replicas) != newBefore || replicas(r.oldRC.Spec.Replicas) != oldBefore {
					r.progressDeadline = r.now().Add(r.timeout)
				} else if r.now() > r.progressDeadline {
					r.finish(errors.New("timed out waiting for any update progress to be made"))
					return
				}
				r.rollingLoop()
			})
		})
	})
}

// scaleUp is RollingUpdater.scaleUp.
func (r *deployerRun) scaleUp(done func(error)) {
	n, o := replicas(r.newRC.Spec.Replicas), replicas(r.oldRC.Spec.Replicas)
	if n == r.desired {
		done(nil)
		return
	}
	inc := r.desired + r.surge - (o + n)
	if o == 0 {
		inc = r.desired - n
	}
	if inc <= 0 {
		done(nil)
		return
	}
	target := min(n+inc, r.desired)
	r.updaterf("Scaling %s up to %d", r.newRC.Name, target)
	r.kubectlScale(r.newRC.Name, target, r.interval, r.timeout, func(rc *corev1.ReplicationController, err error) {
		if err != nil {
			done(err)
			return
		}
		r.newRC = rc
		done(nil)
	})
}

// scaleDown is RollingUpdater.scaleDown.
func (r *deployerRun) scaleDown(done func(error)) {
	n, o := replicas(r.newRC.Spec.Replicas), replicas(r.oldRC.Spec.Replicas)
	if o == 0 {
		done(nil)
		return
	}
	newAvailable := r.availablePods(r.newRC)
	dec := (o + n) - r.minAvailable - (n - newAvailable)
	if dec <= 0 {
		done(nil)
		return
	}
	target := max(o-dec, 0)
	if n == r.desired && newAvailable == r.desired {
		target = 0
	}
	r.updaterf("Scaling %s down to %d", r.oldRC.Name, target)
	r.kubectlScale(r.oldRC.Name, target, r.interval, r.timeout, func(rc *corev1.ReplicationController, err error) {
		if err != nil {
			done(err)
			return
		}
		r.oldRC = rc
		done(nil)
	})
}

// availablePods is RollingUpdater.readyPods for one RC: pods its selector
// matches, not being deleted, available for minReadySeconds now.
func (r *deployerRun) availablePods(rc *corev1.ReplicationController) int32 {
	sel := labels.SelectorFromSet(rc.Spec.Selector)
	var n int32
	for _, p := range r.c.s.Pods.List() {
		if p.Namespace == rc.Namespace && p.DeletionTimestamp == nil && sel.Matches(labels.Set(p.Labels)) &&
			IsPodAvailable(p, r.minReady, r.now()) {
			n++
		}
	}
	return n
}

// rollingCleanup is RollingUpdater.cleanupWithClients with the Preserve
// policy: drop the updater's annotations from the new RC, then poll (not
// immediately) until its status shows its size.
func (r *deployerRun) rollingCleanup() {
	cur, ok := r.rc(r.newRC.Name)
	if !ok {
		r.finish(fmt.Errorf("replicationcontrollers %q not found", r.newRC.Name))
		return
	}
	cp := cur.DeepCopy()
	delete(cp.Annotations, sourceIDAnnotation)
	delete(cp.Annotations, DCDesiredReplicasAnnotation)
	r.c.s.ReplicationControllers.Update(cp)
	gen := cp.Generation
	r.poll(r.interval, r.timeout, func() bool {
		cur, ok := r.rc(cp.Name)
		return ok && cur.Status.ObservedGeneration >= gen && cur.Status.Replicas == replicas(cur.Spec.Replicas)
	}, func(ok bool) {
		if !ok {
			r.finish(errWaitTimeout)
			return
		}
		r.finish(nil)
	})
}

// seconds is *p seconds, or def when p is nil (defaulting fills every one
// of these; the fallback keeps an undefaulted object from panicking).
func seconds(p *int64, def int64) sim.Duration {
	if p != nil {
		def = *p
	}
	return sim.Duration(def) * time.Second
}
