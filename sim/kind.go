package sim

import (
	"fmt"
	"sort"
	"sync"
)

// Phase orders events that fall on the same instant. Lower phases fire first.
// Components choose phases so that causes precede their observers, e.g. a
// process exit (an application phase) before the kubelet sync that sees it.
type Phase uint8

// Kind identifies a class of events, such as "kubelet/pleg-relist". It carries
// the phase of its events and a name under which the engine counts them.
// Kinds are registered once, usually in a package-level variable.
type Kind uint16

type kindInfo struct {
	name  string
	phase Phase
}

var kinds = struct {
	sync.RWMutex
	list   []kindInfo
	byName map[string]Kind
}{list: []kindInfo{{name: "(none)"}}, byName: map[string]Kind{}}

// NewKind registers an event kind with the given name and phase and returns
// it. Registering the same name again returns the existing kind if the phase
// agrees, and panics otherwise: two meanings for one name is a programming
// error.
func NewKind(name string, phase Phase) Kind {
	kinds.Lock()
	defer kinds.Unlock()
	if k, ok := kinds.byName[name]; ok {
		if kinds.list[k].phase != phase {
			panic(fmt.Sprintf("sim: kind %q registered with phases %d and %d", name, kinds.list[k].phase, phase))
		}
		return k
	}
	if len(kinds.list) > 1<<16-1 {
		panic("sim: too many event kinds")
	}
	k := Kind(len(kinds.list))
	kinds.list = append(kinds.list, kindInfo{name: name, phase: phase})
	kinds.byName[name] = k
	return k
}

// Name returns the name the kind was registered with.
func (k Kind) Name() string {
	kinds.RLock()
	defer kinds.RUnlock()
	if int(k) >= len(kinds.list) {
		return fmt.Sprintf("kind(%d)", k)
	}
	return kinds.list[k].name
}

// Phase returns the phase of the kind's events.
func (k Kind) Phase() Phase {
	kinds.RLock()
	defer kinds.RUnlock()
	if int(k) >= len(kinds.list) {
		return 0
	}
	return kinds.list[k].phase
}

// String returns the kind's name.
func (k Kind) String() string { return k.Name() }

// KindCount is the number of events of one kind an engine has fired.
type KindCount struct {
	Kind  string
	Count uint64
}

// Stats summarises what an engine has done.
type Stats struct {
	Fired     uint64      // events fired
	Cancelled uint64      // events cancelled before they fired
	Scheduled uint64      // events scheduled
	MaxQueued int         // the largest number of events queued at once
	ByKind    []KindCount // events fired per kind, sorted by kind name
}

// Stats returns the engine's counters. ByKind lists only kinds that fired.
func (e *Engine) Stats() Stats {
	s := Stats{
		Fired:     e.fired,
		Cancelled: e.cancelled,
		Scheduled: e.seq,
		MaxQueued: e.maxQueued,
	}
	for k, n := range e.byKind {
		if n > 0 {
			s.ByKind = append(s.ByKind, KindCount{Kind: Kind(k).Name(), Count: n})
		}
	}
	sort.Slice(s.ByKind, func(i, j int) bool { return s.ByKind[i].Kind < s.ByKind[j].Kind })
	return s
}
