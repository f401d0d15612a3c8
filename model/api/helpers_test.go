package api

import (
	"fmt"
	"testing"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// parse parses one YAML document.
func parse(t testing.TB, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("parsing the test document: %v", err)
	}
	return &n
}

// decode decodes src and fails the test on an error.
func decode(t testing.TB, src string) Object {
	t.Helper()
	obj, err := Decode(parse(t, src))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return obj
}

// texts returns the errors' texts.
func texts(errs field.ErrorList) []string {
	if len(errs) == 0 {
		return nil
	}
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

// listTexts returns the texts of an ErrorList.
func listTexts(err error) []string {
	if err == nil {
		return nil
	}
	l, ok := err.(ErrorList)
	if !ok {
		return []string{"not an ErrorList: " + err.Error()}
	}
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.Error()
	}
	return out
}

func fmtSprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }
