package controller

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// DefaultDeployerImage is the image of OKD 3.11's deployer pods (the
// master's imageConfig format openshift/origin-${component}:${version}).
const DefaultDeployerImage = "openshift/origin-deployer:v3.11"

// DeployerContainer is the name of the deployer pod's one container.
const DeployerContainer = "deployment"

// maxDeploymentDurationSeconds is appsapi.MaxDeploymentDurationSeconds, the
// deployer pod's default activeDeadlineSeconds.
const maxDeploymentDurationSeconds int64 = 21600

var kindDeployerSync = sim.NewKind("controller/deployer/sync", 50)

// deployerPodName is appsutil.DeployerPodNameForDeployment.
func deployerPodName(rc string) string { return rc + "-deploy" }

// rcEventForDeployer queues an RC of a DeploymentConfig for the deployer
// controller (factory.go addReplicationController/updateReplicationController:
// only RCs with the deployment-config annotation).
func (c *Controller) rcEventForDeployer(ev store.EventType, rc, _ *corev1.ReplicationController) {
	if _, ok := rc.Annotations[DCNameAnnotation]; !ok || ev == store.Deleted {
		return
	}
	c.deployerQueue.Add(store.Key(rc))
	if r := c.runs[store.Key(rc)]; r != nil {
		r.rcChanged(rc)
	}
}

// podEventForDeployer queues the deployment of a changed deployer pod
// (factory.go updatePod/deletePod: pods with the deployment annotation), and
// starts the deployer process when the pod runs.
func (c *Controller) podEventForDeployer(ev store.EventType, pod, _ *corev1.Pod) {
	name, ok := pod.Annotations[DeploymentNameAnnotation]
	if !ok || pod.Labels[DeployerPodForLabel] == "" {
		if ev == store.Deleted {
			c.podDeletedForRuns(pod)
		}
		return
	}
	key := pod.Namespace + "/" + name
	c.deployerQueue.Add(key)
	r := c.runs[key]
	switch {
	case ev == store.Deleted || pod.DeletionTimestamp != nil:
		if r != nil && r.pod == pod.UID {
			r.stop()
		}
	case pod.Status.Phase == corev1.PodRunning && (r == nil || r.pod != pod.UID) && !c.ran[pod.UID]:
		c.ran[pod.UID] = true
		c.startDeployer(pod, name)
	}
}

