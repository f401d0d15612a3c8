package api

import (
	"math"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validate checks obj as the API server does on create, for the fields the
// simulator reads, and returns the problems with the API server's paths
// and texts. Each rule names, in a comment, the function of
// k8s.io/kubernetes pkg/apis/core/validation/validation.go or
// pkg/apis/apps/validation/validation.go (or of openshift/origin for the
// OpenShift kinds) it follows. Like the API server, it expects a defaulted
// object (see Default): a zero probe period, say, is an error here but
// would have been defaulted to 10.
//
// The API server fills in the request's namespace before validating; an
// object with none is validated as if it were in "default".
func Validate(obj Object) field.ErrorList {
	if errs := validate(obj); len(errs) > 0 {
		return errs
	}
	return nil
}

// validate dispatches on obj's type.
func validate(obj Object) field.ErrorList {
	switch o := obj.(type) {
	case *corev1.Pod:
		if o != nil {
			return validatePod(o)
		}
	case *appsv1.Deployment:
		if o != nil {
			return validateDeployment(o)
		}
	case *appsv1.ReplicaSet:
		if o != nil {
			return validateReplicaSet(o)
		}
	case *corev1.ReplicationController:
		if o != nil {
			return validateReplicationController(o)
		}
	case *corev1.Service:
		if o != nil {
			return validateService(o)
		}
	case *DeploymentConfig:
		if o != nil {
			return validateDeploymentConfig(o)
		}
	case *Route:
		if o != nil {
			return validateRoute(o)
		}
	}
	return nil
}

// validateObjectMeta is ValidateObjectMeta with requiresNamespace, the
// namespace filled in as the API server does from the request.
func validateObjectMeta(m *metav1.ObjectMeta, nameFn apivalidation.ValidateNameFunc) field.ErrorList {
	c := *m
	if c.Namespace == "" {
		c.Namespace = metav1.NamespaceDefault
	}
	return apivalidation.ValidateObjectMeta(&c, true, nameFn, field.NewPath("metadata"))
}

// validatePod is ValidatePodCreate's validatePodMetadataAndSpec:
// metadata, ValidatePodSpec and validateContainersOnlyForPod.
func validatePod(p *corev1.Pod) field.ErrorList {
	errs := validateObjectMeta(&p.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	spec := field.NewPath("spec")
	errs = append(errs, validatePodSpec(&p.Spec, spec)...)
	for i, c := range p.Spec.Containers {
		errs = append(errs, validateContainerOnlyForPod(&c, spec.Child("containers").Index(i))...)
	}
	for i, c := range p.Spec.InitContainers {
		errs = append(errs, validateContainerOnlyForPod(&c, spec.Child("initContainers").Index(i))...)
	}
	return errs
}

// validateContainerOnlyForPod is validateContainerOnlyForPod.
func validateContainerOnlyForPod(c *corev1.Container, p *field.Path) field.ErrorList {
	if len(c.Image) != len(trimSpace(c.Image)) {
		return field.ErrorList{field.Invalid(p.Child("image"), c.Image, "must not have leading or trailing whitespace")}
	}
	return nil
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\v' || s[0] == '\f') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r' || s[len(s)-1] == '\v' || s[len(s)-1] == '\f') {
		s = s[:len(s)-1]
	}
	return s
}

// validatePodTemplateSpec is ValidatePodTemplateSpec: the template's labels
// and annotations (at template.labels, as the API server words it) and its
// pod spec.
func validatePodTemplateSpec(t *corev1.PodTemplateSpec, p *field.Path) field.ErrorList {
	errs := metavalidation.ValidateLabels(t.Labels, p.Child("labels"))
	errs = append(errs, apivalidation.ValidateAnnotations(t.Annotations, p.Child("annotations"))...)
	errs = append(errs, validatePodSpec(&t.Spec, p.Child("spec"))...)
	return errs
}

// validatePodSpec is the part of ValidatePodSpec the simulator relies on:
// terminationGracePeriodSeconds, containers, init containers, restart and
// DNS policy, node selector and activeDeadlineSeconds.
func validatePodSpec(s *corev1.PodSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.TerminationGracePeriodSeconds == nil {
		errs = append(errs, field.Required(p.Child("terminationGracePeriodSeconds"), ""))
	}
	grace := s.TerminationGracePeriodSeconds
	errs = append(errs, validateContainers(s.Containers, grace, p.Child("containers"))...)
	errs = append(errs, validateInitContainers(s.InitContainers, s.Containers, grace, p.Child("initContainers"))...)
	errs = append(errs, validateRestartPolicy(s.RestartPolicy, p.Child("restartPolicy"))...)
	errs = append(errs, validateDNSPolicy(s.DNSPolicy, p.Child("dnsPolicy"))...)
	errs = append(errs, metavalidation.ValidateLabels(s.NodeSelector, p.Child("nodeSelector"))...)
	if s.ActiveDeadlineSeconds != nil {
		if v := *s.ActiveDeadlineSeconds; v < 1 || v > math.MaxInt32 {
			errs = append(errs, field.Invalid(p.Child("activeDeadlineSeconds"), v, validation.InclusiveRangeError(1, math.MaxInt32)))
		}
	}
	return errs
}

// validateContainers is validateContainers: at least one container, each
// valid, names unique, probes and lifecycle checked, no restartPolicy.
func validateContainers(cs []corev1.Container, grace *int64, p *field.Path) field.ErrorList {
	if len(cs) == 0 {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	names := sets.New[string]()
	for i := range cs {
		c := &cs[i]
		cp := p.Index(i)
		errs = append(errs, validateContainerCommon(c, cp)...)
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(cp.Child("name"), c.Name))
		} else {
			names.Insert(c.Name)
		}
		if c.Lifecycle != nil {
			errs = append(errs, validateLifecycle(c.Lifecycle, grace, cp.Child("lifecycle"))...)
		}
		errs = append(errs, validateLivenessProbe(c.LivenessProbe, cp.Child("livenessProbe"))...)
		errs = append(errs, validateReadinessProbe(c.ReadinessProbe, cp.Child("readinessProbe"))...)
		errs = append(errs, validateStartupProbe(c.StartupProbe, cp.Child("startupProbe"))...)
		if c.RestartPolicy != nil {
			errs = append(errs, field.Forbidden(cp.Child("restartPolicy"), "may not be set for non-init containers"))
		}
	}
	return errs
}

