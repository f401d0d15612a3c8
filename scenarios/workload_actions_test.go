package scenarios

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/controller"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// runScenario loads src, runs it until the given time and returns the
// cluster and the error the run stopped with.
func runScenario(t *testing.T, src string, until time.Duration) (*cluster.Cluster, error) {
	t.Helper()
	s, err := Load("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := cluster.New(cfg, record.NewLog(nil))
	if err != nil {
		t.Fatal(err)
	}
	return c, c.RunUntil(sim.Time(until))
}

const webApps = `apps:
  web:1: {start: 1s, http: {8080: {/ready: 200}}}
  web:2: {start: 1s, http: {8080: {/ready: 200}}}
  web:bad: {start: 1s, http: {8080: {/ready: 503}}}
`

const webDeployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
`

func rsSizes(c *cluster.Cluster) map[string]string {
	out := map[string]string{}
	for _, rs := range c.Store().ReplicaSets.List() {
		img := rs.Spec.Template.Spec.Containers[0].Image
		out[img] = strings.Join([]string{
			itoa(*rs.Spec.Replicas), rs.Annotations[controller.DesiredReplicasAnnotation], rs.Annotations[controller.MaxReplicasAnnotation],
		}, "/")
	}
	return out
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// TestScaleActionMidRollout pins the scale action on a Deployment whose
// rollout is stalled (new pods never ready): sync.go scale() spreads the
// change over both ReplicaSets by getProportion. 3 replicas with 25%/25%:
// old 3, new 1 (surge 1). Scaled to 6, the allowed total is 6 + 2 (25%
// of 6 rounded up) = 8, 4 to add: the old ReplicaSet (larger, first) gets
// round(3·8/4) − 3 = 3, the new one round(1·8/4) − 1 = 1; both carry
// desired-replicas 6 and max-replicas 8.
func TestScaleActionMidRollout(t *testing.T) {
	src := head + webApps + `actions:
- at: 30s
  apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {template: {spec: {containers: [{name: web, image: "web:bad"}]}}}}
- {at: 40s, scale: {target: deployment/web, replicas: 6}}
` + webDeployment
	c, err := runScenario(t, src, 39*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"web:1": "3/3/4", "web:bad": "1/3/4"}, rsSizes(c)); diff != "" {
		t.Fatalf("before the scale (-want +got):\n%s", diff)
	}
	if err := c.RunUntil(sim.Time(41 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// The proportional scale, then the next rolling step: maxUnavailable
	// is now 1 (25% of 6), so one old pod goes and one new one comes.
	want := []string{
		"Scaled up replica set web:1 from 3 to 6",
		"Scaled up replica set web:bad from 1 to 2",
		"Scaled down replica set web:1 from 6 to 5",
		"Scaled up replica set web:bad from 2 to 3",
	}
	if diff := cmp.Diff(want, scalingEvents(c, 40*time.Second)); diff != "" {
		t.Errorf("ScalingReplicaSet events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"web:1": "5/6/8", "web:bad": "3/6/8"}, rsSizes(c)); diff != "" {
		t.Errorf("after the scale (-want +got):\n%s", diff)
	}
}

// scalingEvents returns the ScalingReplicaSet messages from a time on,
// each ReplicaSet named by its image.
func scalingEvents(c *cluster.Cluster, from time.Duration) []string {
	names := map[string]string{}
	for _, rs := range c.Store().ReplicaSets.List() {
		names[rs.Name] = rs.Spec.Template.Spec.Containers[0].Image
	}
	var out []string
	for _, r := range c.Log().Records() {
		if ev, ok := r.(*record.Event); ok && ev.Reason == "ScalingReplicaSet" && sim.Time(ev.T) >= sim.Time(from) {
			msg := ev.Message
			for n, img := range names {
				msg = strings.ReplaceAll(msg, n+" ", img+" ")
			}
			out = append(out, msg)
		}
	}
	return out
}

// TestPauseResumeActions pins the pause and resume actions: spec.paused,
// the DeploymentPaused and DeploymentResumed conditions (sync.go
// checkPausedConditions), no rollout of a template change while paused,
// and kubectl's error for resuming one that is not paused
// (polymorphichelpers objectresumer.go).
func TestPauseResumeActions(t *testing.T) {
	src := head + webApps + `actions:
- {at: 20s, pause: deployment/web}
- at: 25s
  apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {template: {spec: {containers: [{name: web, image: "web:2"}]}}}}
