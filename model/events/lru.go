package events

// lru is a cache of at most size entries that forgets the least recently
// used one to make room, as each of the correlator's caches does in
// client-go: github.com/golang/groupcache/lru up to 1.31, k8s.io/utils/lru
// (a locked fork of the same code) from 1.32. Order is a
// doubly linked list threaded through a slice by index, so an entry costs
// no allocation of its own and a forgotten entry's slot is reused.
type lru[K comparable, V any] struct {
	size  int
	index map[K]int32
	nodes []lruNode[K, V]
	// head is the most recently used entry, tail the least; -1 when empty.
	head, tail int32
}

type lruNode[K comparable, V any] struct {
	key K
	val V
	// prev is the next more recently used entry, next the next less
	// recently used; -1 at either end.
	prev, next int32
}

// newLRU returns an empty cache of size entries; size must be positive.
func newLRU[K comparable, V any](size int) *lru[K, V] {
	return &lru[K, V]{size: size, index: map[K]int32{}, head: -1, tail: -1}
}

// use finds k's entry, or adds one holding V's zero value, and makes it the
// most recently used. It reports whether k was there. A new entry in a full
// cache takes the least recently used entry's place, which is forgotten.
//
// Each filter of client-go's correlator calls Get and then Add on the same
// key with nothing in between; in the LRU both move a present key to the
// front and Add pushes an absent one, evicting the back past size. use is
// that pair as one step. The pointer is valid until the next use of c.
func (c *lru[K, V]) use(k K) (v *V, found bool) {
	if i, ok := c.index[k]; ok {
		c.unlink(i)
		c.pushFront(i)
		return &c.nodes[i].val, true
	}
	var i int32
	if len(c.nodes) < c.size {
		i = int32(len(c.nodes))
		c.nodes = append(c.nodes, lruNode[K, V]{})
	} else {
		i = c.tail
		c.unlink(i)
		delete(c.index, c.nodes[i].key)
	}
	c.nodes[i] = lruNode[K, V]{key: k}
	c.index[k] = i
	c.pushFront(i)
	return &c.nodes[i].val, false
}

// len returns the number of entries.
func (c *lru[K, V]) len() int { return len(c.index) }

func (c *lru[K, V]) unlink(i int32) {
	n := &c.nodes[i]
	if n.prev >= 0 {
		c.nodes[n.prev].next = n.next
	} else {
		c.head = n.next
	}
	if n.next >= 0 {
		c.nodes[n.next].prev = n.prev
	} else {
		c.tail = n.prev
	}
}

func (c *lru[K, V]) pushFront(i int32) {
	n := &c.nodes[i]
	n.prev, n.next = -1, c.head
	if c.head >= 0 {
		c.nodes[c.head].prev = i
	} else {
		c.tail = i
	}
	c.head = i
}
