package controller

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// newDCWorld is newWorld whose fake kubelet also ends deployer processes:
// ExitProcess turns the deployer pod Succeeded (0) or Failed, as the
// kubelet does for a restartPolicy Never pod. Pods whose image is
// "web:bad" never become ready.
func newDCWorld(seed uint64) *world {
	w := newWorld(seed, "1.11")
	w.k.readyDelay = func(p *corev1.Pod) sim.Duration {
		if p.Spec.Containers[0].Image == "web:bad" {
			return -1
		}
		return time.Second
	}
	w.c.cfg.ExitProcess = func(pod *corev1.Pod, container string, code int) error {
		cur, ok := w.s.Pods.Get(pod.Namespace, pod.Name)
		if !ok {
			return nil
		}
		p := cur.DeepCopy()
		p.Status.Phase = corev1.PodSucceeded
		if code != 0 {
			p.Status.Phase = corev1.PodFailed
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: container, State: corev1.ContainerState{
			Terminated: &corev1.ContainerStateTerminated{ExitCode: int32(code), FinishedAt: store.WallSeconds(w.e.Now())}}}}
		w.s.Pods.Update(p)
		return nil
	}
	return w
}

// copyDC deep-copies a DeploymentConfig through its JSON form, for tests
// that change its spec as a user would.
func copyDC(dc *api.DeploymentConfig) *api.DeploymentConfig {
	b, err := json.Marshal(dc)
	if err != nil {
		panic(err)
	}
	var out api.DeploymentConfig
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return &out
}

// dc returns a defaulted DeploymentConfig "web" (apps.openshift.io/v1) with
// a ConfigChange trigger.
func dc(replicas int32, strategy api.DeploymentStrategy) *api.DeploymentConfig {
	labels := map[string]string{"app": "web"}
	o := &api.DeploymentConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps.openshift.io/v1", Kind: "DeploymentConfig"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "dc-uid", Generation: 1},
		Spec: api.DeploymentConfigSpec{
			Replicas: replicas, Selector: labels, Strategy: strategy,
			Template: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "web:1"}}},
			},
		},
	}
	api.Default(o)
	return o
}

func rolling(surge, unavailable intstr.IntOrString) api.DeploymentStrategy {
	return api.DeploymentStrategy{Type: api.DeploymentStrategyTypeRolling,
		RollingParams: &api.RollingDeploymentStrategyParams{MaxSurge: &surge, MaxUnavailable: &unavailable}}
}

func (w *world) dc() *api.DeploymentConfig {
	d, _ := w.s.DeploymentConfigs.Get("default", "web")
	return d
}

// setDCImage changes the template as `oc set image dc/web` does.
func (w *world) setDCImage(image string) {
	d := copyDC(w.dc())
	d.Spec.Template.Spec.Containers[0].Image = image
	d.Generation++
	w.s.DeploymentConfigs.Update(d)
}

func (w *world) rc(name string) *corev1.ReplicationController {
	rc, _ := w.s.ReplicationControllers.Get("default", name)
	return rc
}

// deployerEnd returns when the deployer process of a deployment ended.
func (w *world) deployerEnd(rc string) sim.Time {
	for _, r := range w.c.runOrder {
		if r.name == rc {
			return r.end
		}
	}
	return -1
}

// TestDCInitialRollout pins version 1 of a Rolling DeploymentConfig: the
// trigger bumps latestVersion, the controller makes RC web-1 (0 replicas,
// desired-replicas 3) and the deployer controller the pod web-1-deploy; the
// Rolling strategy delegates a first version to Recreate (rolling.go), which
// scales to 3 and waits for every pod to be available (acceptor.go); the
// deployment turns Complete, its deployer pod is deleted, and the config
// reports NewReplicationControllerAvailable.
func TestDCInitialRollout(t *testing.T) {
	w := newDCWorld(1)
	w.s.DeploymentConfigs.Create(dc(3, rolling(intstr.FromString("25%"), intstr.FromString("25%"))))
	w.e.RunUntil(sim.Time(30 * time.Second))
	rc := w.rc("web-1")
	if rc == nil {
		t.Fatal("no RC web-1")
	}
	if got := dcPhase(rc); got != PhaseComplete {
		t.Errorf("phase %s, want Complete", got)
	}
	want := map[string]string{DCNameAnnotation: "web", DCVersionAnnotation: "1", DCStatusReasonAnnotation: "config change",
		DCReplicasAnnotation: "3", DeployerPodNameAnnotation: "web-1-deploy"}
	for k, v := range want {
		if rc.Annotations[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, rc.Annotations[k], v)
		}
	}
	if diff := cmp.Diff(map[string]string{"app": "web", "deployment": "web-1", "deploymentconfig": "web"}, rc.Spec.Selector); diff != "" {
		t.Errorf("selector (-want +got):\n%s", diff)
	}
	if _, ok := w.s.Pods.Get("default", "web-1-deploy"); ok {
		t.Error("the deployer pod of a complete deployment is still there")
	}
	if diff := cmp.Diff([]string{"--> Scaling web-1 to 3", "--> Success"}, w.c.DeployerLog("default", "web-1-deploy")); diff != "" {
		t.Errorf("deployer log (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`Created new replication controller "web-1" for version 1`}, w.events("DeploymentCreated")); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	st := w.dc().Status
	p := getDCCondition(&st, "Progressing")
	if p == nil || p.Reason != ReasonNewRCAvailable || p.Message != `replication controller "web-1" successfully rolled out` {
		t.Errorf("Progressing %+v", p)
	}
	if st.LatestVersion != 1 || st.Replicas != 3 || st.AvailableReplicas != 3 || st.UpdatedReplicas != 3 {
		t.Errorf("status %+v", st)
	}
	if msg, done, err := DCRolloutStatus(w.dc()); err != nil || !done || msg != `replication controller "web-1" successfully rolled out` {
		t.Errorf("rollout status %q, %v, %v", msg, done, err)
	}
}

// TestDCRollingSteps pins the rolling updater's steps (rolling_updater.go
// Update, scaleUp, scaleDown, cleanupWithClients) and their timing. Each
// scale waits for the RC's status with PollImmediate at intervalSeconds (1
// s; the first, immediate check never sees the new status), then
// updatePeriodSeconds (1 s) pass between scale-up and scale-down; new pods
// are ready 1 s after they are bound. The cleanup polls once more (wait.Poll
// does not check at once) before "--> Success".
func TestDCRollingSteps(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		replicas               int32
		surge, unavailable     intstr.IntOrString
		log                    []string
		secondsFromDeployStart int
	}{
		{"surge 25% unavailable 25% of 3", 3, intstr.FromString("25%"), intstr.FromString("25%"), []string{
			"--> Scaling up web-2 from 0 to 3, scaling down web-1 from 3 to 0 (keep 3 pods available, don't exceed 4 pods)",
			"    Scaling web-2 up to 1",
			"    Scaling web-1 down to 2",
			"    Scaling web-2 up to 2",
			"    Scaling web-1 down to 1",
			"    Scaling web-2 up to 3",
			"    Scaling web-1 down to 0",
			"--> Success",
		}, 10},
		{"surge 0 unavailable 1 of 2", 2, intstr.FromInt32(0), intstr.FromInt32(1), []string{
			"--> Scaling up web-2 from 0 to 2, scaling down web-1 from 2 to 0 (keep 1 pods available, don't exceed 2 pods)",
			"    Scaling web-1 down to 1",
			"    Scaling web-2 up to 1",
			"    Scaling web-1 down to 0",
			"    Scaling web-2 up to 2",
			"--> Success",
		}, 8},
		{"surge 100% of 2", 2, intstr.FromString("100%"), intstr.FromInt32(0), []string{
			"--> Scaling up web-2 from 0 to 2, scaling down web-1 from 2 to 0 (keep 2 pods available, don't exceed 4 pods)",
			"    Scaling web-2 up to 2",
			"    Scaling web-1 down to 0",
			"--> Success",
		}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newDCWorld(1)
			w.s.DeploymentConfigs.Create(dc(tc.replicas, rolling(tc.surge, tc.unavailable)))
			w.e.RunUntil(sim.Time(60 * time.Second))
			w.setDCImage("web:2")
			w.e.RunUntil(sim.Time(120 * time.Second))
			if diff := cmp.Diff(tc.log, w.c.DeployerLog("default", "web-2-deploy")); diff != "" {
				t.Errorf("deployer log (-want +got):\n%s", diff)
			}
			r := w.c.runs["default/web-2"]
			if got := r.end.Sub(r.start); got != sim.Duration(tc.secondsFromDeployStart)*time.Second {
				t.Errorf("the deployer ran %v, want %ds", got, tc.secondsFromDeployStart)
			}
			if dcPhase(w.rc("web-2")) != PhaseComplete || replicas(w.rc("web-1").Spec.Replicas) != 0 {
				t.Errorf("web-2 %s, web-1 at %d", dcPhase(w.rc("web-2")), replicas(w.rc("web-1").Spec.Replicas))
			}
		})
	}
}

