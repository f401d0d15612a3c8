package controller

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// The annotations and labels of OpenShift 3.11 deployments (openshift/origin
// pkg/apps/apis/apps/types.go, later pkg/apps/util/const.go).
const (
	DCPhaseAnnotation           = "openshift.io/deployment.phase"
	DCNameAnnotation            = "openshift.io/deployment-config.name"
	DCVersionAnnotation         = "openshift.io/deployment-config.latest-version"
	DCEncodedConfigAnnotation   = "openshift.io/encoded-deployment-config"
	DCStatusReasonAnnotation    = "openshift.io/deployment.status-reason"
	DCCancelledAnnotation       = "openshift.io/deployment.cancelled"
	DCReplicasAnnotation        = "openshift.io/deployment.replicas"
	DCDesiredReplicasAnnotation = "kubectl.kubernetes.io/desired-replicas"
	DeploymentNameAnnotation    = "openshift.io/deployment.name"
	DeployerPodNameAnnotation   = "openshift.io/deployer-pod.name"
	DeployerCreatedAtAnnotation = "openshift.io/deployer-pod.created-at"
	DeployerStartedAtAnnotation = "openshift.io/deployer-pod.started-at"
	DeployerDoneAtAnnotation    = "openshift.io/deployer-pod.completed-at"
	DeployerPodForLabel         = "openshift.io/deployer-pod-for.name"
	DeploymentConfigLabel       = "deploymentconfig"
	DeploymentLabel             = "deployment"
)

// The phases of a deployment (an RC), in openshift.io/deployment.phase.
const (
	PhaseNew      = "New"
	PhasePending  = "Pending"
	PhaseRunning  = "Running"
	PhaseComplete = "Complete"
	PhaseFailed   = "Failed"
)

// Reasons of the DeploymentConfig Progressing condition (origin
// pkg/apps/apis/apps/types.go).
const (
	ReasonRCUpdated        = "ReplicationControllerUpdated"
	ReasonNewRCCreated     = "NewReplicationControllerCreated"
	ReasonNewRCAvailable   = "NewReplicationControllerAvailable"
	ReasonRolloutCancelled = "RolloutCancelled"
)

// Status reasons written to openshift.io/deployment.status-reason.
const (
	reasonCancelledNewer       = "newer deployment was found running"
	reasonDeployerPodGone      = "deployer pod no longer exists"
	reasonUnrelatedPod         = "unrelated pod with the same name as this deployment is already running"
	reasonCannotCreateDeployer = "unable to create deployer pod"
)

// Sources of the OpenShift controllers' events.
var (
	DeploymentConfigSource = events.Source{Component: "deploymentconfig-controller"}
	DeployerSource         = events.Source{Component: "deployer-controller"}
)

var kindDCSync = sim.NewKind("controller/deploymentconfig/sync", 50)

// withStatusCopy returns a copy of dc whose status may be changed: stored
// objects are immutable snapshots and the controllers never change a
// DeploymentConfig's metadata or spec, so those are shared.
func withStatusCopy(dc *api.DeploymentConfig) *api.DeploymentConfig {
	cp := *dc
	cp.Status.Conditions = append([]api.DeploymentCondition(nil), dc.Status.Conditions...)
	if d := dc.Status.Details; d != nil {
		dd := *d
		dd.Causes = append([]api.DeploymentCause(nil), d.Causes...)
		cp.Status.Details = &dd
	}
	return &cp
}

// encodedDC is one RC's decoded openshift.io/encoded-deployment-config and
// its template's JSON, kept because the annotation never changes.
type encodedDC struct {
	raw      string
	dc       *api.DeploymentConfig
	template string
}

// decodeDC is appsutil.DecodeDeploymentConfig: the config encoded in an RC.
// The result is shared and must not be changed.
func (c *Controller) decodeDC(rc *corev1.ReplicationController) (*api.DeploymentConfig, error) {
	e, err := c.encoded(rc)
	if err != nil {
		return nil, err
	}
	return e.dc, nil
}

