package kubelet

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/kubectl"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// byImage gives each image its own process: instance n of image runs
// procs[image](n). An image not listed runs for ever.
type byImage map[string]func(n int) *fakeProc

func (a byImage) Start(image string, n int, at sim.Time, _ int64, _ *rand.Rand) Process {
	p := &fakeProc{}
	if f := a[image]; f != nil {
		p = f(n)
	}
	p.start = at
	return p
}

func (byImage) Pull(string, sim.Time) app.Pull { return app.Default().Pull() }

// exits is a process that exits with code after d.
func exits(d time.Duration, code int) func(int) *fakeProc {
	return func(int) *fakeProc { return &fakeProc{exitIn: d, exitCode: code} }
}

// initPod is a pod with the given init containers (image = name) and one
// app container "app" that runs for ever.
func initPod(policy corev1.RestartPolicy, inits ...string) *corev1.Pod {
	pod := onePod(corev1.Container{Name: "app", Image: "app"})
	pod.Spec.RestartPolicy = policy
	for _, n := range inits {
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, corev1.Container{Name: n, Image: n, ImagePullPolicy: corev1.PullIfNotPresent})
	}
	return pod
}

// podView is what the test reads of the API pod at one moment.
type podView struct {
	Phase       corev1.PodPhase
	Status      string // kubectl STATUS
	Ready       string
	Restarts    int32
	Initialized string // status, reason and message of the Initialized condition
	Inits       []string
	Apps        []string
}

func (h *harness) view() podView {
	pod, ok := h.store.Pods.Get("default", "web")
	if !ok {
		h.t.Fatal("no pod")
	}
	row := kubectl.Pod(pod, h.k.cfg.Profile.Minor)
	v := podView{Phase: pod.Status.Phase, Status: row.Status, Ready: row.Ready, Restarts: row.Restarts}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodInitialized {
			v.Initialized = fmt.Sprintf("%s %s %s", c.Status, c.Reason, c.Message)
		}
	}
	state := func(cs corev1.ContainerStatus) string {
		s := fmt.Sprintf("%s ready=%v restarts=%d ", cs.Name, cs.Ready, cs.RestartCount)
		switch st := cs.State; {
		case st.Waiting != nil:
			s += "waiting " + st.Waiting.Reason
		case st.Running != nil:
			s += "running"
		case st.Terminated != nil:
			s += fmt.Sprintf("terminated %s %d", st.Terminated.Reason, st.Terminated.ExitCode)
		}
		if t := cs.LastTerminationState.Terminated; t != nil {
			s += fmt.Sprintf(" last=%s", t.Reason)
		}
		return s
	}
	for _, cs := range pod.Status.InitContainerStatuses {
		v.Inits = append(v.Inits, state(cs))
	}
	for _, cs := range pod.Status.ContainerStatuses {
		v.Apps = append(v.Apps, state(cs))
	}
	return v
}

