package api

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestUnsupportedValueSuggestion pins the hint added to the API server's
// "Unsupported value" message when the value is a misspelling of a
// supported one, and its absence when it is not.
func TestUnsupportedValueSuggestion(t *testing.T) {
	src := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {restartPolicy: Allways, containers: [{name: a, image: x, imagePullPolicy: Sometimes}]}\n"
	_, err := Load(parse(t, src))
	want := []string{
		`4:23: spec.restartPolicy: Unsupported value: "Allways": supported values: "Always", "OnFailure", "Never" (did you mean "Always"?)`,
		`4:82: spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`,
	}
	var got []string
	if err != nil {
		got = strings.Split(err.Error(), "\n")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
