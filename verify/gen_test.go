package verify

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/version"
)

// A generated scenario: the file's text, and what the checks need to know
// about it without parsing it back.
type genCase struct {
	text     string
	release  string
	duration time.Duration
	// downs are the kubelet restarts the actions cause.
	downs []kubeletDown
}

type kubeletDown struct {
	node     string
	from, to time.Duration
}

// obj is a YAML mapping; the marshaller sorts its keys, which keeps the
// text a function of the draws alone.
type obj = map[string]any

func secs(s int) string { return fmt.Sprintf("%ds", s) }

func ms(n int) string { return fmt.Sprintf("%dms", n) }

// drawAnswer draws an HTTP answer: a status, a latency, a hang, or a
// timeline that changes after a random time since the container started.
func drawAnswer(t *rapid.T, label string) any {
	status := func(l string) int { return rapid.SampledFrom([]int{200, 200, 204, 301, 404, 500, 503}).Draw(t, l) }
	switch rapid.IntRange(0, 5).Draw(t, label+".form") {
	case 0, 1:
		return status(label + ".status")
	case 2:
		return obj{"status": status(label + ".status"), "latency": ms(rapid.IntRange(0, 4000).Draw(t, label+".latencyMs"))}
	case 3:
		return "hang"
	default:
		return []any{
			obj{"until": secs(rapid.IntRange(1, 120).Draw(t, label+".untilSeconds")), "status": status(label + ".first")},
			obj{"status": status(label + ".then")},
		}
	}
}

// drawExecAnswer draws what the exec probe command answers.
func drawExecAnswer(t *rapid.T, label string) any {
	switch rapid.IntRange(0, 3).Draw(t, label+".form") {
	case 0:
		return rapid.SampledFrom([]int{0, 0, 1, 2}).Draw(t, label+".exit")
	case 1:
		return obj{"exit": rapid.SampledFrom([]int{0, 1}).Draw(t, label+".exit"), "latency": ms(rapid.IntRange(0, 3000).Draw(t, label+".latencyMs")), "output": "checked"}
	case 2:
		return "hang"
	default:
		return []any{
			obj{"until": secs(rapid.IntRange(1, 120).Draw(t, label+".untilSeconds")), "exit": rapid.SampledFrom([]int{0, 1}).Draw(t, label+".first")},
			obj{"exit": rapid.SampledFrom([]int{0, 1}).Draw(t, label+".then")},
		}
	}
}

// drawBehaviour draws one image's application behaviour (docs/app-behaviour.md).
func drawBehaviour(t *rapid.T, label string) obj {
	b := obj{}
	switch rapid.IntRange(0, 2).Draw(t, label+".startForm") {
	case 1:
		b["start"] = secs(rapid.IntRange(0, 60).Draw(t, label+".startSeconds"))
	case 2:
		lo := rapid.IntRange(0, 30).Draw(t, label+".startLo")
		b["start"] = obj{"uniform": []string{secs(lo), secs(lo + rapid.IntRange(0, 30).Draw(t, label+".startSpan"))}}
	}
	b["http"] = obj{"8080": obj{
		"/live":  drawAnswer(t, label+".live"),
		"/ready": drawAnswer(t, label+".ready"),
		"/start": drawAnswer(t, label+".start"),
		"*":      200,
	}}
	b["exec"] = obj{"check": drawExecAnswer(t, label+".exec")}
	if rapid.IntRange(0, 2).Draw(t, label+".exits") == 0 {
		b["exit"] = obj{"after": secs(rapid.IntRange(0, 200).Draw(t, label+".exitSeconds")), "code": rapid.SampledFrom([]int{0, 1, 2}).Draw(t, label+".exitCode")}
	}
	switch rapid.IntRange(0, 3).Draw(t, label+".term") {
	case 1:
		b["onSIGTERM"] = "ignore"
	case 2:
		b["onSIGTERM"] = obj{"exit": 0, "after": ms(rapid.IntRange(0, 20000).Draw(t, label+".termMs"))}
	}
	if rapid.IntRange(0, 3).Draw(t, label+".instances") == 0 {
		b["instances"] = obj{"2-": obj{"exit": obj{"after": secs(rapid.IntRange(0, 60).Draw(t, label+".laterExit")), "code": 1}}}
	}
	return b
}

