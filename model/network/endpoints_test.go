package network

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/api"
)

func testPod(ready, terminating bool) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "u", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{NodeName: "n", Containers: []corev1.Container{{Name: "app",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolUDP}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.128.0.2"},
	}
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}
	if terminating {
		ts := metav1.Now()
		p.DeletionTimestamp = &ts
	}
	return p
}

func testService(pnra bool) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, PublishNotReadyAddresses: pnra,
			Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http")}}},
	}
}

// TestConditions pins podToEndpoint (staging/src/k8s.io/endpointslice/
// utils.go): serving = IsPodReady, terminating = deletionTimestamp != nil,
// ready = publishNotReadyAddresses || (serving && !terminating); and, for
// the legacy Endpoints object, that terminating pods are left out unless
// publishNotReadyAddresses (endpoints_controller.go syncService).
func TestConditions(t *testing.T) {
	type want struct {
		ready, serving, terminating bool
		inSlice, inEndpoints        bool
	}
	for _, tc := range []struct {
		podReady, terminating, pnra bool
		want                        want
	}{
		{false, false, false, want{false, false, false, true, true}},
		{true, false, false, want{true, true, false, true, true}},
		{false, true, false, want{false, false, true, true, false}},
		{true, true, false, want{false, true, true, true, false}},
		{false, false, true, want{true, false, false, true, true}},
		{true, false, true, want{true, true, false, true, true}},
		{false, true, true, want{true, false, true, true, true}},
		{true, true, true, want{true, true, true, true, true}},
	} {
		pod, svc := testPod(tc.podReady, tc.terminating), testService(tc.pnra)
		ep, inSlice := endpointFor(pod, svc, SourceEndpointSlices)
		_, inEndpoints := endpointFor(pod, svc, SourceEndpoints)
		got := want{ep.Ready, ep.Serving, ep.Terminating, inSlice, inEndpoints}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
			t.Errorf("podReady=%v terminating=%v publishNotReadyAddresses=%v (-want +got):\n%s", tc.podReady, tc.terminating, tc.pnra, diff)
		}
	}
}

// TestShouldBeInEndpoints pins ShouldPodBeInEndpoints: no IP or a terminal
// phase keeps a pod out whatever its readiness.
func TestShouldBeInEndpoints(t *testing.T) {
	svc := testService(true)
	p := testPod(true, false)
	p.Status.PodIP = ""
	if _, ok := endpointFor(p, svc, SourceEndpointSlices); ok {
		t.Error("a pod without an IP is an endpoint")
	}
	for _, ph := range []corev1.PodPhase{corev1.PodSucceeded, corev1.PodFailed} {
		p := testPod(true, false)
		p.Status.Phase = ph
		if _, ok := endpointFor(p, svc, SourceEndpointSlices); ok {
			t.Errorf("a %s pod is an endpoint", ph)
		}
	}
	other := testPod(true, false)
	other.Labels = map[string]string{"app": "db"}
	if _, ok := endpointFor(other, svc, SourceEndpointSlices); ok {
		t.Error("a pod the selector does not match is an endpoint")
	}
}

// TestFindPort pins FindPort: numbers as given, names looked up among the
// container ports with the same protocol, an unset targetPort defaulting to
// the Service port.
func TestFindPort(t *testing.T) {
	pod := testPod(true, false)
	for _, tc := range []struct {
		sp   corev1.ServicePort
		want int32
	}{
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromInt32(8080)}, 8080},
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("http")}, 8080},
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("metrics")}, 0},
		{corev1.ServicePort{Port: 80, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromString("metrics")}, 9090},
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("nope")}, 0},
		{corev1.ServicePort{Port: 8443}, 8443},
	} {
		if got := findPort(pod, &tc.sp); got != tc.want {
			t.Errorf("findPort(%+v) = %d, want %d", tc.sp.TargetPort, got, tc.want)
		}
	}
}

// TestReleaseSwitches pins the per-release choices and their sources.
func TestReleaseSwitches(t *testing.T) {
	for _, tc := range []struct {
		release  string
		source   Source
		fallback bool
		min      string
		runner   runnerKind
		balance  Balance
	}{
		{"1.11", SourceEndpoints, false, "0s", runImmediate, Leastconn},
		{"1.18", SourceEndpoints, false, "0s", runImmediate, Leastconn},
		{"1.20", SourceEndpointSlices, false, "1s", runBurst, Leastconn},
		{"1.21", SourceEndpointSlices, false, "1s", runBurst, Random},
		{"1.25", SourceEndpointSlices, false, "1s", runBurst, Random},
		{"1.26", SourceEndpointSlices, true, "1s", runBurst, Random},
		{"1.33", SourceEndpointSlices, true, "1s", runBurst, Random},
		{"1.34", SourceEndpointSlices, true, "1s", runStrict, Random},
		{"1.36", SourceEndpointSlices, true, "1s", runStrict, Random},
	} {
		p := profile(t, tc.release)
		min := MinSyncPeriod(p)
		if EndpointSource(p) != tc.source || TerminatingFallback(p) != tc.fallback || min.String() != tc.min ||
			runnerFor(p, min) != tc.runner || RouterBalance(p) != tc.balance {
			t.Errorf("%s: source %v fallback %v min %v runner %v balance %v", tc.release,
				EndpointSource(p), TerminatingFallback(p), min, runnerFor(p, min), RouterBalance(p))
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		per  string
		fail bool
	}{
		{"20/s", 20, "1s", false},
		{"0.5/s", 5, "10s", false},
		{"30/m", 30, "1m0s", false},
		{"3/10s", 3, "10s", false},
		{"20", 0, "", true},
		{"-1/s", 0, "", true},
		{"1/x", 0, "", true},
	} {
		n, per, err := ParseRate(tc.in)
		if (err != nil) != tc.fail || !tc.fail && (n != tc.n || per.String() != tc.per) {
			t.Errorf("ParseRate(%q) = %d, %v, %v", tc.in, n, per, err)
		}
	}
}

func TestRouteFrom(t *testing.T) {
	r := &api.Route{}
	r.Namespace, r.Name = "shop", "web"
	r.Spec.To.Name = "web-svc"
	r.Spec.Port = &api.RoutePort{TargetPort: intstr.FromString("http")}
	want := Route{Namespace: "shop", Name: "web", Service: "web-svc", TargetPort: intstr.FromString("http")}
	if diff := cmp.Diff(want, RouteFrom(r)); diff != "" {
		t.Errorf("RouteFrom (-want +got):\n%s", diff)
	}
}
