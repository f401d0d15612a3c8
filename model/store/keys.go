package store

import "slices"

// sortedKeys is a set of table keys read in sorted order. Keys added since
// the last read wait unsorted at the end and are merged in by the next
// read: a controller creating five hundred pods between two lists then
// pays one merge instead of five hundred insertions into the middle of a
// slice ten thousand long.
type sortedKeys struct {
	keys    []string // keys[:len(keys)-pending] are sorted and distinct
	pending int
	spare   []string // the buffer of the merge before last, reused
}

// add adds k, which may already be present.
func (s *sortedKeys) add(k string) {
	s.keys = append(s.keys, k)
	s.pending++
}

// remove removes k if it is present.
func (s *sortedKeys) remove(k string) {
	s.settle()
	if i, found := slices.BinarySearch(s.keys, k); found {
		s.keys = slices.Delete(s.keys, i, i+1)
	}
}

// len returns the number of keys.
func (s *sortedKeys) len() int {
	s.settle()
	return len(s.keys)
}

// list returns the keys in order. The slice is valid until the set next
// changes.
func (s *sortedKeys) list() []string {
	s.settle()
	return s.keys
}

// settle sorts the pending keys into the others.
func (s *sortedKeys) settle() {
	if s.pending == 0 {
		return
	}
	n := len(s.keys) - s.pending
	tail := s.keys[n:]
	slices.Sort(tail)
	tail = slices.Compact(tail)
	if n == 0 {
		s.keys, s.pending = s.keys[:len(tail)], 0
		return
	}
	merged := s.spare[:0]
	if cap(merged) < n+len(tail) {
		merged = make([]string, 0, n+len(tail)+len(tail)/2)
	}
	head := s.keys[:n]
	i, j := 0, 0
	for i < len(head) && j < len(tail) {
		switch {
		case head[i] < tail[j]:
			merged = append(merged, head[i])
			i++
		case tail[j] < head[i]:
			merged = append(merged, tail[j])
			j++
		default: // present already
			merged = append(merged, head[i])
			i, j = i+1, j+1
		}
	}
	merged = append(merged, head[i:]...)
	merged = append(merged, tail[j:]...)
	clear(s.keys) // let the old buffer hold no strings
	s.spare, s.keys, s.pending = s.keys[:0], merged, 0
}
