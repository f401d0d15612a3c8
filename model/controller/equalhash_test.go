package controller

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"pgregory.net/rapid"
)

// equalIgnoreHashByCopy is deployment_util.go EqualIgnoreHash as written
// in kube-controller-manager: both templates deep-copied, the
// pod-template-hash label deleted from the copies, then Semantic.DeepEqual.
func equalIgnoreHashByCopy(a, b *corev1.PodTemplateSpec) bool {
	a, b = a.DeepCopy(), b.DeepCopy()
	delete(a.Labels, PodTemplateHashLabel)
	delete(b.Labels, PodTemplateHashLabel)
	return apiequality.Semantic.DeepEqual(a, b)
}

// drawTemplate draws a pod template from a small space, so that two draws
// are often equal or differ in one place: labels (nil, empty, with or
// without the hash label), annotations, the image, a request written in
// two forms of one quantity (Semantic equality compares quantities by
// value), nil or empty lists.
func drawTemplate(t *rapid.T, name string) *corev1.PodTemplateSpec {
	tmpl := &corev1.PodTemplateSpec{}
	switch rapid.IntRange(0, 2).Draw(t, name+"-labels") {
	case 1:
		tmpl.Labels = map[string]string{}
	case 2:
		tmpl.Labels = map[string]string{}
		for _, k := range []string{"app", PodTemplateHashLabel, "tier"} {
			if v := rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, name+"-"+k); v != "" {
				tmpl.Labels[k] = v
			}
		}
	}
	if rapid.Bool().Draw(t, name+"-annotated") {
		tmpl.Annotations = map[string]string{"note": rapid.SampledFrom([]string{"x", "y"}).Draw(t, name+"-note")}
	}
	c := corev1.Container{Name: "app", Image: rapid.SampledFrom([]string{"app:1", "app:2"}).Draw(t, name+"-image")}
	switch rapid.IntRange(0, 3).Draw(t, name+"-cpu") {
	case 1:
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
	case 2:
		c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1000m")}
	case 3:
		c.Resources.Requests = corev1.ResourceList{}
	}
	if rapid.Bool().Draw(t, name+"-env") {
		c.Env = []corev1.EnvVar{}
	}
	tmpl.Spec.Containers = []corev1.Container{c}
	return tmpl
}

// TestEqualIgnoreHashProperty checks that comparing templates in place
// gives EqualIgnoreHash's answer on copies, and leaves both templates as
// they were.
func TestEqualIgnoreHashProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := drawTemplate(t, "a"), drawTemplate(t, "b")
		a0, b0 := a.DeepCopy(), b.DeepCopy()
		want := equalIgnoreHashByCopy(a, b)
		if got := equalIgnoreHash(a, b); got != want {
			t.Fatalf("equalIgnoreHash = %v, EqualIgnoreHash on copies = %v\na: %+v\nb: %+v", got, want, a, b)
		}
		if !apiequality.Semantic.DeepEqual(a, a0) || !apiequality.Semantic.DeepEqual(b, b0) {
			t.Fatalf("templates changed by the comparison")
		}
	})
}
