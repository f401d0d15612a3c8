package app

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/sim"
)

// kind of table an answer belongs to.
type table uint8

const (
	tableHTTP table = iota
	tableTCP
	tableGRPC
	tableExec
)

// answerFields are the keys an answer mapping may have, per table.
var answerFields = [...][]string{
	tableHTTP: {"status", "latency", "location", "hang", "refuse", "reset", "until", "untilAt"},
	tableTCP:  {"accept", "latency", "hang", "refuse", "reset", "until", "untilAt"},
	tableGRPC: {"status", "latency", "hang", "refuse", "reset", "until", "untilAt"},
	tableExec: {"exit", "output", "latency", "hang", "until", "untilAt"},
}

// scalarExpected says what a bare answer is, per table.
var scalarExpected = [...]string{
	tableHTTP: "an HTTP status (200), hang, refuse, reset, a mapping {status, latency, location} or a timeline (a list)",
	tableTCP:  "accept, refuse, hang, reset, a mapping {latency, ...} or a timeline (a list)",
	tableGRPC: "SERVING, NOT_SERVING, hang, refuse, reset, a mapping {status, latency} or a timeline (a list)",
	tableExec: "an exit code (0), hang, a mapping {exit, output, latency} or a timeline (a list)",
}

// handler decodes an answer or a timeline of answers.
func (d *decoder) handler(n *yaml.Node, p ynode.Path, t table) handler {
	n = ynode.Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		if a, ok := d.answer(n, p, t, false); ok {
			return handler{a}
		}
		return nil
	}
	items, _ := d.Sequence(n, p)
	if len(items) == 0 {
		d.Errorf(n, p, "expected a timeline of at least one answer, got an empty list")
		return nil
	}
	h := make(handler, 0, len(items))
	good := true
	var lastUntil sim.Duration = -1
	var lastAt sim.Time = minTime
	for i, it := range items {
		ip := p.Index(i)
		a, ok := d.answer(it, ip, t, true)
		if !ok {
			good = false
			continue
		}
		last := i == len(items)-1
		switch {
		case a.hasUntil && a.hasUntilAt:
			d.Errorf(it, ip, "expected one of until or untilAt, not both")
			good = false
		case last && (a.hasUntil || a.hasUntilAt):
			d.Errorf(it, ip, "the last answer of a timeline lasts for ever: remove until/untilAt")
			good = false
		case !last && !a.hasUntil && !a.hasUntilAt:
			d.Errorf(it, ip, "expected until: DURATION (since the container started) or untilAt: DURATION (since the run started): every answer of a timeline but the last ends")
			good = false
		case a.hasUntil && a.until.IsFixed():
			if a.until.fixed <= lastUntil {
				d.Errorf(it, ip.Key("until"), "expected until to grow along the timeline, got %s after %s", a.until.fixed, lastUntil)
				good = false
			}
			lastUntil = a.until.fixed
		case a.hasUntilAt:
			if a.untilAt <= lastAt {
				d.Errorf(it, ip.Key("untilAt"), "expected untilAt to grow along the timeline, got %s after %s", a.untilAt, lastAt)
				good = false
			}
			lastAt = a.untilAt
		}
		a.id = pathID(string(ip))
		h = append(h, a)
	}
	if !good {
		return nil
	}
	return h
}

