package controller_test

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/controller"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Example shows how a cluster wires the controllers: one engine, one store,
// the run's log and event recorder, and the release's options.
func Example() {
	e := sim.New(1)
	s := store.New(e)
	log := record.NewLog(nil)
	p, _ := version.Lookup("1.36")
	c := controller.New(controller.Config{
		Engine: e, Store: s, Log: log,
		Events:  events.NewRecorder(e.Now, log, e.Rand("events/correlator")),
		Options: controller.OptionsFor(p),
	})
	c.Start()

	n := int32(2)
	labels := map[string]string{"app": "web"}
	s.Deployments.Create(&appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "1", Generation: 1},
		Spec: appsv1.DeploymentSpec{
			Replicas: &n, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "web:1"}}}},
		},
	})
	e.RunUntil(sim.Time(time.Second))
	d, _ := s.Deployments.Get("default", "web")
	fmt.Println(controller.RolloutStatusLine(d))
	fmt.Println(s.Pods.Len(), "pods")
	// Output:
	// Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...
	// 2 pods
}
