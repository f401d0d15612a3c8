package kubelet

import (
	corev1 "k8s.io/api/core/v1"
)

// Regular init containers (spec.initContainers without restartPolicy) run
// one at a time, in order, before any app container: each must exit 0 for
// the next to start, and the app containers start only once the last has.
// A failed one is restarted, with its own crash-loop backoff, unless the
// pod's restartPolicy is Never, which makes the pod Failed. Restartable
// init containers (sidecars) are refused by the scenario loader, so every
// init container here is a regular one. docs/fidelity.md, "Init
// containers", lists the sources per release.

// initStep is what computePodActions decides about a pod's init
// containers.
type initStep struct {
	done    bool // every init container has exited 0: go on to the app containers
	next    int  // the init container to start (index in inits); -1 for none
	killPod bool // one failed and the pod's restartPolicy is Never
}

// initActions is the init-container part of computePodActions, read from
// the PLEG cache: findNextInitContainerToRun (kuberuntime_container.go,
// 1.11 to 1.27) and computeInitContainerActions (1.28 on), which agree on
// regular init containers. They look at the init containers from the last
// to the first, the newest status of each deciding: the first one found
// that is running means wait; exited non-zero means restart it, or kill
// the pod when the pod's restartPolicy is Never (shouldRestartOnFailure);
// exited 0 means start the one after it, or initialization is done if it
// was the last. With none found, start the first.
//
// From 1.21 an app container that is running also means done: its init
// containers ran at some point, even if the runtime no longer has them
// (in the model app containers start only after the last init container,
// so this only matters once a kubelet restart emptied the caches).
func (ps *podState) initActions() initStep {
	if len(ps.inits) == 0 {
		return initStep{done: true, next: -1}
	}
	if ps.k.cfg.Profile.InitDoneOnceAppRuns() {
		for _, rs := range ps.cache {
			if rs.inst != nil && rs.running {
				return initStep{done: true, next: -1}
			}
		}
	}
	for i := len(ps.inits) - 1; i >= 0; i-- {
		rs := ps.initCache[i]
		switch {
		case rs.inst == nil:
			continue
		case rs.running:
			return initStep{next: -1}
		case initFailed(rs.inst):
			if ps.pod.Spec.RestartPolicy == corev1.RestartPolicyNever {
				return initStep{next: -1, killPod: true}
			}
			return initStep{next: i}
		case i == len(ps.inits)-1:
			return initStep{done: true, next: -1}
		default:
			return initStep{next: i + 1}
		}
	}
	return initStep{next: 0}
}

// initFailed is isInitContainerFailed (kuberuntime/helpers.go) for an
// exited instance: a non-zero exit code, or OOMKilled.
func initFailed(in *instance) bool {
	return in.exitCode != 0 || in.reason == "OOMKilled"
}

// initDone reports whether initialization has completed as the PLEG cache
// shows it: what initActions decides, without side effects.
func (ps *podState) initDone() bool { return ps.initActions().done }
