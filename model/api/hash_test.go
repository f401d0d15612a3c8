package api

import (
	"regexp"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestPodTemplateHash(t *testing.T) {
	tmpl := &corev1.PodTemplateSpec{}
	tmpl.Labels = map[string]string{"app": "web", "tier": "front"}
	tmpl.Spec.Containers = []corev1.Container{{Name: "app", Image: "nodejs-ex"}}
	h := PodTemplateHash(tmpl, nil)
	if !regexp.MustCompile(`^[bcdfghjklmnpqrstvwxz2456789]{1,10}$`).MatchString(h) {
		t.Errorf("hash %q is not in rand.SafeEncodeString's alphabet", h)
	}
	for range 20 { // map order must not matter
		c := tmpl.DeepCopy()
		if got := PodTemplateHash(c, nil); got != h {
			t.Fatalf("hash changed from %q to %q for the same template", h, got)
		}
	}
	c := tmpl.DeepCopy()
	c.Spec.Containers[0].Image = "nodejs-ex:2"
	if PodTemplateHash(c, nil) == h {
		t.Error("a changed template kept its hash")
	}
	zero, one := int32(0), int32(1)
	if a, b := PodTemplateHash(tmpl, &zero), PodTemplateHash(tmpl, &one); a == b || a == h {
		t.Errorf("collision counts did not change the hash: %q %q %q", h, a, b)
	}
	if PodTemplateHash(nil, nil) == "" {
		t.Error("a nil template has no hash")
	}
}
