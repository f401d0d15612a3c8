package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// head is a valid Scenario document start; tests append fields to it.
const head = "apiVersion: probesim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\n"

const pod = `---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: web
    image: nodejs-ex:v1
`

func lines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// TestLoadErrors pins every message of the loader: each names the file,
// line and column, the field path, and what was expected.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		sets []string
		want []string
	}{
		{"empty file", "", nil, []string{"s.yaml: empty file: expected a Scenario document (apiVersion: probesim.dev/v1alpha1, kind: Scenario)"}},
		{"invalid yaml", "a: [1,\n", nil, []string{"s.yaml:1:1: invalid YAML: did not find expected node content"}},
		{"not a scenario first", "apiVersion: v1\nkind: Pod\n", nil, []string{`s.yaml:1:1: the first document must be the Scenario (apiVersion: probesim.dev/v1alpha1, kind: Scenario), got kind "Pod"`}},
		{"wrong apiVersion", "apiVersion: probesim.dev/v1\nkind: Scenario\n", nil, []string{`s.yaml:1:13: apiVersion: expected "probesim.dev/v1alpha1", got "probesim.dev/v1"`}},
		{"missing apiVersion", "kind: Scenario\n", nil, []string{"s.yaml:1:1: missing apiVersion: expected apiVersion: probesim.dev/v1alpha1"}},
		{"unknown field with suggestion", head + "duraton: 5m\n", nil, []string{`s.yaml:4:1: duraton: unknown field "duraton" (did you mean "duration"?)`}},
		{"unknown field without suggestion", head + "zzz: 1\n", nil, []string{`s.yaml:4:1: zzz: unknown field "zzz"; expected one of: apiVersion, kind, metadata, description, seed, duration, cluster, apps, actions, traffic, expect, manifests`}},
		{"negative seed", head + "seed: -1\n", nil, []string{"s.yaml:4:7: seed: expected a non-negative integer seed, got the number -1"}},
		{"duration without unit", head + "duration: 5\n", nil, []string{`s.yaml:4:11: duration: expected a duration like "1.5s" or "2m30s", got the number 5 (a duration needs a unit: 5s?)`}},
		{"zero duration", head + "duration: 0\n", nil, []string{"s.yaml:4:11: duration: expected a positive duration, got 0"}},
		{"release not scalar", head + "cluster: {release: [1]}\n", nil, []string{`s.yaml:4:20: cluster.release: expected a release like "1.35", got a list`}},
		{"gate not bool", head + "cluster: {featureGates: {X: yes}}\n", nil, []string{`s.yaml:4:29: cluster.featureGates.X: expected true or false, got the string "yes"`}},
		{"restart period too small", head + "cluster: {kubelet: {maxContainerRestartPeriod: 500ms}}\n", nil, []string{"s.yaml:4:48: cluster.kubelet.maxContainerRestartPeriod: expected a duration of at least 1s, got 500ms"}},
		{"node without name", head + "cluster: {nodes: [{count: 2}]}\n", nil, []string{"s.yaml:4:19: cluster.nodes[0]: missing name: every node group needs one"}},
		{"duplicate node group", head + "cluster: {nodes: [{name: a}, {name: a}]}\n", nil, []string{`s.yaml:4:37: cluster.nodes[1].name: duplicate node group "a"`}},
		{"bad quantity", head + "cluster: {nodes: [{name: a, cpu: lots}]}\n", nil, []string{`s.yaml:4:34: cluster.nodes[0].cpu: expected a quantity like "4", 500m or 8Gi, got "lots"`}},
		{"count out of range", head + "cluster: {nodes: [{name: a, count: 0}]}\n", nil, []string{"s.yaml:4:36: cluster.nodes[0].count: expected an integer from 1 to 10000, got 0"}},
		{"apps error from model/app", head + "apps: {web: {strat: 2s}}\n", nil, []string{`s.yaml:4:14: apps.web.strat: unknown field "strat" (did you mean "start"?)`}},
		{"action without at", head + "actions: [{delete: {pods: app=web}}]\n", nil, []string{"s.yaml:4:11: actions[0]: missing at: every action needs the simulated time it happens at, like at: 60s"}},
		{"action without body", head + "actions: [{at: 1s}]\n", nil, []string{"s.yaml:4:11: actions[0]: missing the action: expected one of apply, delete, scale, rolloutUndo, pause, resume, signal, setApp, restartKubelet, failNode, recoverNode"}},
		{"two actions in one", head + "actions: [{at: 1s, pause: deployment/web, resume: deployment/web}]\n", nil, []string{"s.yaml:4:43: actions[0].resume: an action does one thing: pause and resume are both given; split them into two actions"}},
		{"unknown action", head + "actions: [{at: 1s, scael: {}}]\n", nil, []string{"s.yaml:4:11: actions[0]: missing the action: expected one of apply, delete, scale, rolloutUndo, pause, resume, signal, setApp, restartKubelet, failNode, recoverNode", `s.yaml:4:20: actions[0].scael: unknown field "scael" (did you mean "scale"?)`}},
		{"bad selector", head + "actions: [{at: 1s, delete: {pods: 'app in (web'}}]\n", nil, []string{"s.yaml:4:35: actions[0].delete.pods: expected a label selector (app=web) or pod/NAME: unable to parse requirement: found '', expected: ',' or ')'"}},
		{"bad pick", head + "actions: [{at: 1s, delete: {pods: app=web, pick: first}}]\n", nil, []string{`s.yaml:4:50: actions[0].delete.pick: expected all, oldest, newest or random, got "first"`}},
		{"delete with neither", head + "actions: [{at: 1s, delete: {gracePeriod: 0}}]\n", nil, []string{"s.yaml:4:28: actions[0].delete: expected pods: SELECTOR or target: KIND/NAME"}},
		{"bad ref", head + "actions: [{at: 1s, pause: web}]\n", nil, []string{`s.yaml:4:27: actions[0].pause: expected KIND/NAME, like deployment/web, got "web"`}},
		{"unknown kind", head + "actions: [{at: 1s, pause: thing/web}]\n", nil, []string{`s.yaml:4:27: actions[0].pause: unknown kind "thing" in "thing/web": expected one of pod, deployment, replicaset, service, deploymentconfig, route, node`}},
		{"scale missing replicas", head + "actions: [{at: 1s, scale: {target: deployment/web}}]\n", nil, []string{"s.yaml:4:27: actions[0].scale: missing replicas"}},
		{"unknown signal", head + "actions: [{at: 1s, signal: {pods: app=web, signal: TREM}}]\n", nil, []string{`s.yaml:4:52: actions[0].signal.signal: unknown signal: expected TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT or TSTP, got "TREM" (did you mean "TERM"?)`}},
		{"setApp without image", head + "actions: [{at: 1s, setApp: {start: 1s}}]\n", nil, []string{"s.yaml:4:28: actions[0].setApp: expected an image pattern: image: NAME or image: PREFIX*"}},
		{"node action without node", head + "actions: [{at: 1s, failNode: {}}]\n", nil, []string{"s.yaml:4:30: actions[0].failNode: missing node"}},
		{"node pull slowdown", head + "cluster: {nodes: [{name: a, pullSlowdown: 0}]}\n", nil, []string{"s.yaml:4:43: cluster.nodes[0].pullSlowdown: expected a factor above 0 and at most 1000, like 3 for pulls three times slower, got 0"}},
		{"kubelet downtime", head + "actions: [{at: 1s, restartKubelet: {node: n, downtime: soon}}]\n", nil, []string{`s.yaml:4:56: actions[0].restartKubelet.downtime: expected a duration like "1.5s" or "2m30s", got the string "soon": invalid duration`}},
		{"apply without kind", head + "actions: [{at: 1s, apply: {metadata: {name: web}}}]\n", nil, []string{"s.yaml:4:27: actions[0].apply: missing kind: expected a Kubernetes manifest (Pod, Deployment, ReplicaSet, Service, DeploymentConfig, Route)"}},
		{"traffic without rate", head + "traffic: [{target: service/web}]\n", nil, []string{"s.yaml:4:11: traffic[0]: missing rate: expected requests per second, like 20/s"}},
		{"traffic bad rate", head + "traffic: [{target: service/web, rate: fast}]\n", nil, []string{`s.yaml:4:39: traffic[0].rate: expected a positive rate like 20/s, 300/m or 2/h, got the string "fast"`}},
		{"traffic to a pod", head + "traffic: [{target: pod/web, rate: 1/s}]\n", nil, []string{"s.yaml:4:20: traffic[0].target: expected service/NAME or route/NAME, got Pod/web"}},
		{"traffic until before from", head + "traffic: [{target: service/web, rate: 1, from: 2m, until: 1m}]\n", nil, []string{"s.yaml:4:59: traffic[0].until: expected a time after from (2m0s), got 1m0s"}},
		{"expectation without time", head + "expect: [{pods: app=web, ready: 1/1}]\n", nil, []string{"s.yaml:4:10: expect[0]: missing the time: expected one of at: d, by: d, never: true, always: true"}},
		{"expectation with two times", head + "expect: [{at: 1m, by: 2m, pods: app=web, ready: 1/1}]\n", nil, []string{"s.yaml:4:10: expect[0]: expected exactly one of at, by, never and always, got at and by"}},
		{"never false", head + "expect: [{never: false, pods: app=web, ready: 1/1}]\n", nil, []string{"s.yaml:4:18: expect[0].never: expected true (never: false says nothing; leave it out)"}},
		{"window with at", head + "expect: [{at: 1m, window: [0, 1m], pods: app=web, ready: 1/1}]\n", nil, []string{"s.yaml:4:19: expect[0].window: window applies to never and always only"}},
		{"window reversed", head + "expect: [{always: true, window: [2m, 1m], pods: app=web, ready: 1/1}]\n", nil, []string{"s.yaml:4:38: expect[0].window[1]: expected a time after 2m0s, got 1m0s"}},
		{"expectation without condition", head + "expect: [{at: 1m, service: web}]\n", nil, []string{"s.yaml:4:10: expect[0]: missing a condition on service: expected readyEndpoints"}},
		{"expectation without subject", head + "expect: [{at: 1m, ready: 1/1}]\n", nil, []string{"s.yaml:4:10: expect[0]: missing the subject: expected one of pods, event, deployment, deploymentConfig, service, traffic"}},
		{"condition on the wrong subject", head + "expect: [{at: 1m, service: web, restarts: 1}]\n", nil, []string{"s.yaml:4:33: expect[0].restarts: restarts is not a condition on service: expected readyEndpoints"}},
		{"bad comparison", head + "expect: [{at: 1m, pods: app=web, restarts: 'about 4'}]\n", nil, []string{`s.yaml:4:44: expect[0].restarts: expected a number or a comparison like ">= 4", got "about 4"`}},
		{"bad ready", head + "expect: [{at: 1m, pods: app=web, ready: yes}]\n", nil, []string{`s.yaml:4:41: expect[0].ready: expected READY as kubectl shows it, like "1/1", got "yes"`}},
		{"bad phase", head + "expect: [{at: 1m, pods: app=web, phase: Crashing}]\n", nil, []string{`s.yaml:4:41: expect[0].phase: expected Pending, Running, Succeeded, Failed or Unknown, got "Crashing"`}},
		{"bad condition status", head + "expect: [{at: 1m, deployment: web, condition: {Progressing: maybe}}]\n", nil, []string{`s.yaml:4:61: expect[0].condition.Progressing: expected "True", "False" or "Unknown", got the string "maybe"`}},
		{"bad regexp", head + "expect: [{by: 1m, event: {message: '('}}]\n", nil, []string{"s.yaml:4:36: expect[0].event.message: expected a regular expression: error parsing regexp: missing closing ): `(`"}},
		{"empty event", head + "expect: [{by: 1m, event: {}}]\n", nil, []string{"s.yaml:4:26: expect[0].event: expected at least one of reason, message, object"}},
		{"bad p99", head + "expect: [{always: true, traffic: service/web, p99: '< fast'}]\n", nil, []string{`s.yaml:4:52: expect[0].p99: expected a comparison like "< 200ms", got "< fast": invalid duration`}},
		{"manifest without kind", head + "---\napiVersion: v1\nmetadata: {name: x}\n", nil, []string{"s.yaml:5:1: documents[1]: missing kind: expected a Kubernetes manifest (Pod, Deployment, ReplicaSet, Service, DeploymentConfig, Route)"}},
		{"manifest without name", head + "---\napiVersion: v1\nkind: Pod\nmetadata: {}\n", nil, []string{"s.yaml:7:11: documents[1].metadata: missing name"}},
		{"unknown manifest kind", head + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", nil, []string{`s.yaml:6:7: ConfigMap/x kind: unsupported kind "ConfigMap": the simulator models Deployment, DeploymentConfig, Pod, ReplicaSet, ReplicationController, Route or Service`}},
		{"manifest unknown field", head + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containerz: []}\n", nil, []string{`s.yaml:8:8: Pod/x spec: unknown field "containerz"; did you mean "containers"?`}},
		{"duplicate manifest", head + pod + pod, nil, []string{"s.yaml:13:1: documents[2]: Pod/web is defined twice (first in documents[1])"}},
		{"manifest not a mapping", head + "---\n- a\n", nil, []string{"s.yaml:5:1: documents[1]: expected a mapping, got a list"}},
		{"errors all at once, in file order", head + "seed: x\nduration: 1\nzzz: 1\n", nil, []string{
			`s.yaml:4:7: seed: expected a non-negative integer seed, got the string "x"`,
			`s.yaml:5:11: duration: expected a duration like "1.5s" or "2m30s", got the number 1 (a duration needs a unit: 1s?)`,
			`s.yaml:6:1: zzz: unknown field "zzz"; expected one of: apiVersion, kind, metadata, description, seed, duration, cluster, apps, actions, traffic, expect, manifests`,
		}},
		{"metadata unknown field", "apiVersion: probesim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t, nmae: u}\n", nil, []string{`s.yaml:3:21: metadata.nmae: unknown field "nmae" (did you mean "name"?)`}},
		{"seed too large", head + "seed: 18446744073709551616\n", nil, []string{"s.yaml:4:7: seed: expected a non-negative integer seed, got the number 18446744073709551616"}},
		{"kubelet unknown field", head + "cluster: {kubelet: {maxRestart: 1s}}\n", nil, []string{`s.yaml:4:21: cluster.kubelet.maxRestart: unknown field "maxRestart"; expected one of: maxContainerRestartPeriod, serializeImagePulls, maxParallelImagePulls`}},
		{"setApp error keeps the action's path", head + "actions: [{at: 1s, setApp: {image: x, strat: 1s}}]\n", nil, []string{`s.yaml:4:39: actions[0].setApp.strat: unknown field "strat" (did you mean "start"?)`}},
		{"delete with both", head + "actions: [{at: 1s, delete: {pods: app=web, target: pod/web}}]\n", nil, []string{"s.yaml:4:28: actions[0].delete: expected one of pods and target, not both"}},
		{"rolloutUndo without target", head + "actions: [{at: 1s, rolloutUndo: {toRevision: 1}}]\n", nil, []string{"s.yaml:4:33: actions[0].rolloutUndo: missing target"}},
		{"apply not a mapping", head + "actions: [{at: 1s, apply: web}]\n", nil, []string{`s.yaml:4:27: actions[0].apply: expected a mapping, got the string "web"`}},
		{"action bad at", head + "actions: [{at: soon, pause: deployment/web}]\n", nil, []string{`s.yaml:4:16: actions[0].at: expected a duration like "1.5s" or "2m30s", got the string "soon": invalid duration`}},
		{"traffic bad arrival", head + "traffic: [{target: service/web, rate: 1/s, arrival: bursts}]\n", nil, []string{`s.yaml:4:53: traffic[0].arrival: expected constant, poisson or burst, got "bursts" (did you mean "burst"?)`}},
		{"burst without burst", head + "traffic: [{target: service/web, arrival: burst}]\n", nil, []string{"s.yaml:4:11: traffic[0]: missing burst: arrival: burst needs burst: {size: N, every: DURATION}"}},
		{"burst with rate", head + "traffic: [{target: service/web, rate: 1/s, arrival: burst, burst: {size: 5, every: 1s}}]\n", nil, []string{"s.yaml:4:39: traffic[0].rate: a burst's rate is its size and interval: remove rate"}},
		{"burst without arrival", head + "traffic: [{target: service/web, burst: {size: 5, every: 1s}}]\n", nil, []string{"s.yaml:4:40: traffic[0].burst: burst needs arrival: burst"}},
		{"burst misspelt", head + "traffic: [{target: service/web, arrival: burst, burst: {sise: 5, every: 1s}}]\n", nil, []string{
			"s.yaml:4:56: traffic[0].burst: expected burst: {size: N, every: DURATION}, like {size: 50, every: 10s}",
			`s.yaml:4:57: traffic[0].burst.sise: unknown field "sise" (did you mean "size"?)`,
		}},
		{"pattern half", head + "traffic: [{target: service/web, rate: 1/s, pattern: {on: 10s}}]\n", nil, []string{"s.yaml:4:53: traffic[0].pattern: expected pattern: {on: DURATION, off: DURATION}, like {on: 30s, off: 90s}"}},
		{"points out of order", head + "traffic: [{target: service/web, rate: [{at: '09:00', rate: 5/s}, {at: '08:00', rate: 1/s}]}]\n", nil, []string{"s.yaml:4:71: traffic[0].rate[1].at: expected the points in time order: 08:00:00 comes before the previous point's 09:00:00"}},
		{"point bad time", head + "traffic: [{target: service/web, rate: [{at: '25:00', rate: 5/s}]}]\n", nil, []string{`s.yaml:4:45: traffic[0].rate[0].at: expected a time of day like "09:00" or "17:30:00", got "25:00"`}},
		{"points all zero", head + "traffic: [{target: service/web, rate: [{at: '09:00', rate: 0}]}]\n", nil, []string{"s.yaml:4:39: traffic[0].rate: the rate curve sends no requests: its rate is 0 at every moment"}},
		{"points positive only at an instant", head + "traffic: [{target: service/web, rate: [{at: '09:00', rate: 0}, {at: '09:00', rate: 5/s}, {at: '09:00', rate: 0}]}]\n", nil, []string{"s.yaml:4:39: traffic[0].rate: the rate curve sends no requests: its rate is 0 at every moment"}},
		{"daily trough above peak", head + "traffic: [{target: service/web, rate: {daily: {peak: 1/s, trough: 5/s}}}]\n", nil, []string{"s.yaml:4:67: traffic[0].rate.daily.trough: expected a trough no higher than the peak"}},
		{"daily misspelt", head + "traffic: [{target: service/web, rate: {dayly: {peak: 1/s, trough: 0}}}]\n", nil, []string{
			"s.yaml:4:39: traffic[0].rate: expected a rate (20/s), a list of points, or {daily: {peak, trough, peakAt}}",
			`s.yaml:4:40: traffic[0].rate.dayly: unknown field "dayly" (did you mean "daily"?)`,
		}},
		{"slo 100%", head + "traffic: [{target: service/web, rate: 1/s, slo: {availability: 100%}}]\n", nil, []string{`s.yaml:4:64: traffic[0].slo.availability: expected a percentage above 0% and below 100%, like 99.9%, got "100%"`}},
		{"slo without availability", head + "traffic: [{target: service/web, rate: 1/s, slo: {latency: 1s}}]\n", nil, []string{"s.yaml:4:49: traffic[0].slo: missing availability: expected a percentage like 99.9%"}},
		{"misspelt pick", head + "actions: [{at: 1s, delete: {pods: app=web, pick: newset}}]\n", nil, []string{`s.yaml:4:50: actions[0].delete.pick: expected all, oldest, newest or random, got "newset" (did you mean "newest"?)`}},
		{"misspelt phase", head + "expect: [{at: 1m, pods: app=web, phase: Runing}]\n", nil, []string{`s.yaml:4:41: expect[0].phase: expected Pending, Running, Succeeded, Failed or Unknown, got "Runing" (did you mean "Running"?)`}},
		{"misspelt kind", head + "traffic: [{target: servcie/web, rate: 1/s}]\n", nil, []string{`s.yaml:4:20: traffic[0].target: unknown kind "servcie" in "servcie/web": expected one of pod, deployment, replicaset, service, deploymentconfig, route, node (did you mean "service"?)`}},
		{"traffic bad path", head + "traffic: [{target: service/web, rate: 1/s, path: message}]\n", nil, []string{`s.yaml:4:50: traffic[0].path: expected a path starting with /, got "message"`}},
		{"two subjects", head + "expect: [{at: 1m, pods: app=web, service: web, ready: 1/1}]\n", nil, []string{"s.yaml:4:10: expect[0]: expected exactly one subject, got pods and service"}},
		{"two condition types", head + "expect: [{at: 1m, deployment: web, condition: {Available: true, Progressing: true}}]\n", nil, []string{"s.yaml:4:65: expect[0].condition.Progressing: expected one condition type, got Available and Progressing"}},
		{"condition without type", head + "expect: [{at: 1m, deployment: web, condition: {reason: X}}]\n", nil, []string{`s.yaml:4:47: expect[0].condition: expected a condition, like {Progressing: "False", reason: ProgressDeadlineExceeded}`}},
		{"window of one", head + "expect: [{never: true, window: [1m], pods: app=web, ready: 1/1}]\n", nil, []string{"s.yaml:4:32: expect[0].window: expected [FROM, UNTIL], like [1m, 5m], got 1 items"}},
		{"bad count", head + "expect: [{at: 1m, pods: app=web, count: [1]}]\n", nil, []string{`s.yaml:4:41: expect[0].count: expected a number or a comparison like ">= 4", got a list`}},
		{"bad event object", head + "expect: [{by: 1m, event: {object: 'a in ('}}]\n", nil, []string{"s.yaml:4:35: expect[0].event.object: expected KIND/NAME or a pod selector: expected a label selector (app=web) or pod/NAME: unable to parse requirement: found '', expected: ',', ')' or identifier"}},
		{"manifest without apiVersion", head + "---\nkind: Pod\nmetadata: {name: x}\n", nil, []string{"s.yaml:5:1: documents[1]: missing apiVersion"}},
		{"manifest without metadata", head + "---\napiVersion: v1\nkind: Pod\n", nil, []string{"s.yaml:5:1: documents[1]: missing metadata.name"}},
		{"set bad value", head, []string{"duration=[5m"}, []string{"s.yaml: --set duration=[5m: the value is not valid YAML: line 1: did not find expected ',' or ']'"}},
		{"set unterminated bracket", head, []string{`apps["x=1`}, []string{`s.yaml: --set apps["x=1: expected PATH=VALUE, like duration=5m or deployment/web:spec.replicas=3`}},
		{"set unknown kind", head, []string{"thing/web:spec.x=1"}, []string{`s.yaml: --set thing/web:spec.x=1: unknown kind "thing" in "thing/web": expected one of pod, deployment, replicaset, service, deploymentconfig, route, node`}},
		{"set without =", head, []string{"duration"}, []string{"s.yaml: --set duration: expected PATH=VALUE, like duration=5m or deployment/web:spec.replicas=3"}},
		{"set unknown manifest", head + pod, []string{"deployment/web:spec.replicas=3"}, []string{"s.yaml: --set deployment/web:spec.replicas=3: no Deployment/web in the scenario; it has pod/web"}},
		{"set unknown container", head + pod, []string{"pod/web:containers[app].image=x"}, []string{`s.yaml: --set pod/web:containers[app].image=x: spec.containers has no item named "app"; it has web`}},
		{"set index past end", head + pod, []string{"pod/web:spec.containers[3].image=x"}, []string{"s.yaml: --set pod/web:spec.containers[3].image=x: spec.containers has 1 items; index 3 is past the end"}},
		{"set into a scalar", head + "duration: 5m\n", []string{"duration.x=1"}, []string{"s.yaml: --set duration.x=1: duration is the string \"5m\", not a mapping"}},
		{"set value decoded with a position", head + "duration: 5m\n", []string{"duration=5"}, []string{`s.yaml:4:11: duration: expected a duration like "1.5s" or "2m30s", got the number 5 (a duration needs a unit: 5s?)`}},
		{"set bad path", head, []string{"a..b=1"}, []string{`s.yaml: --set a..b=1: bad path "a..b": empty key at offset 1`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(tc.src), tc.sets...)
			if diff := cmp.Diff(tc.want, lines(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadValid(t *testing.T) {
	src := head + `description: d
seed: 7
duration: 90s
cluster:
  release: 1.35.2
  featureGates: {ReduceDefaultCrashLoopBackOffDecay: true}
  nodes: [{name: node, count: 2, cpu: "4", memory: 8Gi, pods: 110}, {name: big}]
actions:
- {at: 1m, delete: {pods: app=web, pick: newest, gracePeriod: 0}}
- {at: 2m, signal: {pods: pod/web, container: web, signal: SIGTERM}}
- {at: 3m, scale: {target: deploy/web, replicas: 5}}
- {at: 4m, delete: deploy/web}
- {at: 4m, setApp: {image: "nodejs-ex:*", start: 5s}}
expect:
- {at: 4m, pods: app=web, status: CrashLoopBackOff, restarts: ">= 4"}
- {never: true, window: [1m, 2m], event: {reason: Killing, object: app=web}, count: "> 1"}
- {by: 12m, deployment: web, condition: {Progressing: false, reason: ProgressDeadlineExceeded}}
` + pod
	s, err := Load("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "t" || s.Description != "d" || *s.Seed != 7 || *s.Duration != 90*time.Second {
		t.Errorf("scenario fields: %+v", s)
	}
	if s.Cluster.Release != "1.35.2" {
		t.Errorf("release = %q", s.Cluster.Release)
	}
	if r, err := Load("s.yaml", []byte(head+"cluster: {release: 1.20}\n")); err != nil || r.Cluster.Release != "1.20" {
		t.Errorf("an unquoted 1.20 must read as the text 1.20, not 1.2: %v", err)
	}
	var types []string
	for _, a := range s.Actions {
		types = append(types, a.Type)
	}
	if diff := cmp.Diff([]string{"delete", "signal", "scale", "delete", "setApp"}, types); diff != "" {
		t.Error(diff)
	}
	if d := s.Actions[0].Delete; d.Pods.Pick != "newest" || *d.GracePeriod != 0 {
		t.Errorf("delete = %+v", d)
	}
	if sg := s.Actions[1].Signal; sg.Signal != "TERM" || sg.Pods.Selector.Name != "web" {
		t.Errorf("signal = %+v", sg)
	}
	if sc := s.Actions[2].Scale; sc.Target != (ObjectRef{"Deployment", "web"}) || sc.Replicas != 5 {
		t.Errorf("scale = %+v", sc)
	}
	var xs []string
	for _, x := range s.Expect {
		xs = append(xs, x.String())
	}
	want := []string{
		"at 4m: pods app=web status CrashLoopBackOff, restarts >= 4",
		"never in [1m, 2m]: event Killing on app=web count > 1",
		"by 12m: deployment web condition Progressing=False (ProgressDeadlineExceeded)",
	}
	if diff := cmp.Diff(want, xs); diff != "" {
		t.Error(diff)
	}

	cfg, err := s.Config(Options{})
	if err == nil || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Config: want ErrUnsupported for deleting a Deployment, got %v", err)
	}
	if got, want := err.Error(), "s.yaml:15:12: actions[3].delete: action delete is not supported by this build yet"; got != want {
		t.Errorf("Config error = %q, want %q", got, want)
	}
	s.Actions = append(s.Actions[:3], s.Actions[4])
	cfg, err = s.Config(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, n := range cfg.Nodes {
		nodes = append(nodes, n.Name)
	}
	if diff := cmp.Diff([]string{"node-1", "node-2", "big"}, nodes); diff != "" {
		t.Error(diff)
	}
	if cfg.Seed != 7 || cfg.Profile.Name != "1.35" || !cfg.Profile.Gate("ReduceDefaultCrashLoopBackOffDecay") {
		t.Errorf("config: seed %d profile %+v", cfg.Seed, cfg.Profile)
	}
	if len(cfg.Objects) != 1 || len(cfg.Actions) != 4 {
		t.Errorf("config: %d objects, %d actions", len(cfg.Objects), len(cfg.Actions))
	}
}

func TestPrecedence(t *testing.T) {
	s, err := Load("s.yaml", []byte(head))
	if err != nil {
		t.Fatal(err)
	}
	if s.SeedFor(Options{}) != DefaultSeed || s.DurationFor(Options{}) != DefaultDuration {
		t.Error("defaults")
	}
	seed, until := uint64(9), time.Minute
	s.Seed, s.Duration = new(uint64), new(time.Duration)
	*s.Seed, *s.Duration = 3, time.Hour
	if s.SeedFor(Options{}) != 3 || s.DurationFor(Options{}) != time.Hour {
		t.Error("the file's values")
	}
	if s.SeedFor(Options{Seed: &seed}) != 9 || s.DurationFor(Options{Until: &until}) != time.Minute {
		t.Error("the flags win")
	}
	cfg, err := s.Config(Options{Release: "1.11"})
	if err != nil || cfg.Profile.Name != "1.11" {
		t.Errorf("--release: %v %v", cfg.Profile, err)
	}
	if _, err := s.Config(Options{Release: "0.9"}); err == nil || !strings.Contains(err.Error(), `s.yaml: --release: unknown release "0.9"`) {
		t.Errorf("bad release: %v", err)
	}
}

// TestClusterErrorsAtOnce pins that every problem of the cluster section
// is reported together, each at its line, with the closest valid name: by
// the loader for what is wrong in any release, by Config for what is wrong
// in the chosen one.
func TestClusterErrorsAtOnce(t *testing.T) {
	_, err := Load("s.yaml", []byte(head+`cluster:
  release: "1.366"
  featureGates: {ReduceDefaultCrashLoopBackofDecay: true}
`), "cluster.release[0]=x", "cluster.kubelet.maxContainerRestartPeriod=0.5s")
	want := []string{
		`s.yaml: --set cluster.release[0]=x: cluster.release is the string "1.366", not a list`,
		`s.yaml:5:3: cluster.kubelet.maxContainerRestartPeriod: expected a duration of at least 1s, got 500ms`,
		`s.yaml:5:12: cluster.release: unknown release: expected 1.1, 1.11, 1.14, 1.18, 1.20, 1.21, 1.22, 1.25, 1.26, 1.28, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35 or 1.36, got "1.366" (did you mean "1.36"?)`,
		`s.yaml:6:18: cluster.featureGates.ReduceDefaultCrashLoopBackofDecay: unknown feature gate: expected ChangeContainerStatusOnKubeletRestart, KubeletCrashLoopBackOffMax, KubeletEnsureSecretPulledImages, PodReadyToStartContainersCondition or ReduceDefaultCrashLoopBackOffDecay, got "ReduceDefaultCrashLoopBackofDecay" (did you mean "ReduceDefaultCrashLoopBackOffDecay"?)`,
	}
	if diff := cmp.Diff(want, lines(err)); diff != "" {
		t.Errorf("loader errors (-want +got):\n%s", diff)
	}

	s, err := Load("s.yaml", []byte(head+`cluster:
  release: "1.30"
  featureGates: {ReduceDefaultCrashLoopBackOffDecay: true}
  nodes: [{name: n-1}, {name: n, count: 2}]
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Config(Options{})
	want = []string{
		`s.yaml:6:18: cluster.featureGates.ReduceDefaultCrashLoopBackOffDecay: feature gate "ReduceDefaultCrashLoopBackOffDecay" does not exist in release 1.30: the model knows ReduceDefaultCrashLoopBackOffDecay (1.33+), KubeletCrashLoopBackOffMax (1.32+), KubeletEnsureSecretPulledImages (1.33+), ChangeContainerStatusOnKubeletRestart (1.35+) and PodReadyToStartContainersCondition (1.28+)`,
		`s.yaml:7:24: cluster.nodes[1]: two nodes are named "n-1" (a group with count N is named NAME-1..NAME-N)`,
	}
	if diff := cmp.Diff(want, lines(err)); diff != "" {
		t.Errorf("Config errors (-want +got):\n%s", diff)
	}
}

func TestApplySet(t *testing.T) {
	src := head + "duration: 5m\napps: {\"nodejs-ex:*\": {start: 2s}}\n" + `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nodejs-ex:v1
        livenessProbe: {httpGet: {path: /, port: 8080}}
`
	s, err := Load("s.yaml", []byte(src),
		"duration=7m", "seed=4", "cluster.release=1.11", `apps["nodejs-ex:*"].start=40s`,
		"deployment/web:containers[web].livenessProbe.periodSeconds=5",
		"deploy/web:spec.template.spec.containers[0].image=nodejs-ex:v2",
		"deployment/web:spec.replicas=3")
	if err != nil {
		t.Fatal(err)
	}
	if *s.Duration != 7*time.Minute || *s.Seed != 4 || s.Cluster.Release != "1.11" {
		t.Errorf("scenario overrides: %v %v %q", *s.Duration, *s.Seed, s.Cluster.Release)
	}
	d := s.Manifests[0].Object.(interface{ GetName() string })
	_ = d
	dep := s.Manifests[0].Object
	c := deploymentContainer(t, dep)
	if c.LivenessProbe.PeriodSeconds != 5 || c.Image != "nodejs-ex:v2" {
		t.Errorf("container: period %d image %s", c.LivenessProbe.PeriodSeconds, c.Image)
	}
}

// TestNodeActionsNameANode checks that failNode, recoverNode and
// restartKubelet are refused before the run when they name a node the
// cluster does not have, and that node groups carry their resources.
func TestNodeActionsNameANode(t *testing.T) {
	src := head + `cluster:
  nodes: [{name: worker, count: 2, cpu: 1500m, memory: 2Gi, pods: 8}]
actions:
- {at: 1m, failNode: {node: worker-3}}
- {at: 2m, recoverNode: {node: worker-2}}
` + pod
	s, err := Load("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Config(Options{})
	if got, want := fmt.Sprint(err), `s.yaml:7:12: actions[0].failNode: no node named "worker-3"; the nodes are worker-1, worker-2`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	s.Actions = s.Actions[1:]
	cfg, err := s.Config(Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.Nodes[1]
	if n.Name != "worker-2" || n.CPU.MilliValue() != 1500 || n.Memory.Value() != 2<<30 || n.Pods != 8 {
		t.Errorf("node = %s cpu %s memory %s pods %d", n.Name, n.CPU.String(), n.Memory.String(), n.Pods)
	}
}