// TestDCRollingTimeoutRollsBack pins a rollout whose new pods never become
// ready: after the last scaling step the updater loops every
// updatePeriodSeconds and fails on the first iteration that ends more than
// timeoutSeconds later (the check is strict), with "timed out waiting for
// any update progress to be made"; the deployer pod fails, the deployment
// turns Failed, and the config controller's reconcile scales the active
// (last complete) RC back to spec.replicas and the failed one to 0.
func TestDCRollingTimeoutRollsBack(t *testing.T) {
	for _, timeout := range []int64{600, 30} {
		w := newDCWorld(1)
		d := dc(3, rolling(intstr.FromString("25%"), intstr.FromString("25%")))
		d.Spec.Strategy.RollingParams.TimeoutSeconds = &timeout
		w.s.DeploymentConfigs.Create(d)
		w.e.RunUntil(sim.Time(60 * time.Second))
		w.setDCImage("web:bad")
		w.e.RunUntil(sim.Time(60*time.Second) + sim.Time(timeout+60)*sim.Time(time.Second))
		want := []string{
			"--> Scaling up web-2 from 0 to 3, scaling down web-1 from 3 to 0 (keep 3 pods available, don't exceed 4 pods)",
			"    Scaling web-2 up to 1",
			"error: timed out waiting for any update progress to be made",
		}
		if diff := cmp.Diff(want, w.c.DeployerLog("default", "web-2-deploy")); diff != "" {
			t.Errorf("timeout %d: deployer log (-want +got):\n%s", timeout, diff)
		}
		r := w.c.runs["default/web-2"]
		// Scale-up done at +1 s, scale-down (none) at +2 s: the last
		// progress; then iterations end every second; the first one past
		// +2 s + timeout ends at +3 s + timeout.
		if got, want := r.end.Sub(r.start), sim.Duration(timeout+3)*time.Second; got != want {
			t.Errorf("timeout %d: the deployer failed after %v, want %v", timeout, got, want)
		}
		if got := dcPhase(w.rc("web-2")); got != PhaseFailed {
			t.Errorf("timeout %d: web-2 %s, want Failed", timeout, got)
		}
		if a, b := replicas(w.rc("web-1").Spec.Replicas), replicas(w.rc("web-2").Spec.Replicas); a != 3 || b != 0 {
			t.Errorf("timeout %d: web-1 %d web-2 %d, want 3 and 0", timeout, a, b)
		}
		if diff := cmp.Diff([]string{`Scaled replication controller "web-2" from 1 to 0`}, w.events("ReplicationControllerScaled")); diff != "" {
			t.Errorf("timeout %d: events (-want +got):\n%s", timeout, diff)
		}
		st := w.dc().Status
		p := getDCCondition(&st, "Progressing")
		if p == nil || p.Status != corev1.ConditionFalse || p.Reason != ReasonProgressDeadlineExceeded ||
			p.Message != `replication controller "web-2" has failed progressing` {
			t.Errorf("timeout %d: Progressing %+v", timeout, p)
		}
		if _, _, err := DCRolloutStatus(w.dc()); err == nil || err.Error() != `replication controller "web-2" has failed progressing` {
			t.Errorf("timeout %d: rollout status error %v", timeout, err)
		}
		if pod, ok := w.s.Pods.Get("default", "web-2-deploy"); !ok || pod.Status.Phase != corev1.PodFailed {
			t.Errorf("timeout %d: a failed deployment keeps its failed deployer pod", timeout)
		}
	}
}

