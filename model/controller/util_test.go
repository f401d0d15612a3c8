package controller

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

func pct(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }
func num(n int32) *intstr.IntOrString  { v := intstr.FromInt32(n); return &v }

// TestResolveFenceposts pins deployment_util.go ResolveFenceposts: surge
// rounds up, unavailable down, both zero gives unavailable 1.
func TestResolveFenceposts(t *testing.T) {
	for _, tc := range []struct {
		surge, unavail *intstr.IntOrString
		replicas       int32
		wantS, wantU   int32
	}{
		{pct("25%"), pct("25%"), 1, 1, 0},
		{pct("25%"), pct("25%"), 3, 1, 0},
		{pct("25%"), pct("25%"), 4, 1, 1},
		{pct("25%"), pct("25%"), 10, 3, 2},
		{num(0), num(0), 5, 0, 1},
		{pct("0%"), pct("1%"), 2, 0, 1},  // unavailable rounds down to 0: 1
		{pct("1%"), pct("25%"), 2, 1, 0}, // surge rounds up
		{nil, nil, 3, 0, 1},
		{num(2), num(3), 10, 2, 3},
		{pct("100%"), pct("0%"), 3, 3, 0},
		{pct("25%"), pct("25%"), 0, 0, 1},
	} {
		s, u := ResolveFenceposts(tc.surge, tc.unavail, tc.replicas)
		if s != tc.wantS || u != tc.wantU {
			t.Errorf("ResolveFenceposts(%v, %v, %d) = %d/%d, want %d/%d", tc.surge, tc.unavail, tc.replicas, s, u, tc.wantS, tc.wantU)
		}
	}
}

// TestMaxUnavailable pins MaxUnavailable and MaxSurge: capped at replicas,
// 0 for 0 replicas or Recreate.
func TestMaxUnavailable(t *testing.T) {
	d := deployment(2, intstr.FromInt32(1), intstr.FromInt32(5))
	if got := MaxUnavailable(d); got != 2 {
		t.Errorf("capped: %d, want 2", got)
	}
	d.Spec.Replicas = ptr[int32](0)
	if got := MaxUnavailable(d); got != 0 {
		t.Errorf("0 replicas: %d, want 0", got)
	}
	d = deployment(4, intstr.FromInt32(1), intstr.FromInt32(1))
	d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	if MaxUnavailable(d) != 0 || MaxSurge(d) != 0 {
		t.Errorf("Recreate: %d/%d, want 0/0", MaxSurge(d), MaxUnavailable(d))
	}
}

var rsSeq int

// rs returns a ReplicaSet with spec replicas and available ones, created
// age seconds after the epoch (older ReplicaSets have smaller ages).
func rs(name string, spec, available int32, created int) *appsv1.ReplicaSet {
	rsSeq++
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("rs-" + strconv.Itoa(rsSeq)),
			CreationTimestamp: store.WallSeconds(sim.Time(created) * sim.Time(time.Second)),
			Annotations:       map[string]string{}},
		Spec:   appsv1.ReplicaSetSpec{Replicas: &spec},
		Status: appsv1.ReplicaSetStatus{Replicas: spec, AvailableReplicas: available, ReadyReplicas: available},
	}
}

