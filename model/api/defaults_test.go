package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestDefaults pins each default, with the source it follows. A case
// decodes a manifest, defaults it and reads one field as text.
func TestDefaults(t *testing.T) {
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: %s\n    ports: [{containerPort: 80}]\n    livenessProbe: {httpGet: {port: 80}}\n"
	const deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: app, image: x}]}\n"
	const dc = "apiVersion: %s\nkind: DeploymentConfig\nmetadata: {name: dc}\nspec:\n  %s\n  template:\n    metadata: {labels: {app: dc}}\n    spec: {containers: [{name: app, image: x}]}\n"
	sprintf := func(f string, a ...any) string { return fmtSprintf(f, a...) }
	podSpec := func(o Object) *corev1.PodSpec { return &o.(*corev1.Pod).Spec }
	ctr := func(o Object) *corev1.Container { return &podSpec(o).Containers[0] }
	dep := func(o Object) *appsv1.DeploymentSpec { return &o.(*appsv1.Deployment).Spec }
	dcs := func(o Object) *DeploymentConfigSpec { return &o.(*DeploymentConfig).Spec }
	tests := []struct {
		name, src string
		get       func(Object) any
		want      any
	}{
		// pkg/apis/core/v1/defaults.go SetDefaults_Probe.
		{"probe timeoutSeconds", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.TimeoutSeconds }, int32(1)},
		{"probe periodSeconds", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.PeriodSeconds }, int32(10)},
		{"probe successThreshold", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.SuccessThreshold }, int32(1)},
		{"probe failureThreshold", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.FailureThreshold }, int32(3)},
		{"probe initialDelaySeconds", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.InitialDelaySeconds }, int32(0)},
		// SetDefaults_HTTPGetAction.
		{"httpGet path", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.HTTPGet.Path }, "/"},
		{"httpGet scheme", sprintf(pod, "x"), func(o Object) any { return ctr(o).LivenessProbe.HTTPGet.Scheme }, corev1.URISchemeHTTP},
		// SetDefaults_PodSpec.
		{"restartPolicy", sprintf(pod, "x"), func(o Object) any { return podSpec(o).RestartPolicy }, corev1.RestartPolicyAlways},
		{"terminationGracePeriodSeconds", sprintf(pod, "x"), func(o Object) any { return *podSpec(o).TerminationGracePeriodSeconds }, int64(30)},
		{"dnsPolicy", sprintf(pod, "x"), func(o Object) any { return podSpec(o).DNSPolicy }, corev1.DNSClusterFirst},
		{"schedulerName", sprintf(pod, "x"), func(o Object) any { return podSpec(o).SchedulerName }, "default-scheduler"},
		// SetDefaults_Pod.
		{"enableServiceLinks", sprintf(pod, "x"), func(o Object) any { return *podSpec(o).EnableServiceLinks }, true},
		// SetDefaults_Container, through parsers.ParseImageName.
		{"imagePullPolicy untagged", sprintf(pod, "nodejs-ex"), func(o Object) any { return ctr(o).ImagePullPolicy }, corev1.PullAlways},
		{"imagePullPolicy latest", sprintf(pod, "nodejs-ex:latest"), func(o Object) any { return ctr(o).ImagePullPolicy }, corev1.PullAlways},
		{"imagePullPolicy tagged", sprintf(pod, "nodejs-ex:1.2"), func(o Object) any { return ctr(o).ImagePullPolicy }, corev1.PullIfNotPresent},
		{"imagePullPolicy registry port", sprintf(pod, "registry:5000/app"), func(o Object) any { return ctr(o).ImagePullPolicy }, corev1.PullAlways},
		{"imagePullPolicy digest", sprintf(pod, "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), func(o Object) any { return ctr(o).ImagePullPolicy }, corev1.PullIfNotPresent},
		{"terminationMessagePolicy", sprintf(pod, "x"), func(o Object) any { return ctr(o).TerminationMessagePolicy }, corev1.TerminationMessageReadFile},
		{"terminationMessagePath", sprintf(pod, "x"), func(o Object) any { return ctr(o).TerminationMessagePath }, "/dev/termination-log"},
		// ContainerPort.Protocol, +default="TCP".
		{"container port protocol", sprintf(pod, "x"), func(o Object) any { return ctr(o).Ports[0].Protocol }, corev1.ProtocolTCP},
		// pkg/apis/apps/v1/defaults.go SetDefaults_Deployment.
		{"deployment replicas", deploy, func(o Object) any { return *dep(o).Replicas }, int32(1)},
		{"deployment strategy", deploy, func(o Object) any { return dep(o).Strategy.Type }, appsv1.RollingUpdateDeploymentStrategyType},
		{"deployment maxSurge", deploy, func(o Object) any { return dep(o).Strategy.RollingUpdate.MaxSurge.String() }, "25%"},
		{"deployment maxUnavailable", deploy, func(o Object) any { return dep(o).Strategy.RollingUpdate.MaxUnavailable.String() }, "25%"},
		{"deployment revisionHistoryLimit", deploy, func(o Object) any { return *dep(o).RevisionHistoryLimit }, int32(10)},
		{"deployment progressDeadlineSeconds", deploy, func(o Object) any { return *dep(o).ProgressDeadlineSeconds }, int32(600)},
		{"deployment minReadySeconds", deploy, func(o Object) any { return dep(o).MinReadySeconds }, int32(0)},
		{"deployment template restartPolicy", deploy, func(o Object) any { return dep(o).Template.Spec.RestartPolicy }, corev1.RestartPolicyAlways},
		{"recreate keeps no rollingUpdate", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {strategy: {type: Recreate}}\n",
			func(o Object) any { return dep(o).Strategy.RollingUpdate == nil }, true},
		// SetDefaults_ReplicaSet.
		{"replicaset replicas", "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n", func(o Object) any { return *o.(*appsv1.ReplicaSet).Spec.Replicas }, int32(1)},
		// SetDefaults_ReplicationController.
		{"replicationcontroller selector", "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec: {template: {metadata: {labels: {app: r}}}}\n",
			func(o Object) any { return o.(*corev1.ReplicationController).Spec.Selector["app"] }, "r"},
		// SetDefaults_Service.
		{"service type", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n", func(o Object) any { return o.(*corev1.Service).Spec.Type }, corev1.ServiceTypeClusterIP},
		{"service sessionAffinity", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n", func(o Object) any { return o.(*corev1.Service).Spec.SessionAffinity }, corev1.ServiceAffinityNone},
		{"service port protocol", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n", func(o Object) any { return o.(*corev1.Service).Spec.Ports[0].Protocol }, corev1.ProtocolTCP},
		{"service targetPort", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n", func(o Object) any { return o.(*corev1.Service).Spec.Ports[0].TargetPort.String() }, "80"},
		// openshift/origin pkg/apps/apis/apps/v1/defaults.go.
		{"dc strategy", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return dcs(o).Strategy.Type }, DeploymentStrategyTypeRolling},
		{"dc updatePeriodSeconds", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return *dcs(o).Strategy.RollingParams.UpdatePeriodSeconds }, int64(1)},
		{"dc intervalSeconds", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return *dcs(o).Strategy.RollingParams.IntervalSeconds }, int64(1)},
		{"dc timeoutSeconds", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return *dcs(o).Strategy.RollingParams.TimeoutSeconds }, int64(600)},
		{"dc maxSurge", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return dcs(o).Strategy.RollingParams.MaxSurge.String() }, "25%"},
		{"dc maxUnavailable", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return dcs(o).Strategy.RollingParams.MaxUnavailable.String() }, "25%"},
		{"dc maxUnavailable when maxSurge 0", sprintf(dc, "apps.openshift.io/v1", "strategy: {rollingParams: {maxSurge: 0}}"), func(o Object) any { return dcs(o).Strategy.RollingParams.MaxUnavailable.String() }, "25%"},
		{"dc maxSurge unset beside maxUnavailable 1", sprintf(dc, "apps.openshift.io/v1", "strategy: {rollingParams: {maxUnavailable: 1}}"), func(o Object) any { return dcs(o).Strategy.RollingParams.MaxSurge == nil }, true},
		{"dc activeDeadlineSeconds", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return *dcs(o).Strategy.ActiveDeadlineSeconds }, int64(21600)},
		{"dc recreate timeoutSeconds", sprintf(dc, "apps.openshift.io/v1", "strategy: {type: Recreate}"), func(o Object) any { return *dcs(o).Strategy.RecreateParams.TimeoutSeconds }, int64(600)},
		{"dc triggers", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return dcs(o).Triggers }, []DeploymentTriggerPolicy{{Type: DeploymentTriggerOnConfigChange}}},
		{"dc empty triggers stay empty", sprintf(dc, "apps.openshift.io/v1", "triggers: []"), func(o Object) any { return len(dcs(o).Triggers) }, 0},
		{"dc selector", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return dcs(o).Selector["app"] }, "dc"},
		// pkg/apps/registry/deployconfig/strategy.go: group API only.
		{"dc revisionHistoryLimit", sprintf(dc, "apps.openshift.io/v1", "replicas: 1"), func(o Object) any { return *dcs(o).RevisionHistoryLimit }, int32(10)},
		{"dc legacy revisionHistoryLimit", sprintf(dc, "v1", "replicas: 1"), func(o Object) any { return dcs(o).RevisionHistoryLimit == nil }, true},
		// openshift/origin pkg/route/apis/route/v1/defaults.go.
		{"route weight", "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\nspec: {to: {name: s}}\n", func(o Object) any { return *o.(*Route).Spec.To.Weight }, int32(100)},
		{"route kind", "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\nspec: {to: {name: s}}\n", func(o Object) any { return o.(*Route).Spec.To.Kind }, "Service"},
		{"route wildcardPolicy", "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\nspec: {to: {name: s}}\n", func(o Object) any { return o.(*Route).Spec.WildcardPolicy }, WildcardPolicyNone},
		{"route tls termination", "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\nspec: {to: {name: s}, tls: {}}\n", func(o Object) any { return o.(*Route).Spec.TLS.Termination }, "edge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := decode(t, tt.src)
			Default(obj)
			if diff := cmp.Diff(tt.want, tt.get(obj)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultKeepsValues checks that set values are not overwritten.
func TestDefaultKeepsValues(t *testing.T) {
	obj := decode(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Never\n  terminationGracePeriodSeconds: 5\n  containers:\n  - name: a\n    image: x\n    imagePullPolicy: Never\n    readinessProbe: {exec: {command: [sh]}, periodSeconds: 2, failureThreshold: 7}\n")
	Default(obj)
	p := obj.(*corev1.Pod)
	c := p.Spec.Containers[0]
	got := []any{p.Spec.RestartPolicy, *p.Spec.TerminationGracePeriodSeconds, c.ImagePullPolicy, c.ReadinessProbe.PeriodSeconds, c.ReadinessProbe.FailureThreshold}
	want := []any{corev1.RestartPolicyNever, int64(5), corev1.PullNever, int32(2), int32(7)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	Default(nil) // must not panic
}
