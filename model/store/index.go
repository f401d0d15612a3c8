package store

// Index groups a table's objects by a key computed from each object (for
// pods, their controller) and keeps, for every group, the table keys of its
// objects in List's order and a tally of them. The table updates its
// indexes inside Create, Update and Delete, before any observer or watcher
// hears of the change, so a reader of an index always sees what the table
// holds at that instant, as a reader of the table does. It is the model's
// cache.Indexer: a controller that reads the store as its informer cache
// finds its objects without scanning the whole table.
//
// An empty group is forgotten, tally and all, so groups do not accumulate
// as owners come and go: once every object added to a group has been
// removed, its tally must count nothing, as a new group's does.
type Index[T Object, K comparable, S any] struct {
	t      *Table[T]
	key    func(T) K
	tally  func(s *S, obj T, delta int)
	groups map[K]*indexGroup[S]
}

type indexGroup[S any] struct {
	keys sortedKeys // in Table.List's order
	sum  S
}

// tableIndex is how a Table keeps an Index of any key and tally type in
// step with its items.
type tableIndex[T Object] interface {
	add(key string, obj T)
	update(key string, obj, old T)
	remove(key string, obj T)
}

// NewIndex indexes t's objects by key and keeps it so from now on. tally,
// if not nil, is called with delta +1 for every object that joins a group
// (created, or updated into it) and with delta −1 and the same object when
// it leaves (deleted, or replaced by an update); it must undo exactly what
// the +1 call did. Stored objects are immutable, so the object it sees
// leave is the one it saw join. The objects already in t are added in List
// order.
func NewIndex[T Object, K comparable, S any](t *Table[T], key func(T) K, tally func(s *S, obj T, delta int)) *Index[T, K, S] {
	x := &Index[T, K, S]{t: t, key: key, tally: tally, groups: map[K]*indexGroup[S]{}}
	for _, k := range t.keys() {
		x.add(k, t.items[k])
	}
	t.indexes = append(t.indexes, x)
	return x
}

// Len returns the number of objects whose key is k.
func (x *Index[T, K, S]) Len(k K) int {
	if g := x.groups[k]; g != nil {
		return g.keys.len()
	}
	return 0
}

// List returns the objects whose key is k, in the order of Table.List.
func (x *Index[T, K, S]) List(k K) []T {
	g := x.groups[k]
	if g == nil {
		return nil
	}
	keys := g.keys.list()
	out := make([]T, len(keys))
	for i, key := range keys {
		out[i] = x.t.items[key]
	}
	return out
}

// Tally returns the tally of the objects whose key is k (S's zero value if
// there are none). Anything S refers to belongs to the index and is valid
// until the table next changes.
func (x *Index[T, K, S]) Tally(k K) S {
	if g := x.groups[k]; g != nil {
		return g.sum
	}
	var zero S
	return zero
}

func (x *Index[T, K, S]) add(key string, obj T) {
	k := x.key(obj)
	g := x.groups[k]
	if g == nil {
		g = &indexGroup[S]{}
		x.groups[k] = g
	}
	g.keys.add(key)
	if x.tally != nil {
		x.tally(&g.sum, obj, 1)
	}
}

// update replaces old by obj. An object that stays in its group keeps its
// place in the group's keys: only the tally changes, so the common update
// (a pod's status) costs no search of a large group.
func (x *Index[T, K, S]) update(key string, obj, old T) {
	if k := x.key(obj); k == x.key(old) {
		if x.tally != nil {
			g := x.groups[k]
			x.tally(&g.sum, old, -1)
			x.tally(&g.sum, obj, 1)
		}
		return
	}
	x.remove(key, old)
	x.add(key, obj)
}

func (x *Index[T, K, S]) remove(key string, obj T) {
	k := x.key(obj)
	g := x.groups[k]
	if g == nil {
		return
	}
	if x.tally != nil {
		x.tally(&g.sum, obj, -1)
	}
	g.keys.remove(key)
	if g.keys.len() == 0 {
		delete(x.groups, k)
	}
}
