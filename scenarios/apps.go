package scenarios

import (
	"sort"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/sim"
)

// catalog returns the application catalog: the apps section decoded at
// load time, with the setApp changes applied, each from its action's time
// on. The catalog keeps the versions of every image's behaviour over
// simulated time, so setApp needs no event of its own.
func (s *Scenario) catalog() (*app.Catalog, error) {
	cat := s.Catalog
	if cat == nil {
		cat = app.NewCatalog()
	}
	var sets []Action
	for _, a := range s.Actions {
		if a.SetApp != nil {
			sets = append(sets, a)
		}
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].At < sets[j].At })
	for _, a := range sets {
		if err := cat.Apply(sim.Time(a.At), a.SetApp.Change); err != nil {
			return nil, a.Pos.errorf(s.File, "%v", err)
		}
	}
	return cat, nil
}
