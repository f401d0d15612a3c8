package main

import (
	"strings"
	"testing"
)

// FuzzViewArgs feeds the views' argument parsers (TYPE/NAME, TYPE NAME,
// --at) any input: they must answer with a value or a usage error, never
// panic.
func FuzzViewArgs(f *testing.F) {
	for _, s := range []string{"pod/web", "deploy web", "svc/", "/x", "po", "3m30s", "-1s", "1e9h", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Fields(s)
		if _, _, err := objectArg(args); err == nil && len(args) == 0 {
			t.Fatal("no arguments accepted")
		}
		if ts, err := parseAt([]string{s}); err == nil && (len(ts) != 1 || ts[0] < 0) {
			t.Fatalf("--at %q gave %v", s, ts)
		}
	})
}
