package network

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/version"
)

// Source names the API object the data plane reads a Service's endpoints
// from.
type Source uint8

// The endpoint sources.
const (
	// SourceEndpointSlices: discovery.k8s.io EndpointSlices, whose endpoints
	// carry ready, serving and terminating conditions.
	SourceEndpointSlices Source = iota
	// SourceEndpoints: the legacy core/v1 Endpoints object, with addresses
	// and notReadyAddresses and no terminating pods.
	SourceEndpoints
)

func (s Source) String() string {
	if s == SourceEndpoints {
		return "Endpoints"
	}
	return "EndpointSlices"
}

// EndpointSource returns the object kube-proxy reads endpoints from in the
// profile's release. kube-proxy's EndpointSliceProxying gate was alpha in
// 1.18, beta and on by default in 1.19, GA in 1.22 (pkg/features
// kube_features.go); before 1.19 it watched Endpoints.
func EndpointSource(p *version.Profile) Source {
	if p.AtLeast(19) {
		return SourceEndpointSlices
	}
	return SourceEndpoints
}

// TerminatingFallback reports whether the data plane falls back to serving,
// terminating endpoints when a Service has no ready one
// (ProxyTerminatingEndpoints: alpha 1.22 for externalTrafficPolicy Local
// only, extended to every traffic policy by #108691, beta and on by default
// 1.26, GA 1.28; pkg/proxy/topology.go CategorizeEndpoints).
func TerminatingFallback(p *version.Profile) bool { return p.AtLeast(26) }

// Endpoint is one pod's entry in a Service's endpoints, with the conditions
// the EndpointSlice controller gives it.
type Endpoint struct {
	Pod  string    // the pod's name
	UID  types.UID // the pod's UID
	IP   string    // status.podIP
	Node string    // spec.nodeName
	// Ports are the pod's ports for the Service's ports, in the Service's
	// order: the targetPort resolved against the pod's container ports, 0
	// where a named targetPort does not resolve for this pod.
	Ports []int32
	// Ready, Serving and Terminating are the EndpointConditions.
	Ready, Serving, Terminating bool
}

// conditions returns an endpoint's conditions as podToEndpoint
// (staging/src/k8s.io/endpointslice/utils.go) computes them:
// serving = IsPodReady, terminating = deletionTimestamp set, and
// ready = publishNotReadyAddresses || (serving && !terminating).
func conditions(pod *corev1.Pod, svc *corev1.Service) (ready, serving, terminating bool) {
	serving = podReady(pod)
	terminating = pod.DeletionTimestamp != nil
	ready = svc.Spec.PublishNotReadyAddresses || (serving && !terminating)
	return ready, serving, terminating
}

// podReady is podutil.IsPodReady: the Ready condition is True.
func podReady(pod *corev1.Pod) bool {
	for i := range pod.Status.Conditions {
		if c := &pod.Status.Conditions[i]; c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// shouldBeInEndpoints is ShouldPodBeInEndpoints
// (staging/src/k8s.io/endpointslice/util/controller_utils.go): a pod in a
// terminal phase or without an IP is never an endpoint, and a terminating
// one only when includeTerminating. The EndpointSlice controller includes
// terminating pods; the Endpoints controller includes them only for
// publishNotReadyAddresses (endpoints_controller.go syncService).
func shouldBeInEndpoints(pod *corev1.Pod, includeTerminating bool) bool {
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false
	}
	if pod.Status.PodIP == "" && len(pod.Status.PodIPs) == 0 {
		return false
	}
	return includeTerminating || pod.DeletionTimestamp == nil
}

// selects reports whether a Service's selector matches a pod: every key of
// the selector has the same value in the pod's labels (a Service selector
// is a plain map, labels.SelectorFromSet). The map's order does not matter
// to the result.
func selects(svc *corev1.Service, pod *corev1.Pod) bool {
	if len(svc.Spec.Selector) == 0 || pod.Namespace != svc.Namespace {
		return false
	}
	for k, v := range svc.Spec.Selector {
		if lv, ok := pod.Labels[k]; !ok || lv != v {
			return false
		}
	}
	return true
}

// findPort is FindPort (staging/src/k8s.io/endpointslice/utils.go): a
// numeric targetPort is used as is; a named one is looked up among the
// pod's container ports (then its sidecars') with the same protocol. An
// unset targetPort defaults to the Service port, as API defaulting does. It
// returns 0 when a name does not resolve.
func findPort(pod *corev1.Pod, sp *corev1.ServicePort) int32 {
	tp := sp.TargetPort
	switch {
	case tp.Type == intstr.String && tp.StrVal != "":
		proto := protocol(sp.Protocol)
		for i := range pod.Spec.Containers {
			for _, p := range pod.Spec.Containers[i].Ports {
				if p.Name == tp.StrVal && protocol(p.Protocol) == proto {
					return p.ContainerPort
				}
			}
		}
		for i := range pod.Spec.InitContainers {
			c := &pod.Spec.InitContainers[i]
			if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
				continue
			}
			for _, p := range c.Ports {
				if p.Name == tp.StrVal && protocol(p.Protocol) == proto {
					return p.ContainerPort
				}
			}
		}
		return 0
	case tp.Type == intstr.Int && tp.IntVal != 0:
		return tp.IntVal
	default:
		return sp.Port
	}
}

