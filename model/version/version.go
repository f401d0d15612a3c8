// Package version holds the behaviour profiles of the Kubernetes releases the
// model replays, and their feature gates. Behaviour that differs between
// releases is a named switch here; components ask the profile and never
// compare version strings themselves.
package version

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Profile is the behaviour of one release.
type Profile struct {
	// Name is the release, "1.35".
	Name string
	// Major and Minor are its numbers.
	Major, Minor int
	// Gates are the feature gates that are on.
	Gates map[string]bool
}

// Feature gates the model knows.
const (
	// ReduceDefaultCrashLoopBackOffDecay lowers the container restart backoff
	// to 1 s initial and 60 s maximum (KEP-4603).
	ReduceDefaultCrashLoopBackOffDecay = "ReduceDefaultCrashLoopBackOffDecay"
	// KubeletCrashLoopBackOffMax lets the node's maxContainerRestartPeriod
	// cap the backoff (KEP-4603).
	KubeletCrashLoopBackOffMax = "KubeletCrashLoopBackOffMax"
	// KubeletEnsureSecretPulledImages makes the kubelet check that a pod
	// may use an image already present; it changes the Pulled message.
	KubeletEnsureSecretPulledImages = "KubeletEnsureSecretPulledImages"
	// ChangeContainerStatusOnKubeletRestart, on, makes a restarted kubelet
	// reset containers' readiness and startedness until their probes run
	// again (KEP-5278: the gate appears in 1.35, deprecated and off; every
	// release before behaves as if it were on).
	ChangeContainerStatusOnKubeletRestart = "ChangeContainerStatusOnKubeletRestart"
	// PodReadyToStartContainersCondition makes the kubelet report the
	// PodReadyToStartContainers condition: True once the pod's sandbox is
	// ready with its network (KEP-3085: PodHasNetworkCondition, alpha 1.25,
	// renamed 1.28; beta and on by default from 1.29).
	PodReadyToStartContainersCondition = "PodReadyToStartContainersCondition"
)

