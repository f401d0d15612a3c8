package kubectl

import (
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/api"
)

// DeploymentConfigColumns are the columns of `oc get dc` (3.11), AGE-less
// like the other rows of this package.
var DeploymentConfigColumns = []string{"NAME", "REVISION", "DESIRED", "CURRENT", "TRIGGERED BY"}

// DeploymentConfig returns a DeploymentConfig's row of `oc get dc` as
// origin's printDeploymentConfig (pkg/oc/cli/describe/printer.go, 3.11)
// prints it: REVISION is status.latestVersion, DESIRED spec.replicas
// ("N (during test)" for a test config), CURRENT status.updatedReplicas,
// TRIGGERED BY the sorted set of "config" and, for automatic image
// triggers, "image(<stream>:<tag>)" (with "<containers>:" inside when the
// template has several containers and lacks one the trigger names),
// comma-separated.
func DeploymentConfig(dc *api.DeploymentConfig) []string {
	desired := strconv.Itoa(int(dc.Spec.Replicas))
	if dc.Spec.Test {
		desired += " (during test)"
	}
	containers := map[string]bool{}
	if dc.Spec.Template != nil {
		for _, c := range dc.Spec.Template.Spec.Containers {
			containers[c.Name] = true
		}
	}
	set := map[string]bool{}
	for _, t := range dc.Spec.Triggers {
		switch t.Type {
		case api.DeploymentTriggerOnConfigChange:
			set["config"] = true
		case api.DeploymentTriggerOnImageChange:
			p := t.ImageChangeParams
			if p == nil || !p.Automatic {
				continue
			}
			prefix := ""
			all := true
			for _, n := range p.ContainerNames {
				all = all && containers[n]
			}
			if len(containers) != 1 && !all {
				names := append([]string(nil), p.ContainerNames...)
				sort.Strings(names)
				prefix = strings.Join(names, ",") + ":"
			}
			if p.From.Kind == "ImageStreamTag" {
				set["image("+prefix+p.From.Name+")"] = true
			} else {
				set[p.From.Kind+"("+prefix+p.From.Name+")"] = true
			}
		default:
			set[string(t.Type)] = true
		}
	}
	triggers := make([]string, 0, len(set))
	for k := range set {
		triggers = append(triggers, k)
	}
	sort.Strings(triggers)
	return []string{dc.Name, strconv.FormatInt(dc.Status.LatestVersion, 10), desired,
		strconv.Itoa(int(dc.Status.UpdatedReplicas)), strings.Join(triggers, ",")}
}

// ReplicationControllerColumns are the columns of `oc get rc` (kubectl
// 1.11's printer) before AGE.
var ReplicationControllerColumns = []string{"NAME", "DESIRED", "CURRENT", "READY"}

// ReplicationController returns an RC's row of `oc get rc`: DESIRED is
// spec.replicas, CURRENT status.replicas, READY status.readyReplicas
// (printReplicationController, pkg/printers/internalversion).
func ReplicationController(rc *corev1.ReplicationController) []string {
	desired := int32(1)
	if rc.Spec.Replicas != nil {
		desired = *rc.Spec.Replicas
	}
	return []string{rc.Name, strconv.Itoa(int(desired)), strconv.Itoa(int(rc.Status.Replicas)), strconv.Itoa(int(rc.Status.ReadyReplicas))}
}
