package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/network"
	"github.com/probesim/probesim/sim"
)

// When says over which time an expectation is judged.
type When uint8

// The forms of an expectation's time.
const (
	At     When = iota + 1 // at one moment
	By                     // at some moment up to a time
	Never                  // at no moment (of the run or the window)
	Always                 // at every moment (of the run or the window)
)

// String returns the form's key: "at", "by", "never" or "always".
func (w When) String() string {
	return [...]string{"", "at", "by", "never", "always"}[w]
}

// Expectation is one entry of expect: when, a subject, and conditions on
// it.
type Expectation struct {
	Pos Pos
	// When and Time: At and By use Time; Never and Always use Window, if
	// HasWindow, else the whole run.
	When      When
	Time      time.Duration
	Window    [2]time.Duration
	HasWindow bool

	// Subject is one of pods, event, deployment, deploymentConfig, service,
	// traffic.
	Subject string
	// Pods is the selector for the pods subject.
	Pods PodSelector
	// Event is the event subject.
	Event *EventMatch
	// Name is the deployment, deploymentConfig or service name, or the
	// traffic target ("Service/web").
	Name string

	// Conditions on pods.
	Status, Ready, Phase *string
	Restarts, Count      *Compare
	// Conditions on rollouts.
	Condition *ConditionMatch
	Available *Compare
	Updated   *Compare
	// Conditions on services and traffic.
	ReadyEndpoints *Compare
	ErrorRate      *Compare
	P99            *Compare
	// BudgetSpent compares the share of the traffic target's error budget
	// spent in the window (1 is all of it); SLO is the target's objective,
	// from its traffic entry.
	BudgetSpent *Compare
	SLO         *network.SLO
}

// EventMatch selects events.
type EventMatch struct {
	Reason  string
	Message *regexp.Regexp
	// Object selects the involved object: a pod selector, or KIND/NAME.
	Object    *PodSelector
	ObjectRef *ObjectRef
}

// ConditionMatch is a rollout condition: its type, status and reason.
type ConditionMatch struct {
	Type, Status, Reason string
}

// Compare is a numeric condition: "4", ">= 4", "< 0.01", "< 200ms".
type Compare struct {
	Op    string // ==, !=, <, <=, >, >=
	Value float64
	// Text is the condition as written.
	Text string
	// Duration is set when the value was a duration (Value is in seconds).
	Duration bool
}

// Holds reports whether v satisfies the comparison.
func (c *Compare) Holds(v float64) bool {
	switch c.Op {
	case "!=":
		return v != c.Value
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case ">":
		return v > c.Value
	case ">=":
		return v >= c.Value
	}
	return v == c.Value
}

var subjects = []string{"pods", "event", "deployment", "deploymentConfig", "service", "traffic"}

// conditionsOf lists the conditions each subject takes.
var conditionsOf = map[string][]string{
	"pods":             {"status", "ready", "phase", "restarts", "count"},
	"event":            {"count"},
	"deployment":       {"condition", "available", "updated"},
	"deploymentConfig": {"condition", "available", "updated"},
	"service":          {"readyEndpoints"},
	"traffic":          {"errorRate", "p99", "budgetSpent"},
}

var allConditions = []string{"status", "ready", "phase", "restarts", "count", "condition", "available", "updated", "readyEndpoints", "errorRate", "p99", "budgetSpent"}

