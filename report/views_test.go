package report

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/sim"
)

// TestTableAlignment pins kubectl's column layout
// (printers.GetNewTabWriter: tabwriter minwidth 6, tabwidth 4, padding 3,
// blanks): each column is as wide as its widest cell plus 3, and at least
// 6; the last column is not padded. The expected lines are written out by
// hand, for names from one letter to longer than every other cell.
func TestTableAlignment(t *testing.T) {
	header := []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}
	cases := []struct {
		name string
		rows [][]string
		want string
	}{
		{"one letter", [][]string{{"a", "0/1", "Running", "0", "5s"}},
			"NAME   READY   STATUS    RESTARTS   AGE\n" +
				"a      0/1     Running   0          5s\n"},
		{"as long as the header", [][]string{{"abcd", "1/1", "CrashLoopBackOff", "5 (20s ago)", "3m30s"}},
			"NAME   READY   STATUS             RESTARTS      AGE\n" +
				"abcd   1/1     CrashLoopBackOff   5 (20s ago)   3m30s\n"},
		{"short and long", [][]string{
			{"web", "0/1", "Pending", "0", "0s"},
			{"web-5d5746cc-wcxxh-and-a-long-tail", "1/1", "Running", "12 (4m1s ago)", "2d3h"},
		},
			"NAME                                 READY   STATUS    RESTARTS        AGE\n" +
				"web                                  0/1     Pending   0               0s\n" +
				"web-5d5746cc-wcxxh-and-a-long-tail   1/1     Running   12 (4m1s ago)   2d3h\n"},
	}
	for _, tc := range cases {
		var b strings.Builder
		(&Table{Header: header, Rows: tc.rows}).Write(&b)
		if b.String() != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, b.String(), tc.want)
		}
	}
	// minwidth 6: a column of one-letter cells is 6 wide, not 1+3.
	var b strings.Builder
	(&Table{Header: []string{"A", "B"}, Rows: [][]string{{"x", "y"}}}).Write(&b)
	if want := "A     B\nx     y\n"; b.String() != want {
		t.Errorf("narrow columns: %q, want %q", b.String(), want)
	}
}

// TestAge pins AGE as kubectl prints it: duration.HumanDuration from 1.20
// (k8s.io/apimachinery/pkg/util/duration: seconds up to 2 minutes, then
// minutes and seconds up to 10 minutes, whole minutes up to 3 hours, hours
// and minutes up to 8 hours, ...), ShortHumanDuration in 1.11 (one unit,
// cut down). Both cut down, never round, and count from an API
// timestamp, which holds whole seconds.
func TestAge(t *testing.T) {
	cases := []struct {
		created, now sim.Duration
		minor        int
		want         string
	}{
		{0, 0, 36, "0s"},
		{0, 59*time.Second + 999*time.Millisecond, 36, "59s"},
		{0, 119 * time.Second, 36, "119s"},
		{0, 120 * time.Second, 36, "2m"},
		{0, 150 * time.Second, 36, "2m30s"},
		{0, 9*time.Minute + 59*time.Second, 36, "9m59s"},
		{0, 10*time.Minute + 59*time.Second, 36, "10m"},
		{0, 179 * time.Minute, 36, "179m"},
		{0, 3 * time.Hour, 36, "3h"},
		{0, 3*time.Hour + 4*time.Minute, 36, "3h4m"},
		{0, 8*time.Hour + 59*time.Minute, 36, "8h"},
		{0, 47 * time.Hour, 36, "47h"},
		{0, 48 * time.Hour, 36, "2d"},
		{0, 51 * time.Hour, 36, "2d3h"},
		{0, 9 * 24 * time.Hour, 36, "9d"},
		// Created at 0.9 s: creationTimestamp reads 0 s, so at 120.5 s
		// the pod is 2m old, not 119s.
		{900 * time.Millisecond, 120500 * time.Millisecond, 36, "2m"},
		// kubectl 1.11: ShortHumanDuration.
		{0, 59 * time.Second, 11, "59s"},
		{0, 119 * time.Second, 11, "1m"},
		{0, 9*time.Minute + 59*time.Second, 11, "9m"},
		{0, 3*time.Hour + 4*time.Minute, 11, "3h"},
		{0, 51 * time.Hour, 11, "2d"},
	}
	for _, tc := range cases {
		o := &Objects{At: sim.Time(tc.now), Minor: tc.minor}
		if got := o.ageOf(store.WallSeconds(sim.Time(tc.created))); got != tc.want {
			t.Errorf("1.%d, created %v, at %v: %s, want %s", tc.minor, tc.created, tc.now, got, tc.want)
		}
	}
	if got := (&Objects{}).ageOf(metav1.Time{}); got != "<unknown>" {
		t.Errorf("zero timestamp: %s, want <unknown>", got)
	}
}

