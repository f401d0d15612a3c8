package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// kubectlDeployment is what `kubectl create deployment web --image=nodejs-ex
// --dry-run=client -o yaml` writes, with probes added to the container.
const kubectlDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nodejs-ex
        name: nodejs-ex
        resources: {}
        ports:
        - containerPort: 8080
        livenessProbe:
          httpGet:
            path: /healthy/liveness
            port: 8080
          initialDelaySeconds: 5
          periodSeconds: 5
          failureThreshold: 3
        readinessProbe:
          httpGet:
            path: /healthy/readiness
            port: 8080
          periodSeconds: 2
status: {}
`

// ocDeploymentConfig is a DeploymentConfig as oc 3.11 writes it
// (oc get dc nodejs-ex -o yaml, trimmed of nothing it prints).
const ocDeploymentConfig = `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  annotations:
    openshift.io/generated-by: OpenShiftNewApp
  creationTimestamp: 2019-03-04T10:11:12Z
  generation: 2
  labels:
    app: nodejs-ex
  name: nodejs-ex
  namespace: myproject
  resourceVersion: "123456"
  selfLink: /apis/apps.openshift.io/v1/namespaces/myproject/deploymentconfigs/nodejs-ex
  uid: 0b7b6a4e-3e6f-11e9-8a33-0a580a800004
spec:
  replicas: 1
  revisionHistoryLimit: 10
  selector:
    app: nodejs-ex
    deploymentconfig: nodejs-ex
  strategy:
    activeDeadlineSeconds: 21600
    resources: {}
    rollingParams:
      intervalSeconds: 1
      maxSurge: 25%
      maxUnavailable: 25%
      timeoutSeconds: 600
      updatePeriodSeconds: 1
    type: Rolling
  template:
    metadata:
      annotations:
        openshift.io/generated-by: OpenShiftNewApp
      creationTimestamp: null
      labels:
        app: nodejs-ex
        deploymentconfig: nodejs-ex
    spec:
      containers:
      - image: docker-registry.default.svc:5000/myproject/nodejs-ex@sha256:4f5ce6a1f9a5b0d8b5c7e3f8d4a0f2b6a9c1e5d3b7f2a8c6e4d0b9a1f3c5e7d2
        imagePullPolicy: Always
        name: nodejs-ex
        ports:
        - containerPort: 8080
          protocol: TCP
        readinessProbe:
          failureThreshold: 3
          httpGet:
            path: /
            port: 8080
            scheme: HTTP
          periodSeconds: 10
          successThreshold: 1
          timeoutSeconds: 1
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
  test: false
  triggers:
  - imageChangeParams:
      automatic: true
      containerNames:
      - nodejs-ex
      from:
        kind: ImageStreamTag
        name: nodejs-ex:latest
        namespace: myproject
      lastTriggeredImage: docker-registry.default.svc:5000/myproject/nodejs-ex@sha256:4f5ce6a1f9a5b0d8b5c7e3f8d4a0f2b6a9c1e5d3b7f2a8c6e4d0b9a1f3c5e7d2
    type: ImageChange
  - type: ConfigChange
status:
  availableReplicas: 1
  conditions:
  - lastTransitionTime: 2019-03-04T10:12:40Z
    lastUpdateTime: 2019-03-04T10:12:40Z
    message: Deployment config has minimum availability.
    status: "True"
    type: Available
  - lastTransitionTime: 2019-03-04T10:12:41Z
    lastUpdateTime: 2019-03-04T10:12:41Z
    message: replication controller "nodejs-ex-1" successfully rolled out
    reason: NewReplicationControllerAvailable
    status: "True"
    type: Progressing
  details:
    causes:
    - type: ConfigChange
    message: config change
  latestVersion: 1
  observedGeneration: 2
  readyReplicas: 1
  replicas: 1
  unavailableReplicas: 0
  updatedReplicas: 1
`

// ocRoute is a Route as oc 3.11 writes it.
const ocRoute = `apiVersion: route.openshift.io/v1
kind: Route
metadata:
  annotations:
    openshift.io/host.generated: "true"
  creationTimestamp: 2019-03-04T10:13:00Z
  labels:
    app: nodejs-ex
  name: nodejs-ex
  namespace: myproject
  resourceVersion: "123500"
  selfLink: /apis/route.openshift.io/v1/namespaces/myproject/routes/nodejs-ex
  uid: 1c2d3e4f-3e6f-11e9-8a33-0a580a800004
spec:
  host: nodejs-ex-myproject.apps.example.com
  port:
    targetPort: 8080-tcp
  to:
    kind: Service
    name: nodejs-ex
    weight: 100
  wildcardPolicy: None
status:
  ingress:
  - conditions:
    - lastTransitionTime: 2019-03-04T10:13:00Z
      status: "True"
      type: Admitted
    host: nodejs-ex-myproject.apps.example.com
    routerName: router
    wildcardPolicy: None
