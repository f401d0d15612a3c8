package report

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// prefixWriter is kubectl describe's PrefixWriter: each level indents by
// two spaces, and everything goes through one tabwriter
// (tabbedString: minwidth 0, tabwidth 8, padding 2, blanks).
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) write(level int, format string, args ...any) {
	fmt.Fprintf(p.w, strings.Repeat("  ", level)+format, args...)
}

func newDescribeWriter(w io.Writer) (*tabwriter.Writer, prefixWriter) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	return tw, prefixWriter{tw}
}

// rfc1123z formats an API timestamp as describe does.
func rfc1123z(t metav1.Time) string { return t.Time.Format(time.RFC1123Z) }

// DescribePod writes `kubectl describe pod NAME` as it would read at the
// time of o, with the Events of the pod recorded by then. It follows
// describePod of kubectl's pkg/describe/describe.go (1.35): fields the
// model's pod does not have (priority, service account, volumes,
// tolerations, all set by admission plugins the model does not run) are
// printed as kubectl prints their absence.
func DescribePod(w io.Writer, records []record.Record, o *Objects, name string) error {
	var pod corev1.Pod
	ok, err := o.Decode("Pod", name, &pod)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("pods %q not found at %s", name, Clock(o.At))
	}
	tw, p := newDescribeWriter(w)
	p.write(0, "Name:\t%s\n", pod.Name)
	p.write(0, "Namespace:\t%s\n", pod.Namespace)
	if pod.Spec.Priority != nil {
		p.write(0, "Priority:\t%d\n", *pod.Spec.Priority)
	}
	if pod.Spec.ServiceAccountName != "" {
		p.write(0, "Service Account:\t%s\n", pod.Spec.ServiceAccountName)
	}
	if pod.Spec.NodeName == "" {
		p.write(0, "Node:\t<none>\n")
	} else {
		p.write(0, "Node:\t%s\n", pod.Spec.NodeName+"/"+pod.Status.HostIP)
	}
	if pod.Status.StartTime != nil {
		p.write(0, "Start Time:\t%s\n", rfc1123z(*pod.Status.StartTime))
	}
	writeLabels(p, "", "Labels", pod.Labels)
	writeLabels(p, "", "Annotations", pod.Annotations)
	if pod.DeletionTimestamp != nil && pod.Status.Phase != corev1.PodFailed && pod.Status.Phase != corev1.PodSucceeded {
		p.write(0, "Status:\tTerminating (lasts %s)\n", o.humanSince(pod.DeletionTimestamp.Time))
		if pod.DeletionGracePeriodSeconds != nil {
			p.write(0, "Termination Grace Period:\t%ds\n", *pod.DeletionGracePeriodSeconds)
		}
	} else {
		p.write(0, "Status:\t%s\n", pod.Status.Phase)
	}
	if pod.Status.Reason != "" {
		p.write(0, "Reason:\t%s\n", pod.Status.Reason)
	}
	if pod.Status.Message != "" {
		p.write(0, "Message:\t%s\n", pod.Status.Message)
	}
	p.write(0, "IP:\t%s\n", pod.Status.PodIP)
	if len(pod.Status.PodIPs) == 0 {
		p.write(0, "IPs:\t<none>\n")
	} else {
		p.write(0, "IPs:\n")
		for _, ip := range pod.Status.PodIPs {
			p.write(1, "IP:\t%s\n", ip.IP)
		}
	}
	if ref := metav1.GetControllerOf(&pod); ref != nil {
		p.write(0, "Controlled By:\t%s/%s\n", ref.Kind, ref.Name)
	}
	if pod.Status.NominatedNodeName != "" {
		p.write(0, "NominatedNodeName:\t%s\n", pod.Status.NominatedNodeName)
	}
	if len(pod.Spec.InitContainers) > 0 {
		describeContainers(p, "Init Containers", pod.Spec.InitContainers, pod.Status.InitContainerStatuses, true, "", o.Minor)
	}
	describeContainers(p, "Containers", pod.Spec.Containers, pod.Status.ContainerStatuses, true, "", o.Minor)
	if len(pod.Spec.ReadinessGates) > 0 {
		p.write(0, "Readiness Gates:\n  Type\tStatus\n")
		for _, g := range pod.Spec.ReadinessGates {
			status := "<none>"
			for _, c := range pod.Status.Conditions {
				if c.Type == g.ConditionType {
					status = string(c.Status)
					break
				}
			}
			p.write(1, "%v \t%v \n", g.ConditionType, status)
		}
	}
	if len(pod.Status.Conditions) > 0 {
		p.write(0, "Conditions:\n  Type\tStatus\n")
		for _, c := range pod.Status.Conditions {
			p.write(1, "%v \t%v \n", c.Type, c.Status)
		}
	}
	describeVolumes(p, pod.Spec.Volumes, "")
	p.write(0, "QoS Class:\t%s\n", qosClass(&pod))
	writeLabels(p, "", "Node-Selectors", pod.Spec.NodeSelector)
	writeTolerations(p, "Tolerations", pod.Spec.Tolerations)
	o.describeEvents(p, records, "Pod/"+pod.Name, pod.Spec.NodeName)
	return tw.Flush()
}

