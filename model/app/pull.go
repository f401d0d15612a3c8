package app

import (
	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
	"github.com/probesim/probesim/sim"
)

// Pull describes how the registry serves an image: how long a pull takes,
// how big the image is, whether nodes have it before the run, and whether
// pulls fail. It is the `pull` field of a behaviour.
type Pull struct {
	// Transfer is how long a pull takes when the node does not have the
	// image: resolving, downloading and unpacking its layers.
	Transfer Dist
	// Cached is how long a pull takes when the node already has every
	// layer (imagePullPolicy Always): resolving the manifest only. A pull
	// that fails takes this long too.
	Cached Dist
	// Size is the image's size in bytes, as the runtime reports it.
	Size int64
	// Preloaded reports whether every node has the image when the run
	// starts.
	Preloaded bool
	// Error, when not empty, makes every pull fail: NotFound for an image
	// the registry does not have, or the runtime's error text verbatim.
	Error string
}

// PullNotFound is the Pull.Error of an image or tag the registry does not
// have; the kubelet words the runtime's error for it.
const PullNotFound = "notFound"

// Defaults of a Pull: a model choice, not a Kubernetes constant
// (docs/app-behaviour.md): a 100 MiB image from a registry on the same
// continent. Images are on every node before the run, so a description
// without `pull` behaves as a cluster whose images are cached, and only
// imagePullPolicy Always pulls (resolving the manifest).
var defaultPull = Pull{
	Transfer:  Lognormal(5*sim.Duration(1e9), 20*sim.Duration(1e9)),
	Cached:    Lognormal(400*sim.Duration(1e6), 1500*sim.Duration(1e6)),
	Size:      100 << 20,
	Preloaded: true,
}

// Pull returns how the registry serves the image.
func (b *Behavior) Pull() Pull {
	if b.has&fPull == 0 {
		return defaultPull
	}
	return b.pull
}

// pullSpec decodes `pull: {transfer, cached, size, preloaded, error}`, its
// fields defaulting one by one.
func (d *decoder) pullSpec(n *yaml.Node, p ynode.Path) Pull {
	out := defaultPull
	entries, _ := d.Fields(n, p, "transfer", "cached", "size", "preloaded", "error")
	for _, e := range entries {
		switch e.Key {
		case "transfer":
			if v, ok := d.dist(e.Value, e.Path); ok {
				out.Transfer = v
			}
		case "cached":
			if v, ok := d.dist(e.Value, e.Path); ok {
				out.Cached = v
			}
		case "size":
			if q, ok := d.quantity(e.Value, e.Path); ok {
				out.Size = q.Value()
			}
		case "preloaded":
			if v, ok := d.Bool(e.Value, e.Path); ok {
				out.Preloaded = v
			}
		case "error":
			if v, ok := d.String(e.Value, e.Path); ok {
				if v == "" {
					d.Errorf(e.Value, e.Path, "expected %s or the runtime's error text, got an empty string", PullNotFound)
				}
				out.Error = v
			}
		}
	}
	return out
}