func (c *Controller) encoded(rc *corev1.ReplicationController) (*encodedDC, error) {
	s, ok := rc.Annotations[DCEncodedConfigAnnotation]
	if !ok {
		return nil, fmt.Errorf("object %s does not have encoded deployment config annotation", rc.Name)
	}
	if e := c.encodedDCs[rc.UID]; e != nil && e.raw == s {
		return e, nil
	}
	var dc api.DeploymentConfig
	if err := json.Unmarshal([]byte(s), &dc); err != nil {
		return nil, err
	}
	t, _ := json.Marshal(dc.Spec.Template)
	e := &encodedDC{raw: s, dc: &dc, template: string(t)}
	c.encodedDCs[rc.UID] = e
	return e, nil
}

func dcVersion(rc *corev1.ReplicationController) int64 {
	v, err := strconv.ParseInt(rc.Annotations[DCVersionAnnotation], 10, 64)
	if err != nil {
		return -1
	}
	return v
}

func dcPhase(rc *corev1.ReplicationController) string { return rc.Annotations[DCPhaseAnnotation] }

func isTerminated(rc *corev1.ReplicationController) bool {
	p := dcPhase(rc)
	return p == PhaseComplete || p == PhaseFailed
}

func isCancelled(rc *corev1.ReplicationController) bool {
	return rc.Annotations[DCCancelledAnnotation] == "true"
}

// byVersionDesc sorts deployments newest first (ByLatestVersionDesc).
func byVersionDesc(rcs []*corev1.ReplicationController) {
	sort.SliceStable(rcs, func(i, j int) bool { return dcVersion(rcs[j]) < dcVersion(rcs[i]) })
}

// activeDeployment is appsutil.ActiveDeployment: the newest Complete one.
func activeDeployment(rcs []*corev1.ReplicationController) *corev1.ReplicationController {
	var active *corev1.ReplicationController
	var last int64
	for _, rc := range rcs {
		if v := dcVersion(rc); dcPhase(rc) == PhaseComplete && v > last {
			active, last = rc, v
		}
	}
	return active
}

// latestDeploymentInfo is appsutil.LatestDeploymentInfo.
func latestDeploymentInfo(dc *api.DeploymentConfig, rcs []*corev1.ReplicationController) (bool, *corev1.ReplicationController) {
	if dc.Status.LatestVersion == 0 || len(rcs) == 0 {
		return false, nil
	}
	sorted := append([]*corev1.ReplicationController(nil), rcs...)
	byVersionDesc(sorted)
	return dcVersion(sorted[0]) == dc.Status.LatestVersion, sorted[0]
}

func hasTrigger(dc *api.DeploymentConfig, t api.DeploymentTriggerType) bool {
	for _, tr := range dc.Spec.Triggers {
		if tr.Type == t {
			return true
		}
	}
	return false
}

// dcFenceposts resolves a rolling DeploymentConfig's maxSurge and
// maxUnavailable against n replicas (appsutil.ResolveFenceposts).
func dcFenceposts(dc *api.DeploymentConfig, n int32) (surge, unavailable int32) {
	if dc.Spec.Strategy.Type != api.DeploymentStrategyTypeRolling || dc.Spec.Strategy.RollingParams == nil {
		return 0, 0
	}
	rp := dc.Spec.Strategy.RollingParams
	return ResolveFenceposts(rp.MaxSurge, rp.MaxUnavailable, n)
}

// dcTimeout is appsutil.GetTimeoutSecondsForStrategy.
func dcTimeout(dc *api.DeploymentConfig) int64 {
	t := api.DefaultRollingTimeoutSeconds
	switch dc.Spec.Strategy.Type {
	case api.DeploymentStrategyTypeRolling:
		if p := dc.Spec.Strategy.RollingParams; p != nil && p.TimeoutSeconds != nil {
			t = *p.TimeoutSeconds
		}
	case api.DeploymentStrategyTypeRecreate:
		if p := dc.Spec.Strategy.RecreateParams; p != nil && p.TimeoutSeconds != nil {
			t = *p.TimeoutSeconds
		}
	}
	return t
}

// dcEventForDC is the DeploymentConfig controller's handler of its own
// objects (factory.go addDeploymentConfig/updateDeploymentConfig).
func (c *Controller) dcEventForDC(ev store.EventType, dc, _ *api.DeploymentConfig) {
	if ev == store.Deleted {
		delete(c.dcRollout, store.Key(dc))
		delete(c.dcTemplates, store.Key(dc))
		return
	}
	c.dcQueue.Add(store.Key(dc))
}

