package scenarios

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	qty "github.com/probesim/probesim/internal/quantity"
	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// DefaultSeed is the seed of a run when neither the command line nor the
// file gives one.
const DefaultSeed uint64 = 1

// DefaultDuration is the simulated time a run covers when neither the
// command line nor the file gives one.
const DefaultDuration = 10 * time.Minute

// Options are the command line's overrides of a scenario's settings.
type Options struct {
	// Seed, if not nil, wins over the file's seed.
	Seed *uint64
	// Until, if not nil, wins over the file's duration.
	Until *time.Duration
	// Release, if not empty, wins over cluster.release.
	Release string
}

// SeedFor returns the run's seed: the option, else the file's, else
// DefaultSeed.
func (s *Scenario) SeedFor(o Options) uint64 {
	switch {
	case o.Seed != nil:
		return *o.Seed
	case s.Seed != nil:
		return *s.Seed
	}
	return DefaultSeed
}

// DurationFor returns the simulated time to run: the option, else the
// file's duration, else DefaultDuration.
func (s *Scenario) DurationFor(o Options) time.Duration {
	switch {
	case o.Until != nil:
		return *o.Until
	case s.Duration != nil:
		return *s.Duration
	}
	return DefaultDuration
}

// Bounded reports traffic that has no end when neither the file nor the
// command line says how long to run: such a run would stop only at the
// default duration, which the writer most likely did not mean.
func (s *Scenario) Bounded(o Options) error {
	if o.Until != nil || s.Duration != nil {
		return nil
	}
	var errs ynode.ErrorList
	for _, t := range s.Traffic {
		if t.Until == 0 {
			errs = append(errs, t.Pos.errorf(s.File, "traffic to %s has no until and the scenario no duration, so it would run until the default %s by accident: give duration: in the file, until: on the traffic, or --until", t.Target, DefaultDuration))
		}
	}
	return errs.Err()
}

