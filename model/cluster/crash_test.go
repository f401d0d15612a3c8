package cluster

import (
	"math/rand/v2"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/kubelet"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// crashApps runs processes that exit with code 1 after a fixed time.
type crashApps struct{ after sim.Duration }

func (a crashApps) Start(_ string, _ int, at sim.Time, _ *rand.Rand) kubelet.Process {
	return crashProcess{at: at.Add(a.after)}
}

type crashProcess struct{ at sim.Time }

func (p crashProcess) Exit() (sim.Time, int32, string, bool) { return p.at, 1, "Error", true }

func testPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyAlways,
			Containers:    []corev1.Container{{Name: "app", Image: "crash:1"}},
		},
	}
}

func TestCrashLoopDebug(t *testing.T) {
	log := record.NewLog(nil)
	c, err := New(Config{Seed: 1, Apps: crashApps{after: time.Second}, Objects: []any{testPod("web")}}, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunUntil(sim.Time(12 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	c.Finish()
	for _, r := range log.Records() {
		switch r := r.(type) {
		case *record.Container:
			t.Logf("%v %s #%d %s", sim.Time(r.T), r.Container, r.Instance, r.State)
		case *record.PodStatus:
			t.Logf("%v status %s %s %d", sim.Time(r.T), r.Ready, r.Status, r.Restarts)
		case *record.Event:
			t.Logf("%v event %s %s x%d", sim.Time(r.T), r.Reason, r.Message, r.Count)
		}
	}
}
