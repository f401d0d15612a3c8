package scenarios

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/app"
)

// Action is one timed action of a scenario. Exactly one of the pointer
// fields is set; Type names it.
type Action struct {
	// At is when the action happens, in simulated time.
	At time.Duration
	// Type is the action's key: "apply", "delete", "scale", ...
	Type string
	// Pos is where the action is in the file.
	Pos Pos

	Apply          *Manifest
	Delete         *DeleteAction
	Scale          *ScaleAction
	RolloutUndo    *RolloutUndoAction
	Pause          *ObjectRef
	Resume         *ObjectRef
	Signal         *SignalAction
	SetApp         *SetAppAction
	RestartKubelet *NodeAction
	FailNode       *NodeAction
	RecoverNode    *NodeAction
}

// PodTarget chooses pods for an action.
type PodTarget struct {
	Selector PodSelector
	// Pick is all, oldest, newest or random.
	Pick string
}

// DeleteAction deletes pods, or one object.
type DeleteAction struct {
	// Pods is set when deleting pods by selector; Target otherwise.
	Pods   *PodTarget
	Target *ObjectRef
	// GracePeriod in seconds, as kubectl delete --grace-period; nil for
	// the pod's own terminationGracePeriodSeconds.
	GracePeriod *int64
}

// ScaleAction sets a workload's replicas.
type ScaleAction struct {
	Target   ObjectRef
	Replicas int32
}

// RolloutUndoAction rolls a workload back, as kubectl rollout undo.
type RolloutUndoAction struct {
	Target ObjectRef
	// ToRevision is 0 for the previous revision.
	ToRevision int64
}

// SignalAction sends a signal to a container's process in chosen pods.
type SignalAction struct {
	Pods PodTarget
	// Container is the container's name; empty for the first container.
	Container string
	// Signal is the name without SIG: "TERM", "KILL", "STOP".
	Signal string
}

// SetAppAction changes the behaviour of an image from that time on.
type SetAppAction struct {
	// Image is the image pattern the change applies to.
	Image string
	// Change is the decoded change, for the catalog.
	Change *app.Change
}

// NodeAction names a node.
type NodeAction struct {
	Node string
	// Downtime is how long a restarted kubelet is gone (restartKubelet).
	Downtime time.Duration
}

// defaultKubeletDowntime is how long `systemctl restart kubelet` leaves a
// node without a kubelet before the new one lists its pods: a model
// choice (docs/scenarios.md).
const defaultKubeletDowntime = 3 * time.Second

var actionTypes = []string{"apply", "delete", "scale", "rolloutUndo", "pause", "resume", "signal", "setApp", "restartKubelet", "failNode", "recoverNode"}

var signals = []string{"TERM", "KILL", "INT", "HUP", "QUIT", "USR1", "USR2", "STOP", "CONT", "TSTP"}

