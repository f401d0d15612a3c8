package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/kubectl"
)

// Resource is a kind `simulate get` prints, with the names kubectl accepts
// for it.
type Resource struct {
	// Kind is the object kind, as in the records ("Pod").
	Kind string
	// Plural is the resource's plural name ("pods"), which kubectl's
	// "No resources found" message does not use but errors do.
	Plural string
	// Names are the names and short names kubectl (or oc) accepts.
	Names []string
	// Prefix is how kubectl names an object of the kind when it prints
	// several kinds at once ("deployment.apps/web").
	Prefix string
}

// Resources are the kinds `simulate get` prints.
var Resources = []Resource{
	{Kind: "Pod", Prefix: "pod", Plural: "pods", Names: []string{"pods", "pod", "po"}},
	{Kind: "Deployment", Prefix: "deployment.apps", Plural: "deployments", Names: []string{"deployments", "deployment", "deploy"}},
	{Kind: "ReplicaSet", Prefix: "replicaset.apps", Plural: "replicasets", Names: []string{"replicasets", "replicaset", "rs"}},
	{Kind: "ReplicationController", Prefix: "replicationcontroller", Plural: "replicationcontrollers", Names: []string{"replicationcontrollers", "replicationcontroller", "rc"}},
	{Kind: "DeploymentConfig", Prefix: "deploymentconfig.apps.openshift.io", Plural: "deploymentconfigs", Names: []string{"deploymentconfigs", "deploymentconfig", "dc"}},
	{Kind: "Service", Prefix: "service", Plural: "services", Names: []string{"services", "service", "svc"}},
	{Kind: "EndpointSlice", Prefix: "endpointslice.discovery.k8s.io", Plural: "endpointslices", Names: []string{"endpointslices", "endpointslice"}},
}

// LookupResource finds the resource a kubectl name (pods, po, deploy, ...)
// stands for, case-insensitively as kubectl matches them.
func LookupResource(name string) (Resource, bool) {
	name = strings.ToLower(name)
	for _, r := range Resources {
		for _, n := range r.Names {
			if n == name {
				return r, true
			}
		}
	}
	return Resource{}, false
}

// PrefixFor is the resource's name prefix as the release's kubectl prints
// it: before 1.16 kubectl reached Deployments and ReplicaSets through the
// extensions group ("deployment.extensions/web"); the profiles have 1.11
// and then 1.20.
func (r Resource) PrefixFor(minor int) string {
	if minor < 20 && (r.Kind == "Deployment" || r.Kind == "ReplicaSet") {
		return strings.ToLower(r.Kind) + ".extensions"
	}
	return r.Prefix
}

// Table is a kubectl table: a header and rows of cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// Write prints the table as kubectl's human-readable printer does: the
// columns separated by a tabwriter with minwidth 6, tabwidth 4, padding 3
// and blanks (printers.GetNewTabWriter), the header in capitals.
func (t *Table) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.Header, "\t"))
	for _, r := range t.Rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// Get returns the table `kubectl get KIND [-o wide]` prints for the
// objects at o's time, with the columns of the release's kubectl (and of
// oc 3.11 for DeploymentConfigs), or a table with no rows when there are
// none: kubectl then prints "No resources found in default namespace." on
// standard error.
func Get(o *Objects, kind string, wide bool) (*Table, error) {
	switch kind {
	case "Pod":
		return o.getPods(wide)
	case "Deployment":
		return o.getDeployments(wide)
	case "ReplicaSet":
		return o.getReplicaSets(wide)
	case "ReplicationController":
		return o.getReplicationControllers(wide)
	case "DeploymentConfig":
		return o.getDeploymentConfigs()
	case "Service":
		return o.getServices(wide)
	case "EndpointSlice":
		return o.getEndpointSlices()
	}
	return nil, fmt.Errorf("the server doesn't have a resource type %q", kind)
}

// ageOf is kubectl's AGE of an object created at t. kubectl 1.11 printed
// duration.ShortHumanDuration (whole minutes under an hour); by 1.20 it
// prints HumanDuration ("4m59s" under ten minutes).
func (o *Objects) ageOf(t metav1.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return o.humanSince(t.Time)
}

func (o *Objects) humanSince(t time.Time) string { return age(o.Minor, o.now().Sub(t)) }