// drawProbe draws a probe within validation (model/api validation.go, fact
// sheet 1.1): thresholds, period and timeout ≥ 1, successThreshold 1
// except for readiness, a probe-level grace period only on liveness and
// startup.
func drawProbe(t *rapid.T, label, kind string) obj {
	p := obj{}
	switch rapid.IntRange(0, 2).Draw(t, label+".handler") {
	case 0:
		p["httpGet"] = obj{"path": "/" + map[string]string{"liveness": "live", "readiness": "ready", "startup": "start"}[kind], "port": 8080}
	case 1:
		p["tcpSocket"] = obj{"port": 8080}
	default:
		p["exec"] = obj{"command": []string{"check"}}
	}
	p["initialDelaySeconds"] = rapid.IntRange(0, 20).Draw(t, label+".initialDelaySeconds")
	p["periodSeconds"] = rapid.IntRange(1, 15).Draw(t, label+".periodSeconds")
	p["timeoutSeconds"] = rapid.IntRange(1, 3).Draw(t, label+".timeoutSeconds")
	p["failureThreshold"] = rapid.IntRange(1, 5).Draw(t, label+".failureThreshold")
	if kind == "readiness" {
		p["successThreshold"] = rapid.IntRange(1, 3).Draw(t, label+".successThreshold")
	} else if rapid.IntRange(0, 3).Draw(t, label+".probeGrace") == 0 {
		p["terminationGracePeriodSeconds"] = rapid.IntRange(1, 10).Draw(t, label+".terminationGracePeriodSeconds")
	}
	return p
}

// drawPodSpec draws a pod's spec: one or two containers of the generated
// images, each with random probes, and, where the release has them
// (inits), sometimes one or two regular init containers of the init-N
// images.
func drawPodSpec(t *rapid.T, label string, images int, bare, inits bool) obj {
	n := rapid.IntRange(1, 2).Draw(t, label+".containers")
	var cs []any
	for i := 0; i < n; i++ {
		l := fmt.Sprintf("%s.c%d", label, i)
		c := obj{
			"name":  fmt.Sprintf("c%d", i),
			"image": fmt.Sprintf("app-%d:v1", rapid.IntRange(0, images-1).Draw(t, l+".image")),
			"ports": []any{obj{"containerPort": 8080}},
		}
		if pol := rapid.SampledFrom([]string{"", "IfNotPresent", "Always"}).Draw(t, l+".pullPolicy"); pol != "" {
			c["imagePullPolicy"] = pol
		}
		for _, kind := range []string{"liveness", "readiness", "startup"} {
			if rapid.Bool().Draw(t, l+"."+kind) {
				c[kind+"Probe"] = drawProbe(t, l+"."+kind, kind)
			}
		}
		cs = append(cs, c)
	}
	spec := obj{"containers": cs}
	if inits && rapid.IntRange(0, 3).Draw(t, label+".hasInits") == 0 {
		var ics []any
		for i, n := 0, rapid.IntRange(1, 2).Draw(t, label+".inits"); i < n; i++ {
			ics = append(ics, obj{"name": fmt.Sprintf("i%d", i), "image": fmt.Sprintf("init-%d:v1", rapid.IntRange(0, 1).Draw(t, fmt.Sprintf("%s.i%d.image", label, i)))})
		}
		spec["initContainers"] = ics
	}
	if rapid.Bool().Draw(t, label+".grace") {
		spec["terminationGracePeriodSeconds"] = rapid.IntRange(0, 40).Draw(t, label+".terminationGracePeriodSeconds")
	}
	if bare {
		spec["restartPolicy"] = rapid.SampledFrom([]string{"Always", "OnFailure", "Never"}).Draw(t, label+".restartPolicy")
	}
	return spec
}

