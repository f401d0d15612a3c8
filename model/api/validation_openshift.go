package api

import (
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The rules below follow openshift/origin (3.11)
// pkg/apps/apis/apps/validation/validation.go and
// pkg/route/apis/route/validation/validation.go, with their messages. The
// checks that need an image registry (image stream names, hook containers'
// images) are left out.

// validateDeploymentConfig is ValidateDeploymentConfig:
// ValidateDeploymentConfigSpec and ValidateDeploymentConfigStatus.
func validateDeploymentConfig(dc *DeploymentConfig) field.ErrorList {
	errs := validateObjectMeta(&dc.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	s := &dc.Spec
	p := field.NewPath("spec")
	for i := range s.Triggers {
		errs = append(errs, validateTrigger(&s.Triggers[i], p.Child("triggers").Index(i))...)
	}
	if s.Template != nil {
		errs = append(errs, validateDCStrategy(&s.Strategy, p.Child("strategy"))...)
	}
	if s.RevisionHistoryLimit != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*s.RevisionHistoryLimit), p.Child("revisionHistoryLimit"))...)
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(s.MinReadySeconds), p.Child("minReadySeconds"))...)
	timeout := DefaultRollingTimeoutSeconds
	if rp := s.Strategy.RollingParams; rp != nil && rp.TimeoutSeconds != nil {
		timeout = *rp.TimeoutSeconds
	} else if rp := s.Strategy.RecreateParams; rp != nil && rp.TimeoutSeconds != nil {
		timeout = *rp.TimeoutSeconds
	}
	if timeout > 0 && int64(s.MinReadySeconds) >= timeout {
		errs = append(errs, field.Invalid(p.Child("minReadySeconds"), s.MinReadySeconds, fmt.Sprintf("must be less than the deployment timeout (%ds)", timeout)))
	}
	if ad := s.Strategy.ActiveDeadlineSeconds; ad != nil && int64(s.MinReadySeconds) >= *ad {
		errs = append(errs, field.Invalid(p.Child("minReadySeconds"), s.MinReadySeconds, fmt.Sprintf("must be less than activeDeadlineSeconds (%ds - used by the deployer pod)", *ad)))
	}
	if s.Template == nil {
		errs = append(errs, field.Required(p.Child("template"), ""))
	} else {
		errs = append(errs, validatePodTemplateSpecForRC(imageChangeTemplate(s), s.Selector, p.Child("template"), "ReplicationController")...)
	}
	if s.Replicas < 0 {
		errs = append(errs, field.Invalid(p.Child("replicas"), s.Replicas, "replicas cannot be negative"))
	}
	if len(s.Selector) == 0 {
		errs = append(errs, field.Invalid(p.Child("selector"), s.Selector, "selector cannot be empty"))
	} else {
		// Reserved labels: deploymentconfig must be the DC's name,
		// deployment is set by the controller.
		if v, ok := s.Selector["deploymentconfig"]; ok && v != dc.Name {
			errs = append(errs, field.Invalid(p.Child("selector"), s.Selector, "can't set restricted selector `deploymentconfig`"))
		}
		var tl map[string]string
		if s.Template != nil {
			tl = s.Template.Labels
		}
		if v, ok := tl["deploymentconfig"]; ok && v != dc.Name {
			errs = append(errs, field.Invalid(p.Child("template.labels"), tl, "can't set restricted label `deploymentconfig`"))
		}
		if _, ok := s.Selector["deployment"]; ok {
			errs = append(errs, field.Invalid(p.Child("selector"), s.Selector, "can't set restricted selector `deployment`"))
		}
		if _, ok := tl["deployment"]; ok {
			errs = append(errs, field.Invalid(p.Child("template.labels"), tl, "can't set restricted label `deployment`"))
		}
	}
	st := field.NewPath("status")
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"latestVersion", dc.Status.LatestVersion}, {"observedGeneration", dc.Status.ObservedGeneration},
		{"replicas", int64(dc.Status.Replicas)}, {"readyReplicas", int64(dc.Status.ReadyReplicas)},
		{"availableReplicas", int64(dc.Status.AvailableReplicas)}, {"unavailableReplicas", int64(dc.Status.UnavailableReplicas)},
	} {
		errs = append(errs, apivalidation.ValidateNonnegativeField(f.v, st.Child(f.name))...)
	}
	return errs
}

