package api

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzDecode feeds arbitrary documents to Load (and so Decode, Default,
// Validate and Locate): whatever the input, nothing may panic, and a
// decoded object must be returned only with validation errors or none.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{kubectlDeployment, ocDeploymentConfig, ocRoute, validDeployment,
		"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, targetPort: http}]}\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: x, livenessProbe: {exec: {command: [sh]}}}]}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var n yaml.Node
		if yaml.Unmarshal(data, &n) != nil {
			return
		}
		obj, err := Load(&n)
		if obj == nil && err == nil {
			t.Fatal("Load returned neither an object nor an error")
		}
		if err != nil {
			_ = err.Error()
		}
		for _, minor := range []int{1, 36} {
			_ = Locate(&n, Unsimulated(obj, minor))
		}
	})
}
