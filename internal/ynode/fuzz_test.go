package ynode

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzWalk decodes arbitrary YAML with every helper and checks that nothing
// panics and that every failure was reported.
func FuzzWalk(f *testing.F) {
	for _, s := range []string{"a: 1", "- [x, {y: 2s}]", "a: &x [*x]", "<<: {a: 1}", "? [a]\n: b", "0x1f", "~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil {
			return
		}
		var d Decoder
		budget := 5000 // aliases can make a small input an exponential walk
		walk(&d, &n, "", 0, &budget)
		for _, e := range d.Errors() {
			_ = e.Error()
		}
	})
}

func walk(d *Decoder, n *yaml.Node, p Path, depth int, budget *int) {
	if *budget--; depth > 20 || *budget < 0 {
		return
	}
	before := len(d.Errors())
	if es, ok := d.Fields(n, p, "a", "b", "start"); ok {
		for _, e := range es {
			walk(d, e.Value, e.Path, depth+1, budget)
		}
		return
	}
	if items, ok := d.Sequence(n, p); ok {
		for i, it := range items {
			walk(d, it, p.Index(i), depth+1, budget)
		}
		return
	}
	_, ok1 := d.Int(n, p)
	_, ok2 := d.Duration(n, p)
	_, ok3 := d.Bool(n, p)
	_, ok4 := d.String(n, p)
	_, ok5 := d.Float(n, p)
	failures := 2 // Fields and Sequence failed
	for _, ok := range []bool{ok1, ok2, ok3, ok4, ok5} {
		if !ok {
			failures++
		}
	}
	if got := len(d.Errors()) - before; got != failures {
		panic("a failure went unreported")
	}
}
