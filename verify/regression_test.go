package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// TestPodRemovedAtOnceIsRecorded pins a bug TestWholeModel found: the API
// server removes a pod that is not bound yet, or that is in a terminal
// phase, at once (registry/core/pod strategy CheckGracefulDelete; fact sheet
// 8.1), and no kubelet records that removal. The log had no `Object
// deleted` record for such a pod, so a script following the JSONL saw it
// exist for ever.
func TestPodRemovedAtOnceIsRecorded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		at     string
		app    string
		policy string
	}{
		// Deleted at 0, before the 10 ms binding: unbound.
		{"unbound", "0s", "{}", "Always"},
		// Exited 0 under restartPolicy Never: Succeeded.
		{"succeeded", "20s", "{exit: {after: 1s, code: 0}}", "Never"},
		// Exited 1 under restartPolicy Never: Failed.
		{"failed", "20s", "{exit: {after: 1s, code: 1}}", "Never"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf(`apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: removed}
duration: 1m
apps:
  web:*: %s
actions:
- {at: %s, delete: pod/web}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  restartPolicy: %s
  containers:
  - {name: c, image: "web:v1"}
`, tc.app, tc.at, tc.policy)
			out, err := runText("removed.yaml", text, runOptions{})
			if err != nil || out.panicked != "" || out.actErr != nil {
				t.Fatalf("run: %v %v %s", err, out.actErr, out.panicked)
			}
			var deleted []sim.Time
			for _, r := range out.records {
				if o, ok := r.(*record.Object); ok && o.Object == "Pod/web" && o.Action == "deleted" {
					deleted = append(deleted, sim.Time(o.T))
				}
			}
			if len(deleted) != 1 {
				t.Fatalf("%d deleted records for Pod/web, want 1", len(deleted))
			}
			if problems := checkLog(out.records, genCase{}); len(problems) > 0 {
				t.Errorf("invariants: %v", problems)
			}
		})
	}
}

// TestLegacyProbeEndsWithItsKubelet pins a bug TestWholeModel found: on 1.1,
// where probes run inside the pod sync with up to three tries, a probe in
// flight when `restartKubelet` stopped the kubelet still recorded its result
// and started the next try, while no kubelet ran (kubelet.go of v1.1.0:
// the prober is part of the kubelet process; docs/fidelity.md, "Kubelet
// restart": syncs in progress are lost).
func TestLegacyProbeEndsWithItsKubelet(t *testing.T) {
	g := genCase{downs: []kubeletDown{{node: "node", from: 73 * time.Second, to: 78 * time.Second}}}
	g.text = `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: legacy-restart}
duration: 2m
cluster: {release: "1.1"}
apps:
  web:*: {http: {8080: {/ready: hang}}}
actions:
- {at: 73s, restartKubelet: {node: node, downtime: 5s}}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: c
    image: "web:v1"
    readinessProbe: {httpGet: {path: /ready, port: 8080}, timeoutSeconds: 3, periodSeconds: 1}
`
	out, err := runText("legacy-restart.yaml", g.text, runOptions{})
	if err != nil || out.panicked != "" || out.actErr != nil {
		t.Fatalf("run: %v %v %s", err, out.actErr, out.panicked)
	}
	if problems := checkLog(out.records, g); len(problems) > 0 {
		t.Errorf("invariants:\n%s", strings.Join(problems, "\n"))
	}
	// The new kubelet probes again.
	n := 0
	for _, r := range out.records {
		if p, ok := r.(*record.Probe); ok && sim.Time(p.T) > sim.Time(78*time.Second) {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no probe after the new kubelet started")
	}
}

// TestSavedScenarios replays every scenario in testdata/: cases the
// generator found, kept once fixed, each checked with every invariant.
//   - restarts-down-1.1.yaml: when the kubelet heard through its watch of a
//     change it did not make (a deletion), it recorded what kubectl shows
//     from the object as the watch delivered it, even when it had written a
//     newer status since: RESTARTS went 3 → 2 → 3 within 5 ms. What kubectl
//     shows at that moment is the API's current object.
//   - dc-history-deletes-deployer-pod.yaml: a DeploymentConfig's revision
//     history cleanup deleted the finished deployer pod of an old
//     ReplicationController; the pod went at once, unrecorded.
//   - probe-in-flight-at-kubelet-stop-1.20.yaml: a probe that outlived the
//     kubelet process that started it (restartKubelet) still recorded its
//     result while no kubelet ran.
//   - unbound-pod-deleted-by-rs.yaml: the ReplicaSet controller deletes a
//     pod before it is bound; its removal must be recorded once.
func TestSavedScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no saved scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc := newStoreChecker()
			out, err := runText(f, string(text), runOptions{chunk: time.Second, check: sc.check})
			if err != nil || out.panicked != "" {
				t.Fatalf("run: %v %s", err, out.panicked)
			}
			g := genCase{}
			for _, a := range out.scenario.Actions {
				if a.RestartKubelet != nil {
					g.downs = append(g.downs, kubeletDown{node: a.RestartKubelet.Node, from: a.At, to: a.At + a.RestartKubelet.Downtime})
				}
			}
			if problems := append(out.problems, checkLog(out.records, g)...); len(problems) > 0 {
				t.Errorf("invariants:\n%s", strings.Join(problems, "\n"))
			}
		})
	}
}