// rcEventForDC queues the DeploymentConfig that controls a changed RC
// (factory.go updateReplicationController/deleteReplicationController).
func (c *Controller) rcEventForDC(_ store.EventType, rc, _ *corev1.ReplicationController) {
	if dc, ok := controllerIn(c.s.DeploymentConfigs, rc, "DeploymentConfig"); ok {
		c.dcQueue.Add(store.Key(dc))
	}
}

// dcDeployments lists the RCs whose controller is dc, by name.
func (c *Controller) dcDeployments(dc *api.DeploymentConfig) []*corev1.ReplicationController {
	return controlledIn(c.s.ReplicationControllers, dc.Namespace, dc.UID)
}

// syncDC is the DeploymentConfig controller's work function: Handle, then
// handleErr (requeue with backoff on error, forget on success).
func (c *Controller) syncDC(key string) {
	if c.handleDC(key) {
		c.dcQueue.Retry(key)
		return
	}
	c.dcQueue.Forget(key)
}

// handleDC is deploymentconfig_controller.go Handle; it reports whether the
// sync failed and must be retried. Adoption and orphaning by label are not
// modelled: only the RCs the controller made count.
func (c *Controller) handleDC(key string) (retry bool) {
	ns, name := splitKey(key)
	cur, ok := c.s.DeploymentConfigs.Get(ns, name)
	if !ok {
		return false
	}
	dc := withStatusCopy(cur)
	if dc.Status.LatestVersion == 0 && !hasTrigger(dc, api.DeploymentTriggerOnConfigChange) && !hasTrigger(dc, api.DeploymentTriggerOnImageChange) {
		c.updateDCStatus(dc, nil)
		return false
	}
	rcs := c.dcDeployments(dc)
	if dc.DeletionTimestamp != nil {
		c.updateDCStatus(dc, rcs)
		return false
	}
	latestExists, latest := latestDeploymentInfo(dc, rcs)
	if !latestExists && c.cancelRunningRollouts(dc, rcs) {
		// "found previous inflight deployment - requeuing"
		return true
	}
	cp := withStatusCopy(dc)
	trigger, skip := c.triggerActivated(cp, latestExists, latest)
	if !skip && trigger {
		cp.Status.LatestVersion++
		c.updateDCStatus(cp, rcs)
		return false
	}
	if skip && dc.Status.LatestVersion == 0 {
		c.updateDCStatus(cp, rcs)
		return false
	}
	if latestExists {
		if !isTerminated(latest) {
			c.updateDCStatus(dc, rcs)
			return false
		}
		c.reconcileDeployments(dc, rcs)
		return false
	}
	if dc.Spec.Paused {
		c.cleanupOldDeployments(dc, rcs)
		c.updateDCStatus(dc, rcs)
		return false
	}
	rc := c.makeDeployment(dc)
	if _, taken := c.s.ReplicationControllers.Get(rc.Namespace, rc.Name); taken {
		err := fmt.Errorf("replication controller %s already exists and deployment config is not allowed to claim it.", rc.Name)
		c.eventType(DeploymentConfigSource, "DeploymentConfig/"+dc.Name, events.Warning, "DeploymentCreationFailed",
			fmt.Sprintf("Couldn't deploy version %d: %v", dc.Status.LatestVersion, err))
		c.updateDCStatus(dc, rcs)
		return false
	}
	c.s.ReplicationControllers.Create(rc)
	c.object("ReplicationController", rc.Name, "created", "DeploymentConfig/"+dc.Name)
	msg := fmt.Sprintf("Created new replication controller %q for version %d", rc.Name, dc.Status.LatestVersion)
	c.event(DeploymentConfigSource, "DeploymentConfig/"+dc.Name, "DeploymentCreated", msg)
	rcs = append(rcs, rc)
	c.cleanupOldDeployments(dc, rcs)
	c.updateDCStatus(dc, rcs, c.dcCondition("Progressing", corev1.ConditionTrue, ReasonNewRCCreated, msg))
	return false
}