// TestDCRecreate pins recreate.go DeployWithAcceptor for a second version:
// the old RC to zero (and its pods gone), the new one to 1 for the
// acceptance check, then to the desired size.
func TestDCRecreate(t *testing.T) {
	w := newDCWorld(1)
	w.s.DeploymentConfigs.Create(dc(2, api.DeploymentStrategy{Type: api.DeploymentStrategyTypeRecreate}))
	w.e.RunUntil(sim.Time(60 * time.Second))
	w.setDCImage("web:2")
	w.e.RunUntil(sim.Time(120 * time.Second))
	want := []string{
		"--> Scaling web-1 down to zero",
		"--> Scaling web-2 to 1 before performing acceptance check",
		"--> Scaling web-2 to 2",
		"--> Success",
	}
	if diff := cmp.Diff(want, w.c.DeployerLog("default", "web-2-deploy")); diff != "" {
		t.Errorf("deployer log (-want +got):\n%s", diff)
	}
	// Scale-down polled done at +1 s; the old pods are gone about 2 s
	// after their deletion (the fake kubelet's termDelay); the scale to 1
	// is seen at the next 1 s poll, the pod is available 1 s after its
	// binding and the acceptor returns on that RC update; the scale to 2 is
	// seen 1 s later, and is not checked by the acceptor again (it runs
	// once, on the first replica, when there is an old deployment).
	r := w.c.runs["default/web-2"]
	if got := r.end.Sub(r.start); got < 4*time.Second || got > 4100*time.Millisecond {
		t.Errorf("the deployer ran %v, want 4 s and a few watch hops", got)
	}
}

// TestDCPausedConfigChange pins triggerActivated: a paused config makes no
// new version for a template change; resuming it does.
func TestDCPausedConfigChange(t *testing.T) {
	w := newDCWorld(1)
	w.s.DeploymentConfigs.Create(dc(2, rolling(intstr.FromString("25%"), intstr.FromString("25%"))))
	w.e.RunUntil(sim.Time(30 * time.Second))
	setPaused := func(p bool) {
		d := copyDC(w.dc())
		d.Spec.Paused = p
		d.Generation++
		w.s.DeploymentConfigs.Update(d)
	}
	setPaused(true)
	w.e.RunUntil(sim.Time(31 * time.Second))
	w.setDCImage("web:2")
	w.e.RunUntil(sim.Time(60 * time.Second))
	if w.rc("web-2") != nil || w.dc().Status.LatestVersion != 1 {
		t.Fatalf("a paused config rolled out version %d", w.dc().Status.LatestVersion)
	}
	setPaused(false)
	w.e.RunUntil(sim.Time(90 * time.Second))
	if rc := w.rc("web-2"); rc == nil || dcPhase(rc) != PhaseComplete {
		t.Fatalf("resumed config did not roll out version 2")
	}
}

