package app

import "strings"

// httpTable is the answers of one HTTP port.
type httpTable struct {
	exact    map[string]*pathEntry // by path
	prefixes []prefixEntry         // keys ending in '*', longest prefix first; "*" is the prefix ""
}

// pathEntry is the answers for one path key: for any method, and per method.
type pathEntry struct {
	any      handler
	hasAny   bool
	byMethod map[string]handler
}

// prefixEntry is a path key ending in '*'.
type prefixEntry struct {
	prefix string
	e      *pathEntry
}

// lookup returns the handler for method and path (query string ignored): the
// exact path, then the longest matching prefix key, "*" last; within a key a
// method-specific answer wins over "any method". ok is false if nothing
// matches.
func (t *httpTable) lookup(method, path string) (handler, bool) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if e := t.exact[path]; e != nil {
		if h, ok := e.get(method); ok {
			return h, true
		}
	}
	for _, p := range t.prefixes {
		if strings.HasPrefix(path, p.prefix) {
			if h, ok := p.e.get(method); ok {
				return h, true
			}
		}
	}
	return nil, false
}

func (e *pathEntry) get(method string) (handler, bool) {
	if h, ok := e.byMethod[method]; ok {
		return h, true
	}
	return e.any, e.hasAny
}

// execTable is the answers to commands run in the container.
type execTable struct {
	commands []execEntry // in document order
	star     handler
	hasStar  bool
}

// execEntry is the answer to one command line.
type execEntry struct {
	line string
	h    handler
}

// lookup returns the handler for command, matched by its words joined with
// single spaces, then "*".
func (t *execTable) lookup(command []string) (handler, bool) {
	for _, c := range t.commands {
		if joinedEquals(c.line, command) {
			return c.h, true
		}
	}
	return t.star, t.hasStar
}

// joinedEquals reports whether line == strings.Join(words, " "), without
// building the joined string.
func joinedEquals(line string, words []string) bool {
	for i, w := range words {
		if i > 0 {
			if len(line) == 0 || line[0] != ' ' {
				return false
			}
			line = line[1:]
		}
		if !strings.HasPrefix(line, w) {
			return false
		}
		line = line[len(w):]
	}
	return line == ""
}
