package controller

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TestPauseResume pins sync.go checkPausedConditions: Progressing Unknown
// DeploymentPaused while paused (no new ReplicaSet for a template change),
// DeploymentResumed on resume, then the rollout.
func TestPauseResume(t *testing.T) {
	w := newWorld(3, "1.36")
	w.s.Deployments.Create(deployment(2, intstr.FromString("25%"), intstr.FromString("25%")))
	w.e.RunUntil(sim.Time(10 * time.Second))
	setPaused := func(p bool) {
		cp := w.get().DeepCopy()
		cp.Spec.Paused = p
		cp.Generation++
		w.s.Deployments.Update(cp)
	}
	setPaused(true)
	w.e.RunUntil(sim.Time(11 * time.Second))
	w.setImage("web:2")
	w.e.RunUntil(sim.Time(60 * time.Second))
	c := getCondition(&w.get().Status, appsv1.DeploymentProgressing)
	if c.Status != corev1.ConditionUnknown || c.Reason != ReasonDeploymentPaused || c.Message != "Deployment is paused" {
		t.Errorf("paused: %+v", c)
	}
	if n := len(w.rsNames()); n != 1 {
		t.Errorf("%d ReplicaSets while paused, want 1", n)
	}
	setPaused(false)
	w.e.RunUntil(sim.Time(61 * time.Second))
	var reasons []string
	for _, r := range w.log.Records() {
		if ro, ok := r.(*record.Rollout); ok {
			reasons = append(reasons, ro.Conditions["Progressing"].Reason)
		}
	}
	var seq []string
	for _, r := range reasons {
		if len(seq) == 0 || seq[len(seq)-1] != r {
			seq = append(seq, r)
		}
	}
	want := []string{ReasonNewReplicaSetCreated, ReasonReplicaSetUpdated, ReasonNewReplicaSetAvailable,
		ReasonDeploymentPaused, ReasonDeploymentResumed, ReasonNewReplicaSetCreated, ReasonReplicaSetUpdated}
	if diff := cmp.Diff(want, seq); diff != "" {
		t.Errorf("Progressing reasons (-want +got):\n%s", diff)
	}
	w.e.RunUntil(sim.Time(120 * time.Second))
	if msg, done, _ := RolloutStatus(w.get()); !done {
		t.Errorf("after resume: %s", msg)
	}
}

// TestProportionalScaleMidRollout pins sync.go scale through the
// controllers: a stuck rollout of 10 (8 old, 5 new, surge 3, unavailable
// 2) scaled to 15 becomes 11 old and 7 new (the docs' example).
func TestProportionalScaleMidRollout(t *testing.T) {
	w := newWorld(4, "1.36")
	w.k.readyDelay = func(*corev1.Pod) sim.Duration { return 0 }
	w.s.Deployments.Create(deployment(10, intstr.FromInt32(3), intstr.FromInt32(2)))
	w.e.RunUntil(sim.Time(10 * time.Second))
	w.k.readyDelay = func(*corev1.Pod) sim.Duration { return -1 }
	w.setImage("web:broken")
	w.e.RunUntil(sim.Time(60 * time.Second))
	sizes := func() []int32 {
		var out []int32
		for _, n := range w.rsNames() {
			rs, _ := w.s.ReplicaSets.Get("default", n)
			out = append(out, *rs.Spec.Replicas)
		}
		return out
	}
	if diff := cmp.Diff([]int32{8, 5}, sizes()); diff != "" {
		t.Fatalf("stuck rollout (-want +got):\n%s", diff)
	}
	w.scaleTo(15)
	w.e.RunUntil(sim.Time(70 * time.Second))
	if diff := cmp.Diff([]int32{11, 7}, sizes()); diff != "" {
		t.Errorf("after scaling to 15 (-want +got):\n%s", diff)
	}
}

// TestRecordsOfARollout checks the Object records the controllers write and
// that Rollout records follow status changes only.
func TestRecordsOfARollout(t *testing.T) {
	w := newWorld(5, "1.36")
	w.s.Deployments.Create(deployment(2, intstr.FromString("25%"), intstr.FromString("25%")))
	w.e.RunUntil(sim.Time(10 * time.Second))
	var objects []string
	var last *record.Rollout
	for _, r := range w.log.Records() {
		switch r := r.(type) {
		case *record.Object:
			objects = append(objects, r.Action+" "+r.Object[:len(r.Object)-min(len(r.Object), 6)]+" by "+r.Owner[:min(len(r.Owner), 14)])
		case *record.Rollout:
			if last != nil && sameRollout(last, r) {
				t.Errorf("Rollout record without a change: %+v", r)
			}
			last = r
		}
	}
	rsName := w.rsNames()[0]
	want := []string{
		"created ReplicaSet/" + rsName[:len(rsName)-6] + " by Deployment/web",
		"created Pod/" + rsName + " by ReplicaSet/web",
		"created Pod/" + rsName + " by ReplicaSet/web",
	}
	if diff := cmp.Diff(want, objects); diff != "" {
		t.Errorf("Object records (-want +got):\n%s", diff)
	}
	wantLast := &record.Rollout{Header: last.Header, Replicas: 2, Updated: 2, Ready: 2, Available: 2, Conditions: map[string]record.Condition{
		"Available":   {Status: "True", Reason: ReasonMinimumReplicasAvailable, Message: "Deployment has minimum availability."},
		"Progressing": {Status: "True", Reason: ReasonNewReplicaSetAvailable, Message: `ReplicaSet "` + rsName + `" has successfully progressed.`},
	}}
	if diff := cmp.Diff(wantLast, last); diff != "" {
		t.Errorf("last Rollout record (-want +got):\n%s", diff)
	}
}