// DescribeDeployment writes `kubectl describe deployment NAME` as it would
// read at the time of o (describeDeployment of pkg/describe/describe.go).
func DescribeDeployment(w io.Writer, records []record.Record, o *Objects, name string) error {
	var d appsv1.Deployment
	ok, err := o.Decode("Deployment", name, &d)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("deployments.apps %q not found at %s", name, Clock(o.At))
	}
	selector, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return fmt.Errorf("deployment %s: %w", name, err)
	}
	tw, p := newDescribeWriter(w)
	p.write(0, "Name:\t%s\n", d.Name)
	p.write(0, "Namespace:\t%s\n", d.Namespace)
	p.write(0, "CreationTimestamp:\t%s\n", rfc1123z(d.CreationTimestamp))
	writeLabels(p, "", "Labels", d.Labels)
	writeLabels(p, "", "Annotations", d.Annotations)
	p.write(0, "Selector:\t%s\n", selector)
	replicas := int32(0)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	p.write(0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n", replicas, d.Status.UpdatedReplicas, d.Status.Replicas, d.Status.AvailableReplicas, d.Status.UnavailableReplicas)
	p.write(0, "StrategyType:\t%s\n", d.Spec.Strategy.Type)
	p.write(0, "MinReadySeconds:\t%d\n", d.Spec.MinReadySeconds)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxUnavailable != nil && ru.MaxSurge != nil {
		p.write(0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", ru.MaxUnavailable.String(), ru.MaxSurge.String())
	}
	p.write(0, "Pod Template:\n")
	writeLabels(p, "", "  Labels", d.Spec.Template.Labels)
	if len(d.Spec.Template.Annotations) > 0 {
		writeLabels(p, "", "  Annotations", d.Spec.Template.Annotations)
	}
	if d.Spec.Template.Spec.ServiceAccountName != "" {
		p.write(1, "Service Account:\t%s\n", d.Spec.Template.Spec.ServiceAccountName)
	}
	if len(d.Spec.Template.Spec.InitContainers) > 0 {
		describeContainers(p, "Init Containers", d.Spec.Template.Spec.InitContainers, nil, false, "  ", o.Minor)
	}
	describeContainers(p, "Containers", d.Spec.Template.Spec.Containers, nil, false, "  ", o.Minor)
	describeVolumes(p, d.Spec.Template.Spec.Volumes, "  ")
	writeLabels(p, "", "  Node-Selectors", d.Spec.Template.Spec.NodeSelector)
	writeTolerations(p, "  Tolerations", d.Spec.Template.Spec.Tolerations)
	if len(d.Status.Conditions) > 0 {
		p.write(0, "Conditions:\n  Type\tStatus\tReason\n")
		p.write(1, "----\t------\t------\n")
		for _, c := range d.Status.Conditions {
			p.write(1, "%v \t%v\t%v\n", c.Type, c.Status, c.Reason)
		}
	}
	oldRSs, newRS, err := o.replicaSetsOf(&d)
	if err != nil {
		return err
	}
	if len(oldRSs) > 0 || newRS != nil {
		var news []*appsv1.ReplicaSet
		if newRS != nil {
			news = append(news, newRS)
		}
		p.write(0, "OldReplicaSets:\t%s\n", replicaSetList(oldRSs))
		p.write(0, "NewReplicaSet:\t%s\n", replicaSetList(news))
	}
	o.describeEvents(p, records, "Deployment/"+d.Name, "")
	return tw.Flush()
}

// replicaSetsOf returns a Deployment's ReplicaSets as
// deploymentutil.GetAllReplicaSets splits them: the new one, whose pod
// template equals the Deployment's (compared through the
// pod-template-hash label the model's controller sets), and the old ones
// that still have pods, oldest first.
func (o *Objects) replicaSetsOf(d *appsv1.Deployment) (old []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, err error) {
	rss, err := All[appsv1.ReplicaSet](o, "ReplicaSet")
	if err != nil {
		return nil, nil, err
	}
	var owned []*appsv1.ReplicaSet
	for _, rs := range rss {
		if ref := metav1.GetControllerOf(rs); ref != nil && ref.UID == d.UID {
			owned = append(owned, rs)
		}
	}
	sort.SliceStable(owned, func(i, j int) bool {
		return owned[i].CreationTimestamp.Before(&owned[j].CreationTimestamp)
	})
	// The newest ReplicaSet whose revision is the Deployment's is the new
	// one (the controller annotates both with the revision).
	rev := d.Annotations["deployment.kubernetes.io/revision"]
	for _, rs := range owned {
		if rev != "" && rs.Annotations["deployment.kubernetes.io/revision"] == rev {
			newRS = rs
		}
	}
	for _, rs := range owned {
		if rs == newRS {
			continue
		}
		if rs.Spec.Replicas != nil && *rs.Spec.Replicas == 0 && rs.Status.Replicas == 0 {
			continue
		}
		old = append(old, rs)
	}
	return old, newRS, nil
}

func replicaSetList(rss []*appsv1.ReplicaSet) string {
	var parts []string
	for _, rs := range rss {
		desired := int32(0)
		if rs.Spec.Replicas != nil {
			desired = *rs.Spec.Replicas
		}
		parts = append(parts, fmt.Sprintf("%s (%d/%d replicas created)", rs.Name, rs.Status.Replicas, desired))
	}
	if len(parts) == 0 {
		return "<none>"
	}
	return strings.Join(parts, ", ")
}

// describeContainers is describeContainers of describe.go: for each
// container its image, ports, state and last state (with statuses), ready,
// restart count, resources, probes, environment and mounts.
func describeContainers(p prefixWriter, label string, cs []corev1.Container, statuses []corev1.ContainerStatus, withStatus bool, space string, minor int) {
	byName := map[string]corev1.ContainerStatus{}
	for _, s := range statuses {
		byName[s.Name] = s
	}
	none := ""
	if len(cs) == 0 {
		none = " <none>"
	}
	p.write(0, "%s%s:%s\n", space, label, none)
	nameIndent := ""
	if space != "" {
		nameIndent = " "
	}
	for _, c := range cs {
		st, ok := byName[c.Name]
		ok = ok && withStatus
		p.write(1, "%s%v:\n", nameIndent, c.Name)
		if ok {
			p.write(2, "Container ID:\t%s\n", st.ContainerID)
		}
		p.write(2, "Image:\t%s\n", c.Image)
		if ok {
			p.write(2, "Image ID:\t%s\n", st.ImageID)
		}
		ports, hostPorts := containerPorts(c.Ports)
		if strings.Contains(ports, ",") {
			p.write(2, "Ports:\t%s\n", ports)
		} else {
			p.write(2, "Port:\t%s\n", orNone(ports))
		}
		if strings.Contains(hostPorts, ",") {
			p.write(2, "Host Ports:\t%s\n", hostPorts)
		} else {
			p.write(2, "Host Port:\t%s\n", orNone(hostPorts))
		}
		if len(c.Command) > 0 {
			p.write(2, "Command:\n")
			for _, s := range c.Command {
				for _, l := range strings.Split(s, "\n") {
					p.write(3, "%s\n", l)
				}
			}
		}
		if len(c.Args) > 0 {
			p.write(2, "Args:\n")
			for _, s := range c.Args {
				for _, l := range strings.Split(s, "\n") {
					p.write(3, "%s\n", l)
				}
			}
		}
		if ok {
			describeState(p, "State", st.State)
			if st.LastTerminationState.Terminated != nil {
				describeState(p, "Last State", st.LastTerminationState)
			}
			p.write(2, "Ready:\t%s\n", printBool(st.Ready))
			p.write(2, "Restart Count:\t%d\n", st.RestartCount)
		}
		describeResources(p, c.Resources)
		if c.LivenessProbe != nil {
			p.write(2, "Liveness:\t%s\n", DescribeProbe(c.LivenessProbe, minor))
		}
		if c.ReadinessProbe != nil {
			p.write(2, "Readiness:\t%s\n", DescribeProbe(c.ReadinessProbe, minor))
		}
		if c.StartupProbe != nil {
			p.write(2, "Startup:\t%s\n", DescribeProbe(c.StartupProbe, minor))
		}
		if len(c.Env) == 0 {
			p.write(2, "Environment:\t<none>\n")
		} else {
			p.write(2, "Environment:\n")
			for _, e := range c.Env {
				if e.ValueFrom == nil {
					for i, s := range strings.Split(e.Value, "\n") {
						if i == 0 {
							p.write(3, "%s:\t%s\n", e.Name, s)
						} else {
							p.write(3, "\t%s\n", s)
						}
					}
					continue
				}
				p.write(3, "%s:\t<set from %s>\n", e.Name, valueFromKind(e.ValueFrom))
			}
		}
		if len(c.VolumeMounts) == 0 {
			p.write(2, "Mounts:\t<none>\n")
		} else {
			p.write(2, "Mounts:\n")
			mounts := append([]corev1.VolumeMount(nil), c.VolumeMounts...)
			sort.SliceStable(mounts, func(i, j int) bool { return mounts[i].MountPath < mounts[j].MountPath })
			for _, m := range mounts {
				flags := "rw"
				if m.ReadOnly {
					flags = "ro"
				}
				if m.SubPath != "" {
					flags += fmt.Sprintf(",path=%q", m.SubPath)
				}
				p.write(3, "%s from %s (%s)\n", m.MountPath, m.Name, flags)
			}
		}
	}
}

func valueFromKind(v *corev1.EnvVarSource) string {
	switch {
	case v.FieldRef != nil:
		return "field " + v.FieldRef.FieldPath
	case v.ResourceFieldRef != nil:
		return "resource " + v.ResourceFieldRef.Resource
	case v.SecretKeyRef != nil:
		return "secret " + v.SecretKeyRef.Name
	case v.ConfigMapKeyRef != nil:
		return "config map " + v.ConfigMapKeyRef.Name
	}
	return "elsewhere"
}

func containerPorts(ps []corev1.ContainerPort) (ports, hostPorts string) {
	var a, b []string
	for _, p := range ps {
		x := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
		y := fmt.Sprintf("%d/%s", p.HostPort, p.Protocol)
		if p.Name != "" {
			x += " (" + p.Name + ")"
			y += " (" + p.Name + ")"
		}
		a, b = append(a, x), append(b, y)
	}
	return strings.Join(a, ", "), strings.Join(b, ", ")
}

// describeState is describeStatus of describe.go.
func describeState(p prefixWriter, name string, s corev1.ContainerState) {
	switch {
	case s.Running != nil:
		p.write(2, "%s:\tRunning\n", name)
		p.write(3, "Started:\t%v\n", rfc1123z(s.Running.StartedAt))
	case s.Waiting != nil:
		p.write(2, "%s:\tWaiting\n", name)
		if s.Waiting.Reason != "" {
			p.write(3, "Reason:\t%s\n", s.Waiting.Reason)
		}
	case s.Terminated != nil:
		t := s.Terminated
		p.write(2, "%s:\tTerminated\n", name)
		if t.Reason != "" {
			p.write(3, "Reason:\t%s\n", t.Reason)
		}
		if t.Message != "" {
			p.write(3, "Message:\t%s\n", t.Message)
		}
		p.write(3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal > 0 {
			p.write(3, "Signal:\t%d\n", t.Signal)
		}
		p.write(3, "Started:\t%s\n", rfc1123z(t.StartedAt))
		p.write(3, "Finished:\t%s\n", rfc1123z(t.FinishedAt))
	default:
		p.write(2, "%s:\tWaiting\n", name)
	}
}

func describeResources(p prefixWriter, r corev1.ResourceRequirements) {
	write := func(title string, l corev1.ResourceList) {
		if len(l) == 0 {
			return
		}
		p.write(2, "%s:\n", title)
		names := make([]string, 0, len(l))
		for k := range l {
			names = append(names, string(k))
		}
		sort.Strings(names)
		for _, n := range names {
			q := l[corev1.ResourceName(n)]
			p.write(3, "%s:\t%s\n", n, q.String())
		}
	}
	write("Limits", r.Limits)
	write("Requests", r.Requests)
}

// DescribeProbe is kubectl's DescribeProbe: the handler, then the timing
// attributes, "#success=1 #failure=3" as kubectl up to 1.36 prints them
// ("successThreshold=1 failureThreshold=3" from 1.37).
func DescribeProbe(pr *corev1.Probe, minor int) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds #success=%d #failure=%d", pr.InitialDelaySeconds, pr.TimeoutSeconds, pr.PeriodSeconds, pr.SuccessThreshold, pr.FailureThreshold)
	if minor >= 37 {
		attrs = fmt.Sprintf("delay=%ds timeout=%ds period=%ds successThreshold=%d failureThreshold=%d", pr.InitialDelaySeconds, pr.TimeoutSeconds, pr.PeriodSeconds, pr.SuccessThreshold, pr.FailureThreshold)
	}
	switch {
	case pr.Exec != nil:
		return fmt.Sprintf("exec %v %s", pr.Exec.Command, attrs)
	case pr.HTTPGet != nil:
		u := &url.URL{Scheme: strings.ToLower(string(pr.HTTPGet.Scheme)), Path: pr.HTTPGet.Path}
		if port := pr.HTTPGet.Port.String(); port != "" {
			u.Host = net.JoinHostPort(pr.HTTPGet.Host, port)
		} else {
			u.Host = pr.HTTPGet.Host
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case pr.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", pr.TCPSocket.Host, pr.TCPSocket.Port.String(), attrs)
	case pr.GRPC != nil:
		svc := ""
		if pr.GRPC.Service != nil {
			svc = *pr.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", pr.GRPC.Port, svc, attrs)
	}
	return "unknown " + attrs
}

func describeVolumes(p prefixWriter, vs []corev1.Volume, space string) {
	if len(vs) == 0 {
		p.write(0, "%sVolumes:\t<none>\n", space)
		return
	}
	p.write(0, "%sVolumes:\n", space)
	nameIndent := ""
	if space != "" {
		nameIndent = " "
	}
	for _, v := range vs {
		p.write(1, "%s%v:\n", nameIndent, v.Name)
		switch {
		case v.EmptyDir != nil:
			p.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n")
			p.write(2, "Medium:\t%s\n", v.EmptyDir.Medium)
			if v.EmptyDir.SizeLimit != nil && v.EmptyDir.SizeLimit.Cmp(resource.Quantity{}) > 0 {
				p.write(2, "SizeLimit:\t%s\n", v.EmptyDir.SizeLimit)
			} else {
				p.write(2, "SizeLimit:\t<unset>\n")
			}
		case v.ConfigMap != nil:
			p.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n")
			p.write(2, "Name:\t%v\n", v.ConfigMap.Name)
		case v.Secret != nil:
			p.write(2, "Type:\tSecret (a volume populated by a Secret)\n")
			p.write(2, "SecretName:\t%v\n", v.Secret.SecretName)
		default:
			p.write(2, "<unknown>\n")
		}
	}
}

// writeLabels is printLabelsMultilineWithIndent: sorted key=value lines,
// the first beside the title, the rest under it; "<none>" when empty.
// Annotations print as "key: value".
func writeLabels(p prefixWriter, indent, title string, m map[string]string) {
	p.write(0, "%s%s:\t", indent, title)
	if len(m) == 0 {
		p.write(0, "<none>\n")
		return
	}
	sep := "="
	if strings.HasSuffix(title, "Annotations") {
		sep = ": "
	}
	for i, k := range sortedKeys(m) {
		if i > 0 {
			p.write(0, "%s\t", indent)
		}
		p.write(0, "%s%s%s\n", k, sep, m[k])
	}
}

// writeTolerations is printTolerationsMultilineWithIndent.
func writeTolerations(p prefixWriter, title string, ts []corev1.Toleration) {
	p.write(0, "%s:\t", title)
	if len(ts) == 0 {
		p.write(0, "<none>\n")
		return
	}
	ts = append([]corev1.Toleration(nil), ts...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Key < ts[j].Key })
	for i, t := range ts {
		if i > 0 {
			p.write(0, "\t")
		}
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		if t.Effect != "" {
			s += ":" + string(t.Effect)
		}
		if t.Operator == corev1.TolerationOpExists && t.Value == "" {
			if t.Key != "" || t.Effect != "" {
				s += " op=Exists"
			} else {
				s += "op=Exists"
			}
		}
		if t.TolerationSeconds != nil {
			s += fmt.Sprintf(" for %ds", *t.TolerationSeconds)
		}
		p.write(0, "%s\n", s)
	}
}

// qosClass is the pod's QoS class: status.qosClass when the kubelet set
// it, else as qos.GetPodQOS computes it from the requests and limits.
func qosClass(pod *corev1.Pod) corev1.PodQOSClass {
	if pod.Status.QOSClass != "" {
		return pod.Status.QOSClass
	}
	any, guaranteed := false, true
	for _, c := range pod.Spec.Containers {
		r := c.Resources
		if len(r.Requests) > 0 || len(r.Limits) > 0 {
			any = true
		}
		for _, n := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			l, ok := r.Limits[n]
			if !ok {
				guaranteed = false
				continue
			}
			if q, ok := r.Requests[n]; ok && q.Cmp(l) != 0 {
				guaranteed = false
			}
		}
	}
	switch {
	case !any:
		return corev1.PodQOSBestEffort
	case guaranteed:
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}

func printBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// apiEvent is an Event as the API holds it at the view's time.
type apiEvent struct {
	Type, Reason, Message, Source, FieldPath string
	Count                                    int32
	// First and Last are firstTimestamp and lastTimestamp: API times,
	// whole seconds.
	First, Last time.Time
}

// apiEvents returns the events of object recorded up to t, one per event
// object of the API (an update replaces the count and last time), in the
// order they were created, as a list from the API server returns them.
func apiEvents(records []record.Record, object string, t sim.Time) []*apiEvent {
	var out []*apiEvent
	index := map[string]*apiEvent{}
	for _, r := range records {
		e, ok := r.(*record.Event)
		if !ok || e.Object != object {
			continue
		}
		if sim.Time(e.T) > t {
			break
		}
		// An API object is one series of writes with the same first
		// timestamp: an Event the correlator forgot (LRU) and created
		// again, or that tools/events created again for a new
		// resourceVersion or after finishing its series, has a new one.
		key := eventObjectKey(e)
		ev := index[key]
		if ev == nil {
			ev = &apiEvent{Type: e.Type, Reason: e.Reason, Message: e.Message, Source: e.Source, FieldPath: e.FieldPath,
				First: store.WallSeconds(sim.Time(e.First)).Time}
			index[key] = ev
			out = append(out, ev)
		}
		ev.Count = max(e.Count, 1)
		ev.Last = store.WallSeconds(sim.Time(e.T)).Time
	}
	return out
}

// eventObjectKey identifies the API Event object that an Event record
// writes: creates and updates of one object share all these fields.
func eventObjectKey(e *record.Event) string {
	return e.Object + "\x00" + e.FieldPath + "\x00" + e.Source + "\x00" + e.Type + "\x00" + e.Reason + "\x00" + e.Message +
		"\x00" + strconv.FormatInt(int64(e.First), 10)
}

// byLastTimestamp is kubectl's event.SortableEvents.
type byLastTimestamp []*apiEvent

func (s byLastTimestamp) Len() int           { return len(s) }
func (s byLastTimestamp) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
func (s byLastTimestamp) Less(i, j int) bool { return s[i].Last.Before(s[j].Last) }

// describeEvents is DescribeEvents: the object's events sorted by last
// timestamp with sort.Sort, as kubectl sorts them (ties keep whatever
// order Go's sort leaves, as in kubectl). From 1.35 a message is prefixed
// with the event's field path; before 1.20 FROM reads "kubelet, NODE".
func (o *Objects) describeEvents(p prefixWriter, records []record.Record, object, node string) {
	evs := apiEvents(records, object, o.At)
	if len(evs) == 0 {
		p.write(0, "Events:\t<none>\n")
		return
	}
	sort.Sort(byLastTimestamp(evs))
	p.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
	p.write(1, "----\t------\t----\t----\t-------\n")
	for _, e := range evs {
		first := o.humanSince(e.First)
		interval := first
		if e.Count > 1 {
			interval = fmt.Sprintf("%s (x%d over %s)", o.humanSince(e.Last), e.Count, first)
		}
		from := e.Source
		if o.Minor < 20 && node != "" && e.Source == "kubelet" {
			from += ", " + node
		}
		msg := strings.TrimSpace(e.Message)
		if o.Minor >= 35 && e.FieldPath != "" {
			msg = e.FieldPath + ": " + msg
		}
		p.write(1, "%v\t%v\t%s\t%v\t%v\n", e.Type, e.Reason, interval, from, msg)
	}
}
