package controller

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

var kindFakeKubelet = sim.NewKind("controller-test/kubelet", 45)

// fakeKubelet binds new pods to a node, marks them Running and Ready after
// readyDelay (never if readyDelay < 0), and removes terminating pods after
// termDelay. It talks to the controllers only through the store.
type fakeKubelet struct {
	e          *sim.Engine
	s          *store.Store
	bindDelay  sim.Duration
	readyDelay func(pod *corev1.Pod) sim.Duration
	termDelay  sim.Duration
}

func (k *fakeKubelet) start() {
	k.s.Pods.Watch(5*time.Millisecond, func(ev store.EventType, pod, _ *corev1.Pod) {
		switch {
		case ev == store.Added && pod.Spec.NodeName == "":
			uid := pod.UID
			k.e.After(k.bindDelay, kindFakeKubelet, func() { k.bind(pod.Namespace, pod.Name, uid) })
		case ev == store.Modified && pod.DeletionTimestamp != nil:
			uid := pod.UID
			k.e.After(k.termDelay, kindFakeKubelet, func() {
				if cur, ok := k.s.Pods.Get(pod.Namespace, pod.Name); ok && cur.UID == uid {
					k.s.Pods.Delete(pod.Namespace, pod.Name)
				}
			})
		}
	})
}

func (k *fakeKubelet) bind(ns, name string, uid types.UID) {
	cur, ok := k.s.Pods.Get(ns, name)
	if !ok || cur.UID != uid || cur.DeletionTimestamp != nil {
		return
	}
	p := cur.DeepCopy()
	p.Spec.NodeName = "node-1"
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: store.WallSeconds(k.e.Now())}}
	k.s.Pods.Update(p)
	if d := k.readyDelay(p); d >= 0 {
		k.e.After(d, kindFakeKubelet, func() {
			cur, ok := k.s.Pods.Get(ns, name)
			if !ok || cur.UID != uid || cur.DeletionTimestamp != nil {
				return
			}
			p := cur.DeepCopy()
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: store.WallSeconds(k.e.Now())}}
			k.s.Pods.Update(p)
		})
	}
}

// world is an engine, a store, the controllers and a fake kubelet.
type world struct {
	e   *sim.Engine
	s   *store.Store
	log *record.Log
	c   *Controller
	k   *fakeKubelet
}

func newWorld(seed uint64, release string) *world {
	e := sim.New(seed)
	s := store.New(e)
	log := record.NewLog(nil)
	p, err := version.Lookup(release)
	if err != nil {
		panic(err)
	}
	rec := events.NewRecorder(e.Now, log, e.Rand("events/correlator"))
	rec.SetRelease(p)
	c := New(Config{Engine: e, Store: s, Log: log, Events: rec, Options: OptionsFor(p)})
	c.Start()
	k := &fakeKubelet{e: e, s: s, bindDelay: 10 * time.Millisecond, termDelay: 2 * time.Second,
		readyDelay: func(*corev1.Pod) sim.Duration { return time.Second }}
	k.start()
	return &world{e: e, s: s, log: log, c: c, k: k}
}

func ptr[T any](v T) *T { return &v }

// deployment returns a defaulted Deployment "web" with the given replicas,
// surge and unavailable.
func deployment(replicas int32, surge, unavailable intstr.IntOrString) *appsv1.Deployment {
	labels := map[string]string{"app": "web"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "d-uid", Generation: 1},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Strategy: appsv1.DeploymentStrategy{
				Type:          appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable},
			},
			RevisionHistoryLimit:    ptr[int32](10),
			ProgressDeadlineSeconds: ptr[int32](600),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "web:1"}},
					TerminationGracePeriodSeconds: ptr[int64](30)},
			},
		},
	}
}

// setImage changes the template's image as `kubectl set image` does; the
// API server bumps the generation.
func (w *world) setImage(image string) {
	cur, _ := w.s.Deployments.Get("default", "web")
	d := cur.DeepCopy()
	d.Spec.Template.Spec.Containers[0].Image = image
	d.Generation++
	w.s.Deployments.Update(d)
}

func (w *world) scaleTo(n int32) {
	cur, _ := w.s.Deployments.Get("default", "web")
	d := cur.DeepCopy()
	d.Spec.Replicas = &n
	d.Generation++
	w.s.Deployments.Update(d)
}

func (w *world) get() *appsv1.Deployment {
	d, _ := w.s.Deployments.Get("default", "web")
	return d
}

// events returns the messages of the events with the given reason.
func (w *world) events(reason string) []string {
	var out []string
	for _, r := range w.log.Records() {
		if ev, ok := r.(*record.Event); ok && ev.Reason == reason {
			out = append(out, ev.Message)
		}
	}
	return out
}

// counts returns the pods of the Deployment: not terminating, available
// (for minReadySeconds), and all.
func (w *world) counts(minReady int32) (live, available, total int) {
	for _, p := range w.s.Pods.List() {
		total++
		if p.DeletionTimestamp != nil {
			continue
		}
		live++
		if IsPodAvailable(p, minReady, w.e.Now()) {
			available++
		}
	}
	return
}