// PodRow is printPod's row for one pod (pkg/printers/internalversion).
func (o *Objects) PodRow(pod *corev1.Pod, wide bool) []string {
	row := kubectl.Pod(pod, o.Minor)
	restarts := strconv.Itoa(int(row.Restarts))
	// "5 (20s ago)" from kubectl 1.22: the newest lastState.finishedAt.
	if o.Minor >= 22 && row.Restarts != 0 && !row.LastRestart.IsZero() {
		restarts = fmt.Sprintf("%d (%s ago)", row.Restarts, o.humanSince(row.LastRestart.Time))
	}
	cells := []string{pod.Name, row.Ready, row.Status, restarts, o.ageOf(pod.CreationTimestamp)}
	if !wide {
		return cells
	}
	ip := ""
	if len(pod.Status.PodIPs) > 0 {
		ip = pod.Status.PodIPs[0].IP
	} else if o.Minor < 20 {
		ip = pod.Status.PodIP
	}
	node, nominated := pod.Spec.NodeName, pod.Status.NominatedNodeName
	gates := "<none>"
	if n := len(pod.Spec.ReadinessGates); n > 0 {
		ok := 0
		for _, g := range pod.Spec.ReadinessGates {
			for _, c := range pod.Status.Conditions {
				if c.Type == g.ConditionType {
					if c.Status == corev1.ConditionTrue {
						ok++
					}
					break
				}
			}
		}
		gates = fmt.Sprintf("%d/%d", ok, n)
	}
	cells = append(cells, orNone(ip), orNone(node))
	if o.Minor >= 20 {
		cells = append(cells, orNone(nominated), gates)
	}
	return cells
}

// PodHeader is printPod's header.
func (o *Objects) PodHeader(wide bool) []string {
	h := []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}
	if wide {
		// 1.11 printed IP and NODE only; NOMINATED NODE and
		// READINESS GATES are there by 1.20.
		h = append(h, "IP", "NODE")
		if o.Minor >= 20 {
			h = append(h, "NOMINATED NODE", "READINESS GATES")
		}
	}
	return h
}

func (o *Objects) getPods(wide bool) (*Table, error) {
	pods, err := All[corev1.Pod](o, "Pod")
	if err != nil {
		return nil, err
	}
	t := &Table{Header: o.PodHeader(wide)}
	for _, p := range pods {
		t.Rows = append(t.Rows, o.PodRow(p, wide))
	}
	return t, nil
}

