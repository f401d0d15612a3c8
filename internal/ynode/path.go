package ynode

import "strconv"

// Path is the location of a value inside a decoded document, written as
// described in the package documentation. The zero Path is the root.
type Path string

// Key returns the path of the value under key k of the mapping at p.
func (p Path) Key(k string) Path {
	if plainKey(k) {
		if p == "" {
			return Path(k)
		}
		return p + "." + Path(k)
	}
	return p + "[" + Path(strconv.Quote(k)) + "]"
}

// Index returns the path of item i (0-based) of the sequence at p.
func (p Path) Index(i int) Path {
	return p + "[" + Path(strconv.Itoa(i)) + "]"
}

// String returns the path as text.
func (p Path) String() string { return string(p) }

// plainKey reports whether k can be written after a dot.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
