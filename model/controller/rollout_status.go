package controller

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
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
