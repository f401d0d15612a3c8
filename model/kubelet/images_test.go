package kubelet

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// events returns "reason: message" of the pod's kubelet events, in order,
// one per record (an aggregated repeat appears again with its count).
func (h *harness) kubeletEvents(reasons ...string) []string {
	var out []string
	for _, r := range h.log.Records() {
		if e, ok := r.(*record.Event); ok && e.Source == "kubelet" && (len(reasons) == 0 || contains(reasons, e.Reason)) {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// eventTimes returns when events with reason were recorded.
func (h *harness) eventTimes(reason string) []time.Duration {
	var out []time.Duration
	for _, r := range h.log.Records() {
		if e, ok := r.(*record.Event); ok && e.Reason == reason {
			out = append(out, time.Duration(sim.Time(e.T)))
		}
	}
	return out
}

// statuses returns the STATUS column's successive values for the pod.
func (h *harness) statuses() []string {
	var out []string
	for _, r := range h.log.Records() {
		if s, ok := r.(*record.PodStatus); ok && (len(out) == 0 || out[len(out)-1] != s.Status) {
			out = append(out, s.Status)
		}
	}
	return out
}

func pulledPod(name, image string, policy corev1.PullPolicy) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{Containers: []corev1.Container{
		{Name: "app", Image: image, ImagePullPolicy: policy},
	}}}
}

// TestPulledMessages pins the Pulled event's text per release
// (images/image_manager.go pullImage): no duration before 1.19
// (kubernetes#91563), the time since the pull was asked for until 1.26,
// then the puller's own time and the wait (kubernetes#111772), truncated
// to milliseconds with the image size from 1.30 (kubernetes#121719), and
// the Pulling text's lower case on 1.11.
func TestPulledMessages(t *testing.T) {
	const apps = `
"app:*":
  pull: {transfer: 1234567891ns, size: 52428800, preloaded: false}
`
	for _, tc := range []struct{ release, pulling, pulled string }{
		{"1.11", `pulling image "app:1"`, `Successfully pulled image "app:1"`},
		{"1.18", `Pulling image "app:1"`, `Successfully pulled image "app:1"`},
		{"1.20", `Pulling image "app:1"`, `Successfully pulled image "app:1" in 1.234567891s`},
		{"1.26", `Pulling image "app:1"`, `Successfully pulled image "app:1" in 1.234567891s (1.234567891s including waiting)`},
		{"1.30", `Pulling image "app:1"`, `Successfully pulled image "app:1" in 1.234s (1.234s including waiting). Image size: 52428800 bytes.`},
		{"1.36", `Pulling image "app:1"`, `Successfully pulled image "app:1" in 1.234s (1.234s including waiting). Image size: 52428800 bytes.`},
	} {
		t.Run(tc.release, func(t *testing.T) {
			h := newHarness(t, tc.release, 1, CatalogApps(catalog(t, apps)))
			h.addPod(pulledPod("web", "app:1", corev1.PullIfNotPresent))
			h.run(10 * time.Second)
			want := []string{"Pulling: " + tc.pulling, "Pulled: " + tc.pulled}
			if diff := cmp.Diff(want, h.kubeletEvents("Pulling", "Pulled")); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPullPolicy pins EnsureImageExists' choice by policy and presence: an
// IfNotPresent image is pulled once and found "already present" on the
// next start; an Always image is pulled at every start; a Never image the
// node lacks fails with ErrImageNeverPull.
func TestPullPolicy(t *testing.T) {
	const apps = `
"app:*":
  exit: {after: 5s, code: 1}
  pull: {transfer: 3s, cached: 200ms, preloaded: false}
`
	h := newHarness(t, "1.36", 1, CatalogApps(catalog(t, apps)))
	h.addPod(pulledPod("once", "app:1", corev1.PullIfNotPresent))
	h.run(30 * time.Second)
	got := h.kubeletEvents("Pulling", "Pulled")
	if len(got) < 3 || !strings.HasPrefix(got[1], `Pulled: Successfully pulled image "app:1" in 3s`) ||
		got[2] != `Pulled: Container image "app:1" already present on machine and can be accessed by the pod` {
		t.Errorf("IfNotPresent: %q, want one pull, then already present", got)
	}

	h = newHarness(t, "1.36", 1, CatalogApps(catalog(t, apps)))
	h.addPod(pulledPod("always", "app:1", corev1.PullAlways))
	h.run(30 * time.Second)
	pulled := h.kubeletEvents("Pulled")
	if len(pulled) < 2 || !strings.Contains(pulled[0], " in 3s ") || !strings.Contains(pulled[1], " in 200ms ") {
		t.Errorf("Always: %q, want a transfer, then a manifest-only pull", pulled)
	}

	h = newHarness(t, "1.36", 1, CatalogApps(catalog(t, apps)))
	h.addPod(pulledPod("never", "app:1", corev1.PullNever))
	h.run(30 * time.Second)
	want := []string{
		`ErrImageNeverPull: Container image "app:1" is not present with pull policy of Never`,
		`Failed: Error: ErrImageNeverPull`,
	}
	if diff := cmp.Diff(want, h.kubeletEvents()[:2]); diff != "" {
		t.Errorf("Never (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ContainerCreating", "ErrImageNeverPull"}, h.statuses()); diff != "" {
		t.Errorf("Never: STATUS (-want +got):\n%s", diff)
	}
}

// TestSerialPuller pins the serial puller (serializeImagePulls, the
// default): two pods asking for the image at once pull one after the
// other; the second finds the layers there and only resolves the manifest,
// and its event shows the wait. With parallel pulls both transfer at once.
func TestSerialPuller(t *testing.T) {
	const apps = `
"app:*":
  pull: {transfer: 10s, cached: 300ms, preloaded: false}
`
	for _, tc := range []struct {
		parallel bool
		want     []string
	}{
		{false, []string{
			`Successfully pulled image "app:1" in 10s (10s including waiting). Image size: 104857600 bytes.`,
			`Successfully pulled image "app:1" in 300ms (10.3s including waiting). Image size: 104857600 bytes.`,
		}},
		{true, []string{
			`Successfully pulled image "app:1" in 10s (10s including waiting). Image size: 104857600 bytes.`,
			`Successfully pulled image "app:1" in 10s (10s including waiting). Image size: 104857600 bytes.`,
		}},
	} {
		t.Run(fmt.Sprint("parallel=", tc.parallel), func(t *testing.T) {
			h := newHarness(t, "1.36", 1, CatalogApps(catalog(t, apps)))
			h.k.cfg.ParallelImagePulls = tc.parallel
			h.addPod(pulledPod("a", "app:1", corev1.PullIfNotPresent))
			h.addPod(pulledPod("b", "app:1", corev1.PullIfNotPresent))
			h.run(30 * time.Second)
			var got []string
			for _, r := range h.log.Records() {
				if e, ok := r.(*record.Event); ok && e.Reason == "Pulled" {
					got = append(got, e.Message)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Pulled messages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImagePullBackOff pins a pull that keeps failing
// (image_manager.go pullImage): each failure records "Failed to pull
// image", "Error: ErrImagePull" and Backoff.Next on the pod's image key
// (10 s doubling, kubelet.go imageBackOffPeriod); a sync inside the
// back-off records BackOff "Back-off pulling image" and "Error:
// ImagePullBackOff" without pulling; on ≤ 1.34 the failed sync is retried
// after Jitter(10 s, 0.5). STATUS shows ErrImagePull, then ImagePullBackOff.
func TestImagePullBackOff(t *testing.T) {
	const apps = `
"app:*":
  pull: {error: notFound, cached: 500ms, preloaded: false}
`
	for _, release := range []string{"1.11", "1.34", "1.36"} {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", release, seed), func(t *testing.T) {
				h := newHarness(t, release, seed, CatalogApps(catalog(t, apps)))
				h.addPod(pulledPod("web", "app:9", corev1.PullIfNotPresent))
				h.run(10 * time.Minute)
				fails := h.eventTimes("Failed")
				var pulls []time.Duration // when each pull failed
				for _, r := range h.log.Records() {
					if e, ok := r.(*record.Event); ok && e.Reason == "Failed" && strings.HasPrefix(e.Message, "Failed to pull image") {
						pulls = append(pulls, time.Duration(sim.Time(e.T)))
					}
				}
				if len(fails) == 0 || len(pulls) < 4 {
					t.Fatalf("%d pull failures, want at least 4", len(pulls))
				}
				// Each attempt waits out the back-off set by the one
				// before: 10 s, 20 s, 40 s … 300 s since the last failure.
				backoff := 10 * time.Second
				for i := 1; i < len(pulls); i++ {
					gap := pulls[i] - pulls[i-1]
					if gap < backoff+500*time.Millisecond || gap > backoff+16*time.Second {
						t.Errorf("pull %d failed %v after the one before, want its back-off %v plus the pull and at most one requeue (15 s)", i+1, gap, backoff)
					}
					backoff = min(2*backoff, 300*time.Second)
				}
				if diff := cmp.Diff([]string{"ContainerCreating", "ErrImagePull", "ImagePullBackOff"}, h.statuses()[:3]); diff != "" {
					t.Errorf("STATUS (-want +got):\n%s", diff)
				}
				ev := h.kubeletEvents("Failed", "BackOff")
				wantPrefix := []string{
					`Failed: Failed to pull image "app:9": rpc error: code = `,
					`Failed: Error: ErrImagePull`,
				}
				for i, p := range wantPrefix {
					if !strings.HasPrefix(ev[i], p) {
						t.Errorf("event %d = %q, want prefix %q", i, ev[i], p)
					}
				}
				if !contains(ev, `BackOff: Back-off pulling image "app:9"`) || !contains(ev, "Failed: Error: ImagePullBackOff") {
					t.Errorf("events %q: want the back-off pair", ev)
				}
			})
		}
	}
}

// TestPullErrorTexts pins the runtime's words for a missing image: the
// containerd reference is fully qualified.
func TestPullErrorTexts(t *testing.T) {
	for _, tc := range []struct{ image, want string }{
		{"web:v3", `docker.io/library/web:v3`},
		{"web", `docker.io/library/web:latest`},
		{"acme/web:v3", `docker.io/acme/web:v3`},
		{"quay.io/acme/web:v3", `quay.io/acme/web:v3`},
		{"localhost/web", `localhost/web:latest`},
		{"registry:5000/ns/web", `registry:5000/ns/web:latest`},
		{"web@sha256:abc", `docker.io/library/web@sha256:abc`},
	} {
		if got := normalizedRef(tc.image); got != tc.want {
			t.Errorf("normalizedRef(%q) = %q, want %q", tc.image, got, tc.want)
		}
	}
}

// TestPullSlowdown pins the node's pull factor: a node with a slow link
// takes that many times as long for the same pull.
func TestPullSlowdown(t *testing.T) {
	const apps = `
"app:*":
  pull: {transfer: 4s, preloaded: false}
`
	h := newHarness(t, "1.36", 1, CatalogApps(catalog(t, apps)))
	h.k.cfg.PullSlowdown = 2.5
	h.addPod(pulledPod("web", "app:1", corev1.PullIfNotPresent))
	h.run(30 * time.Second)
	want := []string{`Pulled: Successfully pulled image "app:1" in 10s (10s including waiting). Image size: 104857600 bytes.`}
	if diff := cmp.Diff(want, h.kubeletEvents("Pulled")); diff != "" {
		t.Errorf("Pulled (-want +got):\n%s", diff)
	}
}
