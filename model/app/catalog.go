package app

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/probesim/probesim/sim"
)

// Catalog holds behaviours by image pattern, and their changes over
// simulated time (setApp). A pattern is an exact image reference or a
// prefix ending in '*'; see Lookup for which one applies. A Catalog is not
// safe for concurrent use.
type Catalog struct {
	entries []entry          // in the order added: the initial ones at minTime, then changes
	lines   map[string]*line // cache: the versions of each image started so far
}

// entry is a pattern's behaviour from a time on.
type entry struct {
	from    sim.Time
	pattern string
	b       *Behavior // nil: the pattern is removed (not used yet)
}

// line is the behaviours an image has over time.
type line struct {
	versions []version // from ascending; the first from minTime
}

// version is the behaviour of an image from a time on.
type version struct {
	from sim.Time
	b    *Behavior
}

// at returns the behaviour in effect at t.
func (l *line) at(t sim.Time) *Behavior {
	for i := len(l.versions) - 1; i > 0; i-- {
		if l.versions[i].from <= t {
			return l.versions[i].b
		}
	}
	return l.versions[0].b
}

// NewCatalog returns a catalog in which every image has the default
// behaviour.
func NewCatalog() *Catalog { return &Catalog{lines: map[string]*line{}} }

// Lookup returns the behaviour of image at the start of the run; see
// LookupAt.
func (c *Catalog) Lookup(image string) *Behavior { return c.LookupAt(minTime, image) }

// LookupAt returns the behaviour of image in effect at time t. The pattern
// that matches best wins: an exact match over a prefix, a longer prefix
// over a shorter one, and a match of the whole image reference over a match
// of its last path element (a pattern without '/' is also tried against the
// part of the image after its last '/', so "nodejs-ex:*" matches
// "quay.io/acme/nodejs-ex:v2"). An image no pattern matches has the default
// behaviour (see Default).
func (c *Catalog) LookupAt(t sim.Time, image string) *Behavior {
	best, bestScore := defaultBehavior, -1
	for i := range c.entries {
		e := &c.entries[i]
		if e.from > t {
			continue
		}
		s, ok := matchScore(e.pattern, image)
		if ok && s >= bestScore { // >=: a later entry for the same pattern replaces an earlier one
			best, bestScore = e.b, s
		}
	}
	return best
}

// matchScore reports whether pattern matches image, and how well.
func matchScore(pattern, image string) (int, bool) {
	const whole = 1 << 20 // a match of the whole reference beats any match of its last element
	if s, ok := matchOne(pattern, image); ok {
		return whole + s, true
	}
	if !strings.Contains(pattern, "/") {
		if i := strings.LastIndexByte(image, '/'); i >= 0 {
			return matchOne(pattern, image[i+1:])
		}
	}
	return 0, false
}

func matchOne(pattern, s string) (int, bool) {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return 2 * len(prefix), strings.HasPrefix(s, prefix)
	}
	return 2*len(pattern) + 1, pattern == s
}

// Start starts instance n (1-based) of the process of image in a container
// that started at time at, with the given memory limit in bytes (0: none),
// drawing from r. The instance follows later changes of the image's
// handlers (see Apply).
func (c *Catalog) Start(image string, n int, at sim.Time, memoryLimit int64, r *rand.Rand) *Instance {
	return newInstance(c.line(image), n, at, memoryLimit, r)
}

// line returns the versions of image's behaviour, computing them once.
func (c *Catalog) line(image string) *line {
	if l, ok := c.lines[image]; ok {
		return l
	}
	l := &line{versions: []version{{from: minTime, b: c.LookupAt(minTime, image)}}}
	for _, e := range c.entries {
		if e.from != minTime {
			l.add(e.from, c.LookupAt(e.from, image))
		}
	}
	c.lines[image] = l
	return l
}

// add records that the behaviour is b from t on, if it changes.
func (l *line) add(t sim.Time, b *Behavior) {
	if last := l.versions[len(l.versions)-1]; last.b != b {
		l.versions = append(l.versions, version{from: t, b: b})
	}
}

// Change is a decoded setApp action: a new or patched behaviour for an
// image pattern. Make one with DecodeChange.
type Change struct {
	// Image is the pattern the change applies to.
	Image   string
	replace bool
	b       *Behavior // partial when patching
}

// Apply makes ch take effect at time t. A patch (the default) replaces the
// fields it gives in the behaviour the pattern has at t (the default
// behaviour if the pattern has none); with replace: true the behaviour is
// replaced whole. Instances started from t on use the new behaviour
// entirely; instances already running keep what was drawn or fixed when
// they started (start, listen, concurrency, exit, crash, memory, signals)
// and answer requests from t on with the new http, tcp, grpc and exec
// tables. Changes must be applied in non-decreasing time order.
func (c *Catalog) Apply(t sim.Time, ch *Change) error {
	if n := len(c.entries); n > 0 && c.entries[n-1].from > t {
		return fmt.Errorf("setApp %q at %s: changes must come in time order (the last was at %s)", ch.Image, t, c.entries[n-1].from)
	}
	b := ch.b
	if !ch.replace {
		base := defaultBehavior
		for _, e := range c.entries { // the pattern's own latest behaviour
			if e.pattern == ch.Image {
				base = e.b
			}
		}
		b = merge(base, ch.b)
	}
	c.entries = append(c.entries, entry{from: t, pattern: ch.Image, b: b})
	for image, l := range c.lines { // each line is updated on its own: order does not matter
		l.add(t, c.LookupAt(t, image))
	}
	return nil
}
