package store

import (
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/sim"
)

// Store holds a cluster's API objects, one table per kind.
type Store struct {
	Pods        *Table[*corev1.Pod]
	ReplicaSets *Table[*appsv1.ReplicaSet]
	Deployments *Table[*appsv1.Deployment]
	Services    *Table[*corev1.Service]
	Nodes       *Table[*corev1.Node]
	// ReplicationControllers are the versions of DeploymentConfigs.
	ReplicationControllers *Table[*corev1.ReplicationController]
	// DeploymentConfigs are OpenShift's workloads (apps.openshift.io/v1).
	DeploymentConfigs *Table[*api.DeploymentConfig]

	uid uint64
}

// New returns an empty store whose watch notifications are events on e.
func New(e *sim.Engine) *Store {
	var rv uint64
	s := &Store{}
	s.Pods = newTable[*corev1.Pod](e, &rv, "Pod")
	s.ReplicaSets = newTable[*appsv1.ReplicaSet](e, &rv, "ReplicaSet")
	s.Deployments = newTable[*appsv1.Deployment](e, &rv, "Deployment")
	s.Services = newTable[*corev1.Service](e, &rv, "Service")
	s.Nodes = newTable[*corev1.Node](e, &rv, "Node")
	s.ReplicationControllers = newTable[*corev1.ReplicationController](e, &rv, "ReplicationController")
	s.DeploymentConfigs = newTable[*api.DeploymentConfig](e, &rv, "DeploymentConfig")
	return s
}

func newTable[T Object](e *sim.Engine, rv *uint64, kind string) *Table[T] {
	return &Table[T]{kind: kind, e: e, rv: rv, items: map[string]T{}}
}

// NewUID returns a fresh object UID. UIDs are sequential so that runs are
// reproducible; they have the shape of real ones.
func (s *Store) NewUID() string {
	s.uid++
	const hex = "0123456789abcdef"
	b := []byte("00000000-0000-4000-8000-000000000000")
	v := s.uid
	for i := len(b) - 1; i >= 0 && v > 0; i-- {
		if b[i] == '-' {
			continue
		}
		b[i] = hex[v&15]
		v >>= 4
	}
	return string(b)
}

// Observe makes fn hear of every change of every table, at the moment it is
// made and in the order the changes are made. It finds the tables by their
// type, so a table added to Store is observed without further code.
func (s *Store) Observe(fn Observer) {
	v := reflect.ValueOf(s).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if t, ok := v.Field(i).Interface().(interface{ setObserver(Observer) }); ok {
			t.setObserver(fn)
		}
	}
}
