package api

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// validDeployment is a minimal valid Deployment; cases patch it by
// replacing one line.
const validDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  minReadySeconds: 0
  progressDeadlineSeconds: 600
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Always
      containers:
      - name: app
        image: nodejs-ex
        ports: [{containerPort: 8080}]
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        startupProbe: {tcpSocket: {port: 8080}}
`

// TestValidate pins each validation rule to the API server's text. Each
// case replaces one line of validDeployment (or gives a whole manifest)
// and lists the errors Validate returns after Default.
func TestValidate(t *testing.T) {
	const c = "      - name: app\n        image: nodejs-ex\n        ports: [{containerPort: 8080}]\n"
	tests := []struct {
		name     string
		old, new string // a line of validDeployment and its replacement
		src      string // or a whole manifest
		want     []string
	}{
		{name: "valid"},
		// validateLivenessProbe, validateStartupProbe.
		{name: "liveness successThreshold", old: "livenessProbe: {httpGet: {path: /healthz, port: 8080}}", new: "livenessProbe: {httpGet: {path: /healthz, port: 8080}, successThreshold: 2}",
			want: []string{"spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"}},
		{name: "startup successThreshold", old: "startupProbe: {tcpSocket: {port: 8080}}", new: "startupProbe: {tcpSocket: {port: 8080}, successThreshold: 3}",
			want: []string{"spec.template.spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"}},
		{name: "readiness successThreshold may be more than 1", old: "readinessProbe: {httpGet: {path: /ready, port: 8080}}", new: "readinessProbe: {httpGet: {path: /ready, port: 8080}, successThreshold: 3}"},
		// validateProbe via ValidateNonnegativeField.
		{name: "negative probe timings", old: "readinessProbe: {httpGet: {path: /ready, port: 8080}}",
			new: "readinessProbe: {httpGet: {path: /ready, port: 8080}, initialDelaySeconds: -1, timeoutSeconds: -2, periodSeconds: -3, successThreshold: -4, failureThreshold: -5}",
			want: []string{
				"spec.template.spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
				"spec.template.spec.containers[0].readinessProbe.timeoutSeconds: Invalid value: -2: must be greater than or equal to 0",
				"spec.template.spec.containers[0].readinessProbe.periodSeconds: Invalid value: -3: must be greater than or equal to 0",
				"spec.template.spec.containers[0].readinessProbe.successThreshold: Invalid value: -4: must be greater than or equal to 0",
				"spec.template.spec.containers[0].readinessProbe.failureThreshold: Invalid value: -5: must be greater than or equal to 0",
			}},
		{name: "zero probe timings are defaulted", old: "readinessProbe: {httpGet: {path: /ready, port: 8080}}",
			new: "readinessProbe: {httpGet: {path: /ready, port: 8080}, timeoutSeconds: 0, periodSeconds: 0}"},
		// validateProbe: probe-level terminationGracePeriodSeconds.
		{name: "probe grace period zero", old: "livenessProbe: {httpGet: {path: /healthz, port: 8080}}", new: "livenessProbe: {httpGet: {path: /healthz, port: 8080}, terminationGracePeriodSeconds: 0}",
			want: []string{"spec.template.spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"}},
		// validateReadinessProbe.
		{name: "readiness grace period", old: "readinessProbe: {httpGet: {path: /ready, port: 8080}}", new: "readinessProbe: {httpGet: {path: /ready, port: 8080}, terminationGracePeriodSeconds: 10}",
			want: []string{"spec.template.spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes"}},
		// validateHandler.
		{name: "two handlers", old: "startupProbe: {tcpSocket: {port: 8080}}", new: "startupProbe: {tcpSocket: {port: 8080}, exec: {command: [sh]}}",
			want: []string{"spec.template.spec.containers[0].startupProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"}},
		{name: "no handler", old: "startupProbe: {tcpSocket: {port: 8080}}", new: "startupProbe: {periodSeconds: 5}",
			want: []string{"spec.template.spec.containers[0].startupProbe: Required value: must specify a handler type"}},
		{name: "exec without command", old: "startupProbe: {tcpSocket: {port: 8080}}", new: "startupProbe: {exec: {}}",
			want: []string{"spec.template.spec.containers[0].startupProbe.exec.command: Required value"}},
		// validateHTTPGetAction, ValidatePortNumOrName.
		{name: "http port out of range and scheme", old: "livenessProbe: {httpGet: {path: /healthz, port: 8080}}", new: "livenessProbe: {httpGet: {path: /healthz, port: 70000, scheme: FTP}}",
			want: []string{
				"spec.template.spec.containers[0].livenessProbe.httpGet.port: Invalid value: 70000: must be between 1 and 65535, inclusive",
				`spec.template.spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`,
			}},
		{name: "quoted port is a port name", old: "livenessProbe: {httpGet: {path: /healthz, port: 8080}}", new: `livenessProbe: {httpGet: {path: /healthz, port: "8080"}}`,
			want: []string{`spec.template.spec.containers[0].livenessProbe.httpGet.port: Invalid value: "8080": must contain at least one letter (a-z)`}},
		// validateContainers, validateContainerCommon.
		{name: "duplicate container names", old: "        startupProbe: {tcpSocket: {port: 8080}}", new: "        startupProbe: {tcpSocket: {port: 8080}}\n" + c,
			want: []string{`spec.template.spec.containers[1].name: Duplicate value: "app"`}},
		{name: "container name not DNS-1123", old: "      - name: app", new: "      - name: App_1",
			want: []string{`spec.template.spec.containers[0].name: Invalid value: "App_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
		{name: "image required", old: "        image: nodejs-ex", new: `        image: ""`,
			want: []string{"spec.template.spec.containers[0].image: Required value"}},
		{name: "no containers", src: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n",
			want: []string{"spec.containers: Required value"}},
		// validateContainerPorts.
		{name: "container port range and protocol", old: "        ports: [{containerPort: 8080}]", new: "        ports: [{containerPort: 0}, {containerPort: 70000, protocol: HTTP}]",
			want: []string{
				"spec.template.spec.containers[0].ports[0].containerPort: Required value",
				"spec.template.spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
				`spec.template.spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`,
			}},
		// validateRestartPolicy; ValidatePodTemplateSpecForReplicaSet.
		{name: "restartPolicy unknown", src: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {restartPolicy: Sometimes, containers: [{name: a, image: x}]}\n",
			want: []string{`spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`}},
		{name: "restartPolicy Never in a Deployment", old: "      restartPolicy: Always", new: "      restartPolicy: Never",
			want: []string{`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`}},
		// ValidateDeploymentSpec.
		{name: "selector required", old: "  selector: {matchLabels: {app: web}}", new: "",
			// A nil selector selects nothing, so the template check fails too,
			// as on the API server.
			want: []string{"spec.selector: Required value", "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"}},
		{name: "selector does not match", old: "  selector: {matchLabels: {app: web}}", new: "  selector: {matchLabels: {app: api}}",
			want: []string{"spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"}},
		{name: "empty selector", old: "  selector: {matchLabels: {app: web}}", new: "  selector: {}",
			want: []string{"spec.selector: Invalid value: {}: empty selector is invalid for deployment"}},
		{name: "negative replicas", old: "  replicas: 3", new: "  replicas: -1",
			want: []string{"spec.replicas: Invalid value: -1: must be greater than or equal to 0"}},
		{name: "progress deadline not above minReadySeconds", old: "  minReadySeconds: 0", new: "  minReadySeconds: 600",
			want: []string{"spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"}},
		// ValidateRollingUpdateDeployment.
		{name: "maxSurge and maxUnavailable both 0", old: "maxSurge: 1, maxUnavailable: 0", new: "maxSurge: 0, maxUnavailable: 0",
			want: []string{"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"}},
		{name: "both 0%", old: "maxSurge: 1, maxUnavailable: 0", new: `maxSurge: "0%", maxUnavailable: 0%`,
			want: []string{"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"}},
		{name: "bad percent and over 100%", old: "maxSurge: 1, maxUnavailable: 0", new: "maxSurge: 25 percent, maxUnavailable: 150%",
			want: []string{
				`spec.strategy.rollingUpdate.maxSurge: Invalid value: "25 percent": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
				`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%`,
			}},
		{name: "negative maxSurge", old: "maxSurge: 1, maxUnavailable: 0", new: "maxSurge: -1, maxUnavailable: 1",
			want: []string{"spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"}},
		// ValidateDeploymentStrategy.
		{name: "recreate with rollingUpdate", old: "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", new: "  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}",
			want: []string{"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"}},
		{name: "unknown strategy", old: "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", new: "  strategy: {type: BlueGreen}",
			want: []string{`spec.strategy: Unsupported value: {"Type":"BlueGreen","RollingUpdate":null}: supported values: "Recreate", "RollingUpdate"`}},
		// ValidateService, validateServicePort.
		{name: "service ports required", src: "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n",
			want: []string{"spec.ports: Required value"}},
		{name: "service ports", src: "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}, {name: http, port: 0, targetPort: -1}]\n",
			want: []string{
				"spec.ports[0].name: Required value",
				"spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
				"spec.ports[1].targetPort: Invalid value: -1: must be between 1 and 65535, inclusive",
			}},
		{name: "service duplicate port", src: "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{name: a, port: 80}, {name: b, port: 80}]\n",
			want: []string{`spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}`}},
		{name: "service name is a DNS-1035 label", src: "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n",
			want: []string{`metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`}},
		// ValidateObjectMeta.
		{name: "name required", old: "metadata: {name: web}", new: "metadata: {labels: {a: b}}",
			want: []string{"metadata.name: Required value: name or generateName is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if src == "" {
				src = validDeployment
				if tt.old != "" {
					if !strings.Contains(src, tt.old) {
						t.Fatalf("%q is not in validDeployment", tt.old)
					}
					src = strings.Replace(src, tt.old, tt.new, 1)
				}
			}
			obj := decode(t, src)
			Default(obj)
			if diff := cmp.Diff(tt.want, texts(Validate(obj))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateOpenShift pins the DeploymentConfig and Route rules to
// origin's texts.
func TestValidateOpenShift(t *testing.T) {
	const dc = "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: dc}\nspec:\n  replicas: 2\n  selector: {app: dc}\n  %s\n  template:\n    metadata: {labels: {app: dc}}\n    spec: {containers: [{name: app, image: x}]}\n"
	const route = "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\nspec: %s\n"
	tests := []struct {
		name, src string
		want      []string
	}{
		{"valid dc", fmtSprintf(dc, "test: false"), nil},
		{"rolling params", fmtSprintf(dc, "strategy: {rollingParams: {intervalSeconds: 0, timeoutSeconds: -5, maxSurge: 0, maxUnavailable: 0%}}"), []string{
			"spec.strategy.rollingParams.intervalSeconds: Invalid value: 0: must be >0",
			"spec.strategy.rollingParams.timeoutSeconds: Invalid value: -5: must be >0",
			`spec.strategy.rollingParams.maxUnavailable: Invalid value: "0%": cannot be 0 when maxSurge is 0 as well`,
		}},
		{"bad percent", fmtSprintf(dc, "strategy: {rollingParams: {maxSurge: lots, maxUnavailable: 200%}}"), []string{
			`spec.strategy.rollingParams.maxSurge: Invalid value: "lots": value should be int(5) or percentage(5%)`,
			`spec.strategy.rollingParams.maxUnavailable: Invalid value: "200%": should not be more than 100%`,
		}},
		{"active deadline not above timeout", fmtSprintf(dc, "strategy: {activeDeadlineSeconds: 600}"), []string{
			"spec.strategy.activeDeadlineSeconds: Invalid value: 600: activeDeadlineSeconds must be greater than timeoutSeconds",
		}},
		{"unknown strategy", fmtSprintf(dc, "strategy: {type: BlueGreen}"), []string{
			`spec.strategy.type: Invalid value: "BlueGreen": unsupported strategy type, use "Custom" instead and specify your own strategy`,
		}},
		{"minReadySeconds", fmtSprintf(dc, "minReadySeconds: 600"), []string{
			"spec.minReadySeconds: Invalid value: 600: must be less than the deployment timeout (600s)",
		}},
		{"negative replicas", strings.Replace(fmtSprintf(dc, "test: true"), "replicas: 2", "replicas: -2", 1), []string{
			"spec.replicas: Invalid value: -2: replicas cannot be negative",
		}},
		{"restricted selector", strings.Replace(fmtSprintf(dc, "test: true"), "{app: dc}\n", "{app: dc, deployment: dc-1}\n", 1), []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"dc\"}: `selector` does not match template `labels`",
			`spec.selector: Invalid value: {"app":"dc","deployment":"dc-1"}: can't set restricted selector ` + "`deployment`",
		}},
		{"selector mismatch", strings.Replace(fmtSprintf(dc, "test: true"), "selector: {app: dc}", "selector: {app: other}", 1), []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"dc\"}: `selector` does not match template `labels`",
		}},
		{"image change trigger", fmtSprintf(dc, "triggers: [{type: ImageChange, imageChangeParams: {from: {name: app}}}]"), []string{
			`spec.triggers[0].imageChangeParams.from.name: Invalid value: "app": must be in the form of <name>:<tag>`,
			"spec.triggers[0].imageChangeParams.containerNames: Required value",
		}},
		{"hook", fmtSprintf(dc, "strategy: {rollingParams: {pre: {execNewPod: {}}}}"), []string{
			"spec.strategy.rollingParams.pre.failurePolicy: Required value",
			"spec.strategy.rollingParams.pre.execNewPod.command: Required value",
		}},
		{"valid route", fmtSprintf(route, "{to: {name: web}, path: /api}"), nil},
		{"route", fmtSprintf(route, "{host: Bad_Host, path: api, to: {kind: Pod, name: web, weight: 300}, wildcardPolicy: All}"), []string{
			`spec.host: Invalid value: "Bad_Host": host must conform to DNS 952 subdomain conventions`,
			`spec.wildcardPolicy: Unsupported value: "All": supported values: "None", "Subdomain"`,
			`spec.path: Invalid value: "api": path must begin with /`,
			`spec.to.kind: Invalid value: "Pod": must reference a Service`,
			"spec.to.weight: Invalid value: 300: weight must be an integer between 0 and 256",
		}},
		{"route target", fmtSprintf(route, "{to: {name: \"\"}, port: {targetPort: 0}, tls: {termination: passthrough}, path: /x}"), []string{
			`spec.path: Invalid value: "/x": passthrough termination does not support paths`,
			"spec.to.name: Required value",
			"spec.port.targetPort: Required value",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := decode(t, tt.src)
			Default(obj)
			if diff := cmp.Diff(tt.want, texts(Validate(obj))); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadPositions checks that Load gives validation errors the position
// of the value they name, in the FILE:LINE:COL: PATH: MESSAGE form.
func TestLoadPositions(t *testing.T) {
	src := strings.Replace(validDeployment, "livenessProbe: {httpGet: {path: /healthz, port: 8080}}", "livenessProbe: {httpGet: {path: /healthz, port: 8080}, successThreshold: 2}", 1)
	src = strings.Replace(src, "  selector: {matchLabels: {app: web}}", "  selector: {matchLabels: {app: api}}", 1)
	obj, err := Load(parse(t, src))
	if obj == nil {
		t.Fatal("Load returned no object for a decodable manifest")
	}
	l, ok := err.(ErrorList)
	if !ok {
		t.Fatalf("err = %v, want an ErrorList", err)
	}
	want := []string{
		"f.yaml:11:16: spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`",
		"f.yaml:18:82: spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
	}
	if diff := cmp.Diff(want, listTexts(l.WithFile("f.yaml"))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if Validate(nil) != nil || Locate(nil, nil) != nil {
		t.Error("nil inputs gave errors")
	}
}
