package kubelet

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/app"
)

// Signal delivers sig to the process of a pod's container, as
// `kubectl exec POD -c CONTAINER -- kill -SIG 1` does: the process reacts as
// its description says. If it exits, the kubelet sees the exit at its next
// relist and restarts the container in the same pod, like any other exit.
func (k *Kubelet) Signal(pod *corev1.Pod, container string, sig app.Signal) error {
	ps := k.pods[pod.UID]
	if ps == nil {
		return fmt.Errorf("pod %q is not running on node %s", pod.Name, k.cfg.Node)
	}
	// A named container may be an init container at work.
	for _, c := range append(ps.containers[:len(ps.containers):len(ps.containers)], ps.inits...) {
		if container != "" && c.spec.Name != container {
			continue
		}
		in := c.newest()
		if in == nil || !in.running {
			return fmt.Errorf("container %q of pod %q is not running", c.spec.Name, pod.Name)
		}
		in.proc.Signal(k.e.Now(), sig)
		if sig == app.SIGKILL {
			k.processExited(ps, c, in, 137, exitReason(137))
			return nil
		}
		k.watchExit(ps, c, in)
		return nil
	}
	return fmt.Errorf("pod %q has no container %q", pod.Name, container)
}

// Node returns the name of the kubelet's node.
func (k *Kubelet) Node() string { return k.cfg.Node }

// HTTP sends an HTTP request to port on the pod's IP at the current time,
// as traffic through a Service does, and returns the reply. The request
// reaches the running instance of the container that declares the port, or
// of the first container if none declares it; with nothing running it is
// refused. A reply that crashed the process moves the process's exit.
func (k *Kubelet) HTTP(uid types.UID, port int, method, path string) app.Reply {
	now := k.e.Now()
	ps := k.pods[uid]
	if ps == nil {
		return refused(now)
	}
	c := ps.containers[0]
	for _, cc := range ps.containers {
		for _, p := range cc.spec.Ports {
			if int(p.ContainerPort) == port {
				c = cc
			}
		}
	}
	in := c.newest()
	if in == nil || !in.running {
		return refused(now)
	}
	r := in.proc.HTTP(now, port, method, path)
	if r.Crashed {
		k.watchExit(ps, c, in)
	}
	return r
}