// triggerActivated is deploymentconfig_controller.go triggerActivated for
// the ConfigChange trigger; image change triggers need an image registry and
// never fire in the model.
func (c *Controller) triggerActivated(dc *api.DeploymentConfig, latestExists bool, latest *corev1.ReplicationController) (trigger, skip bool) {
	if dc.Spec.Paused {
		return false, false
	}
	imageTrigger := hasTrigger(dc, api.DeploymentTriggerOnImageChange)
	configTrigger := hasTrigger(dc, api.DeploymentTriggerOnConfigChange)
	if !imageTrigger && !configTrigger {
		return false, false
	}
	if dc.Status.LatestVersion == 0 {
		if imageTrigger {
			// Waits for the image stream to resolve its images
			// (HasLastTriggeredImage): never, without a registry.
			for _, t := range dc.Spec.Triggers {
				if t.Type == api.DeploymentTriggerOnImageChange && (t.ImageChangeParams == nil || t.ImageChangeParams.LastTriggeredImage == "") {
					return false, true
				}
			}
			recordConfigChangeCause(dc)
			return true, false
		}
		recordConfigChangeCause(dc)
		return true, false
	}
	if !latestExists {
		return false, true
	}
	if latest == nil {
		return false, false
	}
	if configTrigger {
		enc, err := c.encoded(latest)
		if err != nil {
			return false, true
		}
		if c.templateJSON(dc) != enc.template {
			recordConfigChangeCause(dc)
			return true, false
		}
	}
	return false, false
}

// templateJSON is the JSON form of dc's template, in which
// HasLatestPodTemplate's comparison is made: the controller compares two
// decoded objects, the model their encodings. It is kept per
// resourceVersion.
func (c *Controller) templateJSON(dc *api.DeploymentConfig) string {
	key := store.Key(dc)
	if t, ok := c.dcTemplates[key]; ok && t.rv == dc.ResourceVersion {
		return t.json
	}
	b, _ := json.Marshal(dc.Spec.Template)
	c.dcTemplates[key] = versionedJSON{rv: dc.ResourceVersion, json: string(b)}
	return string(b)
}

type versionedJSON struct{ rv, json string }

// recordConfigChangeCause is appsutil.RecordConfigChangeCause.
func recordConfigChangeCause(dc *api.DeploymentConfig) {
	dc.Status.Details = &api.DeploymentDetails{
		Causes:  []api.DeploymentCause{{Type: api.DeploymentTriggerOnConfigChange}},
		Message: "config change",
	}
}

// makeDeployment is appsutil.MakeDeployment: RC <dc>-<version> with zero
// replicas, the config encoded in an annotation, and the deployment and
// deploymentconfig labels added to its selector and pod template.
func (c *Controller) makeDeployment(dc *api.DeploymentConfig) *corev1.ReplicationController {
	enc, _ := json.Marshal(dc)
	name := fmt.Sprintf("%s-%d", dc.Name, dc.Status.LatestVersion)
	lbl := map[string]string{}
	for k, v := range dc.Labels {
		lbl[k] = v
	}
	lbl[DCNameAnnotation] = dc.Name
	sel := map[string]string{}
	for k, v := range dc.Spec.Selector {
		sel[k] = v
	}
	sel[DeploymentConfigLabel] = dc.Name
	sel[DeploymentLabel] = name
	tmpl := dc.Spec.Template.DeepCopy()
	podLabels := map[string]string{}
	for k, v := range tmpl.Labels {
		podLabels[k] = v
	}
	podLabels[DeploymentConfigLabel] = dc.Name
	podLabels[DeploymentLabel] = name
	podAnn := map[string]string{}
	for k, v := range tmpl.Annotations {
		podAnn[k] = v
	}
	podAnn[DeploymentNameAnnotation] = name
	podAnn[DCNameAnnotation] = dc.Name
	podAnn[DCVersionAnnotation] = strconv.FormatInt(dc.Status.LatestVersion, 10)
	tmpl.Labels, tmpl.Annotations = podLabels, podAnn
	yes := true
	zero := int32(0)
	rc := &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: dc.Namespace, Labels: lbl,
			Annotations: map[string]string{
				DCNameAnnotation:            dc.Name,
				DCEncodedConfigAnnotation:   string(enc),
				DCPhaseAnnotation:           PhaseNew,
				DCVersionAnnotation:         strconv.FormatInt(dc.Status.LatestVersion, 10),
				DCDesiredReplicasAnnotation: strconv.Itoa(int(dc.Spec.Replicas)),
				DCReplicasAnnotation:        "0",
			},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "apps.openshift.io/v1", Kind: "DeploymentConfig", Name: dc.Name, UID: dc.UID,
				Controller: &yes, BlockOwnerDeletion: &yes,
			}},
		},
		Spec: corev1.ReplicationControllerSpec{
			Replicas: &zero, Selector: sel, MinReadySeconds: dc.Spec.MinReadySeconds, Template: tmpl,
		},
	}
	if d := dc.Status.Details; d != nil && d.Message != "" {
		rc.Annotations[DCStatusReasonAnnotation] = d.Message
	}
	rc.UID = types.UID(c.s.NewUID())
	rc.CreationTimestamp = store.WallSeconds(c.now())
	rc.Generation = 1
	return rc
}

