// Package store is the model's API server: it holds the cluster's objects and
// tells watchers about changes as kernel events, after a watch latency, the
// way informers learn of changes in a real cluster.
//
// Stored objects are immutable snapshots. A writer copies the object it read,
// changes the copy and stores it with Update; readers never modify what they
// get. Watchers therefore see each object as it was when it changed.
package store

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/probesim/probesim/sim"
)

// Epoch is the wall-clock time that simulated time 0 stands for in API
// timestamps. It is fixed so that runs are reproducible.
var Epoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Wall converts a simulated time to an API timestamp. API timestamps are
// serialised with one-second resolution, so callers that compare them, as
// controllers do, must truncate: see WallSeconds.
func Wall(t sim.Time) metav1.Time {
	return metav1.NewTime(Epoch.Add(time.Duration(t)))
}

// WallSeconds converts a simulated time to an API timestamp truncated to the
// second, as a timestamp reads after a round trip through the API server.
func WallSeconds(t sim.Time) metav1.Time {
	return Wall(t.Truncate(time.Second))
}

// SimTime converts an API timestamp back to simulated time.
func SimTime(t metav1.Time) sim.Time {
	if t.IsZero() {
		return 0
	}
	return sim.Time(t.Sub(Epoch))
}

// EventType says what happened to an object.
type EventType uint8

// The kinds of change a watcher hears about.
const (
	Added EventType = iota
	Modified
	Deleted
)

func (t EventType) String() string {
	switch t {
	case Added:
		return "ADDED"
	case Modified:
		return "MODIFIED"
	default:
		return "DELETED"
	}
}

// Object is what a Table holds: any Kubernetes-style object with metadata.
type Object interface {
	GetName() string
	GetNamespace() string
	GetResourceVersion() string
	SetResourceVersion(string)
	GetUID() types.UID
	GetLabels() map[string]string
	GetDeletionTimestamp() *metav1.Time
}

var watchKind = sim.NewKind("store/watch", 40)

// Table holds the objects of one kind, keyed by namespace/name, and fans
// their changes out to watchers.
type Table[T Object] struct {
	kind     string
	e        *sim.Engine
	rv       *uint64
	items    map[string]T
	watchers []watcher[T]
	observe  Observer
	// sorted holds the keys of items for List. Controllers list the pods
	// at every sync, and sorting ten thousand keys each time was most of
	// the cost of a large run's start.
	sorted sortedKeys
	// indexes are kept in step with items; see NewIndex.
	indexes []tableIndex[T]
}

// Observer hears of every change of a table the moment it is made, in the
// writer's call, without a kernel event: it is how a run records API
// objects (record.Snapshot). It must not write to the store.
type Observer func(kind string, ev EventType, obj Object)

type watcher[T Object] struct {
	delay sim.Duration
	where func(obj, old T) bool // nil: every change
	fn    func(EventType, T, T)
}

// Key returns the table key of an object: "namespace/name".
func Key(o Object) string { return o.GetNamespace() + "/" + o.GetName() }

// Kind returns the kind of the table's objects, e.g. "Pod".
func (t *Table[T]) Kind() string { return t.kind }

// Get returns the object with the given namespace and name.
func (t *Table[T]) Get(namespace, name string) (T, bool) {
	o, ok := t.items[namespace+"/"+name]
	return o, ok
}

// Len returns the number of objects in the table.
func (t *Table[T]) Len() int { return len(t.items) }

// List returns the table's objects sorted by namespace and name, so that
// callers iterate in an order that does not depend on map layout.
func (t *Table[T]) List() []T {
	keys := t.keys()
	out := make([]T, len(keys))
	for i, k := range keys {
		out[i] = t.items[k]
	}
	return out
}

// keys returns the sorted keys of items, valid until the table changes.
func (t *Table[T]) keys() []string { return t.sorted.list() }

// Watch registers fn to be told of every later change, delay after it
// happens. fn receives the kind of change, the object after it (for Deleted,
// the last state) and the object before it (the zero value for Added).
// Watchers registered earlier hear of a change first.
func (t *Table[T]) Watch(delay sim.Duration, fn func(ev EventType, obj, old T)) {
	t.watchers = append(t.watchers, watcher[T]{delay: delay, fn: fn})
}

// WatchWhere is Watch for the changes where reports true, as a watch with a
// field selector is filtered by the API server: the kubelet watches only the
// pods bound to its node (spec.nodeName). where sees the object after and
// before the change (the zero value for Added); the filtering costs no
// event.
func (t *Table[T]) WatchWhere(delay sim.Duration, where func(obj, old T) bool, fn func(ev EventType, obj, old T)) {
	t.watchers = append(t.watchers, watcher[T]{delay: delay, where: where, fn: fn})
}

// Create stores a new object. It reports false, storing nothing, if an
// object with the same key exists.
func (t *Table[T]) Create(o T) bool {
	k := Key(o)
	if _, ok := t.items[k]; ok {
		return false
	}
	t.stamp(o)
	t.items[k] = o
	t.sorted.add(k)
	for _, x := range t.indexes {
		x.add(k, o)
	}
	var zero T
	t.notify(Added, o, zero)
	return true
}

// Update replaces the stored object with the same key. It reports false,
// storing nothing, if there is none.
func (t *Table[T]) Update(o T) bool {
	k := Key(o)
	old, ok := t.items[k]
	if !ok {
		return false
	}
	t.stamp(o)
	t.items[k] = o
	for _, x := range t.indexes {
		x.update(k, o, old)
	}
	t.notify(Modified, o, old)
	return true
}

// Delete removes the object with the given namespace and name and reports
// whether there was one.
func (t *Table[T]) Delete(namespace, name string) bool {
	k := namespace + "/" + name
	old, ok := t.items[k]
	if !ok {
		return false
	}
	delete(t.items, k)
	t.sorted.remove(k)
	for _, x := range t.indexes {
		x.remove(k, old)
	}
	t.notify(Deleted, old, old)
	return true
}

func (t *Table[T]) stamp(o T) {
	*t.rv++
	o.SetResourceVersion(uitoa(*t.rv))
}

// setObserver makes fn hear of the table's changes; see Store.Observe.
func (t *Table[T]) setObserver(fn Observer) { t.observe = fn }

func (t *Table[T]) notify(ev EventType, obj, old T) {
	if t.observe != nil {
		t.observe(t.kind, ev, obj)
	}
	for _, w := range t.watchers {
		if w.where != nil && !w.where(obj, old) {
			continue
		}
		fn := w.fn
		t.e.After(w.delay, watchKind, func() { fn(ev, obj, old) })
	}
}

func uitoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}
