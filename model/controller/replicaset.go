package controller

import (
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

const (
	// BurstReplicas caps the pods one ReplicaSet sync creates or deletes
	// (replicaset.BurstReplicas, kube-controller-manager default 500).
	BurstReplicas = 500
	// slowStartInitialBatchSize is controller.SlowStartInitialBatchSize.
	slowStartInitialBatchSize = 1
	// expectationsTimeout is controller.ExpectationsTimeout: expectations
	// older than this are treated as met.
	expectationsTimeout = 5 * time.Minute
	// maxGeneratedNameLength is names.maxGeneratedNameLength: 63 − 5.
	maxGeneratedNameLength = 58
	// nameAlphabet is utilrand's alphanums, the letters of generated names.
	nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"
)

// expectation is one ReplicaSet's entry of UIDTrackingControllerExpectations:
// creates not yet seen, and the pods whose deletion is not yet seen.
type expectation struct {
	add int
	del map[string]bool
	at  sim.Time
}

// satisfied is ControllerExpectations.SatisfiedExpectations: no record, a
// fulfilled one, or an expired one lets the sync manage replicas.
func (c *Controller) satisfied(key string) bool {
	x := c.exp[key]
	if x == nil {
		return true
	}
	if x.add <= 0 && len(x.del) == 0 {
		return true
	}
	return c.now().Sub(x.at) > expectationsTimeout
}

func (c *Controller) creationObserved(key string) {
	if x := c.exp[key]; x != nil {
		x.add--
	}
}

func (c *Controller) deletionObserved(key, podKey string) {
	if x := c.exp[key]; x != nil {
		delete(x.del, podKey)
	}
}

// rsEventForRS is the ReplicaSet controller's ReplicaSet handler
// (replica_set.go addRS/updateRS/deleteRS): queue the ReplicaSet; forget
// the expectations of a deleted one.
func (c *Controller) rsEventForRS(ev store.EventType, rs, _ *appsv1.ReplicaSet) {
	key := store.Key(rs)
	if ev == store.Deleted {
		delete(c.exp, key)
		return
	}
	c.rsQueue.Add(key)
}

// podEventForRS is the ReplicaSet controller's pod handler (replica_set.go
// addPod, updatePod, deletePod).
func (c *Controller) podEventForRS(ev store.EventType, pod, old *corev1.Pod) {
	rs, ok := controllerIn(c.s.ReplicaSets, pod, "ReplicaSet")
	if !ok {
		return
	}
	key := store.Key(rs)
	c.podEventForOwner(c.rsQueue, key, key, rs.Spec.MinReadySeconds, ev, pod, old)
}

// podEventForOwner is the body of the replica managers' pod handlers for
// the owner at key, whose expectations are kept at expKey.
func (c *Controller) podEventForOwner(q *queue, key, expKey string, minReadySeconds int32, ev store.EventType, pod, old *corev1.Pod) {
	switch {
	case ev == store.Deleted || pod.DeletionTimestamp != nil:
		// deletePod; updatePod calls it for a pod that has just got a
		// deletionTimestamp, so that a replacement is made at once, "not
		// wait until the kubelet actually deletes the pod".
		c.deletionObserved(expKey, store.Key(pod))
		q.Add(key)
	case ev == store.Added:
		c.creationObserved(expKey)
		q.Add(key)
	default:
		q.Add(key)
		// updatePod: "we can fake the update by resyncing the controller
		// MinReadySeconds after it is requeued because a Pod transitioned
		// to Ready".
		if !IsPodReady(old) && IsPodReady(pod) && minReadySeconds > 0 {
			q.AddAfter(key, sim.Duration(minReadySeconds)*time.Second+time.Second)
		}
	}
}

// syncReplicaSet is replica_set.go syncReplicaSet.
func (c *Controller) syncReplicaSet(key string) {
	ns, name := splitKey(key)
	rs, ok := c.s.ReplicaSets.Get(ns, name)
	if !ok {
		delete(c.exp, key)
		return
	}
	needsSync := c.satisfied(key)
	// The status is computed from the pods as they were before
	// manageReplicas acted, as in the real sync, which lists them first.
	st := c.rsStatus(rs)
	if needsSync && rs.DeletionTimestamp == nil {
		c.manageReplicas(int(st.Replicas), rs, rsOwner(key))
	}
	if rs.Status.ObservedGeneration != rs.Generation || !apiequality.Semantic.DeepEqual(rs.Status, st) {
		// updateReplicaSetStatus.
		st.ObservedGeneration = rs.Generation
		cur, ok := c.s.ReplicaSets.Get(ns, name)
		if ok && cur.UID == rs.UID {
			cp := cur.DeepCopy()
			cp.Status = st
			c.s.ReplicaSets.Update(cp)
			rs = cp
		}
	}
	// "Resync the ReplicaSet after MinReadySeconds as a last line of
	// defense to guard against clock-skew."
	if rs.Spec.MinReadySeconds > 0 && rs.Status.ReadyReplicas == replicas(rs.Spec.Replicas) &&
		rs.Status.AvailableReplicas != replicas(rs.Spec.Replicas) {
		c.rsQueue.AddAfter(key, sim.Duration(rs.Spec.MinReadySeconds)*time.Second)
	}
}

// rsStatus is replica_set_utils.go calculateStatus over rs's active pods,
// from the pod index's tally; only a minReadySeconds, which makes
// availability depend on the clock, needs a look at every pod.
func (c *Controller) rsStatus(rs *appsv1.ReplicaSet) appsv1.ReplicaSetStatus {
	if c.cfg.Straightforward {
		return scanStatus(c.s, rs, c.now())
	}
	st := *rs.Status.DeepCopy()
	var active, full, ready int32
	for _, g := range c.pods.Tally(podOwnerKey{namespace: rs.Namespace, uid: rs.UID}).groups {
		active += g.active
		ready += g.ready
		if hasLabels(g.labels, rs.Spec.Template.Labels) {
			full += g.active
		}
	}
	avail := ready // IsPodAvailable with minReadySeconds 0 is IsPodReady
	if rs.Spec.MinReadySeconds != 0 {
		avail = 0
		now := c.now()
		for _, p := range c.activePods(rs) {
			if IsPodAvailable(p, rs.Spec.MinReadySeconds, now) { // implies Ready
				avail++
			}
		}
	}
	st.Replicas = active
	st.FullyLabeledReplicas = full
	st.ReadyReplicas = ready
	st.AvailableReplicas = avail
	if checkPodIndex {
		c.checkStatus(rs, st)
	}
	return st
}

// podOwner says which kind of controller manages a ReplicaSet's pods: a
// ReplicaSet, or a ReplicationController seen as a ReplicaSet (the
// replication manager is the ReplicaSet controller behind a conversion
// layer, pkg/controller/replication/conversion.go).
type podOwner struct {
	kind, apiVersion string
	source           events.Source
	expKey           string // the key of its expectations
}

func rsOwner(key string) podOwner {
	return podOwner{kind: "ReplicaSet", apiVersion: "apps/v1", source: ReplicaSetSource, expKey: key}
}

// hasLabels reports whether have has every key of want with its value:
// labels.SelectorFromSet(want).Matches(labels.Set(have)), an empty want
// matching everything, without building a selector of requirements and
// looking each up through it for every pod of every sync.
func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// manageReplicas is replica_set.go manageReplicas: create the missing pods
// in slow-start batches, or delete the surplus in rank order, at most
// BurstReplicas per sync, and expect to observe each. active is the number
// of rs's active pods.
func (c *Controller) manageReplicas(active int, rs *appsv1.ReplicaSet, o podOwner) {
	key := o.expKey
	diff := active - int(replicas(rs.Spec.Replicas))
	switch {
	case diff < 0:
		n := min(-diff, BurstReplicas)
		c.exp[key] = &expectation{add: n, at: c.now()}
		// slowStartBatch: batches of 1, 2, 4, … run one after another; in
		// the model a create never fails, so every batch runs, all at
		// this instant.
		for done, batch := 0, slowStartInitialBatchSize; done < n; batch *= 2 {
			for i := 0; i < min(batch, n-done); i++ {
				c.createPod(rs, o)
			}
			done += min(batch, n-done)
		}
	case diff > 0:
		n := min(diff, BurstReplicas)
		victims := PodsToDelete(c.activePods(rs), c.relatedPods(rs, o), n, c.now(), c.cfg.Options)
		x := &expectation{del: map[string]bool{}, at: c.now()}
		for _, p := range victims {
			x.del[store.Key(p)] = true
		}
		c.exp[key] = x
		for _, p := range victims {
			c.deletePod(rs, p, o)
		}
	}
}

// relatedPods is getIndirectlyRelatedPods: the pods of every ReplicaSet
// with the same controller as rs (rs's own if it has none).
func (c *Controller) relatedPods(rs *appsv1.ReplicaSet, po podOwner) []*corev1.Pod {
	owner := controllerUID(rs)
	if owner == "" {
		return c.ownedPods(rs)
	}
	var uids []types.UID
	add := func(o metav1.Object) {
		if o.GetNamespace() == rs.Namespace && controllerUID(o) == owner && !slices.Contains(uids, o.GetUID()) {
			uids = append(uids, o.GetUID())
		}
	}
	if po.kind == "ReplicationController" {
		for _, o := range c.s.ReplicationControllers.List() {
			add(o)
		}
	} else {
		for _, o := range c.s.ReplicaSets.List() {
			add(o)
		}
	}
	return c.podsOfOwners(rs.Namespace, uids)
}

// createPod is RealPodControl.CreatePods with controller.GetPodFromTemplate:
// the pod gets the template's labels, annotations and spec, a controller
// reference to rs, and a name the API server generates from
// "<rs>-" and five random letters (names.SimpleNameGenerator).
func (c *Controller) createPod(rs *appsv1.ReplicaSet, o podOwner) {
	// The pod's labels, annotations, finalizers and spec are the
	// template's, shared with the stored ReplicaSet: stored objects are
	// immutable and their writers copy what they change (package store).
	t := &rs.Spec.Template
	if c.cfg.Straightforward {
		t = t.DeepCopy()
	}
	prefix := rs.Name + "-"
	if len(prefix) > maxGeneratedNameLength {
		prefix = prefix[:maxGeneratedNameLength]
	}
	yes := true
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:    rs.Namespace,
			GenerateName: prefix,
			Labels:       t.Labels,
			Annotations:  t.Annotations,
			Finalizers:   t.Finalizers,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: o.apiVersion, Kind: o.kind, Name: rs.Name, UID: rs.UID,
				Controller: &yes, BlockOwnerDeletion: &yes,
			}},
		},
		Spec: t.Spec,
	}
	for {
		pod.Name = prefix + c.randomSuffix()
		if _, taken := c.s.Pods.Get(pod.Namespace, pod.Name); !taken {
			break
		}
		// The API server retries a generated name that is taken
		// (RetryGenerateName, 1.30+); the model always does.
	}
	pod.UID = types.UID(c.s.NewUID())
	pod.CreationTimestamp = store.WallSeconds(c.now())
	pod.Status = corev1.PodStatus{Phase: corev1.PodPending}
	c.s.Pods.Create(pod)
	c.object("Pod", pod.Name, "created", o.kind+"/"+rs.Name)
	c.event(o.source, o.kind+"/"+rs.Name, "SuccessfulCreate", "Created pod: "+pod.Name)
}

func (c *Controller) randomSuffix() string {
	var b [5]byte
	for i := range b {
		b[i] = nameAlphabet[c.names.IntN(len(nameAlphabet))]
	}
	return string(b[:])
}

// deletePod is RealPodControl.DeletePod: a graceful delete with the pod's
// own grace period (store.DeletePod, the API server's rules); an unbound
// pod goes at once.
func (c *Controller) deletePod(rs *appsv1.ReplicaSet, p *corev1.Pod, o podOwner) {
	c.s.DeletePod(p.Namespace, p.Name, nil, c.now())
	if cur, ok := c.s.Pods.Get(p.Namespace, p.Name); !ok || cur.UID != p.UID {
		c.object("Pod", p.Name, "deleted", o.kind+"/"+rs.Name)
	}
	c.event(o.source, o.kind+"/"+rs.Name, "SuccessfulDelete", "Deleted pod: "+p.Name)
}

func splitKey(key string) (namespace, name string) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return "", key
}
