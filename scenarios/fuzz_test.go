package scenarios

import (
	"testing"

	"github.com/probesim/probesim/model/record"
)

// FuzzLoad feeds arbitrary bytes (and one --set) to the loader, builds the
// configuration of what loads, and judges its expectations over a small
// log. None of it may panic.
func FuzzLoad(f *testing.F) {
	for _, i := range List() {
		data, _ := Builtin(i.Name)
		f.Add(data, "duration=5m")
	}
	f.Add([]byte(labelsScenario), "deployment/web:containers[web].image=x")
	f.Add([]byte(head+"actions: [{at: 1s, delete: {pods: app=web}}]\n"+pod), "pod/web:containers[0].livenessProbe={httpGet: {port: 80}}")
	f.Add([]byte("a: &a [*a]\n"), "a[0]=1")
	f.Add([]byte(head+pod), "pod/web:initContainers[0]={name: i, image: x, restartPolicy: Always}")
	f.Add([]byte(head+"cluster: {release: \"1.1\"}\n"+pod), "pod/web:initContainers[0]={name: i, image: x}")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		s, err := Load("f.yaml", data, set)
		if err != nil {
			_ = err.Error()
			return
		}
		if cfg, err := s.Config(Options{}); err == nil {
			_ = s.Warnings(cfg)
		}
		for _, r := range s.Check([]record.Record{&record.Run{}, &record.End{}}) {
			_ = r.String()
		}
	})
}
