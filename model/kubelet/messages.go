package kubelet

import (
	"fmt"
	"strings"
	"time"

	"github.com/probesim/probesim/model/app"
)

// Event and status texts differ between releases; these functions hold every
// variant the model writes, by release (docs/fidelity.md section 6).

func (k *Kubelet) release() (minor int) { return k.cfg.Profile.Minor }

// msgCreated is the Created event (kuberuntime_container.go startContainer;
// 1.1 dockertools/manager.go) of container c created with ID id.
func (k *Kubelet) msgCreated(c, id string) string {
	switch m := k.release(); {
	case m < 2:
		return "Created with docker id " + shortID(id)
	case m >= 35:
		return "Container created"
	case m >= 32:
		return "Created container: " + c
	case m >= 14:
		return "Created container " + c
	default:
		return "Created container"
	}
}

// msgStarted is the Started event.
func (k *Kubelet) msgStarted(c, id string) string {
	switch m := k.release(); {
	case m < 2:
		return "Started with docker id " + shortID(id)
	case m >= 35:
		return "Container started"
	case m >= 14:
		return "Started container " + c
	default:
		return "Started container"
	}
}

// msgImagePresent is the Pulled event for an image already on the node
// (images/image_manager.go); KubeletEnsureSecretPulledImages adds a clause.
func (k *Kubelet) msgImagePresent(image string) string {
	msg := fmt.Sprintf("Container image %q already present on machine", image)
	if k.cfg.Profile.Gate("KubeletEnsureSecretPulledImages") {
		msg += " and can be accessed by the pod"
	}
	return msg
}

// msgKilling is the Killing event of a probe-driven or spec-driven kill
// (computePodActions); reason is "failed liveness probe" or "failed startup
// probe".
func (k *Kubelet) msgKilling(c, reason string, restart bool) string {
	if k.release() < 14 {
		// 1.11: "Killing container with id docker://<c>:<reason>", the ID
		// replaced by the name when the event is recorded.
		return fmt.Sprintf("Killing container with id docker://%s:Container %s.. Container will be killed and recreated.", c, reason)
	}
	msg := fmt.Sprintf("Container %s %s", c, reason)
	if restart {
		msg += ", will be restarted"
	}
	return msg
}

// msgStopping is the Killing event of a container stopped because its pod
// is being deleted.
func (k *Kubelet) msgStopping(c string) string {
	if k.release() < 14 {
		return fmt.Sprintf("Killing container with id docker://%s:Need to kill Pod", c)
	}
	return "Stopping container " + c
}

// msgBackOff is the reason and message of doBackOff's event; pod is
// name_namespace(uid).
func (k *Kubelet) msgBackOff(c, pod string) (reason, message string) {
	switch m := k.release(); {
	case m >= 26:
		return "BackOff", fmt.Sprintf("Back-off restarting failed container %s in pod %s", c, pod)
	case m >= 2:
		return "BackOff", "Back-off restarting failed container"
	default:
		return "Backoff", "Back-off restarting failed docker container"
	}
}

// shortID is a container ID as the 1.1 events print it: the first 12
// hexadecimal digits, without the runtime's scheme.
func shortID(id string) string {
	if i := strings.Index(id, "://"); i >= 0 {
		id = id[i+3:]
	}
	return id[:min(12, len(id))]
}

// msgBackOffReason is the waiting message a container in crash-loop backoff
// shows (the reason cache's message).
func (k *Kubelet) msgBackOffReason(d time.Duration, c, pod string) string {
	if k.release() < 14 {
		return fmt.Sprintf("Back-off %s restarting failed container=%s pod=%s", d, c, pod)
	}
	return fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", d, c, pod)
}

// msgProbeErrored is the Unhealthy event of a probe whose handler returned
// an error (prober.go probe; the text changed in 1.33, #125901).
func (k *Kubelet) msgProbeErrored(t probeType, err string) string {
	if k.release() >= 33 {
		return t.String() + " probe errored and resulted in unknown state: " + err
	}
	return t.String() + " probe errored: " + err
}

// msgExecTimeout is the output of an exec probe that timed out
// (pkg/probe/exec/exec.go; the text changed in 1.31).
func (k *Kubelet) msgExecTimeout(command []string, timeout time.Duration) string {
	cmd := strings.Join(command, " ")
	if k.release() >= 31 {
		return fmt.Sprintf("command timed out: %q timed out after %s", cmd, timeout)
	}
	return fmt.Sprintf("command %q timed out", cmd)
}