// TestNewRSNewReplicas pins deployment_util.go NewRSNewReplicas.
func TestNewRSNewReplicas(t *testing.T) {
	for _, tc := range []struct {
		name           string
		replicas       int32
		surge, unavail int32
		old, newRS     int32
		want           int32
		recreate       bool
	}{
		{"start of a rollout, surge 1", 3, 1, 0, 3, 0, 1, false},
		{"at the surge limit", 3, 1, 0, 3, 1, 1, false},
		{"old scaled down by one", 3, 1, 0, 2, 1, 2, false},
		{"never past replicas", 3, 3, 0, 0, 2, 3, false},
		{"surge 3 of 10", 10, 3, 2, 10, 0, 3, false},
		{"surge 3 after old went to 8", 10, 3, 2, 8, 3, 5, false},
		{"surge 0", 4, 0, 1, 3, 0, 1, false},
		{"recreate takes all", 5, 0, 0, 0, 0, 5, true},
	} {
		d := deployment(tc.replicas, intstr.FromInt32(tc.surge), intstr.FromInt32(tc.unavail))
		if tc.recreate {
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
		}
		n := rs("new", tc.newRS, 0, 2)
		all := []*appsv1.ReplicaSet{rs("old", tc.old, tc.old, 1), n}
		if got := NewRSNewReplicas(d, all, n); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestScaleDownArithmetic pins rolling.go reconcileOldReplicaSets,
// cleanupUnhealthyReplicas and scaleDownOldReplicaSetsForRollingUpdate,
// including the two cases of the comment in reconcileOldReplicaSets.
func TestScaleDownArithmetic(t *testing.T) {
	type old struct{ spec, avail int32 }
	for _, tc := range []struct {
		name                  string
		replicas, surge, unav int32
		olds                  []old
		newSpec, newAvail     int32
		wantMax               int32
		wantUnhealthy         []int32
		wantAfterUnhealthy    []int32 // sizes after scaleDownOldReplicaSetsForRollingUpdate
	}{
		{"new pod not available yet", 3, 1, 0, []old{{3, 3}}, 1, 0, 0, nil, nil},
		{"new pod available", 3, 1, 0, []old{{3, 3}}, 1, 1, 1, []int32{3}, []int32{2}},
		// case 1: 10 replicas, maxUnavailable 2, maxSurge 3; new 5 crashlooping.
		{"case 1: crashlooping new", 10, 3, 2, []old{{8, 8}}, 5, 0, 0, nil, nil},
		// case 2: roll over onto a third template; old RSs 8 and 5 (5 unavailable).
		{"case 2: roll over", 10, 3, 2, []old{{8, 8}, {5, 0}}, 0, 0, 5, []int32{8, 0}, []int32{8, 0}},
		{"unhealthy oldest first", 4, 1, 1, []old{{2, 1}, {2, 1}}, 1, 1, 2, []int32{1, 1}, []int32{1, 1}},
		{"available above minimum", 10, 3, 2, []old{{6, 6}, {4, 4}}, 3, 3, 5, []int32{6, 4}, []int32{1, 4}},
	} {
		d := deployment(tc.replicas, intstr.FromInt32(tc.surge), intstr.FromInt32(tc.unav))
		var olds []*appsv1.ReplicaSet
		for i, o := range tc.olds {
			olds = append(olds, rs("old"+strconv.Itoa(i), o.spec, o.avail, i))
		}
		n := rs("new", tc.newSpec, tc.newAvail, 100)
		all := append(append([]*appsv1.ReplicaSet(nil), olds...), n)
		got := MaxScaledDown(d, all, n)
		if got != tc.wantMax {
			t.Errorf("%s: maxScaledDown %d, want %d", tc.name, got, tc.wantMax)
		}
		if got <= 0 {
			continue
		}
		sizes, _, _ := UnhealthyScaleDown(olds, got)
		if diff := cmp.Diff(tc.wantUnhealthy, sizes); diff != "" {
			t.Errorf("%s: cleanupUnhealthyReplicas (-want +got):\n%s", tc.name, diff)
		}
		for i := range olds {
			olds[i].Spec.Replicas = ptr(sizes[i])
		}
		all = append(append([]*appsv1.ReplicaSet(nil), olds...), n)
		sizes, _ = AvailableScaleDown(d, all, olds)
		if diff := cmp.Diff(tc.wantAfterUnhealthy, sizes); diff != "" {
			t.Errorf("%s: scaleDownOldReplicaSetsForRollingUpdate (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestUnhealthyScaleDownStaleStatus pins the error path of
// cleanupUnhealthyReplicas: spec below available stops the scale-down.
func TestUnhealthyScaleDownStaleStatus(t *testing.T) {
	olds := []*appsv1.ReplicaSet{rs("a", 2, 1, 0), rs("b", 2, 3, 1), rs("c", 2, 0, 2)}
	sizes, total, ok := UnhealthyScaleDown(olds, 3)
	if diff := cmp.Diff([]int32{1, 2, 2}, sizes); diff != "" || total != 1 || ok {
		t.Errorf("sizes (-want +got):\n%s total %d ok %v, want 1 false", diff, total, ok)
	}
}

// TestProportionalScaling pins sync.go scale and getReplicaSetFraction for
// a Deployment scaled mid-rollout, with the examples of the Kubernetes docs
// ("Proportional scaling": 10 → 15 with 8 old and 5 new gives 3 and 2
// more) and the tie and leftover rules.
func TestProportionalScaling(t *testing.T) {
	type set struct {
		spec     int32
		maxAnnot int32
		created  int
	}
	for _, tc := range []struct {
		name                  string
		replicas, surge, unav int32
		sets                  []set
		want                  map[int]int32 // by index of sets
		op                    string
	}{
		{"docs: 10 → 15", 15, 3, 2, []set{{8, 13, 0}, {5, 13, 1}}, map[int]int32{0: 11, 1: 7}, "up"},
		{"scale down 10 → 5", 5, 3, 2, []set{{8, 13, 0}, {5, 13, 1}}, map[int]int32{0: 5, 1: 3}, "down"},
		{"to zero", 0, 3, 2, []set{{8, 13, 0}, {5, 13, 1}}, map[int]int32{0: 0, 1: 0}, "down"},
		{"leftover to the largest", 4, 1, 0, []set{{2, 4, 0}, {2, 4, 1}}, map[int]int32{0: 2, 1: 3}, "up"},
		{"same size: newer grows first", 5, 0, 1, []set{{1, 2, 0}, {1, 2, 1}}, map[int]int32{0: 2, 1: 3}, "up"},
	} {
		d := deployment(tc.replicas, intstr.FromInt32(tc.surge), intstr.FromInt32(tc.unav))
		var all []*appsv1.ReplicaSet
		byName := map[string]int{}
		for i, s := range tc.sets {
			r := rs("rs"+strconv.Itoa(i), s.spec, s.spec, s.created)
			r.Annotations[MaxReplicasAnnotation] = strconv.Itoa(int(s.maxAnnot))
			all = append(all, r)
			byName[r.Name] = i
		}
		sizes, op := proportionalSizes(d, all)
		got := map[int]int32{}
		for i, r := range all {
			got[byName[r.Name]] = sizes[i]
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || op != tc.op {
			t.Errorf("%s: op %q (want %q), sizes (-want +got):\n%s", tc.name, op, tc.op, diff)
		}
	}
}

func status(replicas, updated, ready, available int32) appsv1.DeploymentStatus {
	return appsv1.DeploymentStatus{Replicas: replicas, UpdatedReplicas: updated, ReadyReplicas: ready, AvailableReplicas: available}
}

// TestDeploymentProgressing pins deployment_util.go DeploymentProgressing.
func TestDeploymentProgressing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, cur appsv1.DeploymentStatus
		want     bool
	}{
		{"nothing changed", status(4, 1, 3, 3), status(4, 1, 3, 3), false},
		{"more updated", status(4, 1, 3, 3), status(5, 2, 3, 3), true},
		{"fewer old", status(5, 2, 3, 3), status(4, 2, 3, 3), true},
		{"more ready", status(4, 1, 3, 3), status(4, 1, 4, 3), true},
		{"more available", status(4, 1, 4, 3), status(4, 1, 4, 4), true},
		{"fewer ready is not progress", status(4, 1, 4, 4), status(4, 1, 3, 3), false},
		{"more old is not progress", status(4, 2, 4, 4), status(5, 2, 4, 4), false},
	} {
		if got := DeploymentProgressing(&tc.old, &tc.cur); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDeploymentTimedOut pins deployment_util.go DeploymentTimedOut and
// progress.go requeueStuckDeployment: strict comparison with a one-second
// lastUpdateTime, requeue a second after the deadline.
func TestDeploymentTimedOut(t *testing.T) {
	sec := func(s float64) sim.Time { return sim.Time(s * float64(time.Second)) }
	for _, tc := range []struct {
		name        string
		reason      string
		lastUpdate  sim.Time
		now         sim.Time
		deadline    *int32
		want        bool
		wantRequeue sim.Duration
	}{
		{"before the deadline", ReasonReplicaSetUpdated, sec(10), sec(300), ptr[int32](600), false, 311 * time.Second},
		{"exactly at the deadline", ReasonReplicaSetUpdated, sec(10), sec(610), ptr[int32](600), false, 0},
		{"just after", ReasonReplicaSetUpdated, sec(10), sec(610.001), ptr[int32](600), true, 0},
		{"lastUpdate truncated to the second", ReasonReplicaSetUpdated, sec(10.9), sec(610.5), ptr[int32](600), true, 0},
		{"requeue adds a second", ReasonNewReplicaSetCreated, sec(0.4), sec(0.4), ptr[int32](600), false, 600600 * time.Millisecond},
		{"already timed out", ReasonProgressDeadlineExceeded, sec(10), sec(11), ptr[int32](600), true, -1},
		// A complete condition never times out, but while the status is not
		// complete (a scale-up) the controller requeues at once.
		{"complete never times out", ReasonNewReplicaSetAvailable, sec(10), sec(9999), ptr[int32](600), false, 0},
		{"no deadline", ReasonReplicaSetUpdated, sec(10), sec(9999), nil, false, -1},
	} {
		d := deployment(3, intstr.FromInt32(1), intstr.FromInt32(0))
		d.Spec.ProgressDeadlineSeconds = tc.deadline
		d.Status = status(4, 1, 3, 3)
		d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue,
			Reason: tc.reason, LastUpdateTime: store.WallSeconds(tc.lastUpdate)}}
		if got := DeploymentTimedOut(d, &d.Status, tc.now); got != tc.want {
			t.Errorf("%s: timed out %v, want %v", tc.name, got, tc.want)
		}
		if got := RequeueAfter(d, &d.Status, tc.now); got != tc.wantRequeue {
			t.Errorf("%s: requeue after %v, want %v", tc.name, got, tc.wantRequeue)
		}
	}
}

// TestIsPodAvailable pins pkg/api/v1/pod IsPodAvailable: strict, with the
// Ready condition's one-second timestamp.
func TestIsPodAvailable(t *testing.T) {
	ready := func(at sim.Time) *corev1.Pod {
		return &corev1.Pod{Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady,
			Status: corev1.ConditionTrue, LastTransitionTime: store.WallSeconds(at)}}}}
	}
	s := sim.Time(time.Second)
	for _, tc := range []struct {
		readyAt, now sim.Time
		minReady     int32
		want         bool
	}{
		{10 * s, 10 * s, 0, true},
		{10 * s, 15 * s, 5, false}, // 10 + 5 < 15 is false
		{10 * s, 15*s + 1, 5, true},
		{10*s + 900e6, 15*s + 1, 5, true}, // ready at 10.9 s reads as 10 s
	} {
		if got := IsPodAvailable(ready(tc.readyAt), tc.minReady, tc.now); got != tc.want {
			t.Errorf("ready %v, now %v, minReady %d: %v, want %v", tc.readyAt, tc.now, tc.minReady, got, tc.want)
		}
	}
}

// TestRolloutStatus pins kubectl's DeploymentStatusViewer.Status.
func TestRolloutStatus(t *testing.T) {
	d := deployment(3, intstr.FromInt32(1), intstr.FromInt32(0))
	d.Status.ObservedGeneration = 1
	for _, tc := range []struct {
		st   appsv1.DeploymentStatus
		gen  int64
		want string
		done bool
	}{
		{status(4, 1, 3, 3), 1, `Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`, false},
		{status(4, 3, 3, 3), 1, `Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...`, false},
		{status(3, 3, 3, 2), 1, `Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...`, false},
		{status(3, 3, 3, 3), 1, `deployment "web" successfully rolled out`, true},
		{status(3, 3, 3, 3), 2, `Waiting for deployment spec update to be observed...`, false},
	} {
		d.Generation = tc.gen
		d.Status = tc.st
		d.Status.ObservedGeneration = 1
		msg, done, err := RolloutStatus(d)
		if msg != tc.want || done != tc.done || err != nil {
			t.Errorf("%+v: %q %v %v, want %q %v", tc.st, msg, done, err, tc.want, tc.done)
		}
	}
	d.Generation = 1
	d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Reason: ReasonProgressDeadlineExceeded}}
	if got := RolloutStatusLine(d); got != `error: deployment "web" exceeded its progress deadline` {
		t.Errorf("deadline: %q", got)
	}
}

// TestOptionsFor pins the release switches.
func TestOptionsFor(t *testing.T) {
	for _, tc := range []struct {
		release string
		want    Options
	}{
		{"1.11", Options{ScaleMessage: ScaleTo}},
		{"1.21", Options{ScaleMessage: ScaleTo}},
		{"1.22", Options{ScaleMessage: ScaleTo, LogarithmicScaleDown: true, PodDeletionCost: true}},
		{"1.26", Options{ScaleMessage: ScaleToFrom, LogarithmicScaleDown: true, PodDeletionCost: true}},
		{"1.31", Options{ScaleMessage: ScaleToFrom, LogarithmicScaleDown: true, PodDeletionCost: true}},
		{"1.32", Options{ScaleMessage: ScaleFromTo, LogarithmicScaleDown: true, PodDeletionCost: true}},
		{"1.36", Options{ScaleMessage: ScaleFromTo, LogarithmicScaleDown: true, PodDeletionCost: true}},
	} {
		p, err := version.Lookup(tc.release)
		if err != nil {
			t.Fatal(err)
		}
		if got := OptionsFor(p); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.release, got, tc.want)
		}
	}
}
