package app_test

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/probesim/probesim/model/app"
	"github.com/probesim/probesim/sim"
)

func decode(src string) *app.Catalog {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		panic(err)
	}
	c, err := app.Decode(&n)
	if err != nil {
		panic(err)
	}
	return c
}

func at(d time.Duration) sim.Time { return sim.Time(0).Add(d) }

// The Node.js/Express sample: three paths answer 200, everything else 404,
// listening two seconds after the container starts.
func Example_nodeExpress() {
	c := decode(`
nodejs-ex:*:
  start: 2s
  http:
    8080:
      /healthy/liveness: 200
      /healthy/readiness: 200
      /message: 200
      "*": 404
`)
	in := c.Start("quay.io/acme/nodejs-ex:v1", 1, 0, 0, sim.NewStream(1, "app/web/nodejs"))
	show := func(t time.Duration, path string) {
		r := in.HTTP(at(t), 8080, "GET", path)
		fmt.Printf("%-5s %-20s %-8s %d\n", t, path, r.Kind, r.Status)
	}
	show(time.Second, "/healthy/liveness")
	show(2*time.Second, "/healthy/liveness")
	show(3*time.Second, "/healthy/readiness")
	show(3*time.Second, "/message")
	show(3*time.Second, "/healthz")
	fmt.Println("port 9090:", in.TCP(at(3*time.Second), 9090).Kind)
	// Output:
	// 1s    /healthy/liveness    Refused  0
	// 2s    /healthy/liveness    Answered 200
	// 3s    /healthy/readiness   Answered 200
	// 3s    /message             Answered 200
	// 3s    /healthz             Answered 404
	// port 9090: Refused
}

// The Sinatra sample: every request sleeps 100 s in a single-threaded
// server, TERM ends it at once (Ruby traps TERM), TSTP does nothing.
func Example_sinatra() {
	c := decode(`
sinatra-ex*:
  concurrency: 1
  http:
    8080:
      "*": {status: 200, latency: 100s}
  onSIGTERM: {exit: 143}
  signals: {TSTP: ignore}
`)
	in := c.Start("sinatra-ex:latest", 1, 0, 0, sim.NewStream(1, "app/web/sinatra"))
	for _, t := range []time.Duration{0, 10 * time.Second, 20 * time.Second} {
		r := in.HTTP(at(t), 8080, "GET", "/")
		fmt.Printf("sent %-4s begins %-5s ends %s\n", t, r.Begin, r.End)
	}
	fmt.Println("TSTP:", in.Signal(at(30*time.Second), app.SIGTSTP).Effect)
	re := in.Signal(at(40*time.Second), app.SIGTERM)
	fmt.Println("TERM:", re.Effect, re.At, re.Code)
	end, code, reason, _ := in.Exit()
	fmt.Println("exit:", end, code, reason)
	// Output:
	// sent 0s   begins 0s    ends 1m40s
	// sent 10s  begins 1m40s ends 3m20s
	// sent 20s  begins 3m20s ends 5m0s
	// TSTP: Ignored
	// TERM: Exits 40s 143
	// exit: 40s 143 Error
}
