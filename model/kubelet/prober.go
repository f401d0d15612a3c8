package kubelet

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/sim"
)

// probeType is the kind of a probe worker (pkg/kubelet/prober/prober_manager.go).
type probeType uint8

const (
	liveness probeType = iota
	readiness
	startup
)

// String is the probe type as events write it: "Liveness probe failed: …".
func (t probeType) String() string {
	switch t {
	case liveness:
		return "Liveness"
	case readiness:
		return "Readiness"
	default:
		return "Startup"
	}
}

// recordName is the probe type as the JSONL Probe record writes it.
func (t probeType) recordName() string {
	switch t {
	case liveness:
		return "liveness"
	case readiness:
		return "readiness"
	default:
		return "startup"
	}
}

// result is results.Result: the value a results manager stores for a
// container.
type result int8

const (
	unknown result = iota
	success
	failure
)

var kindProbe = sim.NewKind("kubelet/probe", phaseProbe)

// probeWorker is one worker of the prober (worker.go): it probes one
// container of one pod for one probe type, from the pod's admission until
// the pod is removed, across container restarts.
type probeWorker struct {
	// The ticker comes first, and the state of the worker's select after
	// it, so that a tick and the worker it wakes share cache lines.
	ticker sim.Ticker
	// The worker goroutine's select: one buffered tick and one buffered
	// manual trigger can wait while a probe runs.
	busy          bool
	tickPending   bool
	trigPending   bool
	stopped       bool
	tickerStarted bool

	k    *Kubelet
	ps   *podState
	c    *containerState
	typ  probeType
	spec *corev1.Probe
	// Copies of what every probe reads, kept in the worker: through the
	// pod's spec they cost cache misses when thousands of pods are probed.
	object       string       // the pod, as records name it
	container    string       // the container's name
	initialDelay int32        // spec.InitialDelaySeconds
	failures     int          // spec.FailureThreshold
	successes    int          // spec.SuccessThreshold
	timeout      sim.Duration // spec.TimeoutSeconds
	ip           string       // the pod's IP, once it has one (it never changes)
	// An HTTP probe's action, its port resolved and its path.
	httpGet     *corev1.HTTPGetAction
	httpPort    int
	httpPortErr error
	httpPath    string
	// view is the container's statusView, copied here by setStatus.
	view statusView
	// live is the container's instance a network probe reaches now (the
	// newest, if running; else nil) and its process, kept by the runtime.
	live     *instance
	liveProc Process

	initial result
	run     func() // the worker loop's next iteration, bound once
	done    func() // answered, bound once

	// The probe in flight: its outcome and, if the answer takes time, the
	// instance answering it.
	outcome probeOutcome
	target  *instance
	url     string // the HTTP probe's URL, built once the pod has its IP

	// epoch is the kubelet process the worker belongs to: a probe in
	// flight when that process ends has no one to report to.
	epoch uint32

	containerID string // the last container ID seen
	lastResult  result
	resultRun   int
	onHold      bool

	// The results manager's entry, keyed by container ID.
	storedID string
	stored   result
}

// addProbes is probeManager.AddPod: a worker per probe the pod's containers
// declare. Workers start now, before any container runs; their tickers are
// anchored here.
func (k *Kubelet) addProbes(ps *podState) {
	for _, c := range ps.containers {
		specs := []struct {
			t probeType
			p *corev1.Probe
		}{{startup, c.spec.StartupProbe}, {readiness, c.spec.ReadinessProbe}, {liveness, c.spec.LivenessProbe}}
		for _, s := range specs {
			if s.p == nil || (s.t == startup && !k.cfg.Profile.StartupProbe()) {
				continue
			}
			w := newProbeWorker(k, ps, c, s.t, s.p)
			c.probes[s.t] = w
			ps.statusInputsChanged()
			w.start()
		}
	}
}

// newProbeWorker is newWorker: a worker of type t for container c of the
// pod, with probe p, not yet started.
func newProbeWorker(k *Kubelet, ps *podState, c *containerState, t probeType, p *corev1.Probe) *probeWorker {
	w := &probeWorker{k: k, ps: ps, c: c, typ: t, spec: defaulted(p), epoch: k.epoch, object: ps.object, container: c.spec.Name}
	w.initialDelay = w.spec.InitialDelaySeconds
	w.failures, w.successes = int(w.spec.FailureThreshold), int(w.spec.SuccessThreshold)
	w.timeout = sim.Duration(w.spec.TimeoutSeconds) * time.Second
	if g := w.spec.HTTPGet; g != nil {
		w.httpGet, w.httpPath = g, requestPath(g.Path)
		w.httpPort, w.httpPortErr = resolvePort(g.Port, c.spec)
	}
	w.view = ps.viewOf(c)
	w.live, w.liveProc = c.live()
	switch t {
	case readiness:
		w.initial = failure
	case liveness:
		w.initial = success
	default:
		w.initial = unknown
	}
	w.run, w.done = w.loop, w.answered
	return w
}

