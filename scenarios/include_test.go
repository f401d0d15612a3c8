package scenarios

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// files is a ReadFunc over a map, recording what was read.
type files struct {
	m    map[string]string
	read []string
}

func (f *files) ReadFile(path string) ([]byte, error) {
	f.read = append(f.read, path)
	if s, ok := f.m[path]; ok {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("open %s: %w", path, fs.ErrNotExist)
}

// TestManifestFiles pins `manifests:`: files named relative to the
// scenario's directory are read and their documents decoded after the
// file's own, --set reaches them, and their errors name their own file.
func TestManifestFiles(t *testing.T) {
	fsys := &files{m: map[string]string{
		"deploy/web.yaml": pod[len("---\n"):] + `---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`,
		"deploy/bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: x\n    image: x\n    livenessProbe: {successThreshold: 2, exec: {command: [cat, /tmp/ok]}}\n",
	}}
	s, err := LoadFiles("ci/s.yaml", []byte(head+"manifests: [../deploy/web.yaml]\n"), fsys.ReadFile, "pod/web:spec.containers[0].image=nodejs-ex:v2")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range s.Manifests {
		got = append(got, m.Ref()+" "+string(m.Path))
	}
	want := []string{"Pod/web manifests[0].documents[0]", "Service/web manifests[0].documents[1]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("manifests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"deploy/web.yaml"}, fsys.read); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name string
		src  string
		read ReadFunc
		want []string
	}{
		{"missing file", head + "manifests: [nope.yaml]\n", fsys.ReadFile,
			[]string{"ci/s.yaml:4:13: manifests[0]: cannot read ci/nope.yaml: open ci/nope.yaml: file does not exist"}},
		{"not a list", head + "manifests: web.yaml\n", fsys.ReadFile,
			[]string{"ci/s.yaml:4:12: manifests: expected a list, got the string \"web.yaml\""}},
		{"no reader", head + "manifests: [../deploy/web.yaml]\n", nil,
			[]string{"ci/s.yaml:4:13: manifests[0]: manifest files can be named only by a scenario file, not by one read from standard input or a built-in"}},
		{"missing file with other problems", head + "manifests: [nope.yaml, ../deploy/bad.yaml]\nduraton: 5m\n", fsys.ReadFile,
			[]string{
				"ci/s.yaml:4:13: manifests[0]: cannot read ci/nope.yaml: open ci/nope.yaml: file does not exist",
				`ci/s.yaml:5:1: duraton: unknown field "duraton" (did you mean "duration"?)`,
				"deploy/bad.yaml:8:39: Pod/bad spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
			}},
		{"error in the included file", head + "manifests: [../deploy/bad.yaml]\n", fsys.ReadFile,
			[]string{"deploy/bad.yaml:8:39: Pod/bad spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFiles("ci/s.yaml", []byte(tc.src), tc.read)
			if diff := cmp.Diff(tc.want, lines(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
