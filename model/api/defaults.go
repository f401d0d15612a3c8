package api

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// OpenShift 3.11 DeploymentConfig defaults (openshift/origin
// pkg/apps/apis/apps/types.go, the constants the v1 defaulters use).
const (
	DefaultRollingTimeoutSeconds      int64 = 10 * 60 // DefaultRollingTimeoutSeconds
	DefaultRollingIntervalSeconds     int64 = 1       // DefaultRollingIntervalSeconds
	DefaultRollingUpdatePeriodSeconds int64 = 1       // DefaultRollingUpdatePeriodSeconds
	DefaultRecreateTimeoutSeconds     int64 = 10 * 60 // DefaultRecreateTimeoutSeconds
	MaxDeploymentDurationSeconds      int64 = 21600   // MaxDeploymentDurationSeconds: the deployer's activeDeadlineSeconds
	DefaultRevisionHistoryLimit       int32 = 10      // DefaultRevisionHistoryLimit (apps.openshift.io group only)
)

// Default sets, in place, the defaults the API server applies to obj on
// create, for the fields the simulator reads (and a few cheap others): the
// generated defaulters of k8s.io/kubernetes pkg/apis/core/v1 and
// pkg/apis/apps/v1, and for the OpenShift kinds those of openshift/origin
// (3.11) pkg/apps/apis/apps/v1 and pkg/route/apis/route/v1. As there, a
// parent's defaults are applied before its children's. Default does nothing
// for a nil obj or an unknown type.
func Default(obj Object) {
	switch o := obj.(type) {
	case *corev1.Pod:
		if o == nil {
			return
		}
		defaultPodSpec(&o.Spec)
		defaultPod(o)
	case *appsv1.Deployment:
		if o != nil {
			defaultDeployment(o)
		}
	case *appsv1.ReplicaSet:
		if o == nil {
			return
		}
		// pkg/apis/apps/v1/defaults.go SetDefaults_ReplicaSet.
		if o.Spec.Replicas == nil {
			o.Spec.Replicas = ptr(int32(1))
		}
		defaultPodSpec(&o.Spec.Template.Spec)
	case *corev1.ReplicationController:
		if o != nil {
			defaultReplicationController(o)
		}
	case *corev1.Service:
		if o != nil {
			defaultService(o)
		}
	case *DeploymentConfig:
		if o != nil {
			defaultDeploymentConfig(o)
		}
	case *Route:
		if o != nil {
			defaultRoute(o)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// defaultDeployment is pkg/apis/apps/v1/defaults.go SetDefaults_Deployment:
// one replica, RollingUpdate with 25% surge and 25% unavailable, ten
// revisions of history, a 600 s progress deadline; then the template's.
func defaultDeployment(o *appsv1.Deployment) {
	s := &o.Spec
	if s.Replicas == nil {
		s.Replicas = ptr(int32(1))
	}
	if s.Strategy.Type == "" {
		s.Strategy.Type = appsv1.RollingUpdateDeploymentStrategyType
	}
	if s.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType {
		if s.Strategy.RollingUpdate == nil {
			s.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{}
		}
		if s.Strategy.RollingUpdate.MaxUnavailable == nil {
			s.Strategy.RollingUpdate.MaxUnavailable = ptr(intstr.FromString("25%"))
		}
		if s.Strategy.RollingUpdate.MaxSurge == nil {
			s.Strategy.RollingUpdate.MaxSurge = ptr(intstr.FromString("25%"))
		}
	}
	if s.RevisionHistoryLimit == nil {
		s.RevisionHistoryLimit = ptr(int32(10))
	}
	if s.ProgressDeadlineSeconds == nil {
		s.ProgressDeadlineSeconds = ptr(int32(600))
	}
	defaultPodSpec(&s.Template.Spec)
}

// defaultReplicationController is pkg/apis/core/v1/defaults.go
// SetDefaults_ReplicationController (selector and labels from the
// template's labels) plus the declarative default of one replica.
func defaultReplicationController(o *corev1.ReplicationController) {
	if t := o.Spec.Template; t != nil && t.Labels != nil {
		if len(o.Spec.Selector) == 0 {
			o.Spec.Selector = t.Labels
		}
		if len(o.Labels) == 0 {
			o.Labels = t.Labels
		}
	}
	if o.Spec.Replicas == nil {
		o.Spec.Replicas = ptr(int32(1))
	}
	if o.Spec.Template != nil {
		defaultPodSpec(&o.Spec.Template.Spec)
	}
}

// defaultPod is pkg/apis/core/v1/defaults.go SetDefaults_Pod: requests
// default to limits, service links are enabled.
func defaultPod(o *corev1.Pod) {
	for _, list := range [][]corev1.Container{o.Spec.Containers, o.Spec.InitContainers} {
		for i := range list {
			r := &list[i].Resources
			if r.Limits == nil {
				continue
			}
			if r.Requests == nil {
				r.Requests = corev1.ResourceList{}
			}
			for k, v := range r.Limits {
				if _, ok := r.Requests[k]; !ok {
					r.Requests[k] = v.DeepCopy()
				}
			}
		}
	}
	if o.Spec.EnableServiceLinks == nil {
		o.Spec.EnableServiceLinks = ptr(corev1.DefaultEnableServiceLinks)
	}
}

// defaultPodSpec applies pkg/apis/core/v1/defaults.go SetDefaults_PodSpec
// and the defaults of what a pod spec holds: containers
// (SetDefaults_Container), their ports (protocol TCP, declarative), probes
// (SetDefaults_Probe) and HTTP actions (SetDefaults_HTTPGetAction).
func defaultPodSpec(s *corev1.PodSpec) {
	if s.DNSPolicy == "" {
		s.DNSPolicy = corev1.DNSClusterFirst
	}
	if s.RestartPolicy == "" {
		s.RestartPolicy = corev1.RestartPolicyAlways
	}
	if s.SecurityContext == nil {
		s.SecurityContext = &corev1.PodSecurityContext{}
	}
	if s.TerminationGracePeriodSeconds == nil {
		s.TerminationGracePeriodSeconds = ptr(int64(corev1.DefaultTerminationGracePeriodSeconds))
	}
	if s.SchedulerName == "" {
		s.SchedulerName = corev1.DefaultSchedulerName
	}
	for i := range s.InitContainers {
		defaultContainer(&s.InitContainers[i])
	}
	for i := range s.Containers {
		defaultContainer(&s.Containers[i])
	}
}

// defaultContainer is SetDefaults_Container and the defaults of what a
// container holds.
func defaultContainer(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = corev1.PullIfNotPresent
		if imageTag(c.Image) == "latest" {
			c.ImagePullPolicy = corev1.PullAlways
		}
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p == nil {
			continue
		}
		// SetDefaults_Probe.
		if p.TimeoutSeconds == 0 {
			p.TimeoutSeconds = 1
		}
		if p.PeriodSeconds == 0 {
			p.PeriodSeconds = 10
		}
		if p.SuccessThreshold == 0 {
			p.SuccessThreshold = 1
		}
		if p.FailureThreshold == 0 {
			p.FailureThreshold = 3
		}
		defaultHTTPGet(p.HTTPGet)
	}
	if l := c.Lifecycle; l != nil {
		for _, h := range []*corev1.LifecycleHandler{l.PostStart, l.PreStop} {
			if h != nil {
				defaultHTTPGet(h.HTTPGet)
			}
		}
	}
}

// defaultHTTPGet is SetDefaults_HTTPGetAction: path "/", scheme HTTP.
func defaultHTTPGet(g *corev1.HTTPGetAction) {
	if g == nil {
		return
	}
	if g.Path == "" {
		g.Path = "/"
	}
	if g.Scheme == "" {
		g.Scheme = corev1.URISchemeHTTP
	}
}

// imageTag returns the tag SetDefaults_Container sees through
// pkg/util/parsers ParseImageName: the tag if there is one, "latest" when
// there is neither a tag nor a digest, and "" for a digest only or a name
// the reference grammar rejects (empty, or with upper-case letters in the
// repository), for which the policy is IfNotPresent.
func imageTag(image string) string {
	name, _, hasDigest := strings.Cut(image, "@")
	tag := ""
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, tag = name[:i], name[i+1:]
	}
	repo := name
	if i := strings.IndexByte(name, '/'); i >= 0 {
		// A first component with a dot, a colon or "localhost" is a
		// registry host, which may have upper-case letters.
		if host := name[:i]; strings.ContainsAny(host, ".:") || host == "localhost" {
			repo = name[i+1:]
		}
	}
	if repo == "" || strings.ToLower(repo) != repo || strings.ContainsAny(image, " \t\n") {
		return ""
	}
	if tag == "" && !hasDigest {
		return "latest"
	}
	return tag
}

// defaultService is pkg/apis/core/v1/defaults.go SetDefaults_Service:
// session affinity None, type ClusterIP, port protocol TCP, targetPort the
// port when unset, the traffic policies and allocateLoadBalancerNodePorts.
func defaultService(o *corev1.Service) {
	s := &o.Spec
	if s.SessionAffinity == "" {
		s.SessionAffinity = corev1.ServiceAffinityNone
	}
	if s.SessionAffinity == corev1.ServiceAffinityNone {
		s.SessionAffinityConfig = nil
	}
	if s.SessionAffinity == corev1.ServiceAffinityClientIP {
		if c := s.SessionAffinityConfig; c == nil || c.ClientIP == nil || c.ClientIP.TimeoutSeconds == nil {
			s.SessionAffinityConfig = &corev1.SessionAffinityConfig{
				ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr(corev1.DefaultClientIPServiceAffinitySeconds)},
			}
		}
	}
	if s.Type == "" {
		s.Type = corev1.ServiceTypeClusterIP
	}
	for i := range s.Ports {
		sp := &s.Ports[i]
		if sp.Protocol == "" {
			sp.Protocol = corev1.ProtocolTCP
		}
		if sp.TargetPort == intstr.FromInt32(0) || sp.TargetPort == intstr.FromString("") {
			sp.TargetPort = intstr.FromInt32(sp.Port)
		}
	}
	// pkg/api/v1/service ExternallyAccessible.
	external := s.Type == corev1.ServiceTypeLoadBalancer || s.Type == corev1.ServiceTypeNodePort ||
		(s.Type == corev1.ServiceTypeClusterIP && len(s.ExternalIPs) > 0)
	if external && s.ExternalTrafficPolicy == "" {
		s.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyCluster
	}
	if s.InternalTrafficPolicy == nil && (s.Type == corev1.ServiceTypeNodePort ||
		s.Type == corev1.ServiceTypeLoadBalancer || s.Type == corev1.ServiceTypeClusterIP) {
		s.InternalTrafficPolicy = ptr(corev1.ServiceInternalTrafficPolicyCluster)
	}
	if s.Type == corev1.ServiceTypeLoadBalancer && s.AllocateLoadBalancerNodePorts == nil {
		s.AllocateLoadBalancerNodePorts = ptr(true)
	}
}