// TestDCCancelledByNewerVersion pins a template change during a rollout:
// the trigger makes version 3, cancelRunningRollouts marks web-2 cancelled
// and requeues the config until it is terminated; the deployer controller
// deletes web-2's deployer pod, and when it is gone marks web-2 Failed
// (RolloutCancelled); then web-3 is created, and its deployer scales the
// cancelled web-2 down before rolling from web-1, the last complete one.
func TestDCCancelledByNewerVersion(t *testing.T) {
	w := newDCWorld(1)
	w.s.DeploymentConfigs.Create(dc(3, rolling(intstr.FromString("25%"), intstr.FromString("25%"))))
	w.e.RunUntil(sim.Time(60 * time.Second))
	w.setDCImage("web:bad")
	w.e.RunUntil(sim.Time(90 * time.Second))
	w.setDCImage("web:2")
	w.e.RunUntil(sim.Time(150 * time.Second))
	for reason, want := range map[string][]string{
		"DeploymentCancelled": {`Cancelled deployment "web-2" superceded by version 3`},
		"RolloutCancelled":    {`Rollout for "default/web-2" cancelled`},
		"DeploymentCreated": {`Created new replication controller "web-1" for version 1`,
			`Created new replication controller "web-2" for version 2`, `Created new replication controller "web-3" for version 3`},
	} {
		if diff := cmp.Diff(want, w.events(reason)); diff != "" {
			t.Errorf("%s events (-want +got):\n%s", reason, diff)
		}
	}
	// The config is requeued with handleErr's backoff while the deployer
	// pod terminates (2 s here): a sync on each failure's AddRateLimited
	// (5 ms · 2^failures, the earliest pending add winning) and one on the
	// RC's update at +1 ms.
	var at []sim.Duration
	for _, r := range w.log.Records() {
		if ev, ok := r.(*record.Event); ok && ev.Reason == "DeploymentAwaitingCancellation" {
			at = append(at, sim.Time(ev.T).Sub(sim.Time(90*time.Second+2*time.Millisecond)))
		}
	}
	want := []sim.Duration{0, 1e6, 5e6, 25e6, 65e6, 145e6, 305e6, 625e6, 1265e6}
	if diff := cmp.Diff(want, at); diff != "" {
		t.Errorf("DeploymentAwaitingCancellation times after the change (-want +got):\n%s", diff)
	}
	web2 := w.rc("web-2")
	if dcPhase(web2) != PhaseFailed || !isCancelled(web2) || web2.Annotations[DCStatusReasonAnnotation] != "newer deployment was found running" {
		t.Errorf("web-2: %v", web2.Annotations)
	}
	if got := w.c.DeployerLog("default", "web-3-deploy"); len(got) < 2 || got[0] != "--> Scaled older deployment web-2 down" || got[len(got)-1] != "--> Success" {
		t.Errorf("web-3's deployer log: %q", got)
	}
	if a, b, c := replicas(w.rc("web-1").Spec.Replicas), replicas(web2.Spec.Replicas), replicas(w.rc("web-3").Spec.Replicas); a != 0 || b != 0 || c != 3 {
		t.Errorf("replicas web-1 %d, web-2 %d, web-3 %d", a, b, c)
	}
}

// TestDCRecreateAcceptorTimeout pins a Recreate rollout whose first new pod
// never becomes available: the acceptor gives up after timeoutSeconds
// ("took longer than 30 seconds to become available"), the deployment
// fails, and the reconcile scales the old version, already at 0, back up.
func TestDCRecreateAcceptorTimeout(t *testing.T) {
	w := newDCWorld(1)
	timeout := int64(30)
	d := dc(2, api.DeploymentStrategy{Type: api.DeploymentStrategyTypeRecreate,
		RecreateParams: &api.RecreateDeploymentStrategyParams{TimeoutSeconds: &timeout}})
	w.s.DeploymentConfigs.Create(d)
	w.e.RunUntil(sim.Time(60 * time.Second))
	w.setDCImage("web:bad")
	w.e.RunUntil(sim.Time(120 * time.Second))
	want := []string{
		"--> Scaling web-1 down to zero",
		"--> Scaling web-2 to 1 before performing acceptance check",
		"error: update acceptor rejected web-2: pods for rc 'default/web-2' took longer than 30 seconds to become available",
	}
	if diff := cmp.Diff(want, w.c.DeployerLog("default", "web-2-deploy")); diff != "" {
		t.Errorf("deployer log (-want +got):\n%s", diff)
	}
	want = []string{`Scaled replication controller "web-1" from 0 to 2`, `Scaled replication controller "web-2" from 1 to 0`}
	if diff := cmp.Diff(want, w.events("ReplicationControllerScaled")); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
