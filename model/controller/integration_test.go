package controller

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// rsNames returns the Deployment's ReplicaSets, oldest first.
func (w *world) rsNames() []string {
	var out []string
	rss := w.c.ownedReplicaSets(w.get())
	for len(rss) > 0 {
		o := 0
		for i := range rss {
			if olderRS(rss[i], rss[o]) {
				o = i
			}
		}
		out = append(out, rss[o].Name)
		rss = append(rss[:o], rss[o+1:]...)
	}
	return out
}

// TestRollingUpdateSequence pins rolling.go rolloutRolling with replicas 3,
// maxSurge 1, maxUnavailable 0 and pods Ready at once: new 1 / old 3, then
// old 2, new 2, old 1, new 3, old 0, one ScalingReplicaSet event each.
func TestRollingUpdateSequence(t *testing.T) {
	w := newWorld(1, "1.36")
	w.k.readyDelay = func(*corev1.Pod) sim.Duration { return 0 }
	w.s.Deployments.Create(deployment(3, intstr.FromInt32(1), intstr.FromInt32(0)))
	w.e.RunUntil(sim.Time(30 * time.Second))
	if msg, done, _ := RolloutStatus(w.get()); !done {
		t.Fatalf("first rollout: %s", msg)
	}
	w.setImage("web:2")
	w.e.RunUntil(sim.Time(120 * time.Second))
	names := w.rsNames()
	if len(names) != 2 {
		t.Fatalf("ReplicaSets %v, want 2", names)
	}
	old, cur := names[0], names[1]
	want := []string{
		"Scaled up replica set " + old + " from 0 to 3",
		"Scaled up replica set " + cur + " from 0 to 1",
		"Scaled down replica set " + old + " from 3 to 2",
		"Scaled up replica set " + cur + " from 1 to 2",
		"Scaled down replica set " + old + " from 2 to 1",
		"Scaled up replica set " + cur + " from 2 to 3",
		"Scaled down replica set " + old + " from 1 to 0",
	}
	if diff := cmp.Diff(want, w.events("ScalingReplicaSet")); diff != "" {
		t.Errorf("ScalingReplicaSet events (-want +got):\n%s", diff)
	}
	d := w.get()
	if msg, done, err := RolloutStatus(d); !done || err != nil {
		t.Errorf("rollout status %q, %v", msg, err)
	}
	c := getCondition(&d.Status, appsv1.DeploymentProgressing)
	if c == nil || c.Reason != ReasonNewReplicaSetAvailable || c.Message != `ReplicaSet "`+cur+`" has successfully progressed.` {
		t.Errorf("Progressing condition %+v", c)
	}
	if d.Annotations[RevisionAnnotation] != "2" {
		t.Errorf("revision %q, want 2", d.Annotations[RevisionAnnotation])
	}
	if n := len(w.events("SuccessfulDelete")); n != 3 {
		t.Errorf("%d SuccessfulDelete events, want 3", n)
	}
	for _, m := range w.events("SuccessfulCreate") {
		name := strings.TrimPrefix(m, "Created pod: ")
		suffix := name[strings.LastIndexByte(name, '-')+1:]
		if len(suffix) != 5 || strings.Trim(suffix, nameAlphabet) != "" {
			t.Errorf("pod name %q: want <rs>-<5 letters of %s>", name, nameAlphabet)
		}
	}
}

// TestScaleMessageByRelease pins the three texts of the first
// ScalingReplicaSet event.
func TestScaleMessageByRelease(t *testing.T) {
	for _, tc := range []struct{ release, format string }{
		{"1.25", "Scaled up replica set %s to 2"},
		{"1.28", "Scaled up replica set %s to 2 from 0"},
		{"1.31", "Scaled up replica set %s to 2 from 0"},
		{"1.32", "Scaled up replica set %s from 0 to 2"},
		{"1.11", "Scaled up replica set %s to 2"},
	} {
		w := newWorld(1, tc.release)
		w.s.Deployments.Create(deployment(2, intstr.FromString("25%"), intstr.FromString("25%")))
		w.e.RunUntil(sim.Time(5 * time.Second))
		want := []string{strings.Replace(tc.format, "%s", w.rsNames()[0], 1)}
		if diff := cmp.Diff(want, w.events("ScalingReplicaSet")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.release, diff)
		}
	}
}

// TestProgressDeadline pins progress.go: new pods that never become Ready
// leave the rollout stuck; ProgressDeadlineExceeded appears at the
// Progressing condition's lastUpdateTime (to the second) + 600 s + 1 s
// (requeueStuckDeployment), and the old ReplicaSet never goes below
// replicas − maxUnavailable.
func TestProgressDeadline(t *testing.T) {
	w := newWorld(2, "1.36")
	w.k.readyDelay = func(*corev1.Pod) sim.Duration { return 0 }
	w.s.Deployments.Create(deployment(4, intstr.FromString("25%"), intstr.FromString("25%")))
	w.e.RunUntil(sim.Time(10 * time.Second))
	w.k.readyDelay = func(*corev1.Pod) sim.Duration { return -1 }
	w.setImage("web:broken")

	var lastUpdate, timedOutAt sim.Time = -1, -1
	minOld := int32(1 << 30)
	for w.e.Now() < sim.Time(20*time.Minute) && w.e.Step() {
		d := w.get()
		c := getCondition(&d.Status, appsv1.DeploymentProgressing)
		if c != nil && c.Reason == ReasonProgressDeadlineExceeded && timedOutAt < 0 {
			timedOutAt = w.e.Now()
		}
		if c != nil && timedOutAt < 0 {
			lastUpdate = store.SimTime(c.LastUpdateTime)
		}
		if names := w.rsNames(); len(names) == 2 {
			rs, _ := w.s.ReplicaSets.Get("default", names[0])
			minOld = min(minOld, *rs.Spec.Replicas)
		}
	}
	if timedOutAt < 0 {
		t.Fatal("no ProgressDeadlineExceeded")
	}
	// The timeout is seen by the sync requeued at lastUpdate + 600 s − t
	// + 1 s after a sync at t within the same second as lastUpdate, so it
	// comes 601 s after lastUpdate, within that second.
	if got := timedOutAt.Sub(lastUpdate); got < 601*time.Second || got >= 602*time.Second {
		t.Errorf("timed out %v after lastUpdateTime, want [601s, 602s)", got)
	}
	if minOld != 3 {
		t.Errorf("old ReplicaSet went down to %d, want 3 (replicas 4 − maxUnavailable 1)", minOld)
	}
	d := w.get()
	line := RolloutStatusLine(d)
	if line != `error: deployment "web" exceeded its progress deadline` {
		t.Errorf("rollout status %q", line)
	}
	c := getCondition(&d.Status, appsv1.DeploymentProgressing)
	names := w.rsNames()
	if want := `ReplicaSet "` + names[1] + `" has timed out progressing.`; c.Message != want || c.Status != corev1.ConditionFalse {
		t.Errorf("condition %+v, want False %q", c, want)
	}
}
