package api

import (
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Object is a decoded manifest. Its dynamic type is one of *corev1.Pod,
// *corev1.Service, *corev1.ReplicationController, *appsv1.Deployment,
// *appsv1.ReplicaSet, *DeploymentConfig or *Route; callers switch on it.
// Name, namespace and labels are read through metav1.Object, apiVersion
// and kind through GetObjectKind.
type Object interface {
	metav1.Object
	GetObjectKind() schema.ObjectKind
}

// kind describes one supported kind: the apiVersions it may be written
// with (the first is the canonical one) and its empty object.
type kind struct {
	versions []string
	new      func() Object
}

// kinds are the supported kinds by name. DeploymentConfig and Route are
// also accepted with the legacy apiVersion v1 that OpenShift 3 clients
// wrote.
var kinds = map[string]kind{
	"Pod":                   {[]string{"v1"}, func() Object { return &corev1.Pod{} }},
	"Service":               {[]string{"v1"}, func() Object { return &corev1.Service{} }},
	"ReplicationController": {[]string{"v1"}, func() Object { return &corev1.ReplicationController{} }},
	"Deployment":            {[]string{"apps/v1"}, func() Object { return &appsv1.Deployment{} }},
	"ReplicaSet":            {[]string{"apps/v1"}, func() Object { return &appsv1.ReplicaSet{} }},
	"DeploymentConfig":      {[]string{"apps.openshift.io/v1", "v1"}, func() Object { return &DeploymentConfig{} }},
	"Route":                 {[]string{"route.openshift.io/v1", "v1"}, func() Object { return &Route{} }},
}

// Kinds returns the names of the supported kinds, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// kindList names the supported kinds for messages: "A, B or C".
func kindList() string {
	k := Kinds()
	return strings.Join(k[:len(k)-1], ", ") + " or " + k[len(k)-1]
}

// APIVersion returns the canonical apiVersion of a supported kind, the one
// `kubectl` and `oc` write today.
func APIVersion(kind string) (string, bool) {
	k, ok := kinds[kind]
	if !ok {
		return "", false
	}
	return k.versions[0], true
}
