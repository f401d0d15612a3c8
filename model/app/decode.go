package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
)

// Decode decodes the value of a scenario's `apps:` key: a mapping from image
// pattern to behaviour. Every problem is reported, as a ynode.ErrorList
// whose paths start at "apps"; attach the file name with
// ynode.ErrorList.WithFile. A nil or empty node gives an empty catalog.
func Decode(n *yaml.Node) (*Catalog, error) {
	c := NewCatalog()
	n = ynode.Resolve(n)
	if n == nil || ynode.IsScalar(n, "!!null") {
		return c, nil
	}
	var d decoder
	entries, _ := d.Mapping(n, "apps")
	for _, e := range entries {
		if !d.pattern(e) {
			continue
		}
		if b := d.behavior(e.Value, e.Path, modeTop); b != nil {
			c.entries = append(c.entries, entry{from: minTime, pattern: e.Key, b: b})
		}
	}
	if err := d.Err(); err != nil {
		d.Errors().Sort()
		return nil, err
	}
	return c, nil
}

// DecodeString decodes the text of an `apps:` mapping, as Decode does,
// reporting YAML syntax errors too.
func DecodeString(src string) (*Catalog, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("apps: %w", err)
	}
	if len(doc.Content) == 0 {
		return NewCatalog(), nil
	}
	return Decode(doc.Content[0])
}

// DecodeChange decodes the value of a setApp action: `image` (a pattern),
// optionally `replace: true`, and behaviour fields. Its paths start at
// "setApp".
func DecodeChange(n *yaml.Node) (*Change, error) {
	var d decoder
	ch := &Change{}
	entries, ok := d.Fields(n, "setApp", append([]string{"image", "replace"}, behaviorFields...)...)
	if ok {
		var rest []*yaml.Node
		n := ynode.Resolve(n)
		hasImage := false
		for _, e := range entries {
			switch e.Key {
			case "image":
				hasImage = true
				if d.pattern(ynode.Entry{Key: e.Value.Value, KeyNode: e.Value, Path: e.Path}) {
					ch.Image, _ = d.String(e.Value, e.Path)
				}
			case "replace":
				ch.replace, _ = d.Bool(e.Value, e.Path)
			default:
				rest = append(rest, e.KeyNode, e.Value)
			}
		}
		if !hasImage {
			d.Errorf(n, "setApp", "expected an image pattern: image: NAME or image: PREFIX*")
		}
		ch.b = d.behavior(&yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column, Content: rest}, "setApp", modeTop)
	}
	if err := d.Err(); err != nil {
		d.Errors().Sort()
		return nil, err
	}
	return ch, nil
}

// decoder decodes behaviours, collecting errors.
type decoder struct {
	ynode.Decoder
}

// pattern checks an image pattern.
func (d *decoder) pattern(e ynode.Entry) bool {
	p := e.Key
	switch {
	case e.KeyNode != nil && !ynode.IsScalar(e.KeyNode, "!!str"):
		d.Errorf(e.KeyNode, e.Path, "expected an image pattern (a string), got %s", ynode.Describe(e.KeyNode))
	case strings.TrimSpace(p) == "":
		d.Errorf(e.KeyNode, e.Path, "expected an image pattern, got an empty string")
	case strings.Contains(strings.TrimSuffix(p, "*"), "*"):
		d.Errorf(e.KeyNode, e.Path, "image pattern %q: '*' may only end a pattern (a prefix)", p)
	case strings.ContainsAny(p, " \t\n"):
		d.Errorf(e.KeyNode, e.Path, "image pattern %q contains white space", p)
	default:
		return true
	}
	return false
}

// mode says which fields a behaviour mapping may have.
type mode uint8

const (
	modeTop      mode = iota // under apps or setApp: every field
	modeOverride             // under instances: no instances, no resources
)

// behaviorFields are the fields of a behaviour, in the order of the reference.
var behaviorFields = []string{"start", "listen", "http", "tcp", "grpc", "exec", "concurrency",
	"exit", "crash", "memory", "onSIGTERM", "signals", "instances", "resources", "pull"}

// overrideFields leave out instances, resources and pull: they belong to
// the image, not to one instance.
var overrideFields = behaviorFields[:len(behaviorFields)-3]