// validateInitContainers is validateInitContainers: names unique across
// init and regular containers; probes and lifecycle only on restartable
// (sidecar) init containers.
func validateInitContainers(cs, regular []corev1.Container, grace *int64, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for _, c := range regular {
		names.Insert(c.Name)
	}
	for i := range cs {
		c := &cs[i]
		cp := p.Index(i)
		errs = append(errs, validateContainerCommon(c, cp)...)
		restartAlways := false
		if c.RestartPolicy != nil {
			if *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
				errs = append(errs, field.NotSupported(cp.Child("restartPolicy"), *c.RestartPolicy, []corev1.ContainerRestartPolicy{corev1.ContainerRestartPolicyAlways}))
			}
			restartAlways = *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		}
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(cp.Child("name"), c.Name))
		} else if c.Name != "" {
			names.Insert(c.Name)
		}
		if restartAlways {
			if c.Lifecycle != nil {
				errs = append(errs, validateLifecycle(c.Lifecycle, grace, cp.Child("lifecycle"))...)
			}
			errs = append(errs, validateLivenessProbe(c.LivenessProbe, cp.Child("livenessProbe"))...)
			errs = append(errs, validateReadinessProbe(c.ReadinessProbe, cp.Child("readinessProbe"))...)
			errs = append(errs, validateStartupProbe(c.StartupProbe, cp.Child("startupProbe"))...)
			continue
		}
		const msg = "may not be set for init containers without restartPolicy=Always"
		if c.Lifecycle != nil {
			errs = append(errs, field.Forbidden(cp.Child("lifecycle"), msg))
		}
		if c.LivenessProbe != nil {
			errs = append(errs, field.Forbidden(cp.Child("livenessProbe"), msg))
		}
		if c.ReadinessProbe != nil {
			errs = append(errs, field.Forbidden(cp.Child("readinessProbe"), msg))
		}
		if c.StartupProbe != nil {
			errs = append(errs, field.Forbidden(cp.Child("startupProbe"), msg))
		}
	}
	return errs
}

