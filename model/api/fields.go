package api

import (
	"reflect"
	"strings"
	"sync"
)

// fieldSet is the JSON view of a struct type: the type of each field by its
// JSON name (embedded structs without a name inlined, as encoding/json
// does) and the names in declaration order, for suggestions.
type fieldSet struct {
	types map[string]reflect.Type
	names []string
}

var fieldCache sync.Map // reflect.Type → *fieldSet

// fieldsOf returns the JSON fields of struct type t.
func fieldsOf(t reflect.Type) *fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{types: make(map[string]reflect.Type)}
	collectFields(t, fs, 0)
	fieldCache.Store(t, fs)
	return fs
}

// collectFields adds the JSON fields of struct type t to fs: its own
// named fields first, then those of its inlined embedded structs, so that a
// shallower field wins over a deeper one of the same name, as in
// encoding/json.
func collectFields(t reflect.Type, fs *fieldSet, depth int) {
	if depth > 8 {
		return
	}
	var inline []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				inline = append(inline, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := fs.types[name]; dup {
			continue
		}
		fs.types[name] = f.Type
		fs.names = append(fs.names, name)
	}
	for _, ft := range inline {
		collectFields(ft, fs, depth+1)
	}
}
