package kubelet

import (
	"math/rand/v2"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/app"
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
	rec := events.NewRecorder(e.Now, h.log, e.Rand("events"))
	rec.SetRelease(p) // the release's correlator, as model/cluster sets it
	h.k = New(Config{
		Node: "node", PodSubnet: "10.128.0.", Engine: e, Store: h.store, Log: h.log,
		Events: rec, Profile: p, Apps: apps, StartedAt: -sim.Time(time.Hour),
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
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].ImagePullPolicy == "" {
			pod.Spec.Containers[i].ImagePullPolicy = corev1.PullIfNotPresent // as the API server defaults a tagged image
		}
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
	exitCode   int
	http       func(since sim.Duration) int // status by time since start
	latency    sim.Duration
	ignoreTerm bool
	termAt     sim.Time // when a SIGTERM ends it; 0: not signalled
	execExit   int      // every exec's exit code
}

type fakeApps struct {
	proc func(n int, at sim.Time) *fakeProc
}

func (a fakeApps) Start(_ string, n int, at sim.Time, _ int64, _ *rand.Rand) Process {
	p := a.proc(n, at)
	p.start = at
	return p
}

func (fakeApps) Pull(string, sim.Time) app.Pull { return app.Default().Pull() }

func (p *fakeProc) Exit() (sim.Time, int, string, bool) {
	own := sim.Never
	if p.exitIn != 0 {
		own = p.start.Add(p.exitIn)
	}
	if p.termAt != 0 && p.termAt < own {
		return p.termAt, 143, "Error", true
	}
	if own == sim.Never {
		return 0, 0, "", false
	}
	return own, p.exitCode, exitReason(int32(p.exitCode)), true
}

func (p *fakeProc) HTTP(at sim.Time, _ int, _, _ string) app.Reply {
	code := 200
	if p.http != nil {
		code = p.http(at.Sub(p.start))
	}
	return app.Reply{Status: code, Begin: at, End: at.Add(p.latency)}
}

func (p *fakeProc) TCP(at sim.Time, _ int) app.Reply { return app.Reply{Begin: at, End: at} }

func (p *fakeProc) GRPC(at sim.Time, _ int, _ string) app.Reply {
	return app.Reply{Status: app.GRPCServing, Begin: at, End: at}
}

func (p *fakeProc) Exec(at sim.Time, _ []string) app.Reply {
	return app.Reply{Exit: p.execExit, Begin: at, End: at}
}

func (p *fakeProc) Signal(at sim.Time, sig app.Signal) app.Reaction {
	if sig == app.SIGTERM && !p.ignoreTerm && p.termAt == 0 {
		p.termAt = at
		return app.Reaction{Effect: app.Exits, At: at, Code: 143}
	}
	return app.Reaction{At: sim.Never}
}