// cancelRunningRollouts is deploymentconfig_controller.go
// cancelRunningRollouts; it reports whether the sync must wait for
// cancellations.
func (c *Controller) cancelRunningRollouts(dc *api.DeploymentConfig, rcs []*corev1.ReplicationController) bool {
	awaiting := false
	for i, rc := range rcs {
		if isTerminated(rc) {
			continue
		}
		awaiting = true
		if isCancelled(rc) {
			continue
		}
		cp := rc.DeepCopy()
		cp.Annotations[DCCancelledAnnotation] = "true"
		cp.Annotations[DCStatusReasonAnnotation] = reasonCancelledNewer
		c.s.ReplicationControllers.Update(cp)
		rcs[i] = cp
		c.event(DeploymentConfigSource, "DeploymentConfig/"+dc.Name, "DeploymentCancelled",
			fmt.Sprintf("Cancelled deployment %q superceded by version %d", rc.Name, dc.Status.LatestVersion))
	}
	if awaiting {
		c.event(DeploymentConfigSource, "DeploymentConfig/"+dc.Name, "DeploymentAwaitingCancellation",
			fmt.Sprintf("Deployment of version %d awaiting cancellation of older running deployments", dc.Status.LatestVersion))
	}
	return awaiting
}

// reconcileDeployments is deploymentconfig_controller.go
// reconcileDeployments: the active deployment (the newest Complete one)
// follows spec.replicas, every other one goes to zero. This is what rolls a
// failed rollout back to the last complete version.
func (c *Controller) reconcileDeployments(dc *api.DeploymentConfig, rcs []*corev1.ReplicationController) {
	active := activeDeployment(rcs)
	var updated []*corev1.ReplicationController
	for _, rc := range rcs {
		n := int32(0)
		if active != nil && rc.Name == active.Name {
			n = dc.Spec.Replicas
		}
		if dc.Spec.Test {
			n = 0
		}
		old := int32(0)
		if rc.Spec.Replicas != nil {
			old = *rc.Spec.Replicas
		}
		if n != old {
			if cur, ok := c.s.ReplicationControllers.Get(rc.Namespace, rc.Name); ok && cur.UID == rc.UID {
				cp := cur.DeepCopy()
				cp.Spec.Replicas = &n
				cp.Generation++
				c.s.ReplicationControllers.Update(cp)
				c.event(DeploymentConfigSource, "DeploymentConfig/"+dc.Name, "ReplicationControllerScaled",
					fmt.Sprintf("Scaled replication controller %q from %d to %d", cp.Name, old, n))
				rc = cp
			}
		}
		updated = append(updated, rc)
	}
	c.cleanupOldDeployments(dc, updated)
	c.updateDCStatus(dc, updated)
}

