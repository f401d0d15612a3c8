package kubelet

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/sim"
)

// maxRedirects is the HTTP prober's limit on followed redirects
// (pkg/probe/http/http.go redirectChecker).
const maxRedirects = 10

// execute runs the worker's probe against container instance in. The
// outcome arrives after the probe's duration: the application's response
// time, capped at timeoutSeconds; the worker is busy meanwhile.
//
// If the process that is answering dies before the answer is complete, the
// probe fails at that moment: the connection is closed under it.
func (w *probeWorker) execute(in *instance) {
	now := w.k.e.Now()
	target, o := w.probe(in, now)
	o.instance = in.n
	h := w.k.e.After(o.duration, kindProbe, func() {
		if target != nil {
			target.dropInflight(w)
		}
		w.finish(o)
	})
	if target != nil && o.duration > 0 {
		target.inflight = append(target.inflight, inflightProbe{w: w, h: h, began: now, o: o})
	}
}

// inflightProbe is a probe waiting for a process's answer.
type inflightProbe struct {
	w     *probeWorker
	h     sim.Handle
	began sim.Time
	o     probeOutcome
}

func (in *instance) dropInflight(w *probeWorker) {
	for i, p := range in.inflight {
		if p.w == w {
			in.inflight = append(in.inflight[:i], in.inflight[i+1:]...)
			return
		}
	}
}

// abortInflight fails the probes a dying process was answering: their
// connections close with nothing read (Go's client reports EOF).
func (k *Kubelet) abortInflight(in *instance) {
	now := k.e.Now()
	for _, p := range in.inflight {
		if !k.e.Cancel(p.h) {
			continue
		}
		o := p.o
		o.result, o.warning, o.duration = failure, false, now.Sub(p.began)
		if o.url != "" {
			o.output = fmt.Sprintf("Get %q: EOF", o.url)
		}
		p.w.finish(o)
	}
	in.inflight = nil
}

// probe runs the worker's handler against the process it reaches and
// returns that process's instance (nil when none answers) and the outcome.
func (w *probeWorker) probe(in *instance, now sim.Time) (*instance, probeOutcome) {
	timeout := sim.Duration(w.spec.TimeoutSeconds) * time.Second
	ip := w.ps.ip
	h := &w.spec.ProbeHandler
	// Network probes go to the pod's IP, so they reach whichever instance of
	// the container is listening now, even when the kubelet's cached status
	// still names an instance that has died (until the next relist). An
	// exec goes to the container ID the kubelet knows.
	var p Process = deadProcess{}
	var target *instance
	if cur := w.c.newest(); cur != nil && cur.running {
		p, target = cur.proc, cur
	}
	if h.Exec != nil {
		if !in.running {
			return nil, probeOutcome{result: unknown, err: true, output: "container not running (" + in.id + ")"}
		}
		p, target = in.proc, in
	}
	return target, w.handle(p, h, ip, now, timeout)
}

// handle runs handler h against process p.
func (w *probeWorker) handle(p Process, h *corev1.ProbeHandler, ip string, now sim.Time, timeout sim.Duration) probeOutcome {
	switch {
	case h.HTTPGet != nil:
		port, err := resolvePort(h.HTTPGet.Port, w.c.spec)
		if err != nil {
			return probeOutcome{result: failure, err: true, output: err.Error()}
		}
		o := httpProbe(p, now, timeout, ip, port, h.HTTPGet)
		o.url = httpURL(h.HTTPGet, ip, port)
		return o
	case h.TCPSocket != nil:
		port, err := resolvePort(h.TCPSocket.Port, w.c.spec)
		if err != nil {
			return probeOutcome{result: failure, err: true, output: err.Error()}
		}
		a := p.TCP(now, port)
		addr := ip + ":" + strconv.Itoa(port)
		switch {
		case a.Kind == Refused:
			return probeOutcome{result: failure, output: "dial tcp " + addr + ": connect: connection refused", duration: a.End.Sub(now)}
		case a.Kind == Hung || a.End.Sub(now) >= timeout:
			return probeOutcome{result: failure, output: "dial tcp " + addr + ": i/o timeout", duration: timeout}
		default:
			return probeOutcome{result: success, duration: a.End.Sub(now)}
		}
	case h.Exec != nil:
		a := p.Exec(now, h.Exec.Command)
		if a.Kind == Hung || a.End.Sub(now) >= timeout {
			return probeOutcome{result: failure, output: fmt.Sprintf("command %q timed out", strings.Join(h.Exec.Command, " ")), duration: timeout}
		}
		r := success
		if a.Kind != Answered || a.Code != 0 {
			r = failure
		}
		return probeOutcome{result: r, output: capOutput(a.Output), duration: a.End.Sub(now)}
	case h.GRPC != nil:
		service := ""
		if h.GRPC.Service != nil {
			service = *h.GRPC.Service
		}
		port := int(h.GRPC.Port)
		a := p.GRPC(now, port, service)
		switch {
		case a.Kind == Refused || a.Kind == Reset:
			return probeOutcome{result: failure, output: fmt.Sprintf("timeout: failed to connect service %q within %s", ip+":"+strconv.Itoa(port), timeout), duration: min(a.End.Sub(now), timeout)}
		case a.Kind == Hung || a.End.Sub(now) >= timeout:
			return probeOutcome{result: failure, output: fmt.Sprintf("timeout: health rpc did not complete within %s", timeout), duration: timeout}
		case a.Code != 1:
			return probeOutcome{result: failure, output: `service unhealthy (responded with "NOT_SERVING")`, duration: a.End.Sub(now)}
		default:
			return probeOutcome{result: success, duration: a.End.Sub(now)}
		}
	}
	return probeOutcome{result: failure, err: true, output: "missing probe handler"}
}