// TestPodRowRestarts pins RESTARTS: "5 (20s ago)" from kubectl 1.22,
// counted from the newest lastState.terminated.finishedAt, the count alone
// before.
func TestPodRowRestarts(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", CreationTimestamp: store.Wall(0)},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
			Name: "web", RestartCount: 5,
			State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 143, FinishedAt: store.Wall(sim.Time(190 * time.Second))}},
		}}},
	}
	for _, tc := range []struct {
		minor int
		want  string
	}{{36, "5 (20s ago)"}, {22, "5 (20s ago)"}, {21, "5"}, {11, "5"}} {
		o := &Objects{At: sim.Time(210 * time.Second), Minor: tc.minor}
		row := o.PodRow(pod, false)
		if row[3] != tc.want || row[2] != "CrashLoopBackOff" {
			t.Errorf("1.%d: %q, want RESTARTS %q", tc.minor, row, tc.want)
		}
	}
	o := &Objects{At: sim.Time(210 * time.Second), Minor: 36}
	if got := strings.Join(o.PodRow(pod, true)[5:], "|"); got != "<none>|<none>|<none>|<none>" {
		t.Errorf("wide columns of an unscheduled pod: %s", got)
	}
	if got := len((&Objects{Minor: 11}).PodHeader(true)); got != 7 {
		t.Errorf("1.11 wide header has %d columns, want 7 (IP and NODE only)", got)
	}
}

// TestDescribeProbe pins kubectl describe's probe lines
// (pkg/describe/describe.go DescribeProbe): "#success=1 #failure=3" up
// to 1.36, the field names from 1.37.
func TestDescribeProbe(t *testing.T) {
	timing := corev1.Probe{TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
	http := timing
	http.ProbeHandler = corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080), Scheme: corev1.URISchemeHTTP}}
	tcp := timing
	tcp.InitialDelaySeconds = 5
	tcp.ProbeHandler = corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}
	exec := timing
	exec.ProbeHandler = corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ready"}}}
	for _, tc := range []struct {
		p     *corev1.Probe
		minor int
		want  string
	}{
		{&http, 36, "http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3"},
		{&http, 37, "http-get http://:8080/healthz delay=0s timeout=1s period=10s successThreshold=1 failureThreshold=3"},
		{&tcp, 36, "tcp-socket :http delay=5s timeout=1s period=10s #success=1 #failure=3"},
		{&exec, 36, "exec [cat /tmp/ready] delay=0s timeout=1s period=10s #success=1 #failure=3"},
	} {
		if got := DescribeProbe(tc.p, tc.minor); got != tc.want {
			t.Errorf("1.%d: %s\nwant %s", tc.minor, got, tc.want)
		}
	}
}

func TestListWithMore(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, "<unset>"},
		{[]string{"a"}, "a"},
		{[]string{"a", "b", "c"}, "a,b,c"},
		{[]string{"a", "b", "c", "d", "e"}, "a,b,c + 2 more..."},
	} {
		if got := listWithMore(tc.in, 3); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestPrefixFor pins the names kubectl gives rows when it prints several
// kinds: before 1.16 it reached Deployments and ReplicaSets through the
// extensions group.
func TestPrefixFor(t *testing.T) {
	for _, tc := range []struct {
		name  string
		minor int
		want  string
	}{{"deploy", 11, "deployment.extensions"}, {"rs", 11, "replicaset.extensions"}, {"deploy", 36, "deployment.apps"}, {"po", 11, "pod"}, {"dc", 11, "deploymentconfig.apps.openshift.io"}} {
		r, ok := LookupResource(tc.name)
		if got := r.PrefixFor(tc.minor); !ok || got != tc.want {
			t.Errorf("%s on 1.%d: %q, want %q", tc.name, tc.minor, got, tc.want)
		}
	}
}
