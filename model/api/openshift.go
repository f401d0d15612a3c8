package api

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The OpenShift kinds are declared here rather than imported from
// github.com/openshift/api, which the module does not require. Field names
// and JSON names follow openshift/api apps/v1/types.go and
// route/v1/types.go; only what the simulator uses is typed in detail, plus
// enough to accept the files oc writes.

// DeploymentConfig is an OpenShift DeploymentConfig (apps.openshift.io/v1):
// a pod template rolled out by a deployer pod into one
// ReplicationController per version.
type DeploymentConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   DeploymentConfigSpec   `json:"spec"`
	Status DeploymentConfigStatus `json:"status,omitempty"`
}

// DeploymentConfigSpec is the desired state of a DeploymentConfig.
type DeploymentConfigSpec struct {
	// Strategy says how a new version replaces the old one.
	Strategy DeploymentStrategy `json:"strategy"`
	// MinReadySeconds is how long a new pod must be ready to count as
	// available.
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// Triggers start new versions; nil defaults to one ConfigChange
	// trigger, an empty list means none.
	Triggers []DeploymentTriggerPolicy `json:"triggers"`
	// Replicas is the desired number of pods.
	Replicas int32 `json:"replicas"`
	// RevisionHistoryLimit is how many old ReplicationControllers to keep.
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
	// Test keeps the DeploymentConfig at zero replicas except while a
	// version is being rolled out.
	Test bool `json:"test"`
	// Paused stops triggers from starting new versions.
	Paused bool `json:"paused,omitempty"`
	// Selector is the label query over the pods (a plain map, unlike a
	// Deployment's).
	Selector map[string]string `json:"selector,omitempty"`
	// Template is the pod template.
	Template *corev1.PodTemplateSpec `json:"template,omitempty"`
}

// DeploymentStrategyType names a DeploymentConfig strategy.
type DeploymentStrategyType string

// The strategy types.
const (
	DeploymentStrategyTypeRecreate DeploymentStrategyType = "Recreate"
	DeploymentStrategyTypeCustom   DeploymentStrategyType = "Custom"
	DeploymentStrategyTypeRolling  DeploymentStrategyType = "Rolling"
)

// DeploymentStrategy says how the deployer pod rolls a version out.
type DeploymentStrategy struct {
	// Type is Rolling (the default), Recreate or Custom.
	Type DeploymentStrategyType `json:"type,omitempty"`
	// CustomParams run a custom deployer image.
	CustomParams *CustomDeploymentStrategyParams `json:"customParams,omitempty"`
	// RecreateParams tune the Recreate strategy.
	RecreateParams *RecreateDeploymentStrategyParams `json:"recreateParams,omitempty"`
	// RollingParams tune the Rolling strategy.
	RollingParams *RollingDeploymentStrategyParams `json:"rollingParams,omitempty"`
	// Resources are the deployer and hook pods' resources.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// Labels are added to the deployer and hook pods.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are added to the deployer and hook pods.
	Annotations map[string]string `json:"annotations,omitempty"`
	// ActiveDeadlineSeconds bounds the deployer pod's life (default 21600).
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty"`
}

// CustomDeploymentStrategyParams are the input to the Custom strategy.
type CustomDeploymentStrategyParams struct {
	// Image is the deployer image.
	Image string `json:"image,omitempty"`
	// Environment is the deployer's environment.
	Environment []corev1.EnvVar `json:"environment,omitempty"`
	// Command overrides the image's command.
	Command []string `json:"command,omitempty"`
}

// RecreateDeploymentStrategyParams tune the Recreate strategy.
type RecreateDeploymentStrategyParams struct {
	// TimeoutSeconds is how long to wait for the new pods (default 600).
	TimeoutSeconds *int64 `json:"timeoutSeconds,omitempty"`
	// Pre runs before the old pods are scaled down.
	Pre *LifecycleHook `json:"pre,omitempty"`
	// Mid runs when the old pods are gone, before the new ones start.
	Mid *LifecycleHook `json:"mid,omitempty"`
	// Post runs after the rollout.
	Post *LifecycleHook `json:"post,omitempty"`
}

// RollingDeploymentStrategyParams tune the Rolling strategy.
type RollingDeploymentStrategyParams struct {
	// UpdatePeriodSeconds is the wait between scaling steps (default 1).
	UpdatePeriodSeconds *int64 `json:"updatePeriodSeconds,omitempty"`
	// IntervalSeconds is the poll interval while waiting (default 1).
	IntervalSeconds *int64 `json:"intervalSeconds,omitempty"`
	// TimeoutSeconds is how long one scaling step may wait for ready pods
	// before the rollout fails (default 600).
	TimeoutSeconds *int64 `json:"timeoutSeconds,omitempty"`
	// MaxUnavailable is how many pods may be unavailable (default 25%,
	// rounded down).
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
	// MaxSurge is how many pods may exist above the desired count (default
	// 25%, rounded up).
	MaxSurge *intstr.IntOrString `json:"maxSurge,omitempty"`
	// Pre runs before the rollout.
	Pre *LifecycleHook `json:"pre,omitempty"`
	// Post runs after the rollout.
	Post *LifecycleHook `json:"post,omitempty"`
}