// imageChangeTemplate is origin's handleEmptyImageReferences: a container
// with no image is valid when an ImageChange trigger will fill it in, so
// validation sees a copy with a placeholder image.
func imageChangeTemplate(s *DeploymentConfigSpec) *corev1.PodTemplateSpec {
	filled := map[string]bool{}
	for _, t := range s.Triggers {
		if t.Type == DeploymentTriggerOnImageChange && t.ImageChangeParams != nil {
			for _, c := range t.ImageChangeParams.ContainerNames {
				filled[c] = true
			}
		}
	}
	t := s.Template
	for i, c := range t.Spec.Containers {
		if c.Image == "" && filled[c.Name] {
			t = t.DeepCopy()
			t.Spec.Containers[i].Image = "unset"
		}
	}
	return t
}

// validateTrigger is validateTrigger and validateImageChangeParams.
func validateTrigger(t *DeploymentTriggerPolicy, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if t.Type == "" {
		errs = append(errs, field.Required(p.Child("type"), ""))
	}
	if t.Type != DeploymentTriggerOnImageChange {
		return errs
	}
	if t.ImageChangeParams == nil {
		return append(errs, field.Required(p.Child("imageChangeParams"), ""))
	}
	ip := p.Child("imageChangeParams")
	from := ip.Child("from")
	params := t.ImageChangeParams
	if params.From.Name == "" {
		errs = append(errs, field.Required(from, ""))
	} else {
		if params.From.Kind != "ImageStreamTag" {
			errs = append(errs, field.Invalid(from.Child("kind"), params.From.Kind, "kind must be an ImageStreamTag"))
		}
		if name, tag, ok := strings.Cut(params.From.Name, ":"); !ok || name == "" || tag == "" || strings.Contains(tag, ":") {
			errs = append(errs, field.Invalid(from.Child("name"), params.From.Name, "must be in the form of <name>:<tag>"))
		}
		if ns := params.From.Namespace; ns != "" && len(validation.IsDNS1123Subdomain(ns)) != 0 {
			errs = append(errs, field.Invalid(from.Child("namespace"), ns, "namespace must be a valid subdomain"))
		}
	}
	if len(params.ContainerNames) == 0 {
		errs = append(errs, field.Required(ip.Child("containerNames"), ""))
	}
	return errs
}

// validateDCStrategy is validateDeploymentStrategy (origin).
func validateDCStrategy(st *DeploymentStrategy, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if st.Type == "" {
		errs = append(errs, field.Required(p.Child("type"), ""))
	}
	switch st.Type {
	case DeploymentStrategyTypeRecreate:
		if st.RecreateParams != nil {
			errs = append(errs, validateRecreateParams(st.RecreateParams, p.Child("recreateParams"))...)
		}
	case DeploymentStrategyTypeRolling:
		if st.RollingParams == nil {
			errs = append(errs, field.Required(p.Child("rollingParams"), ""))
		} else {
			errs = append(errs, validateRollingParams(st.RollingParams, p.Child("rollingParams"))...)
		}
	case DeploymentStrategyTypeCustom:
		if st.CustomParams == nil {
			errs = append(errs, field.Required(p.Child("customParams"), ""))
		}
		if st.RollingParams != nil {
			errs = append(errs, validateRollingParams(st.RollingParams, p.Child("rollingParams"))...)
		}
		if st.RecreateParams != nil {
			errs = append(errs, validateRecreateParams(st.RecreateParams, p.Child("recreateParams"))...)
		}
	case "":
		errs = append(errs, field.Required(p.Child("type"), "strategy type is required"))
	default:
		errs = append(errs, field.Invalid(p.Child("type"), st.Type, "unsupported strategy type, use \"Custom\" instead and specify your own strategy"))
	}
	if st.Labels != nil {
		errs = append(errs, metavalidation.ValidateLabels(st.Labels, p.Child("labels"))...)
	}
	if st.Annotations != nil {
		errs = append(errs, apivalidation.ValidateAnnotations(st.Annotations, p.Child("annotations"))...)
	}
	if ad := st.ActiveDeadlineSeconds; ad != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*ad, p.Child("activeDeadlineSeconds"))...)
		var timeout *int64
		if st.RollingParams != nil {
			timeout = st.RollingParams.TimeoutSeconds
		} else if st.RecreateParams != nil {
			timeout = st.RecreateParams.TimeoutSeconds
		}
		if timeout != nil && *ad <= *timeout {
			errs = append(errs, field.Invalid(p.Child("activeDeadlineSeconds"), *ad, "activeDeadlineSeconds must be greater than timeoutSeconds"))
		}
	}
	return errs
}

