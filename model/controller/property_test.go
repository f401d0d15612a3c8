package controller

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/sim"
)

// TestRollingUpdateProperties checks, for random replicas, surge,
// unavailable, minReadySeconds, readiness and termination delays, a rolling
// update that starts with every pod available and sees no pod failure:
//   - available pods never drop below replicas − maxUnavailable;
//   - pods not terminating never exceed replicas + maxSurge;
//   - the rollout completes, and kubectl rollout status says so.
func TestRollingUpdateProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		replicas := rapid.Int32Range(1, 8).Draw(rt, "replicas")
		var surge, unav intstr.IntOrString
		if rapid.Bool().Draw(rt, "percent") {
			surge = intstr.FromString(rapid.SampledFrom([]string{"0%", "10%", "25%", "50%", "100%"}).Draw(rt, "surge"))
			unav = intstr.FromString(rapid.SampledFrom([]string{"0%", "10%", "25%", "50%"}).Draw(rt, "unavailable"))
		} else {
			surge = intstr.FromInt32(rapid.Int32Range(0, 3).Draw(rt, "surge"))
			unav = intstr.FromInt32(rapid.Int32Range(0, 3).Draw(rt, "unavailable"))
			if surge.IntVal == 0 && unav.IntVal == 0 {
				surge = intstr.FromInt32(1) // validation rejects 0/0
			}
		}
		minReady := rapid.Int32Range(0, 5).Draw(rt, "minReadySeconds")
		maxReady := rapid.IntRange(0, 20000).Draw(rt, "maxReadyDelayMs")
		seed := rapid.Uint64().Draw(rt, "seed")

		w := newWorld(seed, "1.36")
		r := w.e.Rand("test/ready")
		w.k.readyDelay = func(*corev1.Pod) sim.Duration { return sim.Duration(r.IntN(maxReady+1)) * time.Millisecond }
		w.k.termDelay = sim.Duration(rapid.IntRange(0, 40000).Draw(rt, "termDelayMs")) * time.Millisecond
		d := deployment(replicas, surge, unav)
		d.Spec.MinReadySeconds = minReady
		w.s.Deployments.Create(d)
		w.e.RunUntil(sim.Time(5 * time.Minute))
		if msg, done, _ := RolloutStatus(w.get()); !done {
			rt.Fatalf("initial rollout did not finish: %s", msg)
		}
		if live, avail, _ := w.counts(minReady); live != int(replicas) || avail != int(replicas) {
			rt.Fatalf("initial state: %d live, %d available", live, avail)
		}

		w.setImage("web:2")
		maxU, maxS := MaxUnavailable(w.get()), MaxSurge(w.get())
		end := w.e.Now().Add(30 * time.Minute)
		for w.e.Now() < end && w.e.Step() {
			live, avail, _ := w.counts(minReady)
			if avail < int(replicas-maxU) {
				rt.Fatalf("at %v: %d available pods < replicas %d − maxUnavailable %d", w.e.Now(), avail, replicas, maxU)
			}
			if live > int(replicas+maxS) {
				rt.Fatalf("at %v: %d pods not terminating > replicas %d + maxSurge %d", w.e.Now(), live, replicas, maxS)
			}
			if _, done, _ := RolloutStatus(w.get()); done && w.get().Status.ObservedGeneration == 2 {
				break
			}
		}
		if msg, done, err := RolloutStatus(w.get()); !done {
			rt.Fatalf("rollout did not finish by %v: %s %v", w.e.Now(), msg, err)
		}
	})
}

// TestRecreateWaitsForOldPods checks recreate.go: no new pod exists while
// an old pod, terminating or not, is left.
func TestRecreateWaitsForOldPods(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		replicas := rapid.Int32Range(1, 6).Draw(rt, "replicas")
		w := newWorld(rapid.Uint64().Draw(rt, "seed"), "1.36")
		w.k.termDelay = sim.Duration(rapid.IntRange(0, 40000).Draw(rt, "termDelayMs")) * time.Millisecond
		d := deployment(replicas, intstr.FromInt32(0), intstr.FromInt32(1))
		d.Spec.Strategy.Type = "Recreate"
		d.Spec.Strategy.RollingUpdate = nil
		w.s.Deployments.Create(d)
		w.e.RunUntil(sim.Time(time.Minute))
		w.setImage("web:2")
		end := w.e.Now().Add(10 * time.Minute)
		for w.e.Now() < end && w.e.Step() {
			var oldPods, newPods int
			for _, p := range w.s.Pods.List() {
				if p.Spec.Containers[0].Image == "web:1" {
					oldPods++
				} else {
					newPods++
				}
			}
			if oldPods > 0 && newPods > 0 {
				rt.Fatalf("at %v: %d old and %d new pods", w.e.Now(), oldPods, newPods)
			}
		}
		if msg, done, _ := RolloutStatus(w.get()); !done {
			rt.Fatalf("recreate did not finish: %s", msg)
		}
	})
}