// validateContainerCommon is the part of validateContainerCommon the
// simulator relies on: name, image, terminationMessagePolicy, ports and
// imagePullPolicy.
func validateContainerCommon(c *corev1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, validateDNS1123Label(c.Name, p.Child("name"))...)
	}
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	}
	switch c.TerminationMessagePolicy {
	case corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError:
	case "":
		errs = append(errs, field.Required(p.Child("terminationMessagePolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(p.Child("terminationMessagePolicy"), c.TerminationMessagePolicy,
			[]corev1.TerminationMessagePolicy{corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError}))
	}
	errs = append(errs, validateContainerPorts(c.Ports, p.Child("ports"))...)
	// validatePullPolicy.
	switch c.ImagePullPolicy {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
	case "":
		errs = append(errs, field.Required(p.Child("imagePullPolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(p.Child("imagePullPolicy"), c.ImagePullPolicy,
			[]corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}))
	}
	return errs
}

// validateDNS1123Label is ValidateDNS1123Label.
func validateDNS1123Label(v string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(v) {
		errs = append(errs, field.Invalid(p, v, msg))
	}
	return errs
}

// supportedPortProtocols is validation.go's supportedPortProtocols, sorted
// as sets.List gives them.
var supportedPortProtocols = []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}

// validateProtocol is the protocol check of validateContainerPorts and
// validateServicePort.
func validateProtocol(proto corev1.Protocol, p *field.Path) field.ErrorList {
	switch proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, proto, supportedPortProtocols)}
}

// validateContainerPorts is validateContainerPorts: valid unique names,
// containerPort required and in 1..65535, hostPort in range, protocol.
func validateContainerPorts(ports []corev1.ContainerPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for i, port := range ports {
		ip := p.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) != 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(ip.Child("name"), port.Name, msg))
				}
			} else if names.Has(port.Name) {
				errs = append(errs, field.Duplicate(ip.Child("name"), port.Name))
			} else {
				names.Insert(port.Name)
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(ip.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(ip.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(ip.Child("hostPort"), port.HostPort, msg))
			}
		}
		errs = append(errs, validateProtocol(port.Protocol, ip.Child("protocol"))...)
	}
	return errs
}

// validateRestartPolicy is validateRestartPolicy.
func validateRestartPolicy(rp corev1.RestartPolicy, p *field.Path) field.ErrorList {
	switch rp {
	case corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, rp,
		[]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever})}
}

// validateDNSPolicy is validateDNSPolicy.
func validateDNSPolicy(dp corev1.DNSPolicy, p *field.Path) field.ErrorList {
	switch dp {
	case corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, dp,
		[]corev1.DNSPolicy{corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone})}
}

// validateLivenessProbe is validateLivenessProbe: successThreshold must be 1.
func validateLivenessProbe(pr *corev1.Probe, p *field.Path) field.ErrorList {
	if pr == nil {
		return nil
	}
	errs := validateProbe(pr, p)
	if pr.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1"))
	}
	return errs
}

// validateReadinessProbe is validateReadinessProbe: no probe-level
// terminationGracePeriodSeconds.
func validateReadinessProbe(pr *corev1.Probe, p *field.Path) field.ErrorList {
	if pr == nil {
		return nil
	}
	errs := validateProbe(pr, p)
	if pr.TerminationGracePeriodSeconds != nil {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), pr.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
	}
	return errs
}

// validateStartupProbe is validateStartupProbe: the same rule as for
// liveness probes, successThreshold must be 1.
func validateStartupProbe(pr *corev1.Probe, p *field.Path) field.ErrorList {
	return validateLivenessProbe(pr, p)
}

// validateProbe is validateProbe: one handler, non-negative timings (via
// ValidateNonnegativeField: "must be greater than or equal to 0"; zero
// values were defaulted before), a positive probe-level grace period.
func validateProbe(pr *corev1.Probe, p *field.Path) field.ErrorList {
	errs := validateHandler(handler{pr.Exec, pr.HTTPGet, pr.TCPSocket, pr.GRPC, nil}, nil, p)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.InitialDelaySeconds), p.Child("initialDelaySeconds"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.TimeoutSeconds), p.Child("timeoutSeconds"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.PeriodSeconds), p.Child("periodSeconds"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.SuccessThreshold), p.Child("successThreshold"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.FailureThreshold), p.Child("failureThreshold"))...)
	if g := pr.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	}
	return errs
}