// positiveSeconds is the "must be >0" check of validateRecreateParams and
// validateRollingParams.
func positiveSeconds(v *int64, p *field.Path) field.ErrorList {
	if v != nil && *v < 1 {
		return field.ErrorList{field.Invalid(p, *v, "must be >0")}
	}
	return nil
}

// validateRecreateParams is validateRecreateParams.
func validateRecreateParams(rp *RecreateDeploymentStrategyParams, p *field.Path) field.ErrorList {
	errs := positiveSeconds(rp.TimeoutSeconds, p.Child("timeoutSeconds"))
	errs = append(errs, validateHook(rp.Pre, p.Child("pre"))...)
	errs = append(errs, validateHook(rp.Mid, p.Child("mid"))...)
	errs = append(errs, validateHook(rp.Post, p.Child("post"))...)
	return errs
}

var percentRegexp = regexp.MustCompile(`^[0-9]+%$`)

// dcPercent is origin's getPercentValue: a percentage, if v is one.
func dcPercent(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || !percentRegexp.MatchString(v.StrVal) {
		return 0, false
	}
	n, _ := atoi(v.StrVal[:len(v.StrVal)-1])
	return n, true
}

// validateRollingParams is validateRollingParams, with origin's own
// ValidatePositiveIntOrPercent and IsNotMoreThan100Percent wording.
func validateRollingParams(rp *RollingDeploymentStrategyParams, p *field.Path) field.ErrorList {
	errs := positiveSeconds(rp.IntervalSeconds, p.Child("intervalSeconds"))
	errs = append(errs, positiveSeconds(rp.UpdatePeriodSeconds, p.Child("updatePeriodSeconds"))...)
	errs = append(errs, positiveSeconds(rp.TimeoutSeconds, p.Child("timeoutSeconds"))...)
	mu, ms := valueOf(rp.MaxUnavailable), valueOf(rp.MaxSurge)
	for _, f := range []struct {
		name string
		v    intstr.IntOrString
	}{{"maxUnavailable", mu}, {"maxSurge", ms}} {
		fp := p.Child(f.name)
		if f.v.Type == intstr.String && !percentRegexp.MatchString(f.v.StrVal) {
			errs = append(errs, field.Invalid(fp, f.v, "value should be int(5) or percentage(5%)"))
		} else if f.v.Type == intstr.Int && f.v.IntVal < 0 {
			errs = append(errs, field.Invalid(fp, int64(f.v.IntVal), "must be non-negative"))
		}
	}
	value := func(v intstr.IntOrString) int {
		if n, ok := dcPercent(v); ok {
			return n
		}
		return int(v.IntVal)
	}
	if value(mu) == 0 && value(ms) == 0 {
		errs = append(errs, field.Invalid(p.Child("maxUnavailable"), mu, "cannot be 0 when maxSurge is 0 as well"))
	}
	if n, ok := dcPercent(mu); ok && n > 100 {
		errs = append(errs, field.Invalid(p.Child("maxUnavailable"), mu, "should not be more than 100%"))
	}
	errs = append(errs, validateHook(rp.Pre, p.Child("pre"))...)
	errs = append(errs, validateHook(rp.Post, p.Child("post"))...)
	return errs
}

