package kubelet

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/sim"
)

// TestCachesInStep checks, between every two instants of random runs (with
// a kubelet restart in some), that what the kubelet keeps so as not to look
// things up again says what looking them up would: each probe worker's
// view of the cached status, each worker's live instance, the
// relist's flag, the count of workers waiting for a relist, the lower
// bound of the requeue times, the pod's deletion flag, and that a status
// marked fresh is what
// generating it again would give, with no probe to trigger
// (docs/architecture.md, "Shortcuts"). Some runs delete the pod.
func TestCachesInStep(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		release := rapid.SampledFrom([]string{"1.21", "1.34", "1.35", "1.36"}).Draw(t, "release")
		pod := genProbedPod(t)
		var apps Apps = genApps(t)
		if rapid.IntRange(0, 2).Draw(t, "init") == 0 {
			// An init container that fails its first runs, then exits 0
			// after a while, or never ends.
			pod.Spec.InitContainers = []corev1.Container{{Name: "setup", Image: "setup", ImagePullPolicy: corev1.PullIfNotPresent}}
			fails := rapid.IntRange(0, 3).Draw(t, "initFailures")
			d := time.Duration(rapid.IntRange(0, 60).Draw(t, "initSeconds")) * time.Second
			apps = withInit{apps.(fakeApps), func(n int) *fakeProc {
				switch {
				case d == 0:
					return &fakeProc{}
				case n <= fails:
					return &fakeProc{exitIn: d, exitCode: 1}
				}
				return &fakeProc{exitIn: d}
			}}
		}
		h := newHarness(&testing.T{}, release, rapid.Uint64().Draw(t, "seed"), apps)
		h.addPod(pod)
		if rapid.Bool().Draw(t, "restart") {
			h.restartAt(time.Duration(rapid.IntRange(1, 300).Draw(t, "restartAt"))*time.Second, 3*time.Second)
		}
		if rapid.Bool().Draw(t, "delete") {
			at := sim.Time(time.Duration(rapid.IntRange(1, 300).Draw(t, "deleteAt")) * time.Second)
			grace := int64(rapid.IntRange(0, 40).Draw(t, "grace"))
			h.e.At(at, kindSyncTick, func() { h.store.DeletePod("default", "web", &grace, h.e.Now()) })
		}
		h.e.OnAdvance(func(sim.Time) { checkCaches(t, h.k) })
		h.run(6 * time.Minute)
	})
}

func checkCaches(t *rapid.T, k *Kubelet) {
	waiting := 0
	for _, ps := range k.podOrder {
		if ps.waitRelist {
			waiting++
		}
		if ps.deleting != (ps.pod.DeletionTimestamp != nil) {
			t.Fatalf("at %v: deleting is %v, the pod's deletionTimestamp %v", k.e.Now(), ps.deleting, ps.pod.DeletionTimestamp)
		}
		if ps.statusFresh {
			// generateStatus changes nothing but the scratch buffers.
			if st := ps.generateStatus(); !statusEqual(&st, &ps.status) || len(k.scratch.triggers) > 0 {
				t.Fatalf("at %v: the status is marked fresh, but generating it again triggers %d probes and gives (-cached +generated):\n%s",
					k.e.Now(), len(k.scratch.triggers), cmp.Diff(ps.status, st))
			}
		}
		if ps.requeueAt != sim.Never && ps.requeueAt < k.requeueFrom {
			t.Fatalf("at %v: requeueFrom %v is after a pod's requeue time %v", k.e.Now(), k.requeueFrom, ps.requeueAt)
		}
		for i, c := range ps.containers {
			if !k.runtimeChanged {
				var want runtimeStatus
				if in := c.newest(); in != nil {
					want = runtimeStatus{inst: in, running: in.running, finishedAt: in.finishedAt}
				}
				if ps.cache[i] != want {
					t.Fatalf("at %v: the runtime changed without raising the relist's flag", k.e.Now())
				}
			}
			want := ps.viewOf(c) // derived afresh from the cached status
			live, proc := c.live()
			for _, w := range c.probes {
				if w == nil {
					continue
				}
				if w.view != want {
					t.Fatalf("at %v: %v worker's view %+v, the cached status says %+v", k.e.Now(), w.typ, w.view, want)
				}
				if w.live != live || w.liveProc != proc {
					t.Fatalf("at %v: %v worker's live instance is not the runtime's", k.e.Now(), w.typ)
				}
			}
		}
	}
	if waiting != k.waiting {
		t.Fatalf("at %v: %d workers wait for a relist, the count says %d", k.e.Now(), waiting, k.waiting)
	}
}

// withInit runs init for the image "setup" and the fake apps for the rest.
type withInit struct {
	fakeApps
	init func(n int) *fakeProc
}

func (a withInit) Start(image string, n int, at sim.Time, limit int64, r *rand.Rand) Process {
	if image != "setup" {
		return a.fakeApps.Start(image, n, at, limit, r)
	}
	p := a.init(n)
	p.start = at
	return p
}