// defaulted returns p with SetDefaults_Probe applied to fields left at zero
// (timeout 1, period 10, success and failure thresholds 1 and 3), as the API
// server would have stored it. Validated manifests never need it; it keeps
// the kubelet total on any input.
func defaulted(p *corev1.Probe) *corev1.Probe {
	if p.TimeoutSeconds > 0 && p.PeriodSeconds > 0 && p.SuccessThreshold > 0 && p.FailureThreshold > 0 {
		return p
	}
	d := *p
	if d.TimeoutSeconds <= 0 {
		d.TimeoutSeconds = 1
	}
	if d.PeriodSeconds <= 0 {
		d.PeriodSeconds = 10
	}
	if d.SuccessThreshold <= 0 {
		d.SuccessThreshold = 1
	}
	if d.FailureThreshold <= 0 {
		d.FailureThreshold = 3
	}
	return &d
}

func (w *probeWorker) period() sim.Duration {
	return sim.Duration(w.spec.PeriodSeconds) * time.Second
}

// start is the beginning of worker.run: a random sleep of up to one period
// (before 1.21 always; from 1.21 only if the kubelet started less than one
// period ago), then a first probe at once and a ticker.
func (w *probeWorker) start() {
	k := w.k
	begin := func() {
		k.e.StartTicker(&w.ticker, w.period(), kindProbe, w)
		w.tickerStarted = true
		w.busy = true
		w.loop()
	}
	if since := k.e.Now().Sub(k.cfg.StartedAt); k.cfg.Profile.ProbeStartJitterAlways() || w.period() > since {
		// The worker goroutine sleeps before its loop: a manual trigger
		// meanwhile waits in its channel (busy marks it pending).
		w.busy = true
		k.e.After(sim.Duration(k.rng.Float64()*float64(w.period())), kindProbe, func() {
			if !w.stopped {
				begin()
			}
		})
		return
	}
	begin()
}

// Tick is a tick of the worker's ticker arriving on its channel.
func (w *probeWorker) Tick() {
	if w.stopped {
		return
	}
	if w.busy {
		w.tickPending = true
		return
	}
	w.busy = true
	w.loop()
}

// trigger is the prober manager's non-blocking send on the worker's manual
// trigger channel.
func (w *probeWorker) trigger() {
	if w.stopped || w.trigPending {
		return
	}
	if w.busy {
		w.trigPending = true
		return
	}
	w.busy = true
	w.k.e.At(w.k.e.Now(), kindProbe, w.triggered)
}

// triggered runs the probe a manual trigger asked for. From the release that
// added it (runLegacy), the trigger also resets the ticker so that the
// periodic probes continue one period after the manual one.
func (w *probeWorker) triggered() {
	if w.stopped {
		return
	}
	if w.k.cfg.Profile.ReadinessTriggerResetsTicker() {
		w.ticker.Reset(w.period())
		if w.k.cfg.Profile.TickerResetDrains() {
			w.tickPending = false
		}
	}
	w.loop()
}

// loop is one iteration of the worker's for loop: doProbe, which may take
// simulated time, then wait for the next tick or trigger.
func (w *probeWorker) loop() {
	keepGoing, running := w.doProbe()
	switch {
	case !keepGoing:
		w.stop()
	case !running:
		w.idle()
	}
}

// idle is the worker returning to its select after doProbe. A tick or a
// trigger that came meanwhile is taken at once; if both did, Go's select
// picks one at random and the other follows.
func (w *probeWorker) idle() {
	w.busy = false
	if w.stopped {
		return
	}
	switch {
	case w.tickPending && w.trigPending:
		if w.k.rng.IntN(2) == 0 {
			w.tickPending = false
			w.busy = true
			w.k.e.At(w.k.e.Now(), kindProbe, w.run)
		} else {
			w.trigPending = false
			w.busy = true
			w.k.e.At(w.k.e.Now(), kindProbe, w.triggered)
		}
	case w.tickPending:
		w.tickPending = false
		w.busy = true
		w.k.e.At(w.k.e.Now(), kindProbe, w.run)
	case w.trigPending:
		w.trigPending = false
		w.busy = true
		w.k.e.At(w.k.e.Now(), kindProbe, w.triggered)
	}
}

func (w *probeWorker) stop() {
	w.stopped = true
	w.busy = false
	if w.tickerStarted {
		w.ticker.Stop()
	}
}
