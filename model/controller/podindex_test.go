package controller

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

func scanPodsOf(s *store.Store, namespace string, uids map[types.UID]bool) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.Pods.List() {
		if p.Namespace == namespace && uids[controllerUID(p)] {
			out = append(out, p)
		}
	}
	return out
}

// TestPodIndexIsTheScan checks the controllers' pod index against a scan of
// every pod, after any sequence of pod creates, updates and deletes that
// change a pod's namespace, controller (a ReplicaSet, a
// ReplicationController, one that does not exist, none, or an owner that is
// not the controller), labels, readiness and its transition time, phase and
// deletionTimestamp: ownedPods, the ReplicaSet status (calculateStatus:
// replicas, fully labeled for any template, ready, and available for any
// minReadySeconds at any time), relatedPods (getIndirectlyRelatedPods) for
// ReplicaSets and ReplicationControllers, and podMap
// (getPodMapForDeployment), and a deployment's deployer pods (by label, for
// cleanupDeployerPods) must be what the scan finds, in the same order.
func TestPodIndexIsTheScan(t *testing.T) {
	labelSets := []map[string]string{nil, {"app": "web"}, {"app": "web", "tier": "fe"}, {"app": "db"}, {}}
	rapid.Check(t, func(t *rapid.T) {
		e := sim.New(1)
		s := store.New(e)
		pods := rapid.IntRange(0, 6).Draw(t, "pods before the controller")
		yes := true
		controlled := func(kind, name string, uid types.UID) []metav1.OwnerReference {
			return []metav1.OwnerReference{{Kind: kind, Name: name, UID: uid, Controller: &yes}}
		}
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web", UID: "d"}}
		rsOf := func(ns, name string, uid types.UID, owner []metav1.OwnerReference) *appsv1.ReplicaSet {
			return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: uid, OwnerReferences: owner}}
		}
		rsList := []*appsv1.ReplicaSet{
			rsOf("default", "web-1", "rs1", controlled("Deployment", "web", "d")),
			rsOf("default", "web-2", "rs2", controlled("Deployment", "web", "d")),
			rsOf("default", "lone", "rs3", nil),
			rsOf("dev", "web-1", "rs4", controlled("Deployment", "web", "d")),
		}
		rcList := []*corev1.ReplicationController{
			{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "app-1", UID: "rc1", OwnerReferences: controlled("DeploymentConfig", "app", "dc")}},
			{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "app-2", UID: "rc2", OwnerReferences: controlled("DeploymentConfig", "app", "dc")}},
		}
		for _, rs := range rsList {
			s.ReplicaSets.Create(rs)
		}
		for _, rc := range rcList {
			s.ReplicationControllers.Create(rc)
		}
		owners := []struct {
			kind, name string
			uid        types.UID
		}{{"ReplicaSet", "web-1", "rs1"}, {"ReplicaSet", "web-2", "rs2"}, {"ReplicaSet", "lone", "rs3"},
			{"ReplicaSet", "web-1", "rs4"}, {"ReplicationController", "app-1", "rc1"},
			{"ReplicationController", "app-2", "rc2"}, {"ReplicaSet", "gone", "rs9"}}

		var c *Controller
		for i, n := 0, rapid.IntRange(1, 60).Draw(t, "ops"); i < n; i++ {
			if i == pods {
				c = New(Config{Engine: e, Store: s})
			}
			p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
				Namespace: rapid.SampledFrom([]string{"default", "dev"}).Draw(t, "namespace"),
				Name:      rapid.SampledFrom([]string{"a", "b", "c", "d", "e"}).Draw(t, "name"),
				Labels:    rapid.SampledFrom(labelSets).Draw(t, "labels"),
			}}
			switch o := rapid.IntRange(-2, len(owners)-1).Draw(t, "owner"); {
			case o == -1: // an owner that is not the controller
				p.OwnerReferences = []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1", UID: "rs1"}}
			case o >= 0:
				p.OwnerReferences = controlled(owners[o].kind, owners[o].name, owners[o].uid)
			}
			if rapid.IntRange(0, 3).Draw(t, "deployer") == 0 {
				p.Labels = map[string]string{DeployerPodForLabel: rapid.SampledFrom([]string{"app-1", "app-2", ""}).Draw(t, "for")}
			}
			p.Status.Phase = rapid.SampledFrom([]corev1.PodPhase{corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed}).Draw(t, "phase")
			if r := rapid.SampledFrom([]corev1.ConditionStatus{"", corev1.ConditionFalse, corev1.ConditionTrue}).Draw(t, "ready"); r != "" {
				at := sim.Time(rapid.IntRange(0, 20).Draw(t, "readySince")) * sim.Time(time.Second)
				p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: r, LastTransitionTime: store.WallSeconds(at)}}
			}
			if rapid.IntRange(0, 3).Draw(t, "terminating") == 0 {
				p.DeletionTimestamp = new(store.Wall(0))
			}
			switch rapid.IntRange(0, 4).Draw(t, "op") {
			case 0, 1:
				s.Pods.Create(p)
			case 2, 3:
				s.Pods.Update(p)
			case 4:
				s.Pods.Delete(p.Namespace, p.Name)
			}
			if c == nil {
				continue
			}
			e.RunUntil(e.Now() + sim.Time(rapid.IntRange(0, 3000).Draw(t, "ms"))*sim.Time(time.Millisecond))

			for _, rs := range rsList {
				if diff := cmp.Diff(scanOwnedPods(s, rs.Namespace, rs.UID), c.ownedPods(rs)); diff != "" {
					t.Fatalf("ownedPods(%s) (-scan +index):\n%s", rs.Name, diff)
				}
				v := rs.DeepCopy()
				v.Spec.Template.Labels = rapid.SampledFrom(labelSets).Draw(t, "template")
				v.Spec.MinReadySeconds = rapid.SampledFrom([]int32{0, 1, 5}).Draw(t, "minReadySeconds")
				if diff := cmp.Diff(scanStatus(s, v, e.Now()), c.rsStatus(v)); diff != "" {
					t.Fatalf("status of %s at %v (-scan +index):\n%s", rs.Name, e.Now(), diff)
				}
				uids := map[types.UID]bool{rs.UID: true}
				if controllerUID(rs) != "" {
					for _, o := range rsList {
						if o.Namespace == rs.Namespace && controllerUID(o) == controllerUID(rs) {
							uids[o.UID] = true
						}
					}
				}
				if diff := cmp.Diff(scanPodsOf(s, rs.Namespace, uids), c.relatedPods(rs, rsOwner(store.Key(rs)))); diff != "" {
					t.Fatalf("relatedPods(%s) (-scan +index):\n%s", rs.Name, diff)
				}
			}
			for _, rc := range rcList {
				v := rsView(rc)
				if diff := cmp.Diff(scanStatus(s, v, e.Now()), c.rsStatus(v)); diff != "" {
					t.Fatalf("status of %s (-scan +index):\n%s", rc.Name, diff)
				}
				var deployers []*corev1.Pod
				for _, p := range s.Pods.List() {
					if p.Namespace == rc.Namespace && p.Labels[DeployerPodForLabel] == rc.Name && p.DeletionTimestamp == nil {
						deployers = append(deployers, p)
					}
				}
				if diff := cmp.Diff(deployers, c.deployerPodsOf(rc), cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("deployer pods of %s (-scan +index):\n%s", rc.Name, diff)
				}
				uids := map[types.UID]bool{"rc1": true, "rc2": true}
				if diff := cmp.Diff(scanPodsOf(s, rc.Namespace, uids), c.relatedPods(v, rcOwner(store.Key(rc)))); diff != "" {
					t.Fatalf("relatedPods(%s) (-scan +index):\n%s", rc.Name, diff)
				}
			}
			owned := c.ownedReplicaSets(d)
			uids := map[types.UID]bool{}
			for _, rs := range owned {
				uids[rs.UID] = true
			}
			if len(uids) != 2 {
				t.Fatalf("Deployment owns %d ReplicaSets, want 2", len(uids))
			}
			if diff := cmp.Diff(scanPodsOf(s, d.Namespace, uids), c.podMap(d, owned)); diff != "" {
				t.Fatalf("podMap (-scan +index):\n%s", diff)
			}
		}
	})
}

