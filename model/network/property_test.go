package network

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// fakeBackend answers every request after a fixed latency and checks, at
// the moment a request reaches a pod, that the data plane routes to it.
type fakeBackend struct {
	n       *Network
	t       interface{ Fatalf(string, ...any) }
	latency sim.Duration
	calls   int
}

func (f *fakeBackend) HTTP(uid types.UID, port int, method, path string) app.Reply {
	f.calls++
	if f.t != nil {
		s := f.n.services["default/web"]
		found := false
		for i := range s.usable {
			if s.usable[i].ep.UID == uid {
				found = true
			}
		}
		if !found {
			f.t.Fatalf("request at %v reached pod %s, which the data plane does not route to", f.n.e.Now(), uid)
		}
	}
	now := f.n.e.Now()
	return app.Reply{Kind: app.Answered, Status: 200, Begin: now, End: now.Add(f.latency)}
}

// fakeNet is a network on a bare store whose pods the test drives by hand.
type fakeNet struct {
	e     *sim.Engine
	store *store.Store
	log   *record.Log
	net   *Network
	be    *fakeBackend
}

func newFakeNet(release string, seed uint64, opts Options) *fakeNet {
	p, err := version.Lookup(release)
	if err != nil {
		panic(err)
	}
	e := sim.New(seed)
	f := &fakeNet{e: e, store: store.New(e), log: record.NewLog(nil)}
	f.be = &fakeBackend{latency: 2 * time.Millisecond}
	f.net = New(Config{Engine: e, Store: f.store, Log: f.log, Profile: p, Options: opts,
		Backend: func(string) Backend { return f.be }})
	f.be.n = f.net
	f.store.Services.Create(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"},
			Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	})
	return f
}

// setPod creates or updates pod i: running with an IP, Ready as given.
func (f *fakeNet) setPod(i int, ready bool) {
	name := fmt.Sprintf("web-%d", i)
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	cur, ok := f.store.Pods.Get("default", name)
	var p *corev1.Pod
	if ok {
		p = cur.DeepCopy()
	} else {
		p = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(fmt.Sprintf("uid-%d-%d", i, f.e.Now())), Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{NodeName: "node"}}
	}
	p.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: fmt.Sprintf("10.128.0.%d", i+2),
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}}
	if ok {
		f.store.Pods.Update(p)
	} else {
		f.store.Pods.Create(p)
	}
}

var kindTest = sim.NewKind("test/step", 30)

// TestProperties checks, for random pod histories and traffic:
//   - a request only ever reaches a pod the data plane routes to;
//   - the zero-endpoint windows are exactly the times the Endpoints
//     records show the data plane with no endpoint;
//   - outcomes add up to requests sent, in the summary and in the
//     per-second records.
func TestProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		release := rapid.SampledFrom([]string{"1.18", "1.25", "1.30", "1.36"}).Draw(rt, "release")
		f := newFakeNet(release, rapid.Uint64().Draw(rt, "seed"), Options{ProxyMode: ProxyMode(rapid.IntRange(0, 1).Draw(rt, "mode"))})
		f.be.t = rt
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		at := sim.Time(0)
		for range steps {
			at = at.Add(sim.Duration(rapid.Int64Range(1, 3000).Draw(rt, "gap")) * time.Millisecond)
			i := rapid.IntRange(0, 3).Draw(rt, "pod")
			op := rapid.IntRange(0, 3).Draw(rt, "op")
			f.e.At(at, kindTest, func() {
				name := fmt.Sprintf("web-%d", i)
				switch op {
				case 0, 1:
					f.setPod(i, op == 1)
				case 2:
					if p, ok := f.store.Pods.Get("default", name); ok && p.DeletionTimestamp == nil {
						q := p.DeepCopy()
						ts := store.WallSeconds(f.e.Now())
						q.DeletionTimestamp = &ts
						f.store.Pods.Update(q)
					}
				case 3:
					f.store.Pods.Delete("default", name)
				}
			})
		}
		end := at.Add(5 * time.Second)
		rate := rapid.IntRange(1, 200).Draw(rt, "rate")
		arrival := Arrival(rapid.IntRange(0, 1).Draw(rt, "arrival"))
		if err := f.net.AddTraffic(Traffic{Target: "service/web", Rate: rate, Arrival: arrival, Until: end, Timeout: time.Second}); err != nil {
			rt.Fatal(err)
		}
		f.e.RunUntil(end.Add(5 * time.Second))

		s, _ := f.net.Summary("", "service/web")
		if s.Sent != s.OK+s.Errors()+s.InFlight || s.InFlight != 0 {
			rt.Fatalf("summary does not add up: %+v", s)
		}
		if s.OK != f.be.calls {
			rt.Fatalf("%d OK, %d requests reached pods", s.OK, f.be.calls)
		}
		var sent, settled int
		var zero []Window
		open := sim.Never
		for _, r := range f.log.Records() {
			switch q := r.(type) {
			case *record.Requests:
				sent += q.Sent
				settled += q.OK + q.Refused + q.Reset + q.Timeout
				for _, c := range q.Codes {
					settled += c
				}
			case *record.Endpoints:
				t := sim.Time(q.T)
				switch {
				case q.Dataplane == 0 && open == sim.Never:
					open = t
				case q.Dataplane > 0 && open != sim.Never:
					zero = append(zero, Window{open, t})
					open = sim.Never
				}
			}
		}
		if sent != s.Sent || settled != s.Sent {
			rt.Fatalf("per-second records: sent %d settled %d, summary %+v", sent, settled, s)
		}
		if open != sim.Never {
			zero = append(zero, Window{open, f.e.Now()})
		}
		var clipped []Window
		for _, w := range zero {
			if a, b := max(w.Start, 0), min(w.End, end); b > a {
				clipped = append(clipped, Window{a, b})
			}
		}
		if fmt.Sprint(clipped) != fmt.Sprint(s.ZeroEndpoints) {
			rt.Fatalf("zero windows from records %v, summary %v", clipped, s.ZeroEndpoints)
		}
		// No endpoint in the data plane means refused, never answered.
		if len(s.ZeroEndpoints) == 0 && s.Refused > 0 && f.net.services["default/web"].zero.from == sim.Never {
			rt.Fatalf("refusals with endpoints always present: %+v", s)
		}
	})
}