// cleanupOldDeployments is deploymentconfig_controller.go
// cleanupOldDeployments with appsutil.DeploymentsForCleanup: delete the
// oldest scaled-down deployments beyond revisionHistoryLimit. The garbage
// collector's background deletion of their deployer pods is modelled as
// immediate.
func (c *Controller) cleanupOldDeployments(dc *api.DeploymentConfig, rcs []*corev1.ReplicationController) {
	if dc.Spec.RevisionHistoryLimit == nil {
		return
	}
	sorted := append([]*corev1.ReplicationController(nil), rcs...)
	sort.SliceStable(sorted, func(i, j int) bool { return dcVersion(sorted[i]) < dcVersion(sorted[j]) })
	var relevant []*corev1.ReplicationController
	active := activeDeployment(sorted)
	for _, rc := range sorted {
		if active == nil && dcVersion(rc) != dc.Status.LatestVersion ||
			active != nil && rc.Name != active.Name && dcVersion(rc) < dcVersion(active) {
			relevant = append(relevant, rc)
		}
	}
	limit := int(*dc.Spec.RevisionHistoryLimit)
	for i := 0; i < len(relevant)-limit; i++ {
		rc := relevant[i]
		if rc.Spec.Replicas != nil && *rc.Spec.Replicas != 0 {
			continue
		}
		if c.s.ReplicationControllers.Delete(rc.Namespace, rc.Name) {
			c.object("ReplicationController", rc.Name, "deleted", "DeploymentConfig/"+dc.Name)
			for _, p := range c.s.Pods.List() {
				if p.Namespace == rc.Namespace && ownedBy(p, rc.UID) {
					c.s.DeletePod(p.Namespace, p.Name, nil, c.now())
					// A terminal pod (the finished deployer) goes at once,
					// with no kubelet to record it.
					if cur, ok := c.s.Pods.Get(p.Namespace, p.Name); !ok || cur.UID != p.UID {
						c.object("Pod", p.Name, "deleted", "ReplicationController/"+rc.Name)
					}
				}
			}
		}
	}
}

// ownedBy reports whether o has any owner reference to uid.
func ownedBy(o metav1.Object, uid types.UID) bool {
	for _, r := range o.GetOwnerReferences() {
		if r.UID == uid {
			return true
		}
	}
	return false
}

func (c *Controller) dcCondition(t string, status corev1.ConditionStatus, reason, msg string) api.DeploymentCondition {
	now := store.WallSeconds(c.now())
	return api.DeploymentCondition{Type: t, Status: status, LastUpdateTime: now, LastTransitionTime: now, Reason: reason, Message: msg}
}

func getDCCondition(st *api.DeploymentConfigStatus, t string) *api.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

func removeDCCondition(st *api.DeploymentConfigStatus, t string) {
	var out []api.DeploymentCondition
	for _, c := range st.Conditions {
		if c.Type != t {
			out = append(out, c)
		}
	}
	st.Conditions = out
}

// setDCCondition is appsutil.SetDeploymentCondition.
func setDCCondition(st *api.DeploymentConfigStatus, cond api.DeploymentCondition) {
	cur := getDCCondition(st, cond.Type)
	if cur != nil && cur.Status == cond.Status && cur.Reason == cond.Reason {
		return
	}
	if cur != nil && cur.Status == cond.Status {
		cond.LastTransitionTime = cur.LastTransitionTime
	}
	removeDCCondition(st, cond.Type)
	st.Conditions = append(st.Conditions, cond)
}

