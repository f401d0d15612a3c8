package app

import (
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/sim"
)

// FuzzDecode decodes arbitrary YAML as an apps section and a setApp action,
// then exercises what decoded: nothing may panic, and a successful decode
// must give a working catalog.
func FuzzDecode(f *testing.F) {
	f.Add("nodejs-ex:*: {start: 2s, http: {8080: {/healthy/liveness: 200, \"*\": 404}}}")
	f.Add("x: {concurrency: 1, http: {8080: {\"*\": {status: 200, latency: 100s}}}, onSIGTERM: {exit: 143}, signals: {TSTP: ignore}}")
	f.Add("x: {start: {percentiles: {p50: 1s, p99: 3s}}, exit: {after: {lognormal: {p50: 1m, p99: 5m}}}}")
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil {
			return
		}
		c, err := Decode(&n)
		if err != nil {
			_ = err.Error()
		} else {
			r := sim.NewStream(1, "fuzz")
			for _, image := range []string{"x", "nodejs-ex:1", "a/b:c"} {
				in := c.Start(image, 2, 0, 64<<20, r)
				for i := range 3 {
					at := sim.Time(i) * 1e9
					in.HTTP(at, 8080, "GET", "/")
					in.TCP(at, 8080)
					in.GRPC(at, 9000, "")
					in.Exec(at, []string{"cat", "/tmp/x"})
				}
				in.Signal(5e9, SIGSTOP)
				in.Signal(6e9, SIGTERM)
				in.Signal(7e9, SIGCONT)
				in.Exit()
			}
		}
		if ch, err := DecodeChange(&n); err == nil && c != nil {
			_ = c.Apply(0, ch)
			c.Start("x", 1, 1, 0, sim.NewStream(1, "f")).HTTP(1, 8080, "GET", "/")
		}
	})
}