var releases = []string{"1.1", "1.11", "1.14", "1.18", "1.20", "1.21", "1.22", "1.25", "1.26", "1.28", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"}

// Default is the name of the newest release the model covers.
const Default = "1.36"

// Names returns the releases that have a profile, oldest first.
func Names() []string { return append([]string(nil), releases...) }

// Lookup returns the profile of a release, such as "1.35". A patch version
// ("1.35.2") or a leading "v" is accepted and ignored.
func Lookup(name string) (*Profile, error) {
	n := strings.TrimPrefix(name, "v")
	if parts := strings.SplitN(n, ".", 3); len(parts) == 3 {
		n = parts[0] + "." + parts[1]
	}
	for _, r := range releases {
		if r == n {
			var p Profile
			p.Name = r
			fmt.Sscanf(r, "%d.%d", &p.Major, &p.Minor)
			p.Gates = map[string]bool{}
			return &p, nil
		}
	}
	return nil, fmt.Errorf("unknown release %q: profiles exist for %s", name, strings.Join(releases, ", "))
}

// AtLeast reports whether the profile's release is minor or newer (1.minor).
func (p *Profile) AtLeast(minor int) bool { return p.Major > 1 || p.Minor >= minor }

// Gate reports whether a feature gate is on: as the scenario set it, or
// else as the release has it by default.
func (p *Profile) Gate(name string) bool {
	if v, ok := p.Gates[name]; ok {
		return v
	}
	return p.gateDefault(name)
}

// SetGates turns gates on or off. Unknown gates are an error.
func (p *Profile) SetGates(g map[string]bool) error {
	names := make([]string, 0, len(g))
	for k := range g {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !p.gateExists(k) {
			return fmt.Errorf("feature gate %q does not exist in release %s: the model knows %s (1.33+), %s (1.32+), %s (1.33+), %s (1.35+) and %s (1.28+)",
				k, p.Name, ReduceDefaultCrashLoopBackOffDecay, KubeletCrashLoopBackOffMax, KubeletEnsureSecretPulledImages, ChangeContainerStatusOnKubeletRestart, PodReadyToStartContainersCondition)
		}
		p.Gates[k] = g[k]
	}
	return nil
}

// The switches below name behaviour that changed between releases. Each
// cites what changed; docs/fidelity.md has the evidence for the release
// (its section 8 and the release switch table).

// ImagePullBackOff reports whether failed image pulls back off
// (images/image_manager.go: 10 s doubling to 300 s, per pod and image) and
// end in the ErrImagePull / ImagePullBackOff reasons with "Error: …"
// events. The 1.1 kubelet retries the pull at every sync and shows
// PullImageError.
func (p *Profile) ImagePullBackOff() bool { return p.AtLeast(11) }

// ImageBackOffKeepsPullError reports whether the ImagePullBackOff message
// carries the last pull's error (image_manager.go prevPullErrMsg, 1.32).
func (p *Profile) ImageBackOffKeepsPullError() bool { return p.AtLeast(32) }

// SerialImagePuller reports whether the kubelet pulls one image at a time
// unless serializeImagePulls is false (kubelet config default true; 1.1
// leaves pulls to the Docker daemon, in parallel).
func (p *Profile) SerialImagePuller() bool { return p.AtLeast(11) }

// InitDoneOnceAppRuns reports whether computePodActions takes a pod's
// initialization as done as soon as one of its app containers runs, even
// if the runtime no longer has its init containers
// (findNextInitContainerToRun, 1.21; 1.11 and 1.20 look only at the init
// containers).
func (p *Profile) InitDoneOnceAppRuns() bool { return p.AtLeast(21) }

// InitContainerStarted reports whether init container statuses carry
// Started (prober_manager.go UpdatePodStatus sets it from 1.30; 1.26 leaves
// it unset; 1.28 and 1.29 were not read).
func (p *Profile) InitContainerStarted() bool { return p.AtLeast(30) }

// InitializedOnceAppStarted reports whether the Initialized condition is
// True as soon as an app container has run or runs
// (GeneratePodInitializedCondition calls HasAnyRegularContainerStarted in
// 1.30; 1.26 and earlier look only at the init containers; 1.28 and 1.29
// were not read).
func (p *Profile) InitializedOnceAppStarted() bool { return p.AtLeast(30) }

// PodWorkers reports whether the kubelet has a PLEG, per-pod workers and
// per-probe workers. The 1.1 kubelet instead syncs every pod every
// syncFrequency (10 s) and runs the probes inside those syncs.
func (p *Profile) PodWorkers() bool { return p.AtLeast(2) }

// StartupProbe reports whether containers' startupProbe is honoured: alpha
// in 1.16, on by default from 1.18.
func (p *Profile) StartupProbe() bool { return p.AtLeast(18) }

// ProbeStartJitterAlways reports whether every new probe worker sleeps a
// random part of its period before its first probe (1.11-1.20). From 1.21
// it does so only if the kubelet started less than one period ago.
func (p *Profile) ProbeStartJitterAlways() bool { return !p.AtLeast(21) }

// ProbeWorkersAtPodAdd reports whether the kubelet creates a pod's probe
// workers when the pod is added (HandlePodAdditions, after dispatchWork),
// before its first sync generates a status. From about 1.22 (the pod-worker
// rewrite; read in 1.26) they are created in SyncPod, after that status.
func (p *Profile) ProbeWorkersAtPodAdd() bool { return !p.AtLeast(22) }

// ReadinessManualTrigger reports whether a pod sync that finds a started
// container not ready triggers an immediate readiness probe
// (prober_manager.go UpdatePodStatus, 1.21, #98376).
func (p *Profile) ReadinessManualTrigger() bool { return p.AtLeast(21) }

// ProbeResultsTriggerSync reports whether readiness and startup results ask
// for a pod sync, as liveness failures always did (1.21).
func (p *Profile) ProbeResultsTriggerSync() bool { return p.AtLeast(21) }

// ReadinessTriggerResetsTicker reports whether a manual readiness probe
// resets the worker's ticker, so that periodic probes continue one period
// after it (1.32, #119089).
func (p *Profile) ReadinessTriggerResetsTicker() bool { return p.AtLeast(32) }

// TickerResetDrains reports whether resetting a ticker discards a tick
// already waiting in its channel, as timers do since Go 1.23 for modules
// that declare go ≥ 1.23 (kubernetes from 1.32).
func (p *Profile) TickerResetDrains() bool { return p.AtLeast(32) }

// StartupHoldAfterSuccess reports whether the startup worker goes on hold
// once it reaches a threshold with either result, not only on failure
// (1.32, #121206, for kubernetes/kubernetes#117153).
func (p *Profile) StartupHoldAfterSuccess() bool { return p.AtLeast(32) }

// ProbeTerminationGracePeriod reports whether a probe's own
// terminationGracePeriodSeconds applies to liveness and startup kills
// (KEP-2238: beta but off in 1.22, on by default from 1.25, GA 1.28).
func (p *Profile) ProbeTerminationGracePeriod() bool { return p.AtLeast(25) }

// StopLivenessAndStartupOnTermination reports whether a terminating pod's
// liveness and startup workers are stopped (SyncTerminatingPod, 1.25);
// before, they kept probing until the pod was gone.
func (p *Profile) StopLivenessAndStartupOnTermination() bool { return p.AtLeast(25) }

// BackoffAwareRequeue reports whether a pod worker whose sync failed on a
// container's crash-loop backoff requeues towards that backoff's expiry
// (clamped to [0, resync], then jittered ×[1, 1.5)) instead of after
// Jitter(10 s, 0.5) (pod_workers.go completeWork, #133066, 1.35).
func (p *Profile) BackoffAwareRequeue() bool { return p.AtLeast(35) }

// KillingEventAfterStop reports whether the Killing event is written when
// the container has stopped rather than before the signal (1.11).
func (p *Profile) KillingEventAfterStop() bool { return !p.AtLeast(14) }

// TerminatingOnlyIfNotTerminal reports whether kubectl's STATUS reads
// Terminating only for pods not yet Succeeded or Failed (1.31).
func (p *Profile) TerminatingOnlyIfNotTerminal() bool { return p.AtLeast(31) }

// GoURLErrorQuoted reports whether Go's HTTP client errors quote the URL
// and report a client timeout as "context deadline exceeded" (Go 1.14+,
// which built kubernetes from about 1.19: inferred, see docs/fidelity.md).
func (p *Profile) GoURLErrorQuoted() bool { return p.AtLeast(19) }

// gateDefault is a feature gate's default in the profile's release.
func (p *Profile) gateDefault(name string) bool {
	switch name {
	case KubeletCrashLoopBackOffMax:
		return p.AtLeast(35) // alpha 1.32, beta and on by default 1.35
	case KubeletEnsureSecretPulledImages:
		return p.AtLeast(35) // alpha 1.33, on by default 1.35
	case ChangeContainerStatusOnKubeletRestart:
		return !p.AtLeast(35) // the behaviour of every release before; deprecated and off in 1.35
	case PodReadyToStartContainersCondition:
		return p.AtLeast(29) // alpha 1.28 (as PodHasNetworkCondition from 1.25), beta and on 1.29
	}
	return false
}

// gateExists reports whether the release knows a gate at all.
func (p *Profile) gateExists(name string) bool {
	switch name {
	case KubeletCrashLoopBackOffMax:
		return p.AtLeast(32)
	case ReduceDefaultCrashLoopBackOffDecay, KubeletEnsureSecretPulledImages:
		return p.AtLeast(33)
	case ChangeContainerStatusOnKubeletRestart:
		return p.AtLeast(35)
	case PodReadyToStartContainersCondition:
		return p.AtLeast(28)
	}
	return false
}

// CrashLoopBackOff returns the initial and maximum container restart
// backoff (kubelet.go newCrashLoopBackOff): 10 s and 300 s; with
// ReduceDefaultCrashLoopBackOffDecay 1 s and 60 s; with
// KubeletCrashLoopBackOffMax the node's maxContainerRestartPeriod (default
// 300 s, so on 1.35+ the reduced decay alone gives 1 s and 300 s) is the
// maximum, and the initial value if it is smaller. maxRestartPeriod 0 means
// the node does not set it.
func (p *Profile) CrashLoopBackOff(maxRestartPeriod time.Duration) (initial, max time.Duration) {
	initial, max = 10*time.Second, 300*time.Second
	if p.Gate(ReduceDefaultCrashLoopBackOffDecay) {
		initial, max = time.Second, 60*time.Second
	}
	if p.Gate(KubeletCrashLoopBackOffMax) {
		max = 300 * time.Second
		if maxRestartPeriod > 0 {
			max = maxRestartPeriod
		}
		if initial > max {
			initial = max
		}
	}
	return initial, max
}

// PreStopSleep reports whether the preStop sleep action is honoured
// (PodLifecycleSleepAction, KEP-3960: alpha 1.29, on by default from 1.30,
// GA 1.34).
func (p *Profile) PreStopSleep() bool { return p.AtLeast(30) }

// GateNames returns the name of every feature gate the model knows, in any
// release, for suggestions.
func GateNames() []string {
	return []string{ChangeContainerStatusOnKubeletRestart, KubeletCrashLoopBackOffMax, KubeletEnsureSecretPulledImages, PodReadyToStartContainersCondition, ReduceDefaultCrashLoopBackOffDecay}
}