// TestDCRollingProperties checks the OpenShift rolling updater
// (rolling_updater.go) for random replicas, surge, unavailable,
// minReadySeconds, readiness and termination delays, in a rollout that
// starts with every pod available and sees no pod failure:
//   - while the deployer runs, pods not terminating never exceed replicas +
//     maxSurge (scaleUp never raises the RCs' sum of sizes above it);
//   - while the deployer runs, available pods never drop below replicas −
//     maxUnavailable (scaleDown keeps old + available new ≥ minAvailable);
//   - the rollout completes, the old RC at 0 and the deployment Complete.
func TestDCRollingProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.Int32Range(1, 6).Draw(rt, "replicas")
		surge := intstr.FromInt32(rapid.Int32Range(0, 3).Draw(rt, "surge"))
		unav := intstr.FromInt32(rapid.Int32Range(0, 3).Draw(rt, "unavailable"))
		if rapid.Bool().Draw(rt, "percent") {
			surge = intstr.FromString(rapid.SampledFrom([]string{"0%", "10%", "25%", "50%", "100%"}).Draw(rt, "surgePct"))
			unav = intstr.FromString(rapid.SampledFrom([]string{"0%", "10%", "25%", "50%"}).Draw(rt, "unavailablePct"))
		}
		if (surge.Type == intstr.Int && surge.IntVal == 0 || surge.StrVal == "0%") &&
			(unav.Type == intstr.Int && unav.IntVal == 0 || unav.StrVal == "0%") {
			surge = intstr.FromInt32(1) // validation rejects both zero
		}
		minReady := rapid.Int32Range(0, 3).Draw(rt, "minReadySeconds")
		bad := rapid.Bool().Draw(rt, "neverReady")
		timeout := rapid.Int64Range(15, 60).Draw(rt, "timeoutSeconds") // v1 must be accepted in time
		maxReady := rapid.IntRange(0, 5000).Draw(rt, "maxReadyDelayMs")
		seed := rapid.Uint64().Draw(rt, "seed")

		w := newDCWorld(seed)
		r := w.e.Rand("test/ready")
		w.k.readyDelay = func(p *corev1.Pod) sim.Duration {
			if p.Spec.Containers[0].Image == "web:bad" {
				return -1
			}
			return sim.Duration(r.IntN(maxReady+1)) * time.Millisecond
		}
		w.k.termDelay = sim.Duration(rapid.IntRange(0, 10000).Draw(rt, "termDelayMs")) * time.Millisecond
		d := dc(n, rolling(surge, unav))
		d.Spec.MinReadySeconds = minReady
		d.Spec.Strategy.RollingParams.TimeoutSeconds = &timeout
		w.s.DeploymentConfigs.Create(d)
		w.e.RunUntil(sim.Time(2 * time.Minute))
		if rc := w.rc("web-1"); rc == nil || dcPhase(rc) != PhaseComplete {
			rt.Fatalf("version 1 did not complete")
		}
		appPods := func() (live, avail int) {
			for _, p := range w.s.Pods.List() {
				if p.Labels[DeployerPodForLabel] != "" || p.DeletionTimestamp != nil {
					continue
				}
				live++
				if IsPodAvailable(p, minReady, w.e.Now()) {
					avail++
				}
			}
			return
		}
		if live, avail := appPods(); live != int(n) || avail != int(n) {
			rt.Fatalf("before the rollout: %d live, %d available", live, avail)
		}
		maxS, maxU := dcFenceposts(w.dc(), n)
		image := "web:2"
		if bad {
			image = "web:bad"
		}
		w.setDCImage(image)
		end := w.e.Now().Add(20 * time.Minute)
		for w.e.Now() < end && w.e.Step() {
			live, avail := appPods()
			if r := w.c.runs["default/web-2"]; r != nil && r.end >= 0 {
				// The rolling steps are over. A rollback is the config
				// controller's reconcile, which scales both RCs at once
				// and does not keep to the surge.
				if rc := w.rc("web-2"); rc != nil && isTerminated(rc) && (!bad || replicas(rc.Spec.Replicas) == 0 && avail == int(n)) {
					break
				}
				continue
			}
			if live > int(n+maxS) {
				rt.Fatalf("at %v: %d pods > replicas %d + maxSurge %d", w.e.Now(), live, n, maxS)
			}
			if avail < int(n-maxU) {
				rt.Fatalf("at %v: %d available < replicas %d − maxUnavailable %d", w.e.Now(), avail, n, maxU)
			}
		}
		rc := w.rc("web-2")
		if bad && n-maxU <= 0 {
			// minAvailable 0: scaleDown takes the old RC to 0 without any
			// new pod available, and the updater, which counts pods and
			// not readiness once the old RC is empty, completes.
			bad = false
		}
		switch {
		case !bad && (rc == nil || dcPhase(rc) != PhaseComplete || replicas(w.rc("web-1").Spec.Replicas) != 0):
			rt.Fatalf("the rollout did not complete: %v", w.c.DeployerLog("default", "web-2-deploy"))
		case bad && (rc == nil || dcPhase(rc) != PhaseFailed || replicas(rc.Spec.Replicas) != 0 || replicas(w.rc("web-1").Spec.Replicas) != n):
			rt.Fatalf("the rollout did not fail and roll back: %v", w.c.DeployerLog("default", "web-2-deploy"))
		}
	})
}