func decodeAction(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (Action, bool) {
	a := Action{Pos: posOf(n, p)}
	before := len(d.Errors())
	entries, ok := d.Fields(n, p, append([]string{"at"}, actionTypes...)...)
	if !ok {
		return a, false
	}
	haveAt := false
	for _, e := range entries {
		if e.Key == "at" {
			haveAt = true // a bad value is reported by Duration
			a.At, _ = d.Duration(e.Value, e.Path)
			continue
		}
		if a.Type != "" {
			d.Errorf(e.KeyNode, e.Path, "an action does one thing: %s and %s are both given; split them into two actions", a.Type, e.Key)
			continue
		}
		a.Type = e.Key
		a.Pos = posOf(e.KeyNode, e.Path)
		decodeActionBody(d, &a, e)
	}
	if !haveAt {
		d.Errorf(n, p, "missing at: every action needs the simulated time it happens at, like at: 60s")
	}
	if a.Type == "" {
		d.Errorf(n, p, "missing the action: expected one of %s", strings.Join(actionTypes, ", "))
	}
	return a, len(d.Errors()) == before
}

func decodeActionBody(d *ynode.Decoder, a *Action, e ynode.Entry) {
	switch e.Key {
	case "apply":
		if m, ok := readManifest(d, e.Value, e.Path, true); ok {
			a.Apply = m
		}
	case "delete":
		a.Delete = &DeleteAction{}
		if ynode.IsScalar(e.Value, "!!str") {
			a.Delete.Target = objectRef(d, e.Value, e.Path)
			break
		}
		for _, f := range fields(d, e, "pods", "pick", "target", "gracePeriod") {
			switch f.Key {
			case "pods":
				if sel, ok := podSelector(d, f.Value, f.Path); ok {
					a.Delete.Pods = &PodTarget{Selector: sel, Pick: "all"}
				}
			case "target":
				a.Delete.Target = objectRef(d, f.Value, f.Path)
			case "gracePeriod":
				g, ok := d.IntRange(f.Value, f.Path, 0, 1<<31)
				if ok {
					g64 := int64(g)
					a.Delete.GracePeriod = &g64
				}
			}
		}
		if pick := pickOf(d, e); a.Delete.Pods != nil {
			a.Delete.Pods.Pick = pick
		}
		if (a.Delete.Pods == nil) == (a.Delete.Target == nil) && ynode.Resolve(e.Value).Kind == yaml.MappingNode {
			if child(e.Value, "pods") == nil && child(e.Value, "target") == nil {
				d.Errorf(e.Value, e.Path, "expected pods: SELECTOR or target: KIND/NAME")
			} else if child(e.Value, "pods") != nil && child(e.Value, "target") != nil {
				d.Errorf(e.Value, e.Path, "expected one of pods and target, not both")
			}
		}
	case "scale":
		var s ScaleAction
		var haveT, haveR bool
		for _, f := range fields(d, e, "target", "replicas") {
			switch f.Key {
			case "target":
				if r := objectRef(d, f.Value, f.Path); r != nil {
					s.Target, haveT = *r, true
				}
			case "replicas":
				var v int
				v, haveR = d.IntRange(f.Value, f.Path, 0, 1<<31-1)
				s.Replicas = int32(v)
			}
		}
		required(d, e, "target", "replicas")
		if haveT && haveR {
			a.Scale = &s
		}
	case "rolloutUndo":
		var u RolloutUndoAction
		haveT := false
		for _, f := range fields(d, e, "target", "toRevision") {
			switch f.Key {
			case "target":
				if r := objectRef(d, f.Value, f.Path); r != nil {
					u.Target, haveT = *r, true
				}
			case "toRevision":
				v, _ := d.IntRange(f.Value, f.Path, 0, 1<<31-1)
				u.ToRevision = int64(v)
			}
		}
		required(d, e, "target")
		if haveT {
			a.RolloutUndo = &u
		}
	case "pause":
		a.Pause = objectRef(d, e.Value, e.Path)
	case "resume":
		a.Resume = objectRef(d, e.Value, e.Path)
	case "signal":
		s := SignalAction{Pods: PodTarget{Pick: "all"}}
		havePods := false
		for _, f := range fields(d, e, "pods", "pick", "container", "signal") {
			switch f.Key {
			case "pods":
				s.Pods.Selector, havePods = podSelector(d, f.Value, f.Path)
			case "container":
				s.Container, _ = d.String(f.Value, f.Path)
			case "signal":
				if v, ok := d.String(f.Value, f.Path); ok {
					name := strings.TrimPrefix(strings.ToUpper(v), "SIG")
					if !contains(signals, name) {
						d.Errorf(f.Value, f.Path, "unknown signal: %s", ynode.Unexpected(v, signals))
					}
					s.Signal = name
				}
			}
		}
		s.Pods.Pick = pickOf(d, e)
		required(d, e, "pods", "signal")
		if havePods && s.Signal != "" {
			a.Signal = &s
		}
	case "setApp":
		ch, err := app.DecodeChange(e.Value)
		if err != nil {
			// model/app names paths from "setApp"; say which action.
			for _, x := range ynode.AsList(err) {
				c := *x
				if strings.HasPrefix(string(c.Path), "setApp") {
					c.Path = e.Path + c.Path[len("setApp"):]
				}
				d.Add(ynode.ErrorList{&c})
			}
			break
		}
		a.SetApp = &SetAppAction{Image: ch.Image, Change: ch}
	case "restartKubelet", "failNode", "recoverNode":
		na := NodeAction{Downtime: defaultKubeletDowntime}
		known := []string{"node"}
		if e.Key == "restartKubelet" {
			known = append(known, "downtime")
		}
		for _, f := range fields(d, e, known...) {
			switch f.Key {
			case "node":
				na.Node, _ = d.String(f.Value, f.Path)
			case "downtime":
				na.Downtime, _ = d.Duration(f.Value, f.Path)
			}
		}
		required(d, e, "node")
		if na.Node != "" {
			switch e.Key {
			case "restartKubelet":
				a.RestartKubelet = &na
			case "failNode":
				a.FailNode = &na
			default:
				a.RecoverNode = &na
			}
		}
	}
}

// required reports the keys of e's mapping that are missing.
func required(d *ynode.Decoder, e ynode.Entry, keys ...string) {
	if ynode.Resolve(e.Value) == nil || ynode.Resolve(e.Value).Kind != yaml.MappingNode {
		return
	}
	for _, k := range keys {
		if child(e.Value, k) == nil {
			d.Errorf(e.Value, e.Path, "missing %s", k)
		}
	}
}

// pickOf decodes the pick field of e's mapping; "all" when absent.
func pickOf(d *ynode.Decoder, e ynode.Entry) string {
	n := child(e.Value, "pick")
	if n == nil {
		return "all"
	}
	p := e.Path.Key("pick")
	v, ok := d.String(n, p)
	if !ok {
		return "all"
	}
	picks := []string{"all", "oldest", "newest", "random"}
	if contains(picks, v) {
		return v
	}
	d.Errorf(n, p, "%s", ynode.Unexpected(v, picks))
	return "all"
}

func podSelector(d *ynode.Decoder, n *yaml.Node, p ynode.Path) (PodSelector, bool) {
	v, ok := d.String(n, p)
	if !ok {
		return PodSelector{}, false
	}
	sel, err := parsePodSelector(v)
	if err != nil {
		d.Errorf(n, p, "%v", err)
		return PodSelector{}, false
	}
	return sel, true
}

func objectRef(d *ynode.Decoder, n *yaml.Node, p ynode.Path) *ObjectRef {
	v, ok := d.String(n, p)
	if !ok {
		return nil
	}
	r, err := parseRef(v)
	if err != nil {
		d.Errorf(n, p, "%v", err)
		return nil
	}
	return &r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