// syncDeployer is deployer_controller.go handle.
func (c *Controller) syncDeployer(key string) {
	ns, name := splitKey(key)
	rc, ok := c.s.ReplicationControllers.Get(ns, name)
	if !ok {
		return
	}
	ann := make(map[string]string, len(rc.Annotations))
	for k, v := range rc.Annotations {
		ann[k] = v
	}
	cur := dcPhase(rc)
	next := cur
	podName := deployerPodName(rc.Name)
	pod, havePod := c.s.Pods.Get(ns, podName)
	if havePod {
		next = c.nextDeployerStatus(pod, rc, ann)
	}
	dcObj := "DeploymentConfig/" + rc.Annotations[DCNameAnnotation]
	switch cur {
	case PhaseNew:
		if isCancelled(rc) {
			next = PhasePending
			c.cleanupDeployerPods(rc)
			break
		}
		if enc, err := c.decodeDC(rc); err == nil {
			if t := dcTimeout(enc); t > 0 && int64(c.now().Sub(store.SimTime(rc.CreationTimestamp))/sim.Duration(time.Second)) > t {
				next = PhaseFailed
				ann[DCStatusReasonAnnotation] = reasonCannotCreateDeployer
				c.eventType(DeployerSource, dcObj, events.Warning, "RolloutTimeout",
					fmt.Sprintf("Rollout for %q failed to create deployer pod (timeoutSeconds: %ds)", rc.Namespace+"/"+rc.Name, t))
				break
			}
		}
		if !havePod {
			p, err := c.makeDeployerPod(rc)
			if err != nil {
				return
			}
			c.s.Pods.Create(p)
			c.object("Pod", p.Name, "created", "ReplicationController/"+rc.Name)
			ann[DeployerPodNameAnnotation] = p.Name
			ann[DeployerCreatedAtAnnotation] = p.CreationTimestamp.String()
			next = PhasePending
			break
		}
		if pod.Annotations[DeploymentNameAnnotation] != rc.Name {
			next = PhaseFailed
			ann[DCStatusReasonAnnotation] = reasonUnrelatedPod
			c.eventType(DeployerSource, dcObj, events.Warning, "FailedCreate",
				fmt.Sprintf("Error creating deployer pod since another pod with the same name (%q) exists", pod.Name))
			break
		}
		ann[DeployerPodNameAnnotation] = pod.Name
		ann[DeployerCreatedAtAnnotation] = pod.CreationTimestamp.String()
		if pod.Status.StartTime != nil {
			ann[DeployerStartedAtAnnotation] = pod.Status.StartTime.String()
		}
		if !canTransition(PhasePending, next) {
			next = PhasePending
		}
	case PhasePending, PhaseRunning:
		switch {
		case !havePod:
			// The real controller retries a Pending deployment a few times
			// in case its informer has not seen the pod yet; the model's
			// store is never stale, so it fails at once.
			next = PhaseFailed
			if !isCancelled(rc) {
				ann[DCStatusReasonAnnotation] = reasonDeployerPodGone
				c.eventType(DeployerSource, dcObj, events.Warning, "Failed", fmt.Sprintf("Deployer pod %q has gone missing", podName))
			}
		case isCancelled(rc):
			c.cleanupDeployerPods(rc)
		}
	case PhaseFailed:
		if isCancelled(rc) {
			c.cleanupDeployerPods(rc)
		}
	case PhaseComplete:
		// In 3.11 a successful deployment's deployer pod is deleted.
		c.cleanupDeployerPods(rc)
	}
	if !canTransition(cur, next) {
		return
	}
	ann[DCPhaseAnnotation] = next
	cp := rc.DeepCopy()
	cp.Annotations = ann
	if cp.Spec.Replicas != nil && *cp.Spec.Replicas != 0 && (next == PhaseComplete || next == PhaseFailed) {
		if enc, err := c.decodeDC(cp); err == nil && enc.Spec.Test {
			zero := int32(0)
			cp.Spec.Replicas = &zero
			cp.Generation++
		}
	}
	c.s.ReplicationControllers.Update(cp)
	if isCancelled(cp) && next == PhaseFailed {
		c.event(DeployerSource, dcObj, "RolloutCancelled", fmt.Sprintf("Rollout for %q cancelled", rc.Namespace+"/"+rc.Name))
	}
}

// nextDeployerStatus is deployer_controller.go nextStatus: the deployment's
// phase follows its deployer pod's.
func (c *Controller) nextDeployerStatus(pod *corev1.Pod, rc *corev1.ReplicationController, ann map[string]string) string {
	switch pod.Status.Phase {
	case corev1.PodPending:
		return PhasePending
	case corev1.PodRunning:
		return PhaseRunning
	case corev1.PodSucceeded:
		if isCancelled(rc) {
			delete(ann, DCCancelledAnnotation)
			delete(ann, DCStatusReasonAnnotation)
			c.eventType(DeployerSource, "DeploymentConfig/"+rc.Annotations[DCNameAnnotation], events.Warning, "FailedCancellation", "Succeeded before cancel recorded")
		}
		if t := terminatedAt(pod); t != nil {
			ann[DeployerDoneAtAnnotation] = t.String()
		}
		ann[DCReplicasAnnotation] = ann[DCDesiredReplicasAnnotation]
		delete(ann, DCDesiredReplicasAnnotation)
		return PhaseComplete
	case corev1.PodFailed:
		if t := terminatedAt(pod); t != nil {
			ann[DeployerDoneAtAnnotation] = t.String()
		}
		return PhaseFailed
	}
	return PhaseNew
}

func terminatedAt(pod *corev1.Pod) *metav1.Time {
	for _, cs := range pod.Status.ContainerStatuses {
		if t := cs.State.Terminated; t != nil {
			return &t.FinishedAt
		}
	}
	return nil
}