// handler is validation.go's commonHandler: the actions of a probe or a
// lifecycle hook.
type handler struct {
	exec    *corev1.ExecAction
	httpGet *corev1.HTTPGetAction
	tcp     *corev1.TCPSocketAction
	grpc    *corev1.GRPCAction
	sleep   *corev1.SleepAction
}

// validateLifecycle is validateLifecycle.
func validateLifecycle(l *corev1.Lifecycle, grace *int64, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, h := range []struct {
		name string
		h    *corev1.LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if h.h != nil {
			errs = append(errs, validateHandler(handler{h.h.Exec, h.h.HTTPGet, h.h.TCPSocket, nil, h.h.Sleep}, grace, p.Child(h.name))...)
		}
	}
	return errs
}

// validateHandler is validateHandler: exactly one action, each valid.
func validateHandler(h handler, grace *int64, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(set bool, name string, check func(*field.Path) field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, check(p.Child(name))...)
	}
	one(h.exec != nil, "exec", func(p *field.Path) field.ErrorList {
		// validateExecAction.
		if len(h.exec.Command) == 0 {
			return field.ErrorList{field.Required(p.Child("command"), "")}
		}
		return nil
	})
	one(h.httpGet != nil, "httpGet", func(p *field.Path) field.ErrorList { return validateHTTPGetAction(h.httpGet, p) })
	one(h.tcp != nil, "tcpSocket", func(p *field.Path) field.ErrorList { return validatePortNumOrName(h.tcp.Port, p.Child("port")) })
	one(h.grpc != nil, "grpc", func(p *field.Path) field.ErrorList {
		return validatePortNumOrName(intstr.FromInt32(h.grpc.Port), p.Child("port"))
	})
	one(h.sleep != nil, "sleep", func(p *field.Path) field.ErrorList {
		// validateSleepAction, with AllowPodLifecycleSleepActionZeroValue
		// (on by default since 1.34).
		if grace != nil && (h.sleep.Seconds < 0 || h.sleep.Seconds > *grace) {
			return field.ErrorList{field.Invalid(p, h.sleep.Seconds,
				"must be non-negative and less than terminationGracePeriodSeconds ("+itoa(*grace)+")")}
		}
		return nil
	})
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a handler type"))
	}
	return errs
}

// validateHTTPGetAction is validateHTTPGetAction.
func validateHTTPGetAction(g *corev1.HTTPGetAction, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if g.Path == "" {
		errs = append(errs, field.Required(p.Child("path"), ""))
	}
	errs = append(errs, validatePortNumOrName(g.Port, p.Child("port"))...)
	if g.Scheme != corev1.URISchemeHTTP && g.Scheme != corev1.URISchemeHTTPS {
		errs = append(errs, field.NotSupported(p.Child("scheme"), g.Scheme, []corev1.URIScheme{corev1.URISchemeHTTP, corev1.URISchemeHTTPS}))
	}
	for _, h := range g.HTTPHeaders {
		for _, msg := range validation.IsHTTPHeaderName(h.Name) {
			errs = append(errs, field.Invalid(p.Child("httpHeaders"), h.Name, msg))
		}
	}
	return errs
}

// validatePortNumOrName is ValidatePortNumOrName.
func validatePortNumOrName(port intstr.IntOrString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch port.Type {
	case intstr.Int:
		for _, msg := range validation.IsValidPortNum(port.IntValue()) {
			errs = append(errs, field.Invalid(p, port.IntValue(), msg))
		}
	case intstr.String:
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(p, port.StrVal, msg))
		}
	default:
		errs = append(errs, field.InternalError(p, errUnknownIntOrString))
	}
	return errs
}

