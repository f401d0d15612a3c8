package kubelet

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// ExitProcess ends the running process of a container of pod now, with
// code, as a process does when it decides by itself to stop. It is for
// processes whose end depends on the cluster rather than on their own
// behaviour: an OpenShift deployer pod exits when its rollout succeeds (0)
// or fails (1). The kubelet learns of the exit at its next relist, as of
// any other.
func (k *Kubelet) ExitProcess(pod *corev1.Pod, container string, code int) error {
	ps := k.pods[pod.UID]
	if ps == nil {
		return fmt.Errorf("pod %q is not running on node %s", pod.Name, k.cfg.Node)
	}
	if c := ps.byName(container); c != nil {
		in := c.newest()
		if in == nil || !in.running {
			return fmt.Errorf("container %q of pod %q is not running", container, pod.Name)
		}
		k.processExited(ps, c, in, int32(code), exitReason(int32(code)))
		return nil
	}
	return fmt.Errorf("pod %q has no container %q", pod.Name, container)
}