// Config builds the run's configuration. Everything the file says that this
// build of the model cannot do yet is reported, all at once, as errors
// wrapping ErrUnsupported: nothing is silently ignored.
func (s *Scenario) Config(o Options) (cluster.Config, error) {
	var errs []error
	bad := func(p Pos, format string, args ...any) {
		errs = append(errs, &unsupported{p.errorf(s.File, format, args...)})
	}
	cfg := cluster.Config{Scenario: s.Name, Seed: s.SeedFor(o)}
	if cfg.Scenario == "" {
		cfg.Scenario = s.File
	}

	var positioned ynode.ErrorList
	release, relPos := s.Cluster.Release, s.Cluster.ReleasePos
	if o.Release != "" {
		release, relPos = o.Release, Pos{Path: "--release"}
	}
	if release == "" {
		release = version.Default
	}
	p, err := version.Lookup(release)
	if err != nil {
		msg := fmt.Sprintf("unknown release %q: expected one of %s", release, ynode.OneOf(version.Names()))
		if sug, ok := ynode.Suggest(release, version.Names()); ok {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		positioned = append(positioned, relPos.errorf(s.File, "%s", msg))
	} else {
		gates := make([]string, 0, len(s.Cluster.FeatureGates))
		for g := range s.Cluster.FeatureGates {
			gates = append(gates, g)
		}
		sort.Strings(gates)
		for _, g := range gates {
			if err := p.SetGates(map[string]bool{g: s.Cluster.FeatureGates[g]}); err != nil {
				msg := err.Error()
				if sug, ok := ynode.Suggest(g, version.GateNames()); ok && sug != g {
					msg += fmt.Sprintf(" (did you mean %q?)", sug)
				}
				positioned = append(positioned, s.Cluster.GatePos[g].errorf(s.File, "%s", msg))
			}
		}
	}
	cfg.Profile = p
	if s.Cluster.MaxContainerRestartPeriod != nil {
		// The setting exists from 1.32 (KubeletCrashLoopBackOffMax) and
		// takes effect when that gate is on (by default from 1.35).
		cfg.MaxContainerRestartPeriod = *s.Cluster.MaxContainerRestartPeriod
	}
	// v1beta1 defaulting: serializeImagePulls is true unless
	// maxParallelImagePulls allows more than one pull.
	if sp := s.Cluster.SerializeImagePulls; sp != nil && !*sp || sp == nil && s.Cluster.MaxParallelImagePulls > 1 {
		cfg.ParallelImagePulls = true
		cfg.MaxParallelImagePulls = s.Cluster.MaxParallelImagePulls
	}

	seen := map[string]bool{}
	for _, g := range s.Cluster.Nodes {
		names := []string{g.Name}
		if g.Count > 1 {
			names = names[:0]
			for i := 1; i <= g.Count; i++ {
				names = append(names, g.Name+"-"+strconv.Itoa(i))
			}
		}
		for _, n := range names {
			if seen[n] {
				positioned = append(positioned, g.Pos.errorf(s.File, "two nodes are named %q (a group with count N is named NAME-1..NAME-N)", n))
				continue
			}
			seen[n] = true
			node := cluster.Node{Name: n, Pods: int64(g.Pods), PullSlowdown: g.PullSlowdown}
			// The loader checked the quantities.
			if g.CPU != "" {
				node.CPU, _ = qty.Parse(g.CPU)
			}
			if g.Memory != "" {
				node.Memory, _ = qty.Parse(g.Memory)
			}
			cfg.Nodes = append(cfg.Nodes, node)
		}
	}

	cat, err := s.catalog()
	if err != nil {
		positioned = append(positioned, ynode.AsList(err)...)
	}
	cfg.Apps = cat

	for _, m := range s.Manifests {
		if m.Object == nil {
			bad(posOf(m.Node, m.Path), "%s: kind %s is %v", m.Ref(), m.Kind, ErrUnsupported)
			continue
		}
		cfg.Objects = append(cfg.Objects, m.Object)
		if p != nil {
			errs = append(errs, s.unsimulated(m, p.Minor)...)
		}
	}
	for _, a := range s.Actions {
		if a.Apply != nil && a.Apply.Object != nil && p != nil {
			errs = append(errs, s.unsimulated(a.Apply, p.Minor)...)
		}
	}

	for i, a := range s.Actions {
		if err := checkNodeAction(s.File, a, cfg.Nodes); err != nil {
			errs = append(errs, err)
			continue
		}
		ca, err := s.clusterAction(i, a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cfg.Actions = append(cfg.Actions, ca)
	}
	for _, t := range s.Traffic {
		cfg.Traffic = append(cfg.Traffic, t.network())
	}
	if len(positioned) > 0 {
		// Problems of the input come first, then what this build cannot
		// run yet; every one is reported.
		errs = append([]error{positioned}, errs...)
	}
	if len(errs) > 0 {
		return cluster.Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

// checkNodeAction reports a node action that names a node the cluster
// does not have, before the run rather than when the action comes.
func checkNodeAction(file string, a Action, nodes []cluster.Node) error {
	var na *NodeAction
	for _, x := range []*NodeAction{a.RestartKubelet, a.FailNode, a.RecoverNode} {
		if x != nil {
			na = x
		}
	}
	if na == nil {
		return nil
	}
	names := []string{"node"} // the default cluster
	if len(nodes) > 0 {
		names = names[:0]
		for _, n := range nodes {
			names = append(names, n.Name)
		}
	}
	for _, n := range names {
		if n == na.Node {
			return nil
		}
	}
	shown := names
	if len(shown) > 5 {
		shown = append(shown[:5:5], "...")
	}
	return a.Pos.errorf(file, "no node named %q; the nodes are %s", na.Node, strings.Join(shown, ", "))
}

// unsimulated reports, as errors wrapping ErrUnsupported, each field of m
// that the API accepts but the model does not simulate on release 1.minor
// (api.Unsimulated), at the field's line and column.
func (s *Scenario) unsimulated(m *Manifest, minor int) []error {
	var errs []error
	for _, e := range api.Locate(m.Node, api.Unsimulated(m.Object, minor)) {
		e.File = s.File
		e.Path = ynode.Path(m.Ref() + " " + string(e.Path))
		errs = append(errs, &unsupported{e})
	}
	return errs
}

// unsupported is a positioned error that wraps ErrUnsupported.
type unsupported struct{ e *ynode.Error }

// Error returns the positioned message.
func (u *unsupported) Error() string { return u.e.Error() }

// Unwrap gives the position (for ynode.AsList) and ErrUnsupported.
func (u *unsupported) Unwrap() []error {
	return []error{u.e, ErrUnsupported}
}

// clusterAction turns a decoded action into what the cluster runs.
func (s *Scenario) clusterAction(i int, a Action) (cluster.Action, error) {
	ca := cluster.Action{At: sim.Time(a.At), Name: fmt.Sprintf("actions[%d] (%s)", i, a.Type)}
	notYet := func() (cluster.Action, error) {
		return ca, &unsupported{a.Pos.errorf(s.File, "action %s is %v", a.Type, ErrUnsupported)}
	}
	switch {
	case a.Apply != nil:
		obj, raw := a.Apply.Object, a.Apply.Raw
		switch obj.(type) {
		case *corev1.Pod, *appsv1.Deployment, *appsv1.ReplicaSet, *corev1.Service, *api.DeploymentConfig, *corev1.ReplicationController:
		default:
			return ca, &unsupported{a.Pos.errorf(s.File, "action apply of a %s is %v", a.Apply.Kind, ErrUnsupported)}
		}
		ca.Do = func(c *cluster.Cluster) error { return c.ApplyPatch(obj, raw) }
	case a.Delete != nil && a.Delete.Pods != nil:
		t, grace := *a.Delete.Pods, a.Delete.GracePeriod
		ca.Do = func(c *cluster.Cluster) error {
			for _, p := range pickPods(c, t) {
				c.DeletePod(p.Namespace, p.Name, grace)
			}
			return nil
		}
	case a.Delete != nil && a.Delete.Target != nil && a.Delete.Target.Kind == "Pod":
		name, grace := a.Delete.Target.Name, a.Delete.GracePeriod
		ca.Do = func(c *cluster.Cluster) error {
			if !c.DeletePod("default", name, grace) {
				return fmt.Errorf("pods %q not found", name)
			}
			return nil
		}
	case a.Signal != nil:
		t, container := a.Signal.Pods, a.Signal.Container
		sig, err := app.ParseSignal(a.Signal.Signal)
		if err != nil {
			return ca, a.Pos.errorf(s.File, "%v", err)
		}
		ca.Do = func(c *cluster.Cluster) error {
			pods := pickPods(c, t)
			if len(pods) == 0 {
				return fmt.Errorf("no pod matches %s", t.Selector.Text)
			}
			for _, p := range pods {
				if err := c.Signal(p.Namespace, p.Name, container, sig); err != nil {
					return err
				}
			}
			return nil
		}
	case a.FailNode != nil:
		node := a.FailNode.Node
		ca.Do = func(c *cluster.Cluster) error { return c.FailNode(node) }
	case a.RecoverNode != nil:
		node := a.RecoverNode.Node
		ca.Do = func(c *cluster.Cluster) error { return c.RecoverNode(node) }
	case a.RestartKubelet != nil:
		node, down := a.RestartKubelet.Node, sim.Duration(a.RestartKubelet.Downtime)
		ca.Do = func(c *cluster.Cluster) error { return c.RestartKubelet(node, down) }
	case a.Scale != nil:
		t, n := a.Scale.Target, a.Scale.Replicas
		if !scalable(t.Kind) {
			return ca, a.Pos.errorf(s.File, "scale: cannot scale a %s: expected a Deployment, ReplicaSet, DeploymentConfig or ReplicationController", t.Kind)
		}
		ca.Do = func(c *cluster.Cluster) error { return c.Scale(t.Kind, "", t.Name, n) }
	case a.Pause != nil || a.Resume != nil:
		t, paused := a.Pause, true
		if t == nil {
			t, paused = a.Resume, false
		}
		if t.Kind != "Deployment" && t.Kind != "DeploymentConfig" {
			return ca, a.Pos.errorf(s.File, "%s: cannot pause or resume a %s: expected a Deployment or DeploymentConfig", a.Type, t.Kind)
		}
		ref := *t
		ca.Do = func(c *cluster.Cluster) error { return c.SetPaused(ref.Kind, "", ref.Name, paused) }
	case a.RolloutUndo != nil:
		t, rev := a.RolloutUndo.Target, a.RolloutUndo.ToRevision
		if t.Kind != "Deployment" {
			return ca, &unsupported{a.Pos.errorf(s.File, "rolloutUndo of a %s is %v (only Deployments)", t.Kind, ErrUnsupported)}
		}
		ca.Do = func(c *cluster.Cluster) error { return c.RolloutUndo(t.Kind, "", t.Name, rev) }
	case a.SetApp != nil:
		// Applied to the catalog before the run (see catalog).
		ca.Do = func(*cluster.Cluster) error { return nil }
	default:
		return notYet()
	}
	return ca, nil
}

// pickPods returns the pods an action targets, among those that exist and
// are not being deleted: all of them, the oldest, the newest, or one drawn
// from the "scenario/pick" stream.
func pickPods(c *cluster.Cluster, t PodTarget) []*corev1.Pod {
	var pods []*corev1.Pod
	for _, p := range c.Store().Pods.List() {
		if p.DeletionTimestamp == nil && t.Selector.Matches(p.Name, p.Labels) {
			pods = append(pods, p)
		}
	}
	if len(pods) == 0 {
		return nil
	}
	// Creation timestamps have one-second resolution; UIDs are sequential
	// and of fixed width, so they break ties in creation order.
	sort.SliceStable(pods, func(i, j int) bool {
		a, b := pods[i], pods[j]
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.CreationTimestamp.Before(&b.CreationTimestamp)
		}
		return a.UID < b.UID
	})
	switch t.Pick {
	case "oldest":
		return pods[:1]
	case "newest":
		return pods[len(pods)-1:]
	case "random":
		return []*corev1.Pod{pods[c.Engine().Rand("scenario/pick").IntN(len(pods))]}
	}
	return pods
}

func scalable(kind string) bool {
	switch kind {
	case "Deployment", "ReplicaSet", "DeploymentConfig", "ReplicationController":
		return true
	}
	return false
}