// canTransition is appsutil.CanTransitionPhase.
func canTransition(cur, next string) bool {
	switch cur {
	case PhaseNew:
		return next == PhasePending || next == PhaseRunning || next == PhaseFailed || next == PhaseComplete
	case PhasePending:
		return next == PhaseRunning || next == PhaseFailed || next == PhaseComplete
	case PhaseRunning:
		return next == PhaseFailed || next == PhaseComplete
	}
	return false
}

// cleanupDeployerPods deletes the deployment's deployer pods (by the
// openshift.io/deployer-pod-for.name label).
func (c *Controller) cleanupDeployerPods(rc *corev1.ReplicationController) {
	for _, p := range c.deployerPodsOf(rc) {
		c.s.DeletePod(p.Namespace, p.Name, nil, c.now())
		if cur, ok := c.s.Pods.Get(p.Namespace, p.Name); !ok || cur.UID != p.UID {
			c.object("Pod", p.Name, "deleted", "ReplicationController/"+rc.Name)
		}
	}
}

// deployerPodsOf lists the deployment's deployer pods that are not being
// deleted, by name.
func (c *Controller) deployerPodsOf(rc *corev1.ReplicationController) []*corev1.Pod {
	if c.cfg.Straightforward {
		return scanDeployerPods(c.s, rc)
	}
	pods := c.deployerPods.List(deployerPodKey{namespace: rc.Namespace, deployment: rc.Name})
	out := pods[:0]
	for _, p := range pods {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

// makeDeployerPod is deployer_controller.go makeDeployerPod: one container
// running the deployer image, restartPolicy Never, a 10 s grace period,
// activeDeadlineSeconds from the strategy (6 h by default), the template's
// node selector, and a (non-controller) owner reference to the RC.
func (c *Controller) makeDeployerPod(rc *corev1.ReplicationController) (*corev1.Pod, error) {
	dc, err := c.decodeDC(rc)
	if err != nil {
		return nil, err
	}
	deadline := maxDeploymentDurationSeconds
	if ad := dc.Spec.Strategy.ActiveDeadlineSeconds; ad != nil {
		deadline = *ad
	}
	grace := int64(10)
	no := false
	image := c.cfg.DeployerImage
	if image == "" {
		image = DefaultDeployerImage
	}
	lbl := map[string]string{DeployerPodForLabel: rc.Name}
	for k, v := range dc.Spec.Strategy.Labels {
		if _, ok := lbl[k]; !ok {
			lbl[k] = v
		}
	}
	ann := map[string]string{DeploymentNameAnnotation: rc.Name, DCNameAnnotation: dc.Name}
	for k, v := range dc.Spec.Strategy.Annotations {
		if _, ok := ann[k]; !ok {
			ann[k] = v
		}
	}
	var tmpl corev1.PodSpec
	if rc.Spec.Template != nil {
		tmpl = rc.Spec.Template.Spec
	}
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: deployerPodName(rc.Name), Namespace: rc.Namespace, Labels: lbl, Annotations: ann,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ReplicationController", Name: rc.Name, UID: rc.UID}},
		},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name: DeployerContainer, Image: image, ImagePullPolicy: corev1.PullIfNotPresent,
				Env: []corev1.EnvVar{
					{Name: "OPENSHIFT_DEPLOYMENT_NAME", Value: rc.Name},
					{Name: "OPENSHIFT_DEPLOYMENT_NAMESPACE", Value: rc.Namespace},
				},
				Resources:                dc.Spec.Strategy.Resources,
				TerminationMessagePath:   corev1.TerminationMessagePathDefault,
				TerminationMessagePolicy: corev1.TerminationMessageReadFile,
			}},
			ActiveDeadlineSeconds:         &deadline,
			DNSPolicy:                     tmpl.DNSPolicy,
			ImagePullSecrets:              tmpl.ImagePullSecrets,
			NodeSelector:                  tmpl.NodeSelector,
			RestartPolicy:                 corev1.RestartPolicyNever,
			ServiceAccountName:            "deployer",
			TerminationGracePeriodSeconds: &grace,
			ShareProcessNamespace:         &no,
			SchedulerName:                 corev1.DefaultSchedulerName,
		},
	}
	p.UID = types.UID(c.s.NewUID())
	p.CreationTimestamp = store.WallSeconds(c.now())
	p.Status = corev1.PodStatus{Phase: corev1.PodPending}
	return p, nil
}