func (o *Objects) getDeployments(wide bool) (*Table, error) {
	ds, err := All[appsv1.Deployment](o, "Deployment")
	if err != nil {
		return nil, err
	}
	// kubectl 1.11 printed DESIRED and CURRENT where 1.20 prints READY.
	t := &Table{Header: []string{"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"}}
	if o.Minor < 20 {
		t.Header = []string{"NAME", "DESIRED", "CURRENT", "UP-TO-DATE", "AVAILABLE", "AGE"}
	}
	if wide {
		t.Header = append(t.Header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	for _, d := range ds {
		replicas := int32(0)
		if d.Spec.Replicas != nil {
			replicas = *d.Spec.Replicas
		}
		row := []string{d.Name, fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, replicas), itoa(d.Status.UpdatedReplicas), itoa(d.Status.AvailableReplicas), o.ageOf(d.CreationTimestamp)}
		if o.Minor < 20 {
			row = []string{d.Name, itoa(replicas), itoa(d.Status.Replicas), itoa(d.Status.UpdatedReplicas), itoa(d.Status.AvailableReplicas), o.ageOf(d.CreationTimestamp)}
		}
		if wide {
			names, images := containerCells(d.Spec.Template.Spec.Containers)
			row = append(row, names, images, selectorString(d.Spec.Selector))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func (o *Objects) getReplicaSets(wide bool) (*Table, error) {
	rss, err := All[appsv1.ReplicaSet](o, "ReplicaSet")
	if err != nil {
		return nil, err
	}
	t := &Table{Header: []string{"NAME", "DESIRED", "CURRENT", "READY", "AGE"}}
	if wide {
		t.Header = append(t.Header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	for _, rs := range rss {
		desired := int32(0)
		if rs.Spec.Replicas != nil {
			desired = *rs.Spec.Replicas
		}
		row := []string{rs.Name, itoa(desired), itoa(rs.Status.Replicas), itoa(rs.Status.ReadyReplicas), o.ageOf(rs.CreationTimestamp)}
		if wide {
			names, images := containerCells(rs.Spec.Template.Spec.Containers)
			row = append(row, names, images, selectorString(rs.Spec.Selector))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func (o *Objects) getReplicationControllers(wide bool) (*Table, error) {
	rcs, err := All[corev1.ReplicationController](o, "ReplicationController")
	if err != nil {
		return nil, err
	}
	t := &Table{Header: []string{"NAME", "DESIRED", "CURRENT", "READY", "AGE"}}
	if wide {
		t.Header = append(t.Header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	for _, rc := range rcs {
		row := append(kubectl.ReplicationController(rc), o.ageOf(rc.CreationTimestamp))
		if wide {
			var cs []corev1.Container
			if rc.Spec.Template != nil {
				cs = rc.Spec.Template.Spec.Containers
			}
			names, images := containerCells(cs)
			row = append(row, names, images, labels.FormatLabels(rc.Spec.Selector))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// getDeploymentConfigs is oc's printDeploymentConfig (origin 3.11,
// model/kubectl.DeploymentConfig): oc prints no AGE and no wide columns
// for it.
func (o *Objects) getDeploymentConfigs() (*Table, error) {
	dcs, err := All[api.DeploymentConfig](o, "DeploymentConfig")
	if err != nil {
		return nil, err
	}
	t := &Table{Header: kubectl.DeploymentConfigColumns}
	for _, dc := range dcs {
		t.Rows = append(t.Rows, kubectl.DeploymentConfig(dc))
	}
	return t, nil
}

func (o *Objects) getServices(wide bool) (*Table, error) {
	svcs, err := All[corev1.Service](o, "Service")
	if err != nil {
		return nil, err
	}
	t := &Table{Header: []string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"}}
	if wide {
		t.Header = append(t.Header, "SELECTOR")
	}
	for _, s := range svcs {
		ip := "<none>"
		if len(s.Spec.ClusterIPs) > 0 {
			ip = s.Spec.ClusterIPs[0]
		}
		var ports []string
		for _, p := range s.Spec.Ports {
			if p.NodePort > 0 {
				ports = append(ports, fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol))
			} else {
				ports = append(ports, fmt.Sprintf("%d/%s", p.Port, p.Protocol))
			}
		}
		row := []string{s.Name, string(s.Spec.Type), ip, externalIP(s), orNone(strings.Join(ports, ",")), o.ageOf(s.CreationTimestamp)}
		if wide {
			row = append(row, labels.FormatLabels(s.Spec.Selector))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// externalIP is getServiceExternalIP for the Service types the model
// has; a LoadBalancer gets no address in the model, so it reads
// <pending> as on a cluster without a load-balancer controller.
func externalIP(s *corev1.Service) string {
	switch s.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		if len(s.Spec.ExternalIPs) > 0 {
			return strings.Join(s.Spec.ExternalIPs, ",")
		}
		return "<none>"
	case corev1.ServiceTypeLoadBalancer:
		if len(s.Spec.ExternalIPs) > 0 {
			return strings.Join(s.Spec.ExternalIPs, ",")
		}
		return "<pending>"
	case corev1.ServiceTypeExternalName:
		return s.Spec.ExternalName
	}
	return "<unknown>"
}

func (o *Objects) getEndpointSlices() (*Table, error) {
	ess, err := All[discoveryv1.EndpointSlice](o, "EndpointSlice")
	if err != nil {
		return nil, err
	}
	t := &Table{Header: []string{"NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"}}
	for _, es := range ess {
		var ports, addrs []string
		for _, p := range es.Ports {
			switch {
			case p.Port != nil:
				ports = append(ports, strconv.Itoa(int(*p.Port)))
			case p.Name != nil:
				ports = append(ports, *p.Name)
			default:
				ports = append(ports, "*")
			}
		}
		for _, e := range es.Endpoints {
			addrs = append(addrs, e.Addresses...)
		}
		t.Rows = append(t.Rows, []string{es.Name, string(es.AddressType), listWithMore(ports, 3), listWithMore(addrs, 3), o.ageOf(es.CreationTimestamp)})
	}
	return t, nil
}

// listWithMore is kubectl's listWithMoreString: the first max items joined
// by commas, "+ N more..." for the rest, "<unset>" for none.
func listWithMore(items []string, max int) string {
	if len(items) > max {
		return fmt.Sprintf("%s + %d more...", strings.Join(items[:max], ","), len(items)-max)
	}
	if len(items) == 0 {
		return "<unset>"
	}
	return strings.Join(items, ",")
}

// containerCells is layoutContainerCells: container names and images,
// comma-separated.
func containerCells(cs []corev1.Container) (string, string) {
	var names, images []string
	for _, c := range cs {
		names = append(names, c.Name)
		images = append(images, c.Image)
	}
	return strings.Join(names, ","), strings.Join(images, ",")
}

func selectorString(s *metav1.LabelSelector) string {
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return "<invalid>"
	}
	return sel.String()
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
