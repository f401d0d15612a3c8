package scenarios

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSidecarsRefused pins that a restartable init container (a sidecar,
// spec.initContainers[i].restartPolicy: Always, which the API accepts from
// 1.28) is refused with its file, line, column and field instead of being
// run as a regular init container: the model does not simulate sidecars
// yet (docs/fidelity.md, "Init containers").
func TestSidecarsRefused(t *testing.T) {
	const file = `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: s}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
      - name: proxy
        image: envoy
        restartPolicy: Always
      containers:
      - {name: app, image: nginx}
`
	wantUnsupported(t, file, "s.yaml:16:24: Deployment/web spec.template.spec.initContainers[0].restartPolicy: Forbidden: restartable init containers (sidecars) are not simulated yet; only regular init containers (no restartPolicy) are")
}

// wantUnsupported loads file as s.yaml and requires Config to refuse it as
// unsupported with exactly the message want. It returns the scenario.
func wantUnsupported(t *testing.T, file, want string) *Scenario {
	t.Helper()
	s, err := Load("s.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Config(Options{})
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Config: want ErrUnsupported, got %v", err)
	}
	if got := err.Error(); got != want {
		t.Errorf("Config error =\n%s\nwant\n%s", got, want)
	}
	return s
}

// TestInitContainersRefusedOn11 pins that release 1.1 refuses init
// containers: its pod spec had no initContainers field (it came in 1.6),
// and its kubelet model (legacy.go) has no init step.
func TestInitContainersRefusedOn11(t *testing.T) {
	const file = `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: s}
cluster: {release: "1.1"}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - {name: setup, image: migrate}
  containers:
  - {name: app, image: nginx}
`
	s := wantUnsupported(t, file, "s.yaml:10:3: Pod/web spec.initContainers: Forbidden: release 1.1 has no init containers (the field came in Kubernetes 1.6); they are not simulated on it")
	// The same pod on 1.11 runs.
	if _, err := s.Config(Options{Release: "1.11"}); err != nil {
		t.Errorf("1.11: %v", err)
	}
}

// TestInitContainerWithoutExitWarned: an init container whose image the
// apps catalog does not describe runs the default behaviour, which never
// exits; the run says so, with the container's line, rather than invent an
// exit. One the catalog gives an exit is not warned about.
func TestInitContainerWithoutExitWarned(t *testing.T) {
	const file = `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: s}
apps:
  migrate: {exit: {after: 20s}}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - {name: migrate, image: migrate}
  - {name: setup, image: busybox}
  containers:
  - {name: app, image: nginx}
`
	s, err := Load("s.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`s.yaml:13: Pod/web spec.initContainers[1]: init container "setup" (image "busybox") never exits by itself: the apps catalog gives its image no exit, so the pod stays Init:1/2; describe it, e.g. apps: {"busybox": {exit: {after: 5s}}}`}
	if diff := cmp.Diff(want, s.Warnings(cfg)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
