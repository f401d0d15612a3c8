package kubelet

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// catalog decodes an `apps:` section for tests.
func catalog(t *testing.T, src string) *app.Catalog {
	t.Helper()
	c, err := app.DecodeString(src)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSignals pins the seed's observations of `oc exec POD -- kill 1`: a
// Sinatra server traps TERM and exits, and the kubelet restarts the
// container in the same pod (RESTARTS + 1, same pod name, the first restart
// immediate); `kill -TSTP 1` has no effect on a PID 1 without a handler.
func TestSignals(t *testing.T) {
	apps := catalog(t, `
sinatra:*:
  start: 1s
  http:
    8080: {"*": 200}
`)
	for _, tc := range []struct {
		sig      app.Signal
		restarts bool
	}{
		{app.SIGTERM, true},
		{app.SIGTSTP, false},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			h := newHarness(t, "1.11", 1, CatalogApps(apps))
			h.addPod(onePod(corev1.Container{Image: "sinatra:1"}))
			h.run(time.Minute)
			pod, _ := h.store.Pods.Get("default", "web")
			if err := h.k.Signal(pod, "app", tc.sig); err != nil {
				t.Fatal(err)
			}
			h.run(2 * time.Minute)
			starts, ends := h.containerTimes()
			if !tc.restarts {
				if len(starts) != 1 || ends[0] != sim.Never {
					t.Fatalf("SIG%s: instances %v, ends %v; want the process untouched", tc.sig, starts, ends)
				}
				return
			}
			if len(starts) != 2 || ends[0] != sim.Time(time.Minute) {
				t.Fatalf("SIG%s: starts %v ends %v; want an exit at 1m and one restart", tc.sig, starts, ends)
			}
			if gap := starts[1].Sub(ends[0]); gap > 2*time.Second {
				t.Errorf("first restart %v after the exit, want immediate", gap)
			}
			var last *record.PodStatus
			for _, r := range h.log.Records() {
				if p, ok := r.(*record.PodStatus); ok {
					last = p
				}
			}
			if last.Restarts != 1 || last.Status != "Running" || last.Object != "Pod/web" {
				t.Errorf("last pod status %+v, want Pod/web Running with 1 restart", last)
			}
		})
	}
}
