package controller

import (
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/probesim/probesim/model/api"
)

// RolloutStatus is what `kubectl rollout status deployment/<name>` reports
// for a Deployment as it is (kubectl polymorphichelpers rollout_status.go
// DeploymentStatusViewer.Status, revision 0): the message kubectl prints
// (without its newline), whether the rollout is done, and the error kubectl
// exits with when the progress deadline was exceeded. kubectl prints the
// error as "error: " followed by its text; see RolloutStatusLine.
func RolloutStatus(d *appsv1.Deployment) (msg string, done bool, err error) {
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...", false, nil
	}
	if c := getCondition(&d.Status, appsv1.DeploymentProgressing); c != nil && c.Reason == ReasonProgressDeadlineExceeded {
		return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", d.Name)
	}
	st := &d.Status
	if d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas {
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...",
			d.Name, st.UpdatedReplicas, *d.Spec.Replicas), false, nil
	}
	if st.Replicas > st.UpdatedReplicas {
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...",
			d.Name, st.Replicas-st.UpdatedReplicas), false, nil
	}
	if st.AvailableReplicas < st.UpdatedReplicas {
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...",
			d.Name, st.AvailableReplicas, st.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out", d.Name), true, nil
}

// RolloutStatusLine is the line kubectl prints for RolloutStatus: the
// message, or "error: " and the error.
func RolloutStatusLine(d *appsv1.Deployment) string {
	msg, _, err := RolloutStatus(d)
	if err != nil {
		return "error: " + err.Error()
	}
	return msg
}

// DCRolloutStatus is what `oc rollout status dc/<name>` reports for a
// DeploymentConfig as it is (origin 3.11 DeploymentConfigStatusViewer.Status,
// revision 0): the message (without its newline), whether it is done, and
// the error oc exits with.
func DCRolloutStatus(dc *api.DeploymentConfig) (msg string, done bool, err error) {
	if dc.Status.LatestVersion == 0 {
		switch {
		case hasTrigger(dc, api.DeploymentTriggerOnImageChange):
			return fmt.Sprintf("Deployment config %q waiting on image update", dc.Name), false, nil
		case len(dc.Spec.Triggers) == 0:
			return "", true, fmt.Errorf("Deployment config %q waiting on manual update (use 'oc rollout latest %s')", dc.Name, dc.Name)
		}
	}
	if dc.Generation <= dc.Status.ObservedGeneration {
		st := &dc.Status
		c := getDCCondition(st, "Progressing")
		switch {
		case c != nil && c.Reason == ReasonNewRCAvailable:
			return c.Message, true, nil
		case c != nil && (c.Reason == ReasonProgressDeadlineExceeded || c.Reason == ReasonRolloutCancelled):
			return "", true, errors.New(c.Message)
		case c != nil && c.Reason == "DeploymentConfigPaused":
			return "", true, fmt.Errorf("Deployment config %q is paused. Resume to continue watching the status of the rollout.", dc.Name)
		case st.UpdatedReplicas < dc.Spec.Replicas:
			return fmt.Sprintf("Waiting for rollout to finish: %d out of %d new replicas have been updated...", st.UpdatedReplicas, dc.Spec.Replicas), false, nil
		case st.Replicas > st.UpdatedReplicas:
			return fmt.Sprintf("Waiting for rollout to finish: %d old replicas are pending termination...", st.Replicas-st.UpdatedReplicas), false, nil
		case st.AvailableReplicas < st.UpdatedReplicas:
			return fmt.Sprintf("Waiting for rollout to finish: %d of %d updated replicas are available...", st.AvailableReplicas, st.UpdatedReplicas), false, nil
		}
	}
	return "Waiting for latest deployment config spec to be observed by the controller loop...", false, nil
}