// httpProbe is DoHTTPProbe: GET with a client timeout covering the whole
// exchange; 200-399 succeed; redirects to the same host are followed, up to
// ten; a redirect to another host is a warning that counts as success.
func httpProbe(p Process, now sim.Time, timeout sim.Duration, ip string, port int, g *corev1.HTTPGetAction) probeOutcome {
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if path == "" {
		path = "/"
	}
	host := ip + ":" + strconv.Itoa(port)
	target := httpURL(g, ip, port)
	t := now
	for redirects := 0; ; redirects++ {
		a := p.HTTP(t, port, path)
		end := a.End
		if a.Kind == Hung || end.Sub(now) >= timeout {
			return probeOutcome{result: failure, duration: timeout,
				output: fmt.Sprintf("Get %q: context deadline exceeded (Client.Timeout exceeded while awaiting headers)", target)}
		}
		switch a.Kind {
		case Refused:
			return probeOutcome{result: failure, duration: end.Sub(now),
				output: fmt.Sprintf("Get %q: dial tcp %s: connect: connection refused", target, host)}
		case Reset:
			return probeOutcome{result: failure, duration: end.Sub(now),
				output: fmt.Sprintf("Get %q: read tcp %s: read: connection reset by peer", target, host)}
		}
		if a.Code >= 300 && a.Code < 400 && a.Location != "" {
			loc, err := url.Parse(a.Location)
			if err == nil && loc.Host != "" && loc.Host != host {
				return probeOutcome{result: success, warning: true, duration: end.Sub(now),
					output: "Probe terminated redirects, Response body: "}
			}
			if err == nil && redirects < maxRedirects {
				path = loc.Path
				if path == "" {
					path = "/"
				}
				target = scheme + "://" + host + path
				t = end
				continue
			}
		}
		if a.Code >= 200 && a.Code < 400 {
			return probeOutcome{result: success, duration: end.Sub(now)}
		}
		return probeOutcome{result: failure, duration: end.Sub(now),
			output: fmt.Sprintf("HTTP probe failed with statuscode: %d", a.Code)}
	}
}

// httpURL is the URL the HTTP prober requests.
func httpURL(g *corev1.HTTPGetAction, ip string, port int) string {
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if path == "" {
		path = "/"
	}
	return scheme + "://" + ip + ":" + strconv.Itoa(port) + path
}

// resolvePort turns a probe's port into a number, looking a name up among
// the container's ports (pkg/kubelet/prober/prober.go findPortByName). An
// unknown name is a prober error, not a failure.
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

// maxOutput is the most a probe's output keeps (10 KiB), as the exec and
// HTTP probers read.
const maxOutput = 10 << 10

func capOutput(s string) string {
	if len(s) > maxOutput {
		return s[:maxOutput]
	}
	return s
}

// deadProcess is what a probe reaches in a pod whose process has exited:
// every connection is refused at once.
type deadProcess struct{}

func (deadProcess) Exit() (sim.Time, int32, string, bool)    { return 0, 0, "", false }
func (deadProcess) HTTP(at sim.Time, _ int, _ string) Answer { return Answer{Kind: Refused, End: at} }
func (deadProcess) TCP(at sim.Time, _ int) Answer            { return Answer{Kind: Refused, End: at} }
func (deadProcess) GRPC(at sim.Time, _ int, _ string) Answer { return Answer{Kind: Refused, End: at} }
func (deadProcess) Exec(at sim.Time, _ []string) Answer      { return Answer{Kind: Refused, End: at} }
func (deadProcess) Signal(sim.Time, string) (sim.Time, int32, bool) {
	return 0, 0, false
}