// defaultDeploymentConfig applies, in the generated defaulter's order,
// openshift/origin pkg/apps/apis/apps/v1/defaults.go
// SetDefaults_DeploymentConfig, SetDefaults_DeploymentConfigSpec,
// SetDefaults_DeploymentStrategy and the strategy params' defaulters, the
// registry's group-only revisionHistoryLimit
// (pkg/apps/registry/deployconfig/strategy.go
// appsV1DeploymentConfigLayeredDefaults), then the template's defaults.
func defaultDeploymentConfig(o *DeploymentConfig) {
	s := &o.Spec
	// SetDefaults_DeploymentConfig.
	for _, t := range s.Triggers {
		if p := t.ImageChangeParams; p != nil {
			if p.From.Kind == "" {
				p.From.Kind = "ImageStreamTag"
			}
			if p.From.Namespace == "" {
				p.From.Namespace = o.Namespace
			}
		}
	}
	// SetDefaults_DeploymentConfigSpec.
	if s.Triggers == nil {
		s.Triggers = []DeploymentTriggerPolicy{{Type: DeploymentTriggerOnConfigChange}}
	}
	if len(s.Selector) == 0 && s.Template != nil {
		s.Selector = s.Template.Labels
	}
	if s.Template != nil && len(s.Template.Spec.Containers) == 1 {
		name := s.Template.Spec.Containers[0].Name
		if p := s.Strategy.RecreateParams; p != nil {
			defaultHookContainer(p.Pre, name)
			defaultHookContainer(p.Mid, name)
			defaultHookContainer(p.Post, name)
		}
		if p := s.Strategy.RollingParams; p != nil {
			defaultHookContainer(p.Pre, name)
			defaultHookContainer(p.Post, name)
		}
	}
	// SetDefaults_DeploymentStrategy.
	st := &s.Strategy
	if st.Type == "" {
		st.Type = DeploymentStrategyTypeRolling
	}
	if st.Type == DeploymentStrategyTypeRolling && st.RollingParams == nil {
		st.RollingParams = &RollingDeploymentStrategyParams{
			IntervalSeconds:     ptr(DefaultRollingIntervalSeconds),
			UpdatePeriodSeconds: ptr(DefaultRollingUpdatePeriodSeconds),
			TimeoutSeconds:      ptr(DefaultRollingTimeoutSeconds),
		}
	}
	if st.Type == DeploymentStrategyTypeRecreate && st.RecreateParams == nil {
		st.RecreateParams = &RecreateDeploymentStrategyParams{}
	}
	if st.ActiveDeadlineSeconds == nil {
		st.ActiveDeadlineSeconds = ptr(MaxDeploymentDurationSeconds)
	}
	// SetDefaults_RecreateDeploymentStrategyParams.
	if p := st.RecreateParams; p != nil && p.TimeoutSeconds == nil {
		p.TimeoutSeconds = ptr(DefaultRecreateTimeoutSeconds)
	}
	// SetDefaults_RollingDeploymentStrategyParams.
	if p := st.RollingParams; p != nil {
		if p.IntervalSeconds == nil {
			p.IntervalSeconds = ptr(DefaultRollingIntervalSeconds)
		}
		if p.UpdatePeriodSeconds == nil {
			p.UpdatePeriodSeconds = ptr(DefaultRollingUpdatePeriodSeconds)
		}
		if p.TimeoutSeconds == nil {
			p.TimeoutSeconds = ptr(DefaultRollingTimeoutSeconds)
		}
		isZero := func(v *intstr.IntOrString) bool {
			return *v == intstr.FromInt32(0) || *v == intstr.FromString("0%")
		}
		switch {
		case p.MaxUnavailable == nil && p.MaxSurge == nil:
			p.MaxUnavailable = ptr(intstr.FromString("25%"))
			p.MaxSurge = ptr(intstr.FromString("25%"))
		case p.MaxUnavailable == nil && isZero(p.MaxSurge):
			p.MaxUnavailable = ptr(intstr.FromString("25%"))
		case p.MaxSurge == nil && isZero(p.MaxUnavailable):
			p.MaxSurge = ptr(intstr.FromString("25%"))
		}
	}
	// Only DeploymentConfigs created through the apps.openshift.io group
	// get a revision history limit; the legacy v1 resource keeps all.
	if s.RevisionHistoryLimit == nil && o.APIVersion != "v1" {
		s.RevisionHistoryLimit = ptr(DefaultRevisionHistoryLimit)
	}
	if s.Template != nil {
		defaultPodSpec(&s.Template.Spec)
	}
}