// validateHook is validateLifecycleHook and validateExecNewPod.
func validateHook(h *LifecycleHook, p *field.Path) field.ErrorList {
	if h == nil {
		return nil
	}
	var errs field.ErrorList
	if h.FailurePolicy == "" {
		errs = append(errs, field.Required(p.Child("failurePolicy"), ""))
	}
	switch {
	case h.ExecNewPod != nil && len(h.TagImages) > 0:
		errs = append(errs, field.Invalid(p, "<hook>", "only one of 'execNewPod' or 'tagImages' may be specified"))
	case h.ExecNewPod != nil:
		ep := p.Child("execNewPod")
		if len(h.ExecNewPod.Command) == 0 {
			errs = append(errs, field.Required(ep.Child("command"), ""))
		}
		if h.ExecNewPod.ContainerName == "" {
			errs = append(errs, field.Required(ep.Child("containerName"), ""))
		}
	case len(h.TagImages) > 0:
		for i, t := range h.TagImages {
			tp := p.Child("tagImages").Index(i)
			if t.ContainerName == "" {
				errs = append(errs, field.Required(tp.Child("containerName"), "a containerName is required"))
			}
			if t.To.Kind != "ImageStreamTag" {
				errs = append(errs, field.Invalid(tp.Child("to", "kind"), t.To.Kind, "Must be 'ImageStreamTag'"))
			}
			if t.To.Name == "" {
				errs = append(errs, field.Required(tp.Child("to", "name"), "a destination tag name is required"))
			}
		}
	default:
		errs = append(errs, field.Invalid(p, "<empty>", "One of execNewPod or tagImages must be specified"))
	}
	return errs
}

// validateRoute is ValidateRoute (origin route validation), without the
// certificate parsing.
func validateRoute(r *Route) field.ErrorList {
	errs := validateObjectMeta(&r.ObjectMeta, apivalidation.NameIsDNSSubdomain)
	s := &r.Spec
	p := field.NewPath("spec")
	if s.Host != "" && len(validation.IsDNS1123Subdomain(s.Host)) != 0 {
		errs = append(errs, field.Invalid(p.Child("host"), s.Host, "host must conform to DNS 952 subdomain conventions"))
	}
	// validateWildcardPolicy.
	switch s.WildcardPolicy {
	case "", WildcardPolicyNone:
	case WildcardPolicySubdomain:
		if s.Host == "" {
			errs = append(errs, field.Invalid(p.Child("wildcardPolicy"), s.WildcardPolicy, "host name not specified for wildcard policy"))
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("wildcardPolicy"), s.WildcardPolicy, []string{string(WildcardPolicyNone), string(WildcardPolicySubdomain)}))
	}
	if s.Path != "" && !strings.HasPrefix(s.Path, "/") {
		errs = append(errs, field.Invalid(p.Child("path"), s.Path, "path must begin with /"))
	}
	if s.Path != "" && s.TLS != nil && s.TLS.Termination == "passthrough" {
		errs = append(errs, field.Invalid(p.Child("path"), s.Path, "passthrough termination does not support paths"))
	}
	if s.To.Name == "" {
		errs = append(errs, field.Required(p.Child("to", "name"), ""))
	}
	if s.To.Kind != "Service" {
		errs = append(errs, field.Invalid(p.Child("to", "kind"), s.To.Kind, "must reference a Service"))
	}
	if w := s.To.Weight; w != nil && (*w < 0 || *w > 256) {
		errs = append(errs, field.Invalid(p.Child("to", "weight"), w, "weight must be an integer between 0 and 256"))
	}
	bp := p.Child("alternateBackends")
	if len(s.AlternateBackends) > 3 {
		errs = append(errs, field.Required(bp, "cannot specify more than 3 alternate backends"))
	}
	for i, b := range s.AlternateBackends {
		if b.Name == "" {
			errs = append(errs, field.Required(bp.Index(i).Child("name"), ""))
		}
		if b.Kind != "Service" {
			errs = append(errs, field.Invalid(bp.Index(i).Child("kind"), b.Kind, "must reference a Service"))
		}
		if w := b.Weight; w != nil && (*w < 0 || *w > 256) {
			errs = append(errs, field.Invalid(bp.Index(i).Child("weight"), w, "weight must be an integer between 0 and 256"))
		}
	}
	if s.Port != nil {
		if t := s.Port.TargetPort; (t.Type == intstr.Int && t.IntVal == 0) || (t.Type == intstr.String && t.StrVal == "") {
			errs = append(errs, field.Required(p.Child("port", "targetPort"), ""))
		}
	}
	if t := s.TLS; t != nil {
		tp := p.Child("tls")
		switch t.Termination {
		case "reencrypt", "edge", "passthrough":
		default:
			errs = append(errs, field.NotSupported(tp.Child("termination"), t.Termination, []string{"edge", "passthrough", "reencrypt"}))
		}
	}
	return errs
}
