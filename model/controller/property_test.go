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