// LifecycleHookFailurePolicy says what a failed hook does to the rollout.
type LifecycleHookFailurePolicy string

// The hook failure policies.
const (
	LifecycleHookFailurePolicyRetry  LifecycleHookFailurePolicy = "Retry"
	LifecycleHookFailurePolicyAbort  LifecycleHookFailurePolicy = "Abort"
	LifecycleHookFailurePolicyIgnore LifecycleHookFailurePolicy = "Ignore"
)

// LifecycleHook is a deployment hook: a pod run from the template, or
// image tags to set.
type LifecycleHook struct {
	// FailurePolicy is Retry, Abort or Ignore.
	FailurePolicy LifecycleHookFailurePolicy `json:"failurePolicy"`
	// ExecNewPod runs a command in a new pod.
	ExecNewPod *ExecNewPodHook `json:"execNewPod,omitempty"`
	// TagImages tags container images into image streams.
	TagImages []TagImageHook `json:"tagImages,omitempty"`
}

// ExecNewPodHook runs a command in a pod made from one of the template's
// containers.
type ExecNewPodHook struct {
	// Command is the command and its arguments.
	Command []string `json:"command"`
	// Env is added to the container's environment.
	Env []corev1.EnvVar `json:"env,omitempty"`
	// ContainerName names the template container to copy.
	ContainerName string `json:"containerName"`
	// Volumes names template volumes to copy.
	Volumes []string `json:"volumes,omitempty"`
}

// TagImageHook tags a container's image onto an ImageStreamTag.
type TagImageHook struct {
	// ContainerName names the template container whose image is tagged.
	ContainerName string `json:"containerName"`
	// To is the target ImageStreamTag.
	To corev1.ObjectReference `json:"to"`
}

// DeploymentTriggerType names a trigger.
type DeploymentTriggerType string

// The trigger types.
const (
	DeploymentTriggerOnImageChange  DeploymentTriggerType = "ImageChange"
	DeploymentTriggerOnConfigChange DeploymentTriggerType = "ConfigChange"
)

// DeploymentTriggerPolicy is one trigger.
type DeploymentTriggerPolicy struct {
	// Type is ConfigChange or ImageChange.
	Type DeploymentTriggerType `json:"type,omitempty"`
	// ImageChangeParams configure an ImageChange trigger.
	ImageChangeParams *DeploymentTriggerImageChangeParams `json:"imageChangeParams,omitempty"`
}

// DeploymentTriggerImageChangeParams configure an ImageChange trigger.
type DeploymentTriggerImageChangeParams struct {
	// Automatic updates the template's image when the tag changes.
	Automatic bool `json:"automatic,omitempty"`
	// ContainerNames are the containers whose image is updated.
	ContainerNames []string `json:"containerNames,omitempty"`
	// From is the ImageStreamTag watched.
	From corev1.ObjectReference `json:"from"`
	// LastTriggeredImage is the last image that triggered a version.
	LastTriggeredImage string `json:"lastTriggeredImage,omitempty"`
}