// TestInitContainersInOrder pins, on every release with pod workers, the
// life of a pod with two init containers that succeed (setup 5 s, migrate
// 20 s): they run one after the other, the app container after both, and
// the status says so meanwhile.
//
//   - kuberuntime_manager.go computePodActions: init containers first, one
//     at a time (findNextInitContainerToRun, 1.11-1.27;
//     computeInitContainerActions, 1.28+); app containers only once the
//     last has exited 0.
//   - kubelet_pods.go convertToAPIContainerStatuses: every container that
//     has not run waits with PodInitializing in a pod with init containers;
//     getPhase: Pending while an init container is pending.
//   - status/generate.go GeneratePodInitializedCondition: False,
//     ContainersNotInitialized, "containers with incomplete status: [...]"
//     naming the init containers that are not Ready; prober_manager.go
//     UpdatePodStatus: an init container is Ready once terminated with 0.
//   - printers.go printPod: Init:N/M, then PodInitializing.
func TestInitContainersInOrder(t *testing.T) {
	for _, release := range []string{"1.11", "1.21", "1.26", "1.30", "1.33", "1.36"} {
		t.Run(release, func(t *testing.T) {
			h := newHarness(t, release, 1, byImage{"setup": exits(5*time.Second, 0), "migrate": exits(20*time.Second, 0)})
			h.addPod(initPod(corev1.RestartPolicyAlways, "setup", "migrate"))
			want := []struct {
				at time.Duration
				v  podView
			}{
				{2 * time.Second, podView{
					Phase: corev1.PodPending, Status: "Init:0/2", Ready: "0/1",
					Initialized: "False ContainersNotInitialized containers with incomplete status: [setup migrate]",
					Inits:       []string{"setup ready=false restarts=0 running", "migrate ready=false restarts=0 waiting PodInitializing"},
					Apps:        []string{"app ready=false restarts=0 waiting PodInitializing"},
				}},
				{15 * time.Second, podView{
					Phase: corev1.PodPending, Status: "Init:1/2", Ready: "0/1",
					Initialized: "False ContainersNotInitialized containers with incomplete status: [migrate]",
					Inits:       []string{"setup ready=true restarts=0 terminated Completed 0", "migrate ready=false restarts=0 running"},
					Apps:        []string{"app ready=false restarts=0 waiting PodInitializing"},
				}},
				{40 * time.Second, podView{
					Phase: corev1.PodRunning, Status: "Running", Ready: "1/1",
					Initialized: "True  ",
					Inits:       []string{"setup ready=true restarts=0 terminated Completed 0", "migrate ready=true restarts=0 terminated Completed 0"},
					Apps:        []string{"app ready=true restarts=0 running"},
				}},
			}
			for i, w := range want {
				h.run(w.at)
				if diff := cmp.Diff(w.v, h.view()); diff != "" {
					t.Errorf("at %v (-want +got):\n%s", w.at, diff)
				}
				if i > 0 {
					continue
				}
				// From 1.30 UpdatePodStatus sets Started on init container
				// statuses (true while running, no startup probe); 1.26
				// leaves it unset.
				pod, _ := h.store.Pods.Get("default", "web")
				s := pod.Status.InitContainerStatuses[0].Started
				if h.k.cfg.Profile.InitContainerStarted() != (s != nil && *s) || !h.k.cfg.Profile.InitContainerStarted() && s != nil {
					t.Errorf("setup running: started %v", s)
				}
			}
			// The STATUS column went through the init steps in order.
			if diff := cmp.Diff([]string{"Init:0/2", "Init:1/2", "PodInitializing", "Running"}, h.statuses()); diff != "" {
				t.Errorf("STATUS over time (-want +got):\n%s", diff)
			}
			// Each container's events name its field: spec.initContainers{NAME}
			// for init containers (container/ref.go fieldPath).
			var started []string
			for _, r := range h.log.Records() {
				if e, ok := r.(*record.Event); ok && e.Reason == "Started" {
					started = append(started, e.FieldPath)
				}
			}
			if diff := cmp.Diff([]string{"spec.initContainers{setup}", "spec.initContainers{migrate}", "spec.containers{app}"}, started); diff != "" {
				t.Errorf("Started events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInitContainerFails pins what a failing init container does under each
// restart policy (computePodActions: shouldRestartOnFailure; getPhase:
// failedInitialization with Never is Failed): Always and OnFailure restart
// it through its own crash-loop backoff (the BackOff event names
// spec.initContainers{setup}; STATUS Init:Error, then
// Init:CrashLoopBackOff; RESTARTS counts its restarts); Never fails the pod
// at once. The app container never starts.
func TestInitContainerFails(t *testing.T) {
	for _, policy := range []corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever} {
		t.Run(string(policy), func(t *testing.T) {
			h := newHarness(t, "1.36", 1, byImage{"setup": exits(2*time.Second, 1)})
			h.addPod(initPod(policy, "setup"))
			h.run(3 * time.Minute)
			v := h.view()
			for _, r := range h.log.Records() {
				if c, ok := r.(*record.Container); ok && c.Container == "app" {
					t.Fatalf("the app container started at %v", sim.Time(c.T))
				}
			}
			_, ends := h.containerTimes()
			if policy == corev1.RestartPolicyNever {
				want := podView{
					Phase: corev1.PodFailed, Status: "Init:Error", Ready: "0/1",
					Initialized: "False ContainersNotInitialized containers with incomplete status: [setup]",
					Inits:       []string{"setup ready=false restarts=0 terminated Error 1"},
					Apps:        []string{"app ready=false restarts=0 waiting PodInitializing"},
				}
				if diff := cmp.Diff(want, v); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if len(ends) != 1 {
					t.Errorf("%d runs of setup, want 1", len(ends))
				}
				return
			}
			if v.Phase != corev1.PodPending || v.Restarts < 3 || len(ends) != int(v.Restarts)+1 && len(ends) != int(v.Restarts) {
				t.Errorf("phase %s, RESTARTS %d, %d runs", v.Phase, v.Restarts, len(ends))
			}
			seen := map[string]bool{}
			for _, s := range h.statuses() {
				seen[s] = true
			}
			if !seen["Init:Error"] || !seen["Init:CrashLoopBackOff"] {
				t.Errorf("STATUS went %v, want Init:Error and Init:CrashLoopBackOff", h.statuses())
			}
			var backoff *record.Event
			for _, r := range h.log.Records() {
				if e, ok := r.(*record.Event); ok && e.Reason == "BackOff" {
					backoff = e
				}
			}
			if backoff == nil || backoff.FieldPath != "spec.initContainers{setup}" || backoff.Message[:len("Back-off restarting failed container setup")] != "Back-off restarting failed container setup" {
				t.Errorf("BackOff event %+v", backoff)
			}
			// The backoff doubles: the gaps between runs grow (10 s, 20 s,
			// 40 s ... after the first, immediate, restart).
			starts, _ := h.containerTimes()
			for i := 3; i < len(starts); i++ {
				if g, prev := starts[i].Sub(ends[i-1]), starts[i-1].Sub(ends[i-2]); g <= prev {
					t.Errorf("restart %d came %v after the exit, the one before %v: the backoff must grow", i+1, g, prev)
				}
			}
		})
	}
}

// TestInitContainerRetrySucceeds: an init container that fails twice and
// then succeeds lets the app start; RESTARTS counts the init restarts until
// the pod is initialized, then the app containers' (printPod).
func TestInitContainerRetrySucceeds(t *testing.T) {
	flaky := func(n int) *fakeProc {
		if n <= 2 {
			return &fakeProc{exitIn: time.Second, exitCode: 1}
		}
		return &fakeProc{exitIn: time.Second}
	}
	h := newHarness(t, "1.36", 1, byImage{"setup": flaky})
	h.addPod(initPod(corev1.RestartPolicyAlways, "setup"))
	h.run(2 * time.Minute)
	v := h.view()
	want := podView{
		Phase: corev1.PodRunning, Status: "Running", Ready: "1/1", Initialized: "True  ",
		Inits: []string{"setup ready=true restarts=2 terminated Completed 0 last=Error"},
		Apps:  []string{"app ready=true restarts=0 running"},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var restarts []int32
	for _, r := range h.log.Records() {
		if s, ok := r.(*record.PodStatus); ok && (len(restarts) == 0 || restarts[len(restarts)-1] != s.Restarts) {
			restarts = append(restarts, s.Restarts)
		}
	}
	if diff := cmp.Diff([]int32{0, 1, 2, 0}, restarts); diff != "" {
		t.Errorf("RESTARTS over time (-want +got):\n%s", diff)
	}
}

// TestInitContainerDeleted: deleting a pod whose init container is at work
// kills it (killPodWithSyncResult kills every running container) and the
// pod goes away.
func TestInitContainerDeleted(t *testing.T) {
	h := newHarness(t, "1.36", 1, byImage{})
	h.addPod(initPod(corev1.RestartPolicyAlways, "setup"))
	h.run(5 * time.Second)
	grace := int64(1)
	h.store.DeletePod("default", "web", &grace, h.e.Now())
	h.run(20 * time.Second)
	if _, ok := h.store.Pods.Get("default", "web"); ok {
		t.Fatal("the pod is still there")
	}
	if k := h.events("Killing"); len(k) != 1 || k[0].FieldPath != "spec.initContainers{setup}" {
		t.Errorf("Killing events %+v", k)
	}
}

// TestInitContainerProperties checks over random init containers, exit
// codes, durations, restart policies and releases:
//   - no app container starts before every init container's newest run
//     exited 0, and init containers run one at a time, in spec order
//     (computePodActions);
//   - the Initialized condition is True exactly when every init container
//     status is terminated with exit code 0 (GeneratePodInitializedCondition);
//   - while not initialized the pod is Pending, or Failed with
//     restartPolicy Never after an init failure (getPhase).
func TestInitContainerProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		release := rapid.SampledFrom([]string{"1.11", "1.21", "1.26", "1.30", "1.33", "1.36"}).Draw(t, "release")
		policy := rapid.SampledFrom([]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}).Draw(t, "restartPolicy")
		n := rapid.IntRange(1, 3).Draw(t, "inits")
		apps := byImage{}
		var names []string
		for i := range n {
			name := fmt.Sprintf("init%d", i)
			names = append(names, name)
			d := time.Duration(rapid.IntRange(1, 30).Draw(t, name+"-seconds")) * time.Second
			fails := rapid.IntRange(0, 3).Draw(t, name+"-failures")
			apps[name] = func(k int) *fakeProc {
				if k <= fails {
					return &fakeProc{exitIn: d, exitCode: 1}
				}
				return &fakeProc{exitIn: d}
			}
		}
		h := newHarness(&testing.T{}, release, rapid.Uint64().Draw(t, "seed"), apps)
		h.addPod(initPod(policy, names...))
		for at := 250 * time.Millisecond; at <= 4*time.Minute; at += 250 * time.Millisecond {
			h.run(at)
			pod, _ := h.store.Pods.Get("default", "web")
			if pod == nil || len(pod.Status.Conditions) == 0 {
				continue
			}
			allDone := len(pod.Status.InitContainerStatuses) == n
			for _, cs := range pod.Status.InitContainerStatuses {
				if cs.State.Terminated == nil || cs.State.Terminated.ExitCode != 0 {
					allDone = false
				}
			}
			initialized := false
			for _, c := range pod.Status.Conditions {
				if c.Type == corev1.PodInitialized {
					initialized = c.Status == corev1.ConditionTrue
				}
			}
			if initialized != allDone {
				t.Fatalf("at %v: Initialized %v, but init statuses all completed: %v", at, initialized, allDone)
			}
			if !initialized && pod.Status.Phase != corev1.PodPending && !(policy == corev1.RestartPolicyNever && pod.Status.Phase == corev1.PodFailed) {
				t.Fatalf("at %v: not initialized, phase %s", at, pod.Status.Phase)
			}
		}
		// Replay the Container records: at each start, what ran before.
		running := map[string]bool{}
		lastExit := map[string]int32{}
		for _, r := range h.log.Records() {
			c, ok := r.(*record.Container)
			if !ok {
				continue
			}
			if c.State == "terminated" {
				running[c.Container] = false
				lastExit[c.Container] = *c.ExitCode
				continue
			}
			for name, on := range running {
				if on {
					t.Fatalf("at %v: %s started while %s runs", c.T, c.Container, name)
				}
			}
			running[c.Container] = true
			// Every init container before this one (all of them for an
			// app container) has exited 0.
			for _, name := range names {
				if name == c.Container {
					break
				}
				if e, ok := lastExit[name]; !ok || e != 0 {
					t.Fatalf("at %v: %s started before %s succeeded", c.T, c.Container, name)
				}
			}
			if c.Init != (c.Container != "app") {
				t.Fatalf("record of %s says init=%v", c.Container, c.Init)
			}
		}
	})
}