// drawScenario draws a whole scenario file.
func drawScenario(t *rapid.T) genCase {
	releases := version.Names()
	g := genCase{
		release:  rapid.SampledFrom(releases).Draw(t, "release"),
		duration: time.Duration(rapid.IntRange(1, 5).Draw(t, "minutes")) * time.Minute,
	}
	p, err := version.Lookup(g.release)
	if err != nil {
		t.Fatal(err)
	}
	cl := obj{"release": g.release}
	gates := obj{}
	for _, gate := range []struct {
		name  string
		since int
	}{
		{version.KubeletCrashLoopBackOffMax, 32},
		{version.ReduceDefaultCrashLoopBackOffDecay, 33},
		{version.KubeletEnsureSecretPulledImages, 33},
		{version.ChangeContainerStatusOnKubeletRestart, 35},
		{version.PodReadyToStartContainersCondition, 28},
	} {
		if p.AtLeast(gate.since) && rapid.IntRange(0, 2).Draw(t, "gate."+gate.name) == 0 {
			gates[gate.name] = rapid.Bool().Draw(t, "gate."+gate.name+".on")
		}
	}
	if len(gates) > 0 {
		cl["featureGates"] = gates
	}
	if rapid.IntRange(0, 3).Draw(t, "maxRestart") == 0 {
		cl["kubelet"] = obj{"maxContainerRestartPeriod": secs(rapid.IntRange(1, 300).Draw(t, "maxContainerRestartPeriodSeconds"))}
	}
	nodes := rapid.IntRange(1, 3).Draw(t, "nodes")
	cl["nodes"] = []any{obj{"name": "node", "count": nodes}}
	nodeNames := []string{"node"}
	if nodes > 1 {
		nodeNames = nil
		for i := 1; i <= nodes; i++ {
			nodeNames = append(nodeNames, fmt.Sprintf("node-%d", i))
		}
	}

	images := rapid.IntRange(1, 2).Draw(t, "images")
	apps := obj{}
	for i := 0; i < images; i++ {
		apps[fmt.Sprintf("app-%d:*", i)] = drawBehaviour(t, fmt.Sprintf("app%d", i))
	}
	// Init container images: they exit after a while, 0 or, on their
	// first runs, 1; sometimes never (the pod then stays initializing).
	inits := p.AtLeast(6) // the field came in 1.6; 1.1 refuses it
	if inits {
		for i := 0; i < 2; i++ {
			l := fmt.Sprintf("init%d", i)
			b := obj{}
			if rapid.IntRange(0, 5).Draw(t, l+".exits") != 0 {
				b["exit"] = obj{"after": secs(rapid.IntRange(0, 40).Draw(t, l+".exitSeconds")), "code": 0}
			}
			if rapid.IntRange(0, 2).Draw(t, l+".fails") == 0 {
				b["instances"] = obj{fmt.Sprintf("1-%d", rapid.IntRange(1, 4).Draw(t, l+".failures")): obj{"exit": obj{"after": secs(rapid.IntRange(0, 20).Draw(t, l+".failSeconds")), "code": 1}}}
			}
			apps[fmt.Sprintf("init-%d:*", i)] = b
		}
	}

	// Workloads: Deployments (w0, w1), DeploymentConfigs (dc0, dc1) and
	// bare Pods (p0, p1).
	var docs []obj
	var names []string
	var deployments, dcs []string
	containersOf := map[string]int{}
	var traffic []any
	for i, n := 0, rapid.IntRange(1, 2).Draw(t, "workloads"); i < n; i++ {
		kind := rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("w%d.kind", i))
		if kind == 2 {
			name := fmt.Sprintf("dc%d", i)
			spec := drawPodSpec(t, name, images, false, inits)
			dspec := obj{
				"replicas": rapid.IntRange(1, 3).Draw(t, name+".replicas"),
				"selector": obj{"app": name},
				"triggers": []any{obj{"type": "ConfigChange"}},
				"template": obj{"metadata": obj{"labels": obj{"app": name}}, "spec": spec},
				"strategy": obj{"type": rapid.SampledFrom([]string{"Rolling", "Recreate"}).Draw(t, name+".strategy")},
			}
			if rapid.Bool().Draw(t, name+".history") {
				dspec["revisionHistoryLimit"] = rapid.IntRange(0, 2).Draw(t, name+".revisionHistoryLimit")
			}
			docs = append(docs, obj{"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": obj{"name": name}, "spec": dspec})
			dcs = append(dcs, name)
			names = append(names, name)
			containersOf[name] = len(spec["containers"].([]any))
			continue
		}
		if kind == 0 {
			name := fmt.Sprintf("w%d", i)
			spec := drawPodSpec(t, name, images, false, inits)
			d := obj{
				"apiVersion": "apps/v1", "kind": "Deployment",
				"metadata": obj{"name": name},
				"spec": obj{
					"replicas": rapid.IntRange(1, 3).Draw(t, name+".replicas"),
					"selector": obj{"matchLabels": obj{"app": name}},
					"template": obj{"metadata": obj{"labels": obj{"app": name}}, "spec": spec},
				},
			}
			if rapid.Bool().Draw(t, name+".strategy") {
				surge := rapid.IntRange(0, 2).Draw(t, name+".maxSurge")
				unav := rapid.IntRange(0, 2).Draw(t, name+".maxUnavailable")
				if surge == 0 && unav == 0 {
					surge = 1
				}
				d["spec"].(obj)["strategy"] = obj{"type": "RollingUpdate", "rollingUpdate": obj{"maxSurge": surge, "maxUnavailable": unav}}
			}
			docs = append(docs, d)
			deployments = append(deployments, name)
			names = append(names, name)
			containersOf[name] = len(spec["containers"].([]any))
			if rapid.Bool().Draw(t, name+".service") {
				docs = append(docs, obj{
					"apiVersion": "v1", "kind": "Service", "metadata": obj{"name": name},
					"spec": obj{"selector": obj{"app": name}, "ports": []any{obj{"port": 80, "targetPort": 8080}}},
				})
				traffic = append(traffic, obj{"target": "service/" + name, "rate": "2/s"})
			}
		} else {
			name := fmt.Sprintf("p%d", i)
			spec := drawPodSpec(t, name, images, true, inits)
			docs = append(docs, obj{
				"apiVersion": "v1", "kind": "Pod",
				"metadata": obj{"name": name, "labels": obj{"app": name}},
				"spec":     spec,
			})
			names = append(names, name)
			containersOf[name] = len(spec["containers"].([]any))
		}
	}

	// Actions and faults.
	var actions []any
	last := int(g.duration/time.Second) - 5
	for i, n := 0, rapid.IntRange(0, 4).Draw(t, "actions"); i < n; i++ {
		l := fmt.Sprintf("action%d", i)
		at := rapid.IntRange(5, last).Draw(t, l+".atSeconds")
		a := obj{"at": secs(at)}
		target := rapid.SampledFrom(names).Draw(t, l+".target")
		workloads := append(append([]string(nil), deployments...), dcs...)
		ref := func(w string) string {
			if strings.HasPrefix(w, "dc") {
				return "dc/" + w
			}
			return "deployment/" + w
		}
		switch rapid.IntRange(0, 7).Draw(t, l+".type") {
		case 0:
			if len(workloads) == 0 {
				continue
			}
			d := rapid.SampledFrom(workloads).Draw(t, l+".workload")
			c := rapid.IntRange(0, containersOf[d]-1).Draw(t, l+".container")
			apiVersion, kind := "apps/v1", "Deployment"
			if strings.HasPrefix(d, "dc") {
				apiVersion, kind = "apps.openshift.io/v1", "DeploymentConfig"
			}
			a["apply"] = obj{
				"apiVersion": apiVersion, "kind": kind, "metadata": obj{"name": d},
				"spec": obj{"template": obj{"spec": obj{"containers": []any{obj{
					"name": fmt.Sprintf("c%d", c), "image": fmt.Sprintf("app-%d:v%d", rapid.IntRange(0, images-1).Draw(t, l+".image"), i+2),
				}}}}},
			}
		case 1:
			del := obj{"pods": "app=" + target, "pick": rapid.SampledFrom([]string{"all", "oldest", "newest", "random"}).Draw(t, l+".pick")}
			if rapid.Bool().Draw(t, l+".withGrace") {
				del["gracePeriod"] = rapid.IntRange(0, 30).Draw(t, l+".gracePeriod")
			}
			a["delete"] = del
		case 2:
			a["signal"] = obj{
				"pods": "app=" + target, "pick": "random",
				"container": fmt.Sprintf("c%d", rapid.IntRange(0, containersOf[target]-1).Draw(t, l+".container")),
				"signal":    rapid.SampledFrom([]string{"TERM", "KILL", "INT", "HUP", "STOP", "CONT"}).Draw(t, l+".signal"),
			}
		case 3:
			a["setApp"] = obj{
				"image": fmt.Sprintf("app-%d:*", rapid.IntRange(0, images-1).Draw(t, l+".image")),
				"http":  obj{"8080": obj{"/live": drawAnswer(t, l+".live"), "/ready": drawAnswer(t, l+".ready"), "*": 200}},
			}
		case 5:
			if len(workloads) == 0 {
				continue
			}
			w := rapid.SampledFrom(workloads).Draw(t, l+".workload")
			a["scale"] = obj{"target": ref(w), "replicas": rapid.IntRange(0, 4).Draw(t, l+".replicas")}
		case 6:
			if len(workloads) == 0 {
				continue
			}
			w := rapid.SampledFrom(workloads).Draw(t, l+".workload")
			a[rapid.SampledFrom([]string{"pause", "resume"}).Draw(t, l+".pause")] = ref(w)
		case 7:
			if len(deployments) == 0 {
				continue
			}
			a["rolloutUndo"] = obj{"target": "deployment/" + rapid.SampledFrom(deployments).Draw(t, l+".deployment")}
		default:
			node := rapid.SampledFrom(nodeNames).Draw(t, l+".node")
			down := rapid.IntRange(1, 10).Draw(t, l+".downtimeSeconds")
			a["restartKubelet"] = obj{"node": node, "downtime": secs(down)}
			g.downs = append(g.downs, kubeletDown{node: node, from: time.Duration(at) * time.Second, to: time.Duration(at+down) * time.Second})
		}
		actions = append(actions, a)
	}

	head := obj{
		"apiVersion":  "probesim.dev/v1alpha1",
		"kind":        "Scenario",
		"metadata":    obj{"name": "generated"},
		"description": "A scenario drawn by the verify package's generator.",
		"seed":        rapid.Uint64Range(0, 1<<32).Draw(t, "seed"),
		"duration":    g.duration.String(),
		"cluster":     cl,
		"apps":        apps,
	}
	if len(actions) > 0 {
		head["actions"] = actions
	}
	if len(traffic) > 0 {
		head["traffic"] = traffic
	}
	g.text = marshalStream(t, append([]obj{head}, docs...))
	return g
}

// marshalStream writes documents as one YAML stream.
func marshalStream(t interface{ Fatalf(string, ...any) }, docs []obj) string {
	var b strings.Builder
	for i, d := range docs {
		if i > 0 {
			b.WriteString("---\n")
		}
		out, err := yaml.Marshal(d)
		if err != nil {
			t.Fatalf("marshalling a generated document: %v", err)
		}
		b.Write(out)
	}
	return b.String()
}
