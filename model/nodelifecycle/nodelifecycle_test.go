package nodelifecycle

import (
	"io"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/model/events"
	"github.com/probesim/probesim/model/kubectl"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// harness runs the controllers on one node whose kubelet is simulated by
// a flag, with bound Ready pods and no kubelet to change them.
type harness struct {
	e       *sim.Engine
	st      *store.Store
	log     *record.Log
	up      bool
	renewed []sim.Time // the heartbeats the kubelet made
}

func newHarness(t *testing.T, release string, pods ...*corev1.Pod) *harness {
	p, err := version.Lookup(release)
	if err != nil {
		t.Fatal(err)
	}
	e := sim.New(7)
	h := &harness{e: e, st: store.New(e), log: record.NewLog(io.Discard), up: true}
	h.st.Nodes.Create(&corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n1"},
		Status:     corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}},
	})
	for i, pod := range pods {
		pod.Namespace, pod.UID, pod.Spec.NodeName = "default", types.UID(string(rune('a'+i))), "n1"
		pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}
		h.st.Pods.Create(pod)
	}
	rec := events.NewRecorder(e.Now, h.log, e.Rand("events"))
	rec.SetRelease(p)
	New(Config{Engine: e, Store: h.st, Log: h.log, Events: rec, Profile: p,
		KubeletUp: func(string) bool {
			if h.up {
				h.renewed = append(h.renewed, e.Now())
			}
			return h.up
		}}).Start()
	return h
}

func newPod(name string, tols ...corev1.Toleration) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Tolerations: tols, Containers: []corev1.Container{{Name: "c"}}},
	}
}

// firstEvent returns the time of the first event with reason about
// object, or -1.
func (h *harness) firstEvent(object, reason string) sim.Time {
	for _, r := range h.log.Records() {
		if ev, ok := r.(*record.Event); ok && ev.Object == object && ev.Reason == reason {
			return sim.Time(ev.T)
		}
	}
	return -1
}

func (h *harness) lastRenewal(before sim.Time) sim.Time {
	var last sim.Time
	for _, t := range h.renewed {
		if t <= before {
			last = t
		}
	}
	return last
}

// TestNodeFailureTiming pins the chain of a node whose kubelet stops
// (node_lifecycle_controller.go monitorNodeHealth, tryUpdateNodeHealth,
// processTaintBaseEviction; tainteviction processPodOnNode; the
// DefaultTolerationSeconds admission plugin):
//   - the controller sees each lease renewal at its next 5 s pass
//     (probeTimestamp) and marks the node Unknown at the first pass more
//     than node-monitor-grace-period after that: 40 s to 1.31, 50 s from
//     1.32;
//   - in that pass it taints the node unreachable:NoExecute and marks the
//     pods not Ready (NodeNotReady events); unreachable:NoSchedule follows
//     when it hears of its own update;
//   - the taint eviction controller deletes each pod 300 s after it saw the
//     taint, unless a toleration says otherwise.
func TestNodeFailureTiming(t *testing.T) {
	for _, tc := range []struct {
		release string
		grace   time.Duration
	}{{"1.31", 40 * time.Second}, {"1.36", 50 * time.Second}} {
		t.Run(tc.release, func(t *testing.T) {
			sixty := int64(60)
			h := newHarness(t, tc.release,
				newPod("plain"),
				newPod("short", corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &sixty}),
				newPod("forever", corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}))
			fail := sim.Time(60 * time.Second)
			h.e.RunUntil(fail)
			h.up = false
			h.e.RunUntil(sim.Time(20 * time.Minute))

			notReady := h.firstEvent("Node/n1", "NodeNotReady")
			renewal := h.lastRenewal(fail)
			if notReady < 0 {
				t.Fatal("the node never became NotReady")
			}
			// probeTimestamp is the pass in [renewal, renewal+5s); the grace is a
			// multiple of the period, so the first pass strictly after
			// probe+grace is probe+grace+5s.
			if d := notReady.Sub(renewal); d < tc.grace+MonitorPeriod || d >= tc.grace+2*MonitorPeriod {
				t.Errorf("NotReady %v after the last heartbeat, want in [%v, %v)", d, tc.grace+MonitorPeriod, tc.grace+2*MonitorPeriod)
			}
			if d := notReady.Sub(fail); d <= tc.grace-HeartbeatPeriod || d > tc.grace+2*MonitorPeriod {
				t.Errorf("NotReady %v after the failure", d)
			}
			n, _ := h.st.Nodes.Get("", "n1")
			if readyOf(n) != corev1.ConditionUnknown {
				t.Errorf("Ready = %s, want Unknown", readyOf(n))
			}
			var keys []string
			for _, tt := range n.Spec.Taints {
				keys = append(keys, tt.Key+":"+string(tt.Effect))
				if tt.Effect == corev1.TaintEffectNoExecute && store.SimTime(*tt.TimeAdded) != notReady.Truncate(time.Second) {
					t.Errorf("NoExecute taint added at %v, want %v", tt.TimeAdded, notReady)
				}
			}
			if got := strings.Join(keys, ","); got != "node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unreachable:NoSchedule" {
				t.Errorf("taints = %s", got)
			}
			if got := h.firstEvent("Pod/plain", "NodeNotReady"); got != notReady {
				t.Errorf("pod NodeNotReady at %v, want %v", got, notReady)
			}
			// Seen 10 ms after the pass: the Unknown update is superseded by
			// the taint, whose echo adds the NoSchedule taint, whose echo
			// reaches the eviction controller.
			seen := notReady.Add(10 * time.Millisecond)
			if got, want := h.firstEvent("Pod/plain", "TaintManagerEviction"), seen.Add(300*time.Second); got != want {
				t.Errorf("plain evicted at %v, want %v", got, want)
			}
			if got, want := h.firstEvent("Pod/short", "TaintManagerEviction"), seen.Add(60*time.Second); got != want {
				t.Errorf("short evicted at %v, want %v", got, want)
			}
			if got := h.firstEvent("Pod/forever", "TaintManagerEviction"); got >= 0 {
				t.Errorf("forever evicted at %v", got)
			}
			p, _ := h.st.Pods.Get("default", "plain")
			if p.DeletionTimestamp == nil {
				t.Fatal("plain has no deletionTimestamp")
			}
			if row := kubectl.Pod(p, 36); row.Status != "Terminating" {
				t.Errorf("kubectl STATUS = %s, want Terminating", row.Status)
			}
			f, _ := h.st.Pods.Get("default", "forever")
			for _, c := range f.Status.Conditions {
				if c.Type == corev1.PodReady && c.Status != corev1.ConditionFalse {
					t.Errorf("forever Ready = %s, want False", c.Status)
				}
			}
		})
	}
}