// behavior decodes one behaviour mapping; nil if it is not a mapping.
func (d *decoder) behavior(n *yaml.Node, p ynode.Path, m mode) *Behavior {
	known := behaviorFields
	if m == modeOverride {
		known = overrideFields
	}
	entries, ok := d.Fields(n, p, known...)
	if !ok {
		return nil
	}
	b := &Behavior{}
	for _, e := range entries {
		v, ep := e.Value, e.Path
		switch e.Key {
		case "start":
			b.has |= fStart
			b.start, _ = d.dist(v, ep)
		case "listen":
			b.has |= fListen
			b.listen = d.listen(v, ep)
		case "http":
			b.has |= fHTTP
			b.http = d.httpPorts(v, ep)
		case "tcp":
			b.has |= fTCP
			b.tcp = d.tcpPorts(v, ep)
		case "grpc":
			b.has |= fGRPC
			b.grpc = d.grpcPorts(v, ep)
		case "exec":
			b.has |= fExec
			b.exec = d.execTable(v, ep)
		case "concurrency":
			b.has |= fConcurrency
			if c, ok := d.Int(v, ep); ok && c < 1 {
				d.Errorf(v, ep, "expected at least 1 request at once, got %d (leave concurrency out for no limit)", c)
			} else {
				b.concurrency = c
			}
		case "exit":
			b.has |= fExit
			b.exit = d.exit(v, ep)
		case "crash":
			b.has |= fCrash
			b.crash = d.crash(v, ep)
		case "memory":
			b.has |= fMemory
			b.memory = d.memory(v, ep)
		case "onSIGTERM":
			b.has |= fOnSIGTERM
			if re, ok := d.reaction(v, ep, SIGTERM); ok {
				b.onSIGTERM = &re
			}
		case "signals":
			b.has |= fSignals
			b.signals = d.signals(v, ep, hasKey(n, "onSIGTERM"))
		case "instances":
			b.has |= fInstances
			b.overrides = d.instances(v, ep)
		case "resources":
			b.has |= fResources
			b.resources = d.resources(v, ep)
		case "pull":
			b.has |= fPull
			b.pull = d.pullSpec(v, ep)
		}
	}
	d.checkPorts(b, n, p)
	b.resolve()
	for _, r := range b.instances {
		d.checkPorts(r.b, n, p.Key("instances"))
	}
	return b
}

// hasKey reports whether mapping n has key k.
func hasKey(n *yaml.Node, k string) bool {
	n = ynode.Resolve(n)
	for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return true
		}
	}
	return false
}

// checkPorts reports a port described both under http and tcp.
func (d *decoder) checkPorts(b *Behavior, n *yaml.Node, p ynode.Path) {
	var both []int
	for port := range b.tcp {
		if _, ok := b.http[port]; ok {
			both = append(both, port)
		}
	}
	slices.Sort(both) // map order must not decide the order of messages
	for _, port := range both {
		d.Errorf(n, p, "port %d is described under both http and tcp; tcp answers are for ports without an HTTP table", port)
	}
}

// port decodes a port number key.
func (d *decoder) port(e ynode.Entry) (int, bool) {
	v, err := strconv.Atoi(e.Key)
	if err != nil || v < 1 || v > 65535 {
		d.Errorf(e.KeyNode, e.Path, "expected a port number from 1 to 65535, got %q", e.Key)
		return 0, false
	}
	return v, true
}

// listen decodes `listen: {PORT: duration}`.
func (d *decoder) listen(n *yaml.Node, p ynode.Path) []portDist {
	entries, _ := d.Mapping(n, p)
	var out []portDist
	for _, e := range entries {
		port, ok := d.port(e)
		dist, ok2 := d.dist(e.Value, e.Path)
		if ok && ok2 {
			out = append(out, portDist{port, dist})
		}
	}
	slices.SortFunc(out, func(a, b portDist) int { return a.port - b.port })
	return out
}

// exit decodes `exit: {after: d, code: N}`.
func (d *decoder) exit(n *yaml.Node, p ynode.Path) *exitSpec {
	entries, ok := d.Fields(n, p, "after", "code")
	if !ok {
		return nil
	}
	x := &exitSpec{}
	hasAfter := false
	for _, e := range entries {
		switch e.Key {
		case "after":
			x.after, _ = d.dist(e.Value, e.Path)
			hasAfter = true
		case "code":
			x.code, _ = d.IntRange(e.Value, e.Path, 0, 255)
		}
	}
	if !hasAfter {
		d.Errorf(n, p, "expected after: DURATION (when the process exits)")
		return nil
	}
	return x
}

// crash decodes `crash: {afterRequests: N, probability: P, code: N}`.
func (d *decoder) crash(n *yaml.Node, p ynode.Path) *crashSpec {
	entries, ok := d.Fields(n, p, "afterRequests", "probability", "code")
	if !ok {
		return nil
	}
	c := &crashSpec{code: 1}
	for _, e := range entries {
		switch e.Key {
		case "afterRequests":
			if v, ok := d.Int(e.Value, e.Path); ok && v < 1 {
				d.Errorf(e.Value, e.Path, "expected a number of requests of at least 1, got %d", v)
			} else {
				c.afterRequests = v
			}
		case "probability":
			if v, ok := d.Float(e.Value, e.Path); ok && (v < 0 || v > 1) {
				d.Errorf(e.Value, e.Path, "expected a probability from 0 to 1, got %v", v)
			} else {
				c.probability = v
			}
		case "code":
			c.code, _ = d.IntRange(e.Value, e.Path, 0, 255)
		}
	}
	if !hasKey(n, "afterRequests") && !hasKey(n, "probability") {
		d.Errorf(n, p, "expected afterRequests: N or probability: P (or both)")
		return nil
	}
	return c
}