`

func TestDecodeKubectlDeployment(t *testing.T) {
	obj, err := Load(parse(t, kubectlDeployment))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	d, ok := obj.(*appsv1.Deployment)
	if !ok {
		t.Fatalf("got %T, want *appsv1.Deployment", obj)
	}
	c := d.Spec.Template.Spec.Containers[0]
	if got, want := c.LivenessProbe.HTTPGet.Path, "/healthy/liveness"; got != want {
		t.Errorf("liveness path = %q, want %q", got, want)
	}
	if got, want := c.LivenessProbe.HTTPGet.Port, intstr.FromInt32(8080); got != want {
		t.Errorf("liveness port = %v, want %v", got, want)
	}
	if c.LivenessProbe.PeriodSeconds != 5 || c.LivenessProbe.TimeoutSeconds != 1 || c.ReadinessProbe.FailureThreshold != 3 {
		t.Errorf("probe timings not as written and defaulted: %+v / %+v", c.LivenessProbe, c.ReadinessProbe)
	}
	if c.ImagePullPolicy != corev1.PullAlways {
		t.Errorf("imagePullPolicy = %q, want Always for an untagged image", c.ImagePullPolicy)
	}
	if d.Name != "web" || d.GetObjectKind().GroupVersionKind().Kind != "Deployment" {
		t.Errorf("identity = %q %v", d.Name, d.GetObjectKind().GroupVersionKind())
	}
}

func TestDecodeOCDeploymentConfig(t *testing.T) {
	obj, err := Load(parse(t, ocDeploymentConfig))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	dc, ok := obj.(*DeploymentConfig)
	if !ok {
		t.Fatalf("got %T, want *DeploymentConfig", obj)
	}
	if dc.Spec.Strategy.Type != DeploymentStrategyTypeRolling || *dc.Spec.Strategy.RollingParams.TimeoutSeconds != 600 {
		t.Errorf("strategy = %+v", dc.Spec.Strategy)
	}
	if got := *dc.Spec.Strategy.RollingParams.MaxSurge; got != intstr.FromString("25%") {
		t.Errorf("maxSurge = %v", got)
	}
	if len(dc.Spec.Triggers) != 2 || dc.Spec.Triggers[1].Type != DeploymentTriggerOnConfigChange {
		t.Errorf("triggers = %+v", dc.Spec.Triggers)
	}
	if dc.Spec.Test || dc.Status.LatestVersion != 1 || len(dc.Status.Conditions) != 2 {
		t.Errorf("test/status = %v %+v", dc.Spec.Test, dc.Status)
	}
	if got := dc.Status.Conditions[1].Reason; got != "NewReplicationControllerAvailable" {
		t.Errorf("condition reason = %q", got)
	}
}

func TestDecodeOCRoute(t *testing.T) {
	obj, err := Load(parse(t, ocRoute))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r := obj.(*Route)
	if r.Spec.To.Name != "nodejs-ex" || *r.Spec.To.Weight != 100 || r.Spec.Port.TargetPort != intstr.FromString("8080-tcp") {
		t.Errorf("spec = %+v", r.Spec)
	}
	if len(r.Status.Ingress) != 1 || r.Status.Ingress[0].Conditions[0].Type != "Admitted" {
		t.Errorf("status = %+v", r.Status)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{{
		name: "unknown field with suggestion",
		src: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nodejs-ex
    livenesProbe:
      tcpSocket: {port: 8080}
`,
		want: []string{`8:5: spec.containers[0]: unknown field "livenesProbe"; did you mean "livenessProbe"?`},
	}, {
		name: "unknown field, wrong case",
		src: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  Replicas: 2
`,
		want: []string{`5:3: spec: unknown field "Replicas"; did you mean "replicas"?`},
	}, {
		name: "unknown field without a near name",
		src: `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {zzzzzzzz: 1}
`,
		want: []string{`4:8: spec: unknown field "zzzzzzzz"`},
	}, {
		name: "wrong types, all reported",
		src: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {version: 1.0}
spec:
  replicas: "3"
  paused: maybe
  template:
    spec:
      containers: {name: app}
`,
		want: []string{
			`5:21: metadata.labels[version]: expected a string, got the number 1.0 (quote it: "1.0")`,
			`7:13: spec.replicas: expected an integer, got the string "3"`,
			`8:11: spec.paused: expected true or false, got the string "maybe"`,
			`11:19: spec.template.spec.containers: expected a list, got a mapping`,
		},
	}, {
		name: "integer out of range and fractional",
		src: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  terminationGracePeriodSeconds: 1.5
  containers:
  - name: app
    image: x
    ports: [{containerPort: 99999999999}]
`,
		want: []string{
			`5:34: spec.terminationGracePeriodSeconds: expected an integer, got the number 1.5`,
			`9:29: spec.containers[0].ports[0].containerPort: the number 99999999999 is out of range for a 32-bit integer`,
		},
	}, {
		name: "malformed quantity and time",
		src: `apiVersion: v1
kind: Pod
metadata: {name: p, creationTimestamp: yesterday}
spec:
  containers:
  - name: app
    image: x
    resources: {requests: {cpu: lots}}
`,
		want: []string{
			`3:40: metadata.creationTimestamp: invalid value "yesterday": parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`,
			`8:33: spec.containers[0].resources.requests[cpu]: invalid value "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
		},
	}, {
		// resource.ParseQuantity misreads exponents beyond 32 bits and may
		// never return (kubernetes/kubernetes#139412): such a value is an
		// error, at once.
		name: "a quantity with a huge exponent",
		src: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: x
    resources: {limits: {memory: 44E4444444444444444}}
`,
		want: []string{
			`8:34: spec.containers[0].resources.limits[memory]: invalid value "44E4444444444444444": quantity "44E4444444444444444": the exponent 4444444444444444 has more than 4 digits`,
		},
	}, {
		name: "intstr takes an integer or a string",
		src: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80, targetPort: [8080]}]
`,
		want: []string{`5:34: spec.ports[0].targetPort: expected an integer or a string, got a list`},
	}, {
		name: "duplicate field",
		src: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: ClusterIP
  type: NodePort
`,
		want: []string{`6:3: spec: duplicate field "type" (first at line 5)`},
	}, {
		name: "unsupported kind",
		src: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
`,
		want: []string{`2:7: kind: unsupported kind "ConfigMap": the simulator models Deployment, DeploymentConfig, Pod, ReplicaSet, ReplicationController, Route or Service`},
	}, {
		name: "unsupported apiVersion",
		src: `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web}
`,
		want: []string{`1:13: apiVersion: apiVersion "extensions/v1beta1" is not supported for Deployment: expected apps/v1`},
	}, {
		name: "missing kind",
		src:  "apiVersion: v1\nmetadata: {name: x}\n",
		want: []string{`1:1: missing kind: expected one of Deployment, DeploymentConfig, Pod, ReplicaSet, ReplicationController, Route or Service`},
	}, {
		name: "not a mapping",
		src:  "- a\n- b\n",
		want: []string{`1:1: expected a manifest (a mapping with apiVersion and kind), got a list`},
	}, {
		name: "DeploymentConfig selector is a map",
		src: `apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: dc}
spec:
  selector:
    matchLabels: {app: dc}
`,
		want: []string{`6:18: spec.selector[matchLabels]: expected a string, got a mapping`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := Decode(parse(t, tt.src))
			if obj != nil {
				t.Errorf("Decode returned %T with errors", obj)
			}
			if diff := cmp.Diff(tt.want, listTexts(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeWithFile(t *testing.T) {
	_, err := Decode(parse(t, "apiVersion: v1\nkind: Pod\nmetadata: {nmae: p}\n"))
	l := err.(ErrorList).WithFile("scenario.yaml")
	want := `scenario.yaml:3:12: metadata: unknown field "nmae"; did you mean "name"?`
	if got := l.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDecodeMergeKeysAndAliases(t *testing.T) {
	src := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - &base
    name: a
    image: x
    readinessProbe: &probe {tcpSocket: {port: 80}, periodSeconds: 3}
  - <<: *base
    name: b
    livenessProbe: *probe
`
	p := decode(t, src).(*corev1.Pod)
	if len(p.Spec.Containers) != 2 {
		t.Fatalf("containers = %d", len(p.Spec.Containers))
	}
	b := p.Spec.Containers[1]
	if b.Name != "b" || b.Image != "x" || b.LivenessProbe == nil || b.LivenessProbe.PeriodSeconds != 3 {
		t.Errorf("merged container = %+v", b)
	}
}

func TestDecodeAliasBomb(t *testing.T) {
	src := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	// Not a bomb by itself, but the wrong type; the bomb below is cut off.
	if _, err := Decode(parse(t, src)); err == nil {
		t.Errorf("a list for an annotation value decoded")
	}
	bomb := `apiVersion: v1
kind: Pod
metadata:
  name: p
  managedFields:
  - fieldsV1: &a0 [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]
  - fieldsV1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]
  - fieldsV1: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]
  - fieldsV1: &a3 [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]
  - fieldsV1: &a4 [*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3,*a3]
  - fieldsV1: &a5 [*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4,*a4]
  - fieldsV1: &a6 [*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5,*a5]
`
	_, err := Decode(parse(t, bomb))
	if err == nil {
		t.Fatal("an alias bomb decoded")
	}
}

func TestKinds(t *testing.T) {
	want := []string{"Deployment", "DeploymentConfig", "Pod", "ReplicaSet", "ReplicationController", "Route", "Service"}
	if diff := cmp.Diff(want, Kinds()); diff != "" {
		t.Errorf("Kinds (-want +got):\n%s", diff)
	}
}

func TestLocate(t *testing.T) {
	doc := parse(t, kubectlDeployment)
	for _, tt := range []struct{ path, want string }{
		{"spec.template.spec.containers[0].livenessProbe.periodSeconds", "31:26"},
		{"spec.template.spec.containers[0].livenessProbe.successThreshold", "26:9"},
		{"spec.template.metadata.labels", "17:7"},
		{"spec.selector.matchLabels[app]", "12:12"},
		{"spec.nothing", "8:1"},
	} {
		n := locate(doc, tt.path)
		if got := itoa(int64(n.Line)) + ":" + itoa(int64(n.Column)); got != tt.want {
			t.Errorf("locate(%s) = %s, want %s", tt.path, got, tt.want)
		}
	}
}
