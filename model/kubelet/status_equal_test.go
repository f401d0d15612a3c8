package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// TestStatusEqualMatchesDeepEqual checks the hand-written comparison against
// apimachinery's semantic deep equality on statuses of the shape the
// kubelet generates.
func TestStatusEqualMatchesDeepEqual(t *testing.T) {
	gen := func(t *rapid.T, label string) corev1.PodStatus {
		ts := func(l string) sim.Time { return sim.Time(rapid.IntRange(0, 3).Draw(t, l)) * sim.Time(time.Second) }
		st := corev1.PodStatus{Phase: corev1.PodPhase(rapid.SampledFrom([]string{"Pending", "Running"}).Draw(t, label+"phase"))}
		if rapid.Bool().Draw(t, label+"ip") {
			st.PodIP = "10.0.0.1"
		}
		for i := range rapid.IntRange(0, 2).Draw(t, label+"conds") {
			st.Conditions = append(st.Conditions, corev1.PodCondition{
				Type:               corev1.PodConditionType(rapid.SampledFrom([]string{"Ready", "ContainersReady"}).Draw(t, label+"ct")),
				Status:             corev1.ConditionStatus(rapid.SampledFrom([]string{"True", "False"}).Draw(t, label+"cs")),
				LastTransitionTime: store.Wall(ts(label + "ctt")),
			})
			_ = i
		}
		for range rapid.IntRange(0, 2).Draw(t, label+"containers") {
			started := rapid.Bool().Draw(t, label+"started")
			cs := corev1.ContainerStatus{Name: "a", Ready: rapid.Bool().Draw(t, label+"ready"), Started: &started,
				RestartCount: int32(rapid.IntRange(0, 1).Draw(t, label+"restarts"))}
			switch rapid.IntRange(0, 2).Draw(t, label+"state") {
			case 0:
				cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: rapid.SampledFrom([]string{"ContainerCreating", "CrashLoopBackOff"}).Draw(t, label+"wr")}
			case 1:
				cs.State.Running = &corev1.ContainerStateRunning{StartedAt: store.Wall(ts(label + "sa"))}
			default:
				cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: int32(rapid.IntRange(0, 1).Draw(t, label+"ec")), FinishedAt: store.Wall(ts(label + "fa"))}
			}
			st.ContainerStatuses = append(st.ContainerStatuses, cs)
		}
		return st
	}
	rapid.Check(t, func(t *rapid.T) {
		a, b := gen(t, "a."), gen(t, "b.")
		if rapid.Bool().Draw(t, "same") {
			b = *a.DeepCopy()
		}
		if got, want := statusEqual(&a, &b), equality.Semantic.DeepEqual(a, b); got != want {
			t.Fatalf("statusEqual = %v, DeepEqual = %v\na=%+v\nb=%+v", got, want, a, b)
		}
	})
}
