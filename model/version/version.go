// Package version holds the behaviour profiles of the Kubernetes releases the
// model replays, and their feature gates. Behaviour that differs between
// releases is a named switch here; components ask the profile and never
// compare version strings themselves.
package version

import (
	"fmt"
	"sort"
	"strings"
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
)

var releases = []string{"1.1", "1.11", "1.20", "1.21", "1.25", "1.28", "1.30", "1.34", "1.35", "1.36"}

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

// Gate reports whether a feature gate is on.
func (p *Profile) Gate(name string) bool { return p.Gates[name] }

// SetGates turns gates on or off. Unknown gates are an error.
func (p *Profile) SetGates(g map[string]bool) error {
	names := make([]string, 0, len(g))
	for k := range g {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch k {
		case ReduceDefaultCrashLoopBackOffDecay, KubeletCrashLoopBackOffMax:
			p.Gates[k] = g[k]
		default:
			return fmt.Errorf("unknown feature gate %q: the model knows %s and %s", k, ReduceDefaultCrashLoopBackOffDecay, KubeletCrashLoopBackOffMax)
		}
	}
	return nil
}

// The switches below name behaviour that changed between releases. Each
// cites what changed; docs/fidelity.md has the evidence for the release.

// StartupProbe reports whether containers' startupProbe is honoured: the
// field arrived in 1.16 (alpha) and was on by default from 1.18 (beta).
func (p *Profile) StartupProbe() bool { return p.AtLeast(18) }

// ReadinessManualTrigger reports whether a pod sync that finds a started
// container not ready triggers an immediate readiness probe
// (prober_manager.go UpdatePodStatus).
func (p *Profile) ReadinessManualTrigger() bool { return p.AtLeast(21) }

// ReadinessTriggerResetsTicker reports whether a manual readiness probe
// resets the worker's ticker, so that periodic probes continue one period
// after it (worker runLegacy).
func (p *Profile) ReadinessTriggerResetsTicker() bool { return p.AtLeast(30) }

// TickerResetDrains reports whether resetting a ticker discards a tick
// already waiting in its channel, as timers do since Go 1.23 for modules
// that declare go ≥ 1.23 (kubernetes from 1.32).
func (p *Profile) TickerResetDrains() bool { return p.AtLeast(32) }

// StartupHoldAfterSuccess reports whether the startup worker goes on hold
// once it reaches a threshold with either result, not only on failure
// (kubernetes/kubernetes#117153).
func (p *Profile) StartupHoldAfterSuccess() bool { return p.AtLeast(28) }

// ProbeTerminationGracePeriod reports whether a probe's own
// terminationGracePeriodSeconds applies to liveness and startup kills
// (KEP-2238: beta and on by default from 1.25, GA 1.28).
func (p *Profile) ProbeTerminationGracePeriod() bool { return p.AtLeast(25) }

// BackoffAwareRequeue reports whether a pod worker whose sync failed on a
// container's crash-loop backoff requeues towards that backoff's expiry
// (clamped to [0, resync], then jittered ×[1, 1.5)) instead of after
// Jitter(10 s, 0.5) (pod_workers.go completeWork,
// kubernetes/kubernetes#133066, 1.35).
func (p *Profile) BackoffAwareRequeue() bool { return p.AtLeast(35) }