// TestIndexesChangeNothing runs the controllers with the pod indexes and
// with Config.Straightforward (every pod scanned, as before the indexes) on
// the same random workload and compares the logs' hashes, which cover
// every record: a Deployment (RollingUpdate or Recreate, any
// minReadySeconds and readiness delays) rolled out, updated, scaled down
// (which ranks victims among related pods) and up again, and a
// DeploymentConfig rolled out and updated (its deployer pods cleaned up
// after each complete deployment).
func TestIndexesChangeNothing(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		replicas := rapid.Int32Range(1, 8).Draw(rt, "replicas")
		minReady := rapid.Int32Range(0, 3).Draw(rt, "minReadySeconds")
		recreate := rapid.Bool().Draw(rt, "recreate")
		maxReady := rapid.IntRange(0, 8000).Draw(rt, "maxReadyDelayMs")
		down := rapid.Int32Range(0, replicas).Draw(rt, "scaleDownTo")
		dcReplicas := rapid.Int32Range(1, 4).Draw(rt, "dcReplicas")
		run := func(straightforward bool) (string, int) {
			w := newDCWorld(seed)
			w.c.cfg.Straightforward = straightforward
			r := w.e.Rand("test/ready")
			w.k.readyDelay = func(*corev1.Pod) sim.Duration { return sim.Duration(r.IntN(maxReady+1)) * time.Millisecond }
			d := deployment(replicas, intstr.FromInt32(1), intstr.FromInt32(1))
			d.Spec.MinReadySeconds = minReady
			if recreate {
				d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
			}
			w.s.Deployments.Create(d)
			w.s.DeploymentConfigs.Create(dc(dcReplicas, rolling(intstr.FromString("25%"), intstr.FromString("25%"))))
			w.e.RunUntil(sim.Time(time.Minute))
			w.setImage("web:2")
			w.setDCImage("web:2")
			w.e.RunUntil(sim.Time(3 * time.Minute))
			w.scaleTo(down)
			w.e.RunUntil(sim.Time(4 * time.Minute))
			w.scaleTo(replicas)
			w.e.RunUntil(sim.Time(6 * time.Minute))
			return w.log.Hash(), w.log.Len()
		}
		indexedHash, indexed := run(false)
		scannedHash, scanned := run(true)
		if indexedHash != scannedHash || indexed != scanned {
			rt.Fatalf("the log with indexes (%d records) differs from the one with scans (%d records)", indexed, scanned)
		}
	})
}