func decodeExpectation(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (Expectation, bool) {
	x := Expectation{Pos: posOf(n, p)}
	before := len(d.Errors())
	known := append(append([]string{"at", "by", "never", "always", "window"}, subjects...), allConditions...)
	entries, ok := d.Fields(n, p, known...)
	if !ok {
		return x, false
	}
	var whens, subs []string
	var window *ynode.Entry
	var conds []ynode.Entry
	for i, e := range entries {
		switch e.Key {
		case "at", "by":
			whens = append(whens, e.Key)
			x.Time, _ = d.Duration(e.Value, e.Path)
			x.When = map[string]When{"at": At, "by": By}[e.Key]
		case "never", "always":
			whens = append(whens, e.Key)
			if v, ok := d.Bool(e.Value, e.Path); ok && !v {
				d.Errorf(e.Value, e.Path, "expected true (%s: false says nothing; leave it out)", e.Key)
			}
			x.When = map[string]When{"never": Never, "always": Always}[e.Key]
		case "window":
			window = &entries[i]
		case "pods":
			subs = append(subs, e.Key)
			x.Pods, _ = podSelector(d, e.Value, e.Path)
		case "event":
			subs = append(subs, e.Key)
			x.Event = decodeEventMatch(d, e)
		case "deployment", "deploymentConfig", "service":
			subs = append(subs, e.Key)
			x.Name, _ = d.String(e.Value, e.Path)
		case "traffic":
			subs = append(subs, e.Key)
			if r := objectRef(d, e.Value, e.Path); r != nil {
				x.Name = r.String()
			}
		default:
			conds = append(conds, e)
		}
	}
	switch {
	case len(whens) == 0:
		d.Errorf(n, p, "missing the time: expected one of at: d, by: d, never: true, always: true")
	case len(whens) > 1:
		d.Errorf(n, p, "expected exactly one of at, by, never and always, got %s", strings.Join(whens, " and "))
	}
	if window != nil {
		if x.When != Never && x.When != Always {
			d.Errorf(window.KeyNode, window.Path, "window applies to never and always only")
		} else if items, ok := d.Sequence(window.Value, window.Path); ok {
			if len(items) != 2 {
				d.Errorf(window.Value, window.Path, "expected [FROM, UNTIL], like [1m, 5m], got %d items", len(items))
			} else {
				a, ok1 := d.Duration(items[0], window.Path.Index(0))
				b, ok2 := d.Duration(items[1], window.Path.Index(1))
				if ok1 && ok2 && b <= a {
					d.Errorf(items[1], window.Path.Index(1), "expected a time after %s, got %s", a, b)
				}
				x.Window, x.HasWindow = [2]time.Duration{a, b}, true
			}
		}
	}
	switch {
	case len(subs) == 0:
		d.Errorf(n, p, "missing the subject: expected one of %s", strings.Join(subjects, ", "))
	case len(subs) > 1:
		d.Errorf(n, p, "expected exactly one subject, got %s", strings.Join(subs, " and "))
	default:
		x.Subject = subs[0]
	}
	for _, e := range conds {
		if x.Subject != "" && !contains(conditionsOf[x.Subject], e.Key) {
			d.Errorf(e.KeyNode, e.Path, "%s is not a condition on %s: expected %s", e.Key, x.Subject, strings.Join(conditionsOf[x.Subject], ", "))
			continue
		}
		decodeCondition(d, &x, e)
	}
	if x.Subject != "" && x.Subject != "event" && len(conds) == 0 {
		d.Errorf(n, p, "missing a condition on %s: expected %s", x.Subject, strings.Join(conditionsOf[x.Subject], ", "))
	}
	return x, len(d.Errors()) == before
}

func decodeEventMatch(d *ynode.Decoder, e ynode.Entry) *EventMatch {
	m := &EventMatch{}
	for _, f := range fields(d, e, "reason", "message", "object") {
		switch f.Key {
		case "reason":
			m.Reason, _ = d.String(f.Value, f.Path)
		case "message":
			if v, ok := d.String(f.Value, f.Path); ok {
				re, err := regexp.Compile(v)
				if err != nil {
					d.Errorf(f.Value, f.Path, "expected a regular expression: %v", err)
				}
				m.Message = re
			}
		case "object":
			v, ok := d.String(f.Value, f.Path)
			if !ok {
				break
			}
			if k, _, ok := strings.Cut(v, "/"); ok && kinds[strings.ToLower(k)] != "" && kinds[strings.ToLower(k)] != "Pod" {
				if r, err := parseRef(v); err == nil {
					m.ObjectRef = &r
					break
				}
			}
			if sel, err := parsePodSelector(v); err != nil {
				d.Errorf(f.Value, f.Path, "expected KIND/NAME or a pod selector: %v", err)
			} else {
				m.Object = &sel
			}
		}
	}
	if child(e.Value, "reason") == nil && child(e.Value, "message") == nil && child(e.Value, "object") == nil && ynode.Resolve(e.Value) != nil && ynode.Resolve(e.Value).Kind == yaml.MappingNode {
		d.Errorf(e.Value, e.Path, "expected at least one of reason, message, object")
	}
	return m
}

func decodeCondition(d *ynode.Decoder, x *Expectation, e ynode.Entry) {
	str := func() *string {
		if v, ok := d.String(e.Value, e.Path); ok {
			return &v
		}
		return nil
	}
	switch e.Key {
	case "status":
		x.Status = str()
	case "phase":
		x.Phase = str()
		if x.Phase != nil && !contains([]string{"Pending", "Running", "Succeeded", "Failed", "Unknown"}, *x.Phase) {
			d.Errorf(e.Value, e.Path, "%s", ynode.Unexpected(*x.Phase, []string{"Pending", "Running", "Succeeded", "Failed", "Unknown"}))
		}
	case "ready":
		x.Ready = str()
		if x.Ready != nil {
			if a, b, ok := strings.Cut(*x.Ready, "/"); !ok || !isDigits(a) || !isDigits(b) {
				d.Errorf(e.Value, e.Path, "expected READY as kubectl shows it, like \"1/1\", got %q", *x.Ready)
			}
		}
	case "restarts":
		x.Restarts = compare(d, e, false)
	case "count":
		x.Count = compare(d, e, false)
	case "available":
		x.Available = compare(d, e, false)
	case "updated":
		x.Updated = compare(d, e, false)
	case "readyEndpoints":
		x.ReadyEndpoints = compare(d, e, false)
	case "errorRate":
		x.ErrorRate = compare(d, e, false)
	case "p99":
		x.P99 = compare(d, e, true)
	case "budgetSpent":
		x.BudgetSpent = compare(d, e, false)
	case "condition":
		x.Condition = decodeConditionMatch(d, e)
	}
}

func decodeConditionMatch(d *ynode.Decoder, e ynode.Entry) *ConditionMatch {
	entries, ok := d.Mapping(e.Value, e.Path)
	if !ok {
		return nil
	}
	c := &ConditionMatch{}
	for _, f := range entries {
		if f.Key == "reason" {
			c.Reason, _ = d.String(f.Value, f.Path)
			continue
		}
		if c.Type != "" {
			d.Errorf(f.KeyNode, f.Path, "expected one condition type, got %s and %s", c.Type, f.Key)
			continue
		}
		c.Type = f.Key
		// True and False are what the API writes; unquoted they are YAML
		// booleans, which mean the same.
		v := f.Value
		switch {
		case ynode.IsScalar(v, "!!bool"):
			b, _ := d.Bool(v, f.Path)
			c.Status = map[bool]string{true: "True", false: "False"}[b]
		case ynode.IsScalar(v, "!!str") && (v.Value == "True" || v.Value == "False" || v.Value == "Unknown"):
			c.Status = v.Value
		default:
			d.Errorf(v, f.Path, "expected \"True\", \"False\" or \"Unknown\", got %s", ynode.Describe(v))
		}
	}
	if c.Type == "" {
		d.Errorf(e.Value, e.Path, "expected a condition, like {Progressing: \"False\", reason: ProgressDeadlineExceeded}")
		return nil
	}
	return c
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var compareRE = regexp.MustCompile(`^\s*(==|=|!=|<=|>=|<|>)?\s*(\S+)\s*$`)

// compare decodes a number or a comparison; with dur, the value is a
// duration.
func compare(d *ynode.Decoder, e ynode.Entry, dur bool) *Compare {
	n := e.Value
	want := "a number or a comparison like \">= 4\""
	if dur {
		want = "a comparison like \"< 200ms\""
	}
	if !(ynode.IsScalar(n, "!!str") || ynode.IsScalar(n, "!!int") || ynode.IsScalar(n, "!!float")) {
		d.Errorf(n, e.Path, "expected %s, got %s", want, ynode.Describe(n))
		return nil
	}
	m := compareRE.FindStringSubmatch(n.Value)
	if m == nil {
		d.Errorf(n, e.Path, "expected %s, got %q", want, n.Value)
		return nil
	}
	c := &Compare{Op: m[1], Text: strings.TrimSpace(n.Value), Duration: dur}
	if c.Op == "" || c.Op == "=" {
		c.Op = "=="
	}
	if dur {
		v, err := ynode.ParseDuration(m[2])
		if err != nil {
			d.Errorf(n, e.Path, "expected %s, got %q: %v", want, n.Value, err)
			return nil
		}
		c.Value = v.Seconds()
		return c
	}
	s := m[2]
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || v != v {
		d.Errorf(n, e.Path, "expected %s, got %q", want, n.Value)
		return nil
	}
	if pct {
		v /= 100
	}
	c.Value = v
	return c
}

// String describes an expectation in one line, as results show it:
// "at 4m: pods app=web status CrashLoopBackOff, restarts >= 4".
func (x *Expectation) String() string {
	var b strings.Builder
	switch x.When {
	case At, By:
		fmt.Fprintf(&b, "%s %s: ", x.When, sim.FormatShort(x.Time))
	default:
		b.WriteString(x.When.String())
		if x.HasWindow {
			fmt.Fprintf(&b, " in [%s, %s]", sim.FormatShort(x.Window[0]), sim.FormatShort(x.Window[1]))
		}
		b.WriteString(": ")
	}
	switch x.Subject {
	case "pods":
		b.WriteString("pods " + x.Pods.Text)
	case "event":
		b.WriteString("event")
		if x.Event != nil {
			if x.Event.Reason != "" {
				b.WriteString(" " + x.Event.Reason)
			}
			if x.Event.Message != nil {
				fmt.Fprintf(&b, " /%s/", x.Event.Message)
			}
			if x.Event.Object != nil {
				b.WriteString(" on " + x.Event.Object.Text)
			}
			if x.Event.ObjectRef != nil {
				b.WriteString(" on " + x.Event.ObjectRef.String())
			}
		}
	case "traffic":
		b.WriteString("traffic to " + x.Name)
	default:
		b.WriteString(x.Subject + " " + x.Name)
	}
	var cs []string
	add := func(name string, s *string) {
		if s != nil {
			cs = append(cs, name+" "+*s)
		}
	}
	addC := func(name string, c *Compare) {
		if c != nil {
			cs = append(cs, name+" "+c.Op+" "+strings.TrimLeft(c.Text, "=<>! "))
		}
	}
	add("status", x.Status)
	add("ready", x.Ready)
	add("phase", x.Phase)
	addC("restarts", x.Restarts)
	if x.Condition != nil {
		s := x.Condition.Type + "=" + x.Condition.Status
		if x.Condition.Reason != "" {
			s += " (" + x.Condition.Reason + ")"
		}
		cs = append(cs, "condition "+s)
	}
	addC("available", x.Available)
	addC("updated", x.Updated)
	addC("readyEndpoints", x.ReadyEndpoints)
	addC("errorRate", x.ErrorRate)
	addC("p99", x.P99)
	addC("count", x.Count)
	if len(cs) > 0 {
		b.WriteString(" " + strings.Join(cs, ", "))
	}
	return b.String()
}