// defaultHookContainer is origin's defaultHookContainerName: a hook with
// no container name uses the template's only container.
func defaultHookContainer(h *LifecycleHook, name string) {
	if h == nil {
		return
	}
	for i := range h.TagImages {
		if h.TagImages[i].ContainerName == "" {
			h.TagImages[i].ContainerName = name
		}
	}
	if h.ExecNewPod != nil && h.ExecNewPod.ContainerName == "" {
		h.ExecNewPod.ContainerName = name
	}
}

// defaultRoute is openshift/origin pkg/route/apis/route/v1/defaults.go:
// SetDefaults_RouteSpec (wildcardPolicy None),
// SetDefaults_RouteTargetReference (kind Service, weight 100),
// SetDefaults_TLSConfig (termination edge, capitalised names lowered) and
// SetDefaults_RouteIngress.
func defaultRoute(o *Route) {
	s := &o.Spec
	if s.WildcardPolicy == "" {
		s.WildcardPolicy = WildcardPolicyNone
	}
	defaultTarget(&s.To)
	for i := range s.AlternateBackends {
		defaultTarget(&s.AlternateBackends[i])
	}
	if t := s.TLS; t != nil {
		if t.Termination == "" && t.DestinationCACertificate == "" {
			t.Termination = "edge"
		}
		switch t.Termination {
		case "Reencrypt":
			t.Termination = "reencrypt"
		case "Edge":
			t.Termination = "edge"
		case "Passthrough":
			t.Termination = "passthrough"
		}
	}
	for i := range o.Status.Ingress {
		if o.Status.Ingress[i].WildcardPolicy == "" {
			o.Status.Ingress[i].WildcardPolicy = WildcardPolicyNone
		}
	}
}

// defaultTarget is SetDefaults_RouteTargetReference.
func defaultTarget(t *RouteTargetReference) {
	if t.Kind == "" {
		t.Kind = "Service"
	}
	if t.Weight == nil {
		t.Weight = ptr(int32(100))
	}
}