// protocol defaults an empty protocol to TCP, as API defaulting does.
func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// endpointFor returns a pod's endpoint in a Service, and whether the pod is
// one. With SourceEndpoints it follows the Endpoints controller: terminating
// pods are left out unless publishNotReadyAddresses, and the rest are
// addresses (Ready) when ready or published, notReadyAddresses otherwise
// (addEndpointSubset). With SourceEndpointSlices it follows the
// EndpointSlice controller: terminating pods stay, with the conditions of
// podToEndpoint.
func endpointFor(pod *corev1.Pod, svc *corev1.Service, src Source) (Endpoint, bool) {
	includeTerminating := src == SourceEndpointSlices || svc.Spec.PublishNotReadyAddresses
	if !selects(svc, pod) || !shouldBeInEndpoints(pod, includeTerminating) {
		return Endpoint{}, false
	}
	ready, serving, terminating := conditions(pod, svc)
	ep := Endpoint{
		Pod: pod.Name, UID: pod.UID, IP: podIP(pod), Node: pod.Spec.NodeName,
		Ready: ready, Serving: serving, Terminating: terminating,
	}
	if n := len(svc.Spec.Ports); n > 0 {
		ep.Ports = make([]int32, n)
		for i := range svc.Spec.Ports {
			ep.Ports[i] = findPort(pod, &svc.Spec.Ports[i])
		}
	}
	return ep, true
}

func podIP(pod *corev1.Pod) string {
	if pod.Status.PodIP != "" {
		return pod.Status.PodIP
	}
	if len(pod.Status.PodIPs) > 0 {
		return pod.Status.PodIPs[0].IP
	}
	return ""
}

// sameEndpoint reports whether two endpoints are equal, so that an
// unchanged pod does not rewrite the slice.
func sameEndpoint(a, b *Endpoint) bool {
	if a.Pod != b.Pod || a.UID != b.UID || a.IP != b.IP || a.Node != b.Node ||
		a.Ready != b.Ready || a.Serving != b.Serving || a.Terminating != b.Terminating || len(a.Ports) != len(b.Ports) {
		return false
	}
	for i := range a.Ports {
		if a.Ports[i] != b.Ports[i] {
			return false
		}
	}
	return true
}

// Counts are a Service's endpoint counts as the Endpoints record shows
// them.
type Counts struct {
	Ready       int // endpoints with the ready condition (Endpoints: addresses)
	Serving     int // endpoints whose pod is Ready, terminating or not
	Terminating int // endpoints whose pod is terminating
	// Dataplane is the number of endpoints the data plane routes new
	// connections to: the ready ones it has applied, or, when none is ready
	// and the release falls back, the serving terminating ones.
	Dataplane int
}