// answer decodes one answer; inTimeline allows until and untilAt.
func (d *decoder) answer(n *yaml.Node, p ynode.Path, t table, inTimeline bool) (answer, bool) {
	n = ynode.Resolve(n)
	if n != nil && n.Kind == yaml.ScalarNode {
		return d.scalarAnswer(n, p, t)
	}
	if n == nil || n.Kind != yaml.MappingNode {
		d.Errorf(n, p, "expected %s, got %s", scalarExpected[t], ynode.Describe(n))
		return answer{}, false
	}
	entries, ok := d.Fields(n, p, answerFields[t]...)
	if !ok {
		return answer{}, false
	}
	var a answer
	good := true
	var outcomes []string // the keys that say how the request ends
	hasStatus := false
	for _, e := range entries {
		v, ep := e.Value, e.Path
		switch e.Key {
		case "status":
			hasStatus = true
			outcomes = append(outcomes, "status")
			if t == tableGRPC {
				a.code, ok = d.grpcStatus(v, ep)
			} else {
				a.code, ok = d.IntRange(v, ep, 100, 599)
			}
		case "exit":
			outcomes = append(outcomes, "exit")
			a.code, ok = d.IntRange(v, ep, 0, 255)
		case "latency":
			a.latency, ok = d.dist(v, ep)
		case "location":
			a.location, ok = d.String(v, ep)
		case "output":
			a.output, ok = d.String(v, ep)
		case "accept", "hang", "refuse", "reset":
			var set bool
			if set, ok = d.Bool(v, ep); set {
				outcomes = append(outcomes, e.Key)
				a.kind = map[string]ReplyKind{"accept": Answered, "hang": Hang, "refuse": Refused, "reset": Reset}[e.Key]
			}
		case "until", "untilAt":
			if !inTimeline {
				d.Errorf(e.KeyNode, ep, "%s belongs to an answer of a timeline (a list of answers)", e.Key)
				ok = false
			} else if e.Key == "until" {
				a.until, ok = d.dist(v, ep)
				a.hasUntil = true
			} else {
				var at sim.Duration
				at, ok = d.Duration(v, ep)
				a.untilAt, a.hasUntilAt = sim.Time(at), true
			}
		}
		good = good && ok
	}
	if !good {
		return answer{}, false
	}
	switch {
	case len(outcomes) > 1:
		d.Errorf(n, p, "expected one of %s, got %s together", outcomeNames(t), strings.Join(outcomes, " and "))
		return answer{}, false
	case (t == tableHTTP || t == tableGRPC) && len(outcomes) == 0:
		d.Errorf(n, p, "expected status: %s, or one of hang, refuse, reset: true", map[table]string{tableHTTP: "CODE", tableGRPC: "SERVING|NOT_SERVING"}[t])
		return answer{}, false
	case a.location != "" && (!hasStatus || a.code < 300 || a.code > 399):
		d.Errorf(n, p, "location is for redirects: expected a status from 300 to 399 with it")
		return answer{}, false
	case (a.kind == Hang || a.kind == Refused) && hasKey(n, "latency"):
		d.Errorf(n, p, "latency does not apply to a request that is %s", map[ReplyKind]string{Hang: "never answered (hang)", Refused: "refused"}[a.kind])
		return answer{}, false
	}
	return a, true
}

func outcomeNames(t table) string {
	switch t {
	case tableTCP:
		return "accept, hang, refuse, reset"
	case tableExec:
		return "exit, hang"
	}
	return "status, hang, refuse, reset"
}

// scalarAnswer decodes a bare answer.
func (d *decoder) scalarAnswer(n *yaml.Node, p ynode.Path, t table) (answer, bool) {
	if ynode.IsScalar(n, "!!str") {
		switch n.Value {
		case "hang":
			return answer{kind: Hang}, true
		case "refuse":
			if t != tableExec {
				return answer{kind: Refused}, true
			}
		case "reset":
			if t != tableExec {
				return answer{kind: Reset}, true
			}
		case "accept":
			if t == tableTCP {
				return answer{}, true
			}
		case "SERVING", "NOT_SERVING":
			if t == tableGRPC {
				c, _ := d.grpcStatus(n, p)
				return answer{code: c}, true
			}
		}
	}
	switch t {
	case tableHTTP:
		if ynode.IsScalar(n, "!!int") {
			c, ok := d.IntRange(n, p, 100, 599)
			return answer{code: c}, ok
		}
	case tableExec:
		if ynode.IsScalar(n, "!!int") {
			c, ok := d.IntRange(n, p, 0, 255)
			return answer{code: c}, ok
		}
	}
	d.Errorf(n, p, "expected %s, got %s", scalarExpected[t], ynode.Describe(n))
	return answer{}, false
}

// grpcStatus decodes SERVING or NOT_SERVING.
func (d *decoder) grpcStatus(n *yaml.Node, p ynode.Path) (int, bool) {
	s, ok := d.String(n, p)
	switch {
	case !ok:
		return 0, false
	case s == "SERVING":
		return GRPCServing, true
	case s == "NOT_SERVING":
		return GRPCNotServing, true
	}
	d.Errorf(n, p, "%s", ynode.Unexpected(s, []string{"SERVING", "NOT_SERVING"}))
	return 0, false
}

// httpPorts decodes `http: {PORT: {PATH: answer}}`.
func (d *decoder) httpPorts(n *yaml.Node, p ynode.Path) map[int]*httpTable {
	entries, _ := d.Mapping(n, p)
	out := map[int]*httpTable{}
	for _, e := range entries {
		port, ok := d.port(e)
		if t := d.httpTable(e.Value, e.Path); ok && t != nil {
			out[port] = t
		}
	}
	return out
}

