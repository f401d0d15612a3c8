package kubelet

import (
	"math/rand/v2"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// harness is one node with a kubelet, an API store and a log, for tests
// that pin kubelet behaviour without the rest of the cluster.
type harness struct {
	t     *testing.T
	e     *sim.Engine
	store *store.Store
	log   *record.Log
	k     *Kubelet
}

func newHarness(t *testing.T, release string, seed uint64, apps Apps) *harness {
	t.Helper()
	p, err := version.Lookup(release)
	if err != nil {
		t.Fatal(err)
	}
	e := sim.New(seed)
	h := &harness{t: t, e: e, store: store.New(e), log: record.NewLog(nil)}
	h.k = New(Config{
		Node: "node", PodSubnet: "10.128.0.", Engine: e, Store: h.store, Log: h.log,
		Events: events.NewRecorder(e.Now, h.log), Profile: p, Apps: apps, StartedAt: -sim.Time(time.Hour),
	})
	h.k.Start()
	return h
}

// addPod creates a pod already bound to the harness's node.
func (h *harness) addPod(pod *corev1.Pod) {
	pod.Namespace = "default"
	pod.UID = types.UID("uid-" + pod.Name)
	pod.Spec.NodeName = "node"
	if pod.Spec.RestartPolicy == "" {
		pod.Spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	h.store.Pods.Create(pod)
}

func (h *harness) run(d time.Duration) { h.e.RunUntil(sim.Time(d)) }

func onePod(c corev1.Container) *corev1.Pod {
	if c.Name == "" {
		c.Name = "app"
	}
	if c.Image == "" {
		c.Image = "app:1"
	}
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}
}

// containerTimes returns, per instance, when it started and when it ended
// (sim.Never while it runs), from the Container records.
func (h *harness) containerTimes() (starts, ends []sim.Time) {
	for _, r := range h.log.Records() {
		c, ok := r.(*record.Container)
		if !ok {
			continue
		}
		switch c.State {
		case "running":
			starts = append(starts, sim.Time(c.T))
			ends = append(ends, sim.Never)
		case "terminated":
			ends[c.Instance-1] = sim.Time(c.T)
		}
	}
	return starts, ends
}

// fakeProc is a process whose answers the test chooses.
type fakeProc struct {
	start      sim.Time
	exitIn     sim.Duration // 0: never exits by itself
	exitCode   int32
	http       func(since sim.Duration) int // status by time since start
	latency    sim.Duration
	ignoreTerm bool
}

type fakeApps struct {
	proc func(n int, at sim.Time) *fakeProc
}

func (a fakeApps) Start(_ string, n int, at sim.Time, _ *rand.Rand) Process {
	p := a.proc(n, at)
	p.start = at
	return p
}

func (p *fakeProc) Exit() (sim.Time, int32, string, bool) {
	if p.exitIn == 0 {
		return 0, 0, "", false
	}
	return p.start.Add(p.exitIn), p.exitCode, exitReason(p.exitCode), true
}

func (p *fakeProc) HTTP(at sim.Time, _ int, _ string) Answer {
	code := 200
	if p.http != nil {
		code = p.http(at.Sub(p.start))
	}
	return Answer{Code: code, End: at.Add(p.latency)}
}

func (p *fakeProc) TCP(at sim.Time, _ int) Answer { return Answer{End: at} }

func (p *fakeProc) GRPC(at sim.Time, _ int, _ string) Answer { return Answer{Code: 1, End: at} }

func (p *fakeProc) Exec(at sim.Time, _ []string) Answer { return Answer{End: at} }

func (p *fakeProc) Signal(at sim.Time, sig string) (sim.Time, int32, bool) {
	if sig == "TERM" && p.ignoreTerm {
		return 0, 0, false
	}
	if sig == "TERM" || sig == "KILL" {
		return at, 143, true
	}
	return 0, 0, false
}