// DeploymentConfigStatus is the observed state of a DeploymentConfig.
type DeploymentConfigStatus struct {
	// LatestVersion is the number of the newest version (RC <name>-<N>).
	LatestVersion int64 `json:"latestVersion"`
	// ObservedGeneration is the generation the controller last saw.
	ObservedGeneration int64 `json:"observedGeneration"`
	// Replicas is the number of pods targeted.
	Replicas int32 `json:"replicas"`
	// UpdatedReplicas run the latest template.
	UpdatedReplicas int32 `json:"updatedReplicas"`
	// AvailableReplicas are available.
	AvailableReplicas int32 `json:"availableReplicas"`
	// UnavailableReplicas are not.
	UnavailableReplicas int32 `json:"unavailableReplicas"`
	// Details say why the latest version was made.
	Details *DeploymentDetails `json:"details,omitempty"`
	// Conditions are Available, Progressing and ReplicaFailure.
	Conditions []DeploymentCondition `json:"conditions,omitempty"`
	// ReadyReplicas are ready.
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`
}

// DeploymentDetails say why a version was made.
type DeploymentDetails struct {
	// Message is a user's message for a manual rollout.
	Message string `json:"message,omitempty"`
	// Causes are the triggers that fired.
	Causes []DeploymentCause `json:"causes"`
}

// DeploymentCause is one trigger that fired.
type DeploymentCause struct {
	// Type is the trigger's type.
	Type DeploymentTriggerType `json:"type"`
	// ImageTrigger names the image for an ImageChange cause.
	ImageTrigger *DeploymentCauseImageTrigger `json:"imageTrigger,omitempty"`
}

// DeploymentCauseImageTrigger names the image that triggered a version.
type DeploymentCauseImageTrigger struct {
	// From is the changed image.
	From corev1.ObjectReference `json:"from"`
}

// DeploymentCondition is one condition of a DeploymentConfig.
type DeploymentCondition struct {
	// Type is Available, Progressing or ReplicaFailure.
	Type string `json:"type"`
	// Status is True, False or Unknown.
	Status corev1.ConditionStatus `json:"status"`
	// LastUpdateTime is when the condition was last refreshed.
	LastUpdateTime metav1.Time `json:"lastUpdateTime,omitempty"`
	// LastTransitionTime is when the status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	// Reason is a machine-readable reason.
	Reason string `json:"reason,omitempty"`
	// Message is for people.
	Message string `json:"message,omitempty"`
}

// Route is an OpenShift Route (route.openshift.io/v1): a host and path that
// the router sends to one or more Services.
type Route struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RouteSpec   `json:"spec"`
	Status RouteStatus `json:"status,omitempty"`
}

// WildcardPolicyType is a Route's wildcard policy: None or Subdomain.
type WildcardPolicyType string

// The wildcard policies.
const (
	WildcardPolicyNone      WildcardPolicyType = "None"
	WildcardPolicySubdomain WildcardPolicyType = "Subdomain"
)

// RouteSpec is the desired state of a Route.
type RouteSpec struct {
	// Host is the DNS name served.
	Host string `json:"host,omitempty"`
	// Subdomain asks for a host under the router's domain.
	Subdomain string `json:"subdomain,omitempty"`
	// Path is the path prefix served.
	Path string `json:"path,omitempty"`
	// To is the primary backend.
	To RouteTargetReference `json:"to"`
	// AlternateBackends are up to three more backends.
	AlternateBackends []RouteTargetReference `json:"alternateBackends,omitempty"`
	// Port selects the Service's target port.
	Port *RoutePort `json:"port,omitempty"`
	// TLS configures termination.
	TLS *TLSConfig `json:"tls,omitempty"`
	// WildcardPolicy is None (the default) or Subdomain.
	WildcardPolicy WildcardPolicyType `json:"wildcardPolicy,omitempty"`
}

// RouteTargetReference is a backend: a Service and its weight.
type RouteTargetReference struct {
	// Kind is Service.
	Kind string `json:"kind"`
	// Name is the Service's name.
	Name string `json:"name"`
	// Weight is 0 to 256 (default 100); 0 sends no requests.
	Weight *int32 `json:"weight"`
}

// RoutePort selects the target port on the Service's endpoints.
type RoutePort struct {
	// TargetPort is a port number or name.
	TargetPort intstr.IntOrString `json:"targetPort"`
}

// TLSConfig configures a Route's TLS termination.
type TLSConfig struct {
	// Termination is edge, passthrough or reencrypt.
	Termination string `json:"termination"`
	// Certificate is the serving certificate (PEM).
	Certificate string `json:"certificate,omitempty"`
	// Key is the certificate's key (PEM).
	Key string `json:"key,omitempty"`
	// CACertificate is the CA chain (PEM).
	CACertificate string `json:"caCertificate,omitempty"`
	// DestinationCACertificate verifies the backend for reencrypt.
	DestinationCACertificate string `json:"destinationCACertificate,omitempty"`
	// InsecureEdgeTerminationPolicy is None, Allow or Redirect.
	InsecureEdgeTerminationPolicy string `json:"insecureEdgeTerminationPolicy,omitempty"`
}

// RouteStatus is what the routers report.
type RouteStatus struct {
	// Ingress lists where the route is exposed.
	Ingress []RouteIngress `json:"ingress,omitempty"`
}

// RouteIngress is one router's view of the Route.
type RouteIngress struct {
	// Host is the host served.
	Host string `json:"host,omitempty"`
	// RouterName names the router.
	RouterName string `json:"routerName,omitempty"`
	// Conditions are the router's conditions (Admitted).
	Conditions []RouteIngressCondition `json:"conditions,omitempty"`
	// WildcardPolicy is the policy the router allowed.
	WildcardPolicy WildcardPolicyType `json:"wildcardPolicy,omitempty"`
	// RouterCanonicalHostname is the router's external name.
	RouterCanonicalHostname string `json:"routerCanonicalHostname,omitempty"`
}

// RouteIngressCondition is one condition reported by a router.
type RouteIngressCondition struct {
	// Type is Admitted.
	Type string `json:"type"`
	// Status is True, False or Unknown.
	Status corev1.ConditionStatus `json:"status"`
	// Reason is a machine-readable reason.
	Reason string `json:"reason,omitempty"`
	// Message is for people.
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when the status last changed.
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}
