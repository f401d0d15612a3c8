package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/model/version"
	"github.com/probesim/probesim/sim"
)

// Objects are a run's API objects as they stood at one simulated time,
// read from its Snapshot records (a run records them when asked:
// cluster.Config.RecordObjects, `simulate run --record-objects`, and the
// view commands).
type Objects struct {
	// At is the simulated time the objects are taken at.
	At sim.Time
	// Minor is the release profile's minor version: the kubectl whose
	// printers the views follow.
	Minor  int
	byKind map[string]map[string]json.RawMessage
}

// ObjectsAt returns the objects that existed at time t: for each, its last
// snapshot at or before t, leaving out those deleted by then.
func ObjectsAt(records []record.Record, t sim.Time) *Objects {
	o := &Objects{At: t, Minor: releaseMinor(records), byKind: map[string]map[string]json.RawMessage{}}
	for _, r := range records {
		s, ok := r.(*record.Snapshot)
		if !ok {
			continue
		}
		if sim.Time(s.T) > t {
			break
		}
		kind, name, _ := strings.Cut(s.Object, "/")
		m := o.byKind[kind]
		if m == nil {
			m = map[string]json.RawMessage{}
			o.byKind[kind] = m
		}
		if s.Change == "DELETED" {
			delete(m, name)
		} else {
			m[name] = s.Value
		}
	}
	return o
}

// releaseMinor is the minor version of the run's release profile, or the
// default profile's if the log has no Run record.
func releaseMinor(records []record.Record) int {
	name := version.Default
	if len(records) > 0 {
		if run, ok := records[0].(*record.Run); ok {
			name = run.Release
		}
	}
	if p, err := version.Lookup(name); err == nil {
		if p.Major > 1 {
			return 1000
		}
		return p.Minor
	}
	return 0
}

// Names returns the names of the objects of a kind, sorted as kubectl
// sorts a list (by name, within the one namespace the model has).
func (o *Objects) Names(kind string) []string {
	return sortedKeys(o.byKind[kind])
}

// Decode decodes the object kind/name into v and reports whether it
// existed.
func (o *Objects) Decode(kind, name string, v any) (bool, error) {
	raw, ok := o.byKind[kind][name]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decoding the snapshot of %s/%s: %w", kind, name, err)
	}
	return true, nil
}

// All decodes every object of a kind, in name order.
func All[T any](o *Objects, kind string) ([]*T, error) {
	var out []*T
	for _, name := range o.Names(kind) {
		v := new(T)
		if _, err := o.Decode(kind, name, v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// now is the wall-clock time kubectl would read at the view's time: API
// timestamps count from store.Epoch, and kubectl's clock is not rounded.
func (o *Objects) now() time.Time { return store.Epoch.Add(time.Duration(o.At)) }