// labelSelector checks a Deployment's or ReplicaSet's selector
// (ValidateDeploymentSpec, ValidateReplicaSetSpec) and returns it parsed,
// or nil when it is not usable.
func labelSelector(sel *metav1.LabelSelector, p *field.Path) (labels.Selector, field.ErrorList) {
	var errs field.ErrorList
	if sel == nil {
		errs = append(errs, field.Required(p, ""))
	} else {
		errs = append(errs, metavalidation.ValidateLabelSelector(sel, metavalidation.LabelSelectorValidationOptions{}, p)...)
		if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(p, sel, "empty selector is invalid for deployment"))
		}
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil, append(errs, field.Invalid(p, sel, "invalid label selector"))
	}
	return s, errs
}

// validatePodTemplateSpecForReplicaSet is
// ValidatePodTemplateSpecForReplicaSet (apps validation): the selector
// must match the template's labels, restartPolicy must be Always, no
// activeDeadlineSeconds.
func validatePodTemplateSpecForReplicaSet(t *corev1.PodTemplateSpec, sel labels.Selector, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !sel.Empty() && !sel.Matches(labels.Set(t.Labels)) {
		errs = append(errs, field.Invalid(p.Child("metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, validatePodTemplateSpec(t, p)...)
	if t.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(p.Child("spec", "restartPolicy"), t.Spec.RestartPolicy, []string{string(corev1.RestartPolicyAlways)}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(p.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	return errs
}

// replicas reads a defaulted replica count.
func replicas(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// validateDeployment is ValidateDeployment and ValidateDeploymentSpec.
func validateDeployment(d *appsv1.Deployment) field.ErrorList {
	errs := validateObjectMeta(&d.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	p := field.NewPath("spec")
	s := &d.Spec
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(replicas(s.Replicas)), p.Child("replicas"))...)
	sel, serrs := labelSelector(s.Selector, p.Child("selector"))
	errs = append(errs, serrs...)
	if sel != nil {
		errs = append(errs, validatePodTemplateSpecForReplicaSet(&s.Template, sel, p.Child("template"))...)
	}
	errs = append(errs, validateDeploymentStrategy(&s.Strategy, p.Child("strategy"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(s.MinReadySeconds), p.Child("minReadySeconds"))...)
	if s.RevisionHistoryLimit != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*s.RevisionHistoryLimit), p.Child("revisionHistoryLimit"))...)
	}
	if s.ProgressDeadlineSeconds != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*s.ProgressDeadlineSeconds), p.Child("progressDeadlineSeconds"))...)
		if *s.ProgressDeadlineSeconds <= s.MinReadySeconds {
			errs = append(errs, field.Invalid(p.Child("progressDeadlineSeconds"), s.ProgressDeadlineSeconds, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

// internalStrategy has the field names of the internal apps
// DeploymentStrategy, whose JSON form the API server prints in the
// "Unsupported value" message of ValidateDeploymentStrategy.
type internalStrategy struct {
	Type          appsv1.DeploymentStrategyType
	RollingUpdate *struct{ MaxUnavailable, MaxSurge intstr.IntOrString }
}

// validateDeploymentStrategy is ValidateDeploymentStrategy and
// ValidateRollingUpdateDeployment.
func validateDeploymentStrategy(st *appsv1.DeploymentStrategy, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch st.Type {
	case appsv1.RecreateDeploymentStrategyType:
		if st.RollingUpdate != nil {
			errs = append(errs, field.Forbidden(p.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"))
		}
	case appsv1.RollingUpdateDeploymentStrategyType:
		if st.RollingUpdate == nil {
			return append(errs, field.Required(p.Child("rollingUpdate"), "this should be defaulted and never be nil"))
		}
		rp := p.Child("rollingUpdate")
		mu, ms := valueOf(st.RollingUpdate.MaxUnavailable), valueOf(st.RollingUpdate.MaxSurge)
		errs = append(errs, validatePositiveIntOrPercent(mu, rp.Child("maxUnavailable"))...)
		errs = append(errs, validatePositiveIntOrPercent(ms, rp.Child("maxSurge"))...)
		if intOrPercentValue(mu) == 0 && intOrPercentValue(ms) == 0 {
			errs = append(errs, field.Invalid(rp.Child("maxUnavailable"), mu, "may not be 0 when `maxSurge` is 0"))
		}
		errs = append(errs, isNotMoreThan100Percent(mu, rp.Child("maxUnavailable"))...)
	default:
		v := internalStrategy{Type: st.Type}
		if ru := st.RollingUpdate; ru != nil {
			v.RollingUpdate = &struct{ MaxUnavailable, MaxSurge intstr.IntOrString }{valueOf(ru.MaxUnavailable), valueOf(ru.MaxSurge)}
		}
		errs = append(errs, field.NotSupported(p, v, []string{string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)}))
	}
	return errs
}

// valueOf is what conversion to the internal type makes of an optional
// IntOrString: the zero value (the integer 0) for nil.
func valueOf(v *intstr.IntOrString) intstr.IntOrString {
	if v == nil {
		return intstr.IntOrString{}
	}
	return *v
}

// validatePositiveIntOrPercent is ValidatePositiveIntOrPercent (apps).
func validatePositiveIntOrPercent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch v.Type {
	case intstr.String:
		for _, msg := range validation.IsValidPercent(v.StrVal) {
			errs = append(errs, field.Invalid(p, v, msg))
		}
	case intstr.Int:
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(v.IntValue()), p)...)
	default:
		errs = append(errs, field.Invalid(p, v, "must be an integer or percentage (e.g '5%%')"))
	}
	return errs
}

// percentValue is getPercentValue (apps).
func percentValue(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || len(validation.IsValidPercent(v.StrVal)) != 0 {
		return 0, false
	}
	n, _ := atoi(v.StrVal[:len(v.StrVal)-1])
	return n, true
}

// intOrPercentValue is getIntOrPercentValue (apps).
func intOrPercentValue(v intstr.IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	return v.IntValue()
}

// isNotMoreThan100Percent is IsNotMoreThan100Percent (apps).
func isNotMoreThan100Percent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	if n, ok := percentValue(v); ok && n > 100 {
		return field.ErrorList{field.Invalid(p, v, "must not be greater than 100%")}
	}
	return nil
}

// validateReplicaSet is ValidateReplicaSet and ValidateReplicaSetSpec.
func validateReplicaSet(rs *appsv1.ReplicaSet) field.ErrorList {
	errs := validateObjectMeta(&rs.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	p := field.NewPath("spec")
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(replicas(rs.Spec.Replicas)), p.Child("replicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(rs.Spec.MinReadySeconds), p.Child("minReadySeconds"))...)
	sel, serrs := labelSelector(rs.Spec.Selector, p.Child("selector"))
	errs = append(errs, serrs...)
	if sel != nil {
		errs = append(errs, validatePodTemplateSpecForReplicaSet(&rs.Spec.Template, sel, p.Child("template"))...)
	}
	return errs
}

// validateReplicationController is ValidateReplicationController and
// ValidateReplicationControllerSpec (core).
func validateReplicationController(rc *corev1.ReplicationController) field.ErrorList {
	errs := validateObjectMeta(&rc.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	p := field.NewPath("spec")
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(rc.Spec.MinReadySeconds), p.Child("minReadySeconds"))...)
	// ValidateNonEmptySelector.
	if labels.Set(rc.Spec.Selector).AsSelector().Empty() {
		errs = append(errs, field.Required(p.Child("selector"), ""))
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(replicas(rc.Spec.Replicas)), p.Child("replicas"))...)
	errs = append(errs, validatePodTemplateSpecForRC(rc.Spec.Template, rc.Spec.Selector, p.Child("template"), "ReplicationController")...)
	return errs
}

// validatePodTemplateSpecForRC is ValidatePodTemplateSpecForRC (core), also
// used by origin's DeploymentConfig validation; kind names the object in
// the activeDeadlineSeconds message.
func validatePodTemplateSpecForRC(t *corev1.PodTemplateSpec, selector map[string]string, p *field.Path, kind string) field.ErrorList {
	if t == nil {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	if sel := labels.Set(selector).AsSelector(); !sel.Empty() && !sel.Matches(labels.Set(t.Labels)) {
		errs = append(errs, field.Invalid(p.Child("metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, validatePodTemplateSpec(t, p)...)
	if t.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(p.Child("spec", "restartPolicy"), t.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(p.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in "+kind+" is not Supported"))
	}
	return errs
}
