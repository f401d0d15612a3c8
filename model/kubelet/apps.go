package kubelet

import (
	"math/rand/v2"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/sim"
)

// CatalogApps returns the Apps that start processes, and serve images,
// as the behaviours of c describe them.
func CatalogApps(c *app.Catalog) Apps { return catalogApps{c} }

type catalogApps struct{ c *app.Catalog }

func (a catalogApps) Start(image string, n int, at sim.Time, memoryLimit int64, r *rand.Rand) Process {
	return a.c.Start(image, n, at, memoryLimit, r)
}

func (a catalogApps) Pull(image string, at sim.Time) app.Pull { return a.c.LookupAt(at, image).Pull() }