// urlError formats a Go HTTP client error as the probe output shows it:
// Go 1.14 and later quote the URL (kubernetes from about 1.19).
func (k *Kubelet) urlError(url, err string) string {
	if k.cfg.Profile.GoURLErrorQuoted() {
		return fmt.Sprintf("Get %q: %s", url, err)
	}
	return fmt.Sprintf("Get %s: %s", url, err)
}

// httpTimeoutError is the client timeout error of an HTTP probe.
func (k *Kubelet) httpTimeoutError() string {
	if k.cfg.Profile.GoURLErrorQuoted() {
		return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
	}
	return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
}

// msgPulling is the Pulling event (images/image_manager.go pullImage).
func (k *Kubelet) msgPulling(image string) string {
	if r := k.release(); r >= 11 && r < 14 {
		return fmt.Sprintf("pulling image %q", image)
	}
	return fmt.Sprintf("Pulling image %q", image)
}

// msgPulled is the Pulled event of a successful pull that took pull on the
// puller and total since it was asked for: the duration came in 1.19
// (kubernetes#91563), the wait and the precise pull time in 1.26
// (kubernetes#111772), millisecond truncation and the size in 1.30
// (kubernetes#121719).
func (k *Kubelet) msgPulled(image string, pull, total time.Duration, size int64) string {
	switch r := k.release(); {
	case r < 19:
		return fmt.Sprintf("Successfully pulled image %q", image)
	case r < 26:
		return fmt.Sprintf("Successfully pulled image %q in %v", image, total)
	case r < 30:
		return fmt.Sprintf("Successfully pulled image %q in %v (%v including waiting)", image, pull, total)
	default:
		return fmt.Sprintf("Successfully pulled image %q in %v (%v including waiting). Image size: %v bytes.",
			image, pull.Truncate(time.Millisecond), total.Truncate(time.Millisecond), size)
	}
}

// msgPullFailed is the Failed event of a pull that failed with err.
func (k *Kubelet) msgPullFailed(image, err string) string {
	return fmt.Sprintf("Failed to pull image %q: %s", image, err)
}

// msgPullError is the runtime's error for a failed pull: the description's
// text verbatim, or for app.PullNotFound the runtime's words for a missing
// image or tag: containerd's from 1.24 (dockershim removed), the Docker
// daemon's through CRI before, the Docker client's on 1.1. These texts are
// typical, not pinned (docs/fidelity.md).
func (k *Kubelet) msgPullError(image, spec string) string {
	if spec != app.PullNotFound {
		return spec
	}
	switch r := k.release(); {
	case r < 11:
		return fmt.Sprintf("Error: image %s not found", image)
	case r < 24:
		return fmt.Sprintf("rpc error: code = Unknown desc = Error response from daemon: manifest for %s not found", withTag(image))
	default:
		ref := normalizedRef(image)
		return fmt.Sprintf("rpc error: code = NotFound desc = failed to pull and unpack image %q: failed to resolve reference %q: %s: not found", ref, ref, ref)
	}
}

// msgImageBackOff is the BackOff event of a pull still backing off.
func (k *Kubelet) msgImageBackOff(image string) string {
	return fmt.Sprintf("Back-off pulling image %q", image)
}

// msgImageNeverPull is the ErrImageNeverPull event and message.
func (k *Kubelet) msgImageNeverPull(image string) string {
	return fmt.Sprintf("Container image %q is not present with pull policy of Never", image)
}

// withTag adds the default tag to an image reference that has neither a
// tag nor a digest.
func withTag(image string) string {
	last := image[strings.LastIndexByte(image, '/')+1:]
	if strings.ContainsAny(last, ":@") {
		return image
	}
	return image + ":latest"
}

// normalizedRef is the fully qualified reference containerd resolves:
// Docker Hub's domain and library/ namespace for short names, and the
// default tag.
func normalizedRef(image string) string {
	image = withTag(image)
	first, _, found := strings.Cut(image, "/")
	switch {
	case !found:
		return "docker.io/library/" + image
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		return "docker.io/" + image
	}
	return image
}
