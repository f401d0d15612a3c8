package scenarios

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/cluster"
)

// Warnings returns what the run will do that the writer most likely did
// not mean, for the CLI to print before it runs: an init container whose
// image, as the apps catalog stands at the start of the run, never exits by
// itself. Init containers must exit 0 for the pod to go on; the default
// behaviour of an image the catalog does not describe runs for ever, so
// such a pod would stay Init:0/N for the whole run. The simulator does not
// invent an exit: the catalog must give one (docs/app-behaviour.md).
func (s *Scenario) Warnings(cfg cluster.Config) []string {
	if cfg.Apps == nil {
		return nil
	}
	var out []string
	for _, m := range s.Manifests {
		spec, p := api.PodSpecOf(m.Object)
		if spec == nil {
			continue
		}
		for i, c := range spec.InitContainers {
			if c.RestartPolicy != nil || cfg.Apps.LookupAt(0, c.Image).Exits(1) {
				continue
			}
			path := p.Child("initContainers").Index(i)
			line := 0
			if l := api.Locate(m.Node, field.ErrorList{field.Invalid(path, c.Name, "")}); len(l) == 1 {
				line = l[0].Line
			}
			out = append(out, fmt.Sprintf("%s:%d: %s %s: init container %q (image %q) never exits by itself: the apps catalog gives its image no exit, so the pod stays Init:%d/%d; describe it, e.g. apps: {%q: {exit: {after: 5s}}}",
				s.File, line, m.Ref(), path, c.Name, c.Image, i, len(spec.InitContainers), c.Image))
		}
	}
	return out
}
