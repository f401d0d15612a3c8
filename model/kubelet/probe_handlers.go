package kubelet

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/sim"
)

// maxRedirects is the HTTP prober's limit on followed redirects
// (pkg/probe/http/http.go redirectChecker).
const maxRedirects = 10

// maxOutput is the most of a probe's output the kubelet keeps (10 KiB).
const maxOutput = 10 << 10

// runHandler runs probe handler h of container c against process p, sent at
// now with the given timeout (url caches an HTTP probe's URL between runs), and reports the outcome and whether serving it
// crashed the process. The duration is the process's response time, capped
// at the timeout: a probe never waits longer.
func (k *Kubelet) runHandler(p Process, h *corev1.ProbeHandler, c *corev1.Container, ip string, url *string, now sim.Time, timeout sim.Duration) (probeOutcome, bool) {
	switch {
	case h.HTTPGet != nil:
		port, err := resolvePort(h.HTTPGet.Port, c)
		return k.httpGetProbe(p, h.HTTPGet, port, err, requestPath(h.HTTPGet.Path), ip, url, now, timeout)
	case h.TCPSocket != nil:
		port, err := resolvePort(h.TCPSocket.Port, c)
		if err != nil {
			return probeOutcome{result: unknown, err: true, output: err.Error()}, false
		}
		return tcpProbe(p.TCP(now, port), now, timeout, ip, port), false
	case h.Exec != nil:
		r := p.Exec(now, h.Exec.Command)
		return k.execProbe(r, now, timeout, h.Exec.Command), r.Crashed
	case h.GRPC != nil:
		service := ""
		if h.GRPC.Service != nil {
			service = *h.GRPC.Service
		}
		r := p.GRPC(now, int(h.GRPC.Port), service)
		return grpcProbe(r, now, timeout, ip, int(h.GRPC.Port)), r.Crashed
	}
	return probeOutcome{result: unknown, err: true, output: "missing probe handler"}, false
}

// httpGetProbe runs HTTP probe g, its port resolved (or portErr, a prober
// error) and its request path given.
func (k *Kubelet) httpGetProbe(p Process, g *corev1.HTTPGetAction, port int, portErr error, path, ip string, url *string, now sim.Time, timeout sim.Duration) (probeOutcome, bool) {
	if portErr != nil {
		return probeOutcome{result: unknown, err: true, output: portErr.Error()}, false
	}
	if *url == "" || ip == "" {
		*url = httpURL(g, ip, port)
	}
	return k.httpProbe(p, now, timeout, ip, *url, port, path)
}

// timedOut reports whether a reply misses the client's deadline.
func timedOut(r app.Reply, now sim.Time, timeout sim.Duration) bool {
	return r.Kind == app.Hang || r.End.Sub(now) >= timeout
}

// httpProbe is DoHTTPProbe (pkg/probe/http/http.go): a GET whose client
// timeout covers the whole exchange; 200-399 succeed, with the status in
// the output otherwise; redirects to the same host are followed, up to ten;
// a redirect to another host is a warning that counts as success.
func (k *Kubelet) httpProbe(p Process, now sim.Time, timeout sim.Duration, ip, target string, port int, path string) (probeOutcome, bool) {
	t := now
	crashed := false
	host := func() string { return ip + ":" + strconv.Itoa(port) } // only on the rarer paths
	for redirects := 0; ; redirects++ {
		r := p.HTTP(t, port, "GET", path)
		crashed = crashed || r.Crashed
		o := probeOutcome{url: target, duration: r.End.Sub(now)}
		switch {
		case timedOut(r, now, timeout):
			o.result, o.duration = failure, timeout
			o.output = k.urlError(target, k.httpTimeoutError())
		case r.Kind == app.Refused:
			o.result = failure
			o.output = k.urlError(target, "dial tcp "+host()+": connect: connection refused")
		case r.Kind == app.Reset:
			o.result = failure
			o.output = k.urlError(target, "read tcp "+host()+": read: connection reset by peer")
		case r.Status >= 300 && r.Status < 400 && r.Location != "":
			loc, err := url.Parse(r.Location)
			if err == nil && loc.Host != "" && loc.Host != host() {
				o.result, o.warning = success, true
				o.output = "Probe terminated redirects, Response body: "
				return o, crashed
			}
			if err == nil && redirects < maxRedirects {
				path = requestPath(loc.Path)
				target = "http://" + host() + path
				t = r.End
				continue
			}
			o.result = success
		case r.Status >= 200 && r.Status < 400:
			o.result = success
		default:
			o.result = failure
			o.output = fmt.Sprintf("HTTP probe failed with statuscode: %d", r.Status)
			if !k.cfg.Profile.PodWorkers() {
				// 1.1's DoHTTPProbe returned the response body instead,
				// which the behaviour description does not give.
				o.output = ""
			}
		}
		return o, crashed
	}
}

func requestPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// httpURL is the URL the HTTP prober requests.
func httpURL(g *corev1.HTTPGetAction, ip string, port int) string {
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + ip + ":" + strconv.Itoa(port) + requestPath(g.Path)
}

// tcpProbe is DoTCPProbe (pkg/probe/tcp/tcp.go): a connection within the
// timeout succeeds and is closed at once; the dial error is the output.
func tcpProbe(r app.Reply, now sim.Time, timeout sim.Duration, ip string, port int) probeOutcome {
	addr := ip + ":" + strconv.Itoa(port)
	switch {
	case r.Kind == app.Refused:
		return probeOutcome{result: failure, output: "dial tcp " + addr + ": connect: connection refused", duration: r.End.Sub(now)}
	case timedOut(r, now, timeout):
		return probeOutcome{result: failure, output: "dial tcp " + addr + ": i/o timeout", duration: timeout}
	}
	return probeOutcome{result: success, duration: r.End.Sub(now)}
}

// execProbe is the exec prober (pkg/probe/exec/exec.go over CRI ExecSync):
// exit 0 succeeds; the combined output, capped at 10 KiB, is the output.
func (k *Kubelet) execProbe(r app.Reply, now sim.Time, timeout sim.Duration, command []string) probeOutcome {
	switch {
	case r.Kind == app.Refused:
		return probeOutcome{result: unknown, err: true, output: "container not running"}
	case timedOut(r, now, timeout):
		return probeOutcome{result: failure, duration: timeout, output: k.msgExecTimeout(command, timeout)}
	}
	o := probeOutcome{result: success, output: r.Output, duration: r.End.Sub(now)}
	if len(o.output) > maxOutput {
		o.output = o.output[:maxOutput]
	}
	if r.Kind != app.Answered || r.Exit != 0 {
		o.result = failure
	}
	return o
}

// grpcProbe is the gRPC prober (pkg/probe/grpc/grpc.go): SERVING succeeds.
func grpcProbe(r app.Reply, now sim.Time, timeout sim.Duration, ip string, port int) probeOutcome {
	addr := ip + ":" + strconv.Itoa(port)
	switch {
	case r.Kind == app.Refused || r.Kind == app.Reset:
		return probeOutcome{result: failure, duration: min(r.End.Sub(now), timeout),
			output: fmt.Sprintf("timeout: failed to connect service %q within %s", addr, timeout)}
	case timedOut(r, now, timeout):
		return probeOutcome{result: failure, duration: timeout,
			output: fmt.Sprintf("timeout: health rpc did not complete within %s", timeout)}
	case r.Status != app.GRPCServing:
		status := "NOT_SERVING"
		if r.Status == app.GRPCUnknownService {
			status = "SERVICE_UNKNOWN"
		}
		return probeOutcome{result: failure, duration: r.End.Sub(now),
			output: fmt.Sprintf("service unhealthy (responded with %q)", status)}
	}
	return probeOutcome{result: success, duration: r.End.Sub(now)}
}

// resolvePort turns a probe's port into a number, looking a name up among
// the container's ports (prober.go findPortByName). An unknown name is a
// prober error, not a failure: the result is discarded.
func resolvePort(p intstr.IntOrString, c *corev1.Container) (int, error) {
	if p.Type == intstr.Int {
		return p.IntValue(), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("port %s not found", p.StrVal)
}
