package scenarios

import (
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/internal/ynode"
)

// ReadFunc reads a file by its path. Load uses it for the files a
// scenario's `manifests:` names; nil means no file may be read (a scenario
// from standard input or a built-in).
type ReadFunc func(path string) ([]byte, error)

// includedDoc says where a document read from a `manifests:` file came
// from: the file as messages name it, and the path its errors start at.
type includedDoc struct {
	file string
	path ynode.Path
}

// readManifestFiles reads the files the Scenario document lists under
// `manifests:`, relative to the scenario file's directory, and returns
// their documents. The manifests of a user's own deployment then need no
// copying: `manifests: [../deploy/web.yaml]`.
func readManifestFiles(name string, root *yaml.Node, read ReadFunc) ([]*yaml.Node, []includedDoc, ynode.ErrorList) {
	list := child(root, "manifests")
	if list == nil {
		return nil, nil, nil
	}
	var d ynode.Decoder
	items, ok := d.Sequence(list, "manifests")
	if !ok {
		return nil, nil, d.Errors()
	}
	var docs []*yaml.Node
	var from []includedDoc
	var errs ynode.ErrorList
	for i, it := range items {
		p := ynode.Path("manifests").Index(i)
		rel, ok := d.String(it, p)
		switch {
		case !ok:
			continue
		case rel == "":
			d.Errorf(it, p, "expected the path of a manifest file, got an empty string")
			continue
		case read == nil:
			d.Errorf(it, p, "manifest files can be named only by a scenario file, not by one read from standard input or a built-in")
			continue
		}
		file := rel
		if !filepath.IsAbs(rel) {
			file = filepath.Join(filepath.Dir(name), rel)
		}
		data, err := read(file)
		if err != nil {
			d.Errorf(it, p, "cannot read %s: %v", file, err)
			continue
		}
		stream, err := parseStream(file, data)
		if err != nil {
			errs = append(errs, ynode.AsList(err)...)
			continue
		}
		for j, doc := range stream {
			docs = append(docs, doc)
			from = append(from, includedDoc{file: file, path: ynode.Path(fmt.Sprintf("manifests[%d].documents[%d]", i, j))})
		}
	}
	return docs, from, append(d.Errors(), errs...)
}
