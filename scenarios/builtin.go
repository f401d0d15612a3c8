package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Info names a built-in scenario.
type Info struct {
	Name        string
	Description string
}

// List returns the built-in scenarios, sorted by name, with the
// description each file gives.
func List() []Info {
	entries, _ := fs.ReadDir(builtinFS, "builtin") // embedded: cannot fail
	var out []Info
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		info := Info{Name: name}
		if data, err := builtinFS.ReadFile("builtin/" + e.Name()); err == nil {
			if s, err := Load(e.Name(), data); err == nil {
				info.Description = s.Description
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Builtin returns the file of the built-in scenario name. An unknown name
// is an error that lists the built-in scenarios.
func Builtin(name string) ([]byte, error) {
	data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
	if err == nil && !strings.ContainsAny(name, "/\\") {
		return data, nil
	}
	var names []string
	for _, i := range List() {
		names = append(names, i.Name)
	}
	return nil, fmt.Errorf("unknown scenario %q: the built-in scenarios are %s (simulate scenarios lists them)", name, strings.Join(names, ", "))
}
