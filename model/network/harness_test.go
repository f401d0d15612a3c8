package network

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/kubelet"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// harness is an engine, a store, kubelets on two nodes and the network:
// enough of a cluster to run traffic against real pod lifecycles without
// the controllers, which other tests pin.
type harness struct {
	t     *testing.T
	e     *sim.Engine
	store *store.Store
	log   *record.Log
	kls   map[string]*kubelet.Kubelet
	net   *Network
	nodes []string
	pods  int
}

func catalog(t testing.TB, src string) *app.Catalog {
	t.Helper()
	c, err := app.DecodeString(src)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func profile(t testing.TB, release string) *version.Profile {
	t.Helper()
	p, err := version.Lookup(release)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newHarness(t *testing.T, release string, seed uint64, apps string, opts Options) *harness {
	t.Helper()
	p := profile(t, release)
	e := sim.New(seed)
	h := &harness{t: t, e: e, store: store.New(e), log: record.NewLog(nil), kls: map[string]*kubelet.Kubelet{}, nodes: []string{"node-1", "node-2"}}
	ev := events.NewRecorder(e.Now, h.log, e.Rand("events"))
	ev.SetRelease(p)
	cat := kubelet.CatalogApps(catalog(t, apps))
	for i, n := range h.nodes {
		k := kubelet.New(kubelet.Config{
			Node: n, PodSubnet: fmt.Sprintf("10.128.%d.", i), Engine: e, Store: h.store, Log: h.log, Events: ev,
			Profile: p, Apps: cat, StartedAt: -sim.Time(time.Hour),
		})
		k.Start()
		h.kls[n] = k
	}
	h.net = New(Config{
		Engine: e, Store: h.store, Log: h.log, Profile: p, Options: opts,
		Backend: func(node string) Backend {
			if k := h.kls[node]; k != nil {
				return k
			}
			return nil
		},
	})
	return h
}

// service creates Service web selecting app=web, port 80 → targetPort http.
func (h *harness) service(publishNotReady bool) {
	h.store.Services.Create(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "svc-web"},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": "web"}, PublishNotReadyAddresses: publishNotReady,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
		},
	})
}

func readiness(path string, period int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(8080)}},
		PeriodSeconds: period, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3,
	}
}

// pod creates a pod labelled app=web bound to the nodes in turn.
func (h *harness) pod(name, image string, mutate func(*corev1.Pod)) {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name), Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			NodeName: h.nodes[h.pods%len(h.nodes)], RestartPolicy: corev1.RestartPolicyAlways,
			Containers: []corev1.Container{{
				Name: "app", Image: image,
				Ports:          []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				ReadinessProbe: readiness("/ready", 1),
			}},
		},
		Status: corev1.PodStatus{Phase: corev1.PodPending},
	}
	h.pods++
	if mutate != nil {
		mutate(p)
	}
	h.store.Pods.Create(p)
}

func (h *harness) run(d time.Duration) { h.e.RunUntil(sim.Time(d)) }

func (h *harness) deleteAt(at time.Duration, name string) {
	h.e.At(sim.Time(at), sim.NewKind("test/action", 30), func() {
		h.store.DeletePod("default", name, nil, h.e.Now())
	})
}

// endpoints returns the Endpoints records of Service web.
func (h *harness) endpoints() []*record.Endpoints {
	var out []*record.Endpoints
	for _, r := range h.log.Records() {
		if ep, ok := r.(*record.Endpoints); ok && ep.Object == "Service/web" {
			out = append(out, ep)
		}
	}
	return out
}

// requests returns the per-request records.
func (h *harness) requests() []*Request {
	var out []*Request
	for _, r := range h.log.Records() {
		if q, ok := r.(*Request); ok {
			out = append(out, q)
		}
	}
	return out
}

func secs(t record.Seconds) time.Duration { return time.Duration(t) }