// TestProbeWorkersExistAtRestartedKubeletsFirstSync pins a fidelity bug
// TestWholeModel found (a 1.18 Deployment whose container's status read
// Started and Ready right after a kubelet restart): up to 1.21 the kubelet
// creates probe workers when a pod is added (HandlePodAdditions, after
// dispatchWork; docs/fidelity.md P1), so when a restarted kubelet's first
// sync generates the status, the readiness worker exists without a result
// and UpdatePodStatus (prober_manager.go) makes the container not ready
// until its first probe succeeds. The model created the workers in that
// first sync, after generating the status, so the Ready pod turned NotReady
// only at the sync after. The first sync of a restarted kubelet waits for
// its first relist (GetNewerThan on an empty cache, K3), less than 1 s
// after the start.
func TestProbeWorkersExistAtRestartedKubeletsFirstSync(t *testing.T) {
	for _, release := range []string{"1.11", "1.18", "1.20", "1.21"} {
		for seed := 1; seed <= 5; seed++ {
			text := fmt.Sprintf(`apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: restart-readiness}
seed: %d
duration: 100s
cluster: {release: %q}
actions:
- {at: 60s, restartKubelet: {node: node, downtime: 3s}}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: c
    image: "web:v1"
    readinessProbe: {exec: {command: [check]}, periodSeconds: 30}
`, seed, release)
			out, err := runText("restart-readiness.yaml", text, runOptions{})
			if err != nil || out.panicked != "" || out.actErr != nil {
				t.Fatalf("run: %v %v %s", err, out.actErr, out.panicked)
			}
			start := sim.Time(63 * time.Second)
			notReady, probed := sim.Never, sim.Never
			for _, r := range out.records {
				if sim.Time(r.Base().T) <= start {
					continue
				}
				switch r := r.(type) {
				case *record.PodStatus:
					if !r.Conditions["Ready"] && notReady == sim.Never {
						notReady = sim.Time(r.T)
					}
				case *record.Probe:
					if probed == sim.Never {
						probed = sim.Time(r.T)
					}
				}
			}
			if probed < start.Add(time.Second) {
				continue // the worker's start jitter ended before the first sync: nothing to see
			}
			if notReady >= start.Add(time.Second) {
				t.Errorf("%s seed %d: NotReady at %s, want at the new kubelet's first sync, before %s (first probe at %s)",
					release, seed, fmtT(notReady), fmtT(start.Add(time.Second)), fmtT(probed))
			}
		}
	}
}