// TestRecoveryCancelsEviction pins the way back: the kubelet's next
// heartbeat posts Ready (NodeReady event), the controller's next pass
// removes the NoExecute taint, the NoSchedule one goes with the Ready
// condition, and the planned deletions are cancelled with their event.
func TestRecoveryCancelsEviction(t *testing.T) {
	h := newHarness(t, "1.36", newPod("plain"))
	h.e.RunUntil(sim.Time(60 * time.Second))
	h.up = false
	h.e.RunUntil(sim.Time(3 * time.Minute))
	h.up = true
	h.e.RunUntil(sim.Time(4 * time.Minute))
	ready := h.firstEvent("Node/n1", "NodeReady")
	if ready < sim.Time(3*time.Minute) || ready > sim.Time(3*time.Minute+HeartbeatPeriod) {
		t.Errorf("NodeReady at %v, want within a heartbeat period of the recovery", ready)
	}
	n, _ := h.st.Nodes.Get("", "n1")
	if len(n.Spec.Taints) != 0 || readyOf(n) != corev1.ConditionTrue {
		t.Errorf("node after recovery: taints %v, Ready %s", n.Spec.Taints, readyOf(n))
	}
	cancel := h.firstEvent("Pod/plain", "TaintManagerEviction")
	if cancel < ready || cancel > ready.Add(MonitorPeriod+20*time.Millisecond) {
		t.Errorf("cancellation at %v, want within a monitor pass of NodeReady at %v", cancel, ready)
	}
	h.e.RunUntil(sim.Time(20 * time.Minute))
	if p, _ := h.st.Pods.Get("default", "plain"); p.DeletionTimestamp != nil {
		t.Error("the pod was deleted after the node recovered")
	}
}

// TestLegacyEviction pins 1.11 (before taint-based evictions): no taints;
// pod-eviction-timeout (5 min) after the node went Unknown, each pod gets
// status.reason NodeLost, the NodeControllerEviction event and a graceful
// delete, and kubectl shows it Unknown (printers.go printPod).
func TestLegacyEviction(t *testing.T) {
	h := newHarness(t, "1.11", newPod("plain"))
	h.e.RunUntil(sim.Time(60 * time.Second))
	h.up = false
	h.e.RunUntil(sim.Time(20 * time.Minute))
	notReady := h.firstEvent("Node/n1", "NodeNotReady")
	evicted := h.firstEvent("Pod/plain", "NodeControllerEviction")
	if d := evicted.Sub(notReady); d <= PodEvictionTimeout || d > PodEvictionTimeout+MonitorPeriod {
		t.Errorf("evicted %v after NotReady, want in (5m, 5m5s]", d)
	}
	if got := h.firstEvent("Pod/plain", "NodeNotReady"); got >= 0 {
		t.Error("1.11 wrote a NodeNotReady event on the pod")
	}
	n, _ := h.st.Nodes.Get("", "n1")
	if len(n.Spec.Taints) != 0 {
		t.Errorf("1.11 tainted the node: %v", n.Spec.Taints)
	}
	p, _ := h.st.Pods.Get("default", "plain")
	if p.Status.Reason != "NodeLost" || kubectl.Pod(p, 11).Status != "Unknown" {
		t.Errorf("reason %q, kubectl %q; want NodeLost and Unknown", p.Status.Reason, kubectl.Pod(p, 11).Status)
	}
}