// calculateDCStatus is deploymentconfig_controller.go calculateStatus with
// updateConditions.
func (c *Controller) calculateDCStatus(dc *api.DeploymentConfig, rcs []*corev1.ReplicationController, additional ...api.DeploymentCondition) api.DeploymentConfigStatus {
	latestExists, latest := latestDeploymentInfo(dc, rcs)
	var updated, available, total, replicas, ready int32
	if latestExists {
		updated = latest.Status.Replicas
	} else {
		latest = nil
	}
	for _, rc := range rcs {
		available += rc.Status.AvailableReplicas
		if rc.Spec.Replicas != nil {
			total += *rc.Spec.Replicas
		}
		replicas += rc.Status.Replicas
		ready += rc.Status.ReadyReplicas
	}
	st := api.DeploymentConfigStatus{
		LatestVersion: dc.Status.LatestVersion, Details: dc.Status.Details,
		ObservedGeneration: dc.Generation, Replicas: replicas, UpdatedReplicas: updated,
		AvailableReplicas: available, ReadyReplicas: ready, UnavailableReplicas: max(total-available, 0),
		Conditions: append([]api.DeploymentCondition(nil), dc.Status.Conditions...),
	}
	_, maxUnavailable := dcFenceposts(dc, dc.Spec.Replicas)
	if available >= dc.Spec.Replicas-maxUnavailable && available > 0 {
		setDCCondition(&st, c.dcCondition("Available", corev1.ConditionTrue, "", "Deployment config has minimum availability."))
	} else {
		setDCCondition(&st, c.dcCondition("Available", corev1.ConditionFalse, "", "Deployment config does not have minimum availability."))
	}
	if latest != nil {
		switch dcPhase(latest) {
		case PhasePending:
			setDCCondition(&st, c.dcCondition("Progressing", corev1.ConditionUnknown, "",
				fmt.Sprintf("replication controller %q is waiting for pod %q to run", latest.Name, latest.Name+"-deploy")))
		case PhaseRunning:
			// IsProgressing: more updated replicas, or fewer old ones.
			if st.UpdatedReplicas > dc.Status.UpdatedReplicas || st.Replicas-st.UpdatedReplicas < dc.Status.Replicas-dc.Status.UpdatedReplicas {
				removeDCCondition(&st, "Progressing")
				setDCCondition(&st, c.dcCondition("Progressing", corev1.ConditionTrue, ReasonRCUpdated,
					fmt.Sprintf("replication controller %q is progressing", latest.Name)))
			}
		case PhaseFailed:
			if isCancelled(latest) {
				setDCCondition(&st, c.dcCondition("Progressing", corev1.ConditionFalse, ReasonRolloutCancelled,
					fmt.Sprintf("rollout of replication controller %q was cancelled", latest.Name)))
			} else {
				setDCCondition(&st, c.dcCondition("Progressing", corev1.ConditionFalse, ReasonProgressDeadlineExceeded,
					fmt.Sprintf("replication controller %q has failed progressing", latest.Name)))
			}
		case PhaseComplete:
			setDCCondition(&st, c.dcCondition("Progressing", corev1.ConditionTrue, ReasonNewRCAvailable,
				fmt.Sprintf("replication controller %q successfully rolled out", latest.Name)))
		}
	}
	for _, cond := range additional {
		setDCCondition(&st, cond)
	}
	return st
}

// updateDCStatus is deploymentconfig_controller.go updateStatus: write the
// status only if it changed.
func (c *Controller) updateDCStatus(dc *api.DeploymentConfig, rcs []*corev1.ReplicationController, additional ...api.DeploymentCondition) {
	st := c.calculateDCStatus(dc, rcs, additional...)
	if apiequality.Semantic.DeepEqual(st, dc.Status) {
		return
	}
	cur, ok := c.s.DeploymentConfigs.Get(dc.Namespace, dc.Name)
	if !ok || cur.UID != dc.UID {
		return
	}
	cp := withStatusCopy(cur)
	cp.Status = st
	c.s.DeploymentConfigs.Update(cp)
	c.recordDCRollout(cp)
}

// recordDCRollout adds a Rollout record when what a DeploymentConfig shows
// changed.
func (c *Controller) recordDCRollout(dc *api.DeploymentConfig) {
	r := &record.Rollout{
		Header:   record.Header{Object: "DeploymentConfig/" + dc.Name},
		Replicas: dc.Status.Replicas, Updated: dc.Status.UpdatedReplicas,
		Ready: dc.Status.ReadyReplicas, Available: dc.Status.AvailableReplicas,
		Conditions: map[string]record.Condition{},
	}
	for _, cond := range dc.Status.Conditions {
		r.Conditions[cond.Type] = record.Condition{Status: string(cond.Status), Reason: cond.Reason, Message: cond.Message}
	}
	key := store.Key(dc)
	if last := c.dcRollout[key]; last != nil && sameRollout(last, r) {
		return
	}
	c.dcRollout[key] = r
	c.cfg.Log.Add(c.now(), record.KindRollout, r)
}

func (c *Controller) eventType(src events.Source, object, typ, reason, msg string) {
	if c.cfg.Events != nil {
		c.cfg.Events.Eventf(src, object, typ, reason, msg)
	}
}
