package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// outcome is one run of a scenario.
type outcome struct {
	scenario *scenarios.Scenario
	cfg      cluster.Config
	until    sim.Time
	records  []record.Record
	jsonl    []byte   // the log as streamed, when asked for
	hash     string   // End.hash
	actErr   error    // an action that failed stopped the run (a legal end)
	panicked string   // the panic and its stack, if the model panicked
	problems []string // invariant violations seen during the run
}

// runOptions choose how a scenario is run. The model must give the same log
// whatever they are.
type runOptions struct {
	// chunk, if not zero, runs the engine in steps of that much simulated
	// time, as the CLI does, checking the store between steps.
	chunk sim.Duration
	// stream writes each record's JSONL line as it is made, as
	// `simulate run -o jsonl` does.
	stream bool
	// check is called between chunks with the store and the records so far.
	check func(now sim.Time, st *store.Store, recs []record.Record) []string
	// straightforward turns the model's shortcuts off
	// (cluster.Config.Straightforward).
	straightforward bool
}

// load decodes a generated scenario through the real loader.
func load(name, text string) (*scenarios.Scenario, cluster.Config, error) {
	s, err := scenarios.Load(name, []byte(text))
	if err != nil {
		return nil, cluster.Config{}, err
	}
	cfg, err := s.Config(scenarios.Options{})
	if err != nil {
		return nil, cluster.Config{}, err
	}
	return s, cfg, nil
}

// runText loads and runs a scenario as `simulate run -f` would: the same
// loader, configuration and cluster, the same End record.
func runText(name, text string, o runOptions) (*outcome, error) {
	s, cfg, err := load(name, text)
	if err != nil {
		return nil, err
	}
	cfg.Straightforward = o.straightforward
	out := &outcome{scenario: s, cfg: cfg, until: sim.Time(s.DurationFor(scenarios.Options{}))}
	var buf bytes.Buffer
	var log *record.Log
	if o.stream {
		log = record.NewLog(&buf)
	} else {
		log = record.NewLog(nil)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				out.panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
			}
		}()
		c, err := cluster.New(cfg, log)
		if err != nil {
			out.actErr = err
			return
		}
		step := out.until
		if o.chunk > 0 {
			step = sim.Time(o.chunk)
		}
		for t := min(step, out.until); ; t = min(t+step, out.until) {
			err := c.RunUntil(t)
			if o.check != nil {
				out.problems = append(out.problems, o.check(c.Engine().Now(), c.Store(), log.Records())...)
			}
			if err != nil {
				out.actErr = err
				break
			}
			if t >= out.until {
				break
			}
		}
		c.Finish()
	}()
	out.records = log.Records()
	out.jsonl = buf.Bytes()
	if n := len(out.records); n > 0 {
		if end, ok := out.records[n-1].(*record.End); ok {
			out.hash = end.Hash
		}
	}
	return out, nil
}

// canonicalHash re-encodes records (all but the last) and hashes them as
// End.hash is computed: the sha256 of their canonical JSONL lines.
func canonicalHash(recs []record.Record) (string, error) {
	h := sha256.New()
	for _, r := range recs {
		if err := record.Encode(h, r); err != nil {
			return "", err
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// saveFailure writes a failing scenario where `simulate run -f` can replay
// it and returns the path. Failures go to $PROBESIM_VERIFY_OUT if set, else
// to the system's temporary directory; never into the source tree.
func saveFailure(test, text string) string {
	dir := os.Getenv("PROBESIM_VERIFY_OUT")
	if dir == "" {
		dir = os.TempDir()
	}
	name := "probesim-" + strings.NewReplacer("/", "-", " ", "_").Replace(test) + ".yaml"
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		return "(could not write the scenario: " + err.Error() + ")"
	}
	return p
}

// replayHint is what a failing check prints: the scenario, where it was
// saved and the command that replays it.
func replayHint(test, text string) string {
	p := saveFailure(test, text)
	return fmt.Sprintf("scenario (saved to %s; replay with `simulate run -f %s -o jsonl`):\n%s", p, p, text)
}

var _ = time.Second