- {at: 40s, resume: deployment/web}
- {at: 90s, resume: deployment/web}
` + webDeployment
	c, err := runScenario(t, src, 39*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := c.Store().Deployments.Get("default", "web")
	if p := progressing(d); p.Reason != "DeploymentPaused" || p.Message != "Deployment is paused" || len(rsSizes(c)) != 1 {
		t.Errorf("paused: %+v, ReplicaSets %v", p, rsSizes(c))
	}
	if err := c.RunUntil(sim.Time(41 * time.Second)); err != nil {
		t.Fatal(err)
	}
	d, _ = c.Store().Deployments.Get("default", "web")
	if p := progressing(d); len(rsSizes(c)) != 2 || p.Reason == "DeploymentPaused" {
		t.Errorf("resumed: %+v, ReplicaSets %v", p, rsSizes(c))
	}
	err = c.RunUntil(sim.Time(100 * time.Second))
	if err == nil || err.Error() != `actions[3] (resume) at 1m30s: deployments.apps "web" is not paused` {
		t.Errorf("second resume: %v", err)
	}
}

func progressing(d *appsv1.Deployment) appsv1.DeploymentCondition {
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing {
			return c
		}
	}
	return appsv1.DeploymentCondition{}
}

// TestRolloutUndoAction pins rollout undo (kubectl rollback.go): the
// previous revision's template comes back, its ReplicaSet is reused and
// takes the next revision, keeping its old one in revision-history.
func TestRolloutUndoAction(t *testing.T) {
	src := head + webApps + `actions:
- at: 20s
  apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {template: {spec: {containers: [{name: web, image: "web:2"}]}}}}
- {at: 60s, rolloutUndo: {target: deployment/web}}
- {at: 100s, rolloutUndo: {target: deployment/web, toRevision: 7}}
` + webDeployment
	c, err := runScenario(t, src, 99*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := c.Store().Deployments.Get("default", "web")
	if img := d.Spec.Template.Spec.Containers[0].Image; img != "web:1" || d.Annotations[controller.RevisionAnnotation] != "3" {
		t.Errorf("after undo: image %s, revision %s", img, d.Annotations[controller.RevisionAnnotation])
	}
	for _, rs := range c.Store().ReplicaSets.List() {
		if rs.Spec.Template.Spec.Containers[0].Image == "web:1" &&
			(rs.Annotations[controller.RevisionAnnotation] != "3" || rs.Annotations[controller.RevisionHistoryAnnotation] != "1" || *rs.Spec.Replicas != 3) {
			t.Errorf("web:1 ReplicaSet %v, %d replicas", rs.Annotations, *rs.Spec.Replicas)
		}
	}
	err = c.RunUntil(sim.Time(101 * time.Second))
	if err == nil || err.Error() != "actions[2] (rolloutUndo) at 1m40s: unable to find specified revision 7 in history" {
		t.Errorf("undo to a missing revision: %v", err)
	}
}

// TestScaleDeploymentConfig pins oc scale on a DeploymentConfig whose
// rollout is complete: the config controller's reconcile scales the active
// RC (ReplicationControllerScaled).
func TestScaleDeploymentConfig(t *testing.T) {
	src := head + webApps + `cluster: {release: "1.11"}
actions:
- {at: 30s, scale: {target: dc/web, replicas: 5}}
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: web}
spec:
  replicas: 2
  selector: {app: web}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "web:1", readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}}
`
	c, err := runScenario(t, src, 40*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := c.Store().ReplicationControllers.Get("default", "web-1")
	if *rc.Spec.Replicas != 5 || rc.Status.Replicas != 5 {
		t.Errorf("web-1: %d replicas, status %d", *rc.Spec.Replicas, rc.Status.Replicas)
	}
	var msgs []string
	for _, r := range c.Log().Records() {
		if ev, ok := r.(*record.Event); ok && ev.Reason == "ReplicationControllerScaled" {
			msgs = append(msgs, ev.Message)
		}
	}
	if diff := cmp.Diff([]string{`Scaled replication controller "web-1" from 2 to 5`}, msgs); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if log := c.DeployerLog("", "web-1-deploy"); len(log) == 0 || log[len(log)-1] != "--> Success" {
		t.Errorf("deployer log %q", log)
	}
}

// TestReadinessStallDCDeployerLog pins what `oc logs web-2-deploy` shows in
// the readiness-stall-dc built-in, and when the deployer gives up: its
// process starts when the pod is seen Running (1:00.696), scales web-2 to 1
// (seen at +1 s), sleeps 1 s, cannot scale down (+2 s: the last progress),
// then fails on the first loop that ends more than 600 s later, at +603 s.
func TestReadinessStallDCDeployerLog(t *testing.T) {
	data, err := Builtin("readiness-stall-dc")
	if err != nil {
		t.Fatal(err)
	}
	c, err := runScenario(t, string(data), 13*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"--> Scaling up web-2 from 0 to 3, scaling down web-1 from 3 to 0 (keep 3 pods available, don't exceed 4 pods)",
		"    Scaling web-2 up to 1",
		"error: timed out waiting for any update progress to be made",
	}
	if diff := cmp.Diff(want, c.DeployerLog("", "web-2-deploy")); diff != "" {
		t.Errorf("deployer log (-want +got):\n%s", diff)
	}
	var exit sim.Time = -1
	for _, r := range c.Log().Records() {
		if ct, ok := r.(*record.Container); ok && ct.Object == "Pod/web-2-deploy" && ct.State == "terminated" {
			exit = sim.Time(ct.T)
		}
	}
	if got, want := time.Duration(exit).Round(time.Millisecond), 60696*time.Millisecond+603*time.Second; got != want {
		t.Errorf("the deployer exited at %v, want %v", got, want)
	}
}