// httpTable decodes {PATH: answer}: keys "/path", "METHOD /path", "/prefix*",
// "*", "METHOD *".
func (d *decoder) httpTable(n *yaml.Node, p ynode.Path) *httpTable {
	entries, ok := d.Mapping(n, p)
	if !ok {
		return nil
	}
	t := &httpTable{exact: map[string]*pathEntry{}}
	prefixes := map[string]*pathEntry{}
	for _, e := range entries {
		method, path, ok := splitPathKey(e.Key)
		if !ok {
			d.Errorf(e.KeyNode, e.Path, `expected a path key: "/path", "GET /path", "/prefix*" or "*", got %q`, e.Key)
			continue
		}
		h := d.handler(e.Value, e.Path, tableHTTP)
		if h == nil {
			continue
		}
		var pe *pathEntry
		if prefix, isPrefix := strings.CutSuffix(path, "*"); isPrefix {
			if pe = prefixes[prefix]; pe == nil {
				pe = &pathEntry{}
				prefixes[prefix] = pe
				t.prefixes = append(t.prefixes, prefixEntry{prefix, pe})
			}
		} else if pe = t.exact[path]; pe == nil {
			pe = &pathEntry{}
			t.exact[path] = pe
		}
		if method == "" {
			pe.any, pe.hasAny = h, true
			continue
		}
		if pe.byMethod == nil {
			pe.byMethod = map[string]handler{}
		}
		if _, dup := pe.byMethod[method]; dup {
			d.Errorf(e.KeyNode, e.Path, "%s %s is given twice", method, path)
		}
		pe.byMethod[method] = h
	}
	// Longest prefix first; "*" (the prefix "") last.
	sortPrefixes(t.prefixes)
	return t
}

// sortPrefixes orders prefix keys longest first, keeping document order
// among equal lengths.
func sortPrefixes(ps []prefixEntry) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && len(ps[j].prefix) > len(ps[j-1].prefix); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// splitPathKey splits "GET /path" into its method and path.
func splitPathKey(k string) (method, path string, ok bool) {
	path = k
	if m, rest, found := strings.Cut(k, " "); found {
		for _, c := range m {
			if c < 'A' || c > 'Z' {
				return "", "", false
			}
		}
		method, path = m, rest
		if m == "" {
			return "", "", false
		}
	}
	if path != "*" && !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t") {
		return "", "", false
	}
	return method, path, true
}

// tcpPorts decodes `tcp: {PORT: answer}`.
func (d *decoder) tcpPorts(n *yaml.Node, p ynode.Path) map[int]handler {
	entries, _ := d.Mapping(n, p)
	out := map[int]handler{}
	for _, e := range entries {
		port, ok := d.port(e)
		if h := d.handler(e.Value, e.Path, tableTCP); ok && h != nil {
			out[port] = h
		}
	}
	return out
}

// grpcPorts decodes `grpc: {PORT: {SERVICE: answer}}`.
func (d *decoder) grpcPorts(n *yaml.Node, p ynode.Path) map[int]map[string]handler {
	entries, _ := d.Mapping(n, p)
	out := map[int]map[string]handler{}
	for _, e := range entries {
		port, ok := d.port(e)
		services, ok2 := d.Mapping(e.Value, e.Path)
		if !ok || !ok2 {
			continue
		}
		m := map[string]handler{}
		for _, s := range services {
			if h := d.handler(s.Value, s.Path, tableGRPC); h != nil {
				m[s.Key] = h
			}
		}
		out[port] = m
	}
	return out
}

// execTable decodes `exec: {"COMMAND LINE": answer, "*": answer}`.
func (d *decoder) execTable(n *yaml.Node, p ynode.Path) *execTable {
	entries, ok := d.Mapping(n, p)
	if !ok {
		return nil
	}
	t := &execTable{}
	for _, e := range entries {
		line := strings.Join(strings.Fields(e.Key), " ")
		if line == "" {
			d.Errorf(e.KeyNode, e.Path, `expected a command line ("cat /tmp/healthy") or "*", got an empty key`)
			continue
		}
		h := d.handler(e.Value, e.Path, tableExec)
		if h == nil {
			continue
		}
		if line == "*" {
			t.star, t.hasStar = h, true
			continue
		}
		t.commands = append(t.commands, execEntry{e.Key, h})
	}
	return t
}
