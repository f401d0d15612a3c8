package verify

import (
	"bytes"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
)

// The number of cases each property draws when neither -rapid.checks nor
// RAPID_CHECKS says: enough to catch a regression in CI, short enough for
// `go test ./...` on a loaded two-core machine (whole scenarios are run
// twice each; an oracle's scenario is one small pod). Longer runs:
// go test ./verify -rapid.checks=2000 (docs/verification.md).
const (
	wholeModelChecks = 50
	oracleChecks     = 100
)

// checksGiven is whether the command line or the environment chose the
// number of checks; then every property uses it.
var checksGiven bool

func TestMain(m *testing.M) {
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { checksGiven = checksGiven || f.Name == "rapid.checks" })
	checksGiven = checksGiven || os.Getenv("RAPID_CHECKS") != ""
	os.Exit(m.Run())
}

// budget sets the number of checks of the next rapid.Check, unless the user
// chose one. Tests in this package do not run in parallel, so the flag is
// theirs while they run.
func budget(n int) {
	if !checksGiven {
		if err := flag.Set("rapid.checks", strconv.Itoa(n)); err != nil {
			panic(err)
		}
	}
}

// TestWholeModel generates whole scenarios and checks, for each, that it
// loads, runs without panicking to its End, keeps every invariant of
// checkLog and storeChecker, and is deterministic: a second run with the
// same seed, run in one piece instead of one-second chunks, without a JSONL
// stream and with the model's shortcuts off (cluster.Config.Straightforward,
// docs/architecture.md "Shortcuts"), gives the same log and hash; the
// streamed JSONL is exactly
// the canonical encoding the hash covers; rendering the text report changes
// nothing.
func TestWholeModel(t *testing.T) {
	budget(wholeModelChecks)
	rapid.Check(t, func(rt *rapid.T) {
		g := drawScenario(rt)
		sc := newStoreChecker()
		a, err := runText("generated.yaml", g.text, runOptions{chunk: time.Second, stream: true, check: sc.check})
		if err != nil {
			rt.Fatalf("the generated scenario does not load: %v\n%s", err, replayHint(t.Name(), g.text))
		}
		if a.panicked != "" {
			rt.Fatalf("the model panicked: %s\n%s", a.panicked, replayHint(t.Name(), g.text))
		}
		problems := append(a.problems, checkLog(a.records, g)...)
		if len(problems) > 0 {
			rt.Fatalf("%d invariant violations:\n  %s\n%s", len(problems), strings.Join(problems, "\n  "), replayHint(t.Name(), g.text))
		}

		// Determinism, and the shortcuts change nothing: the second run
		// is in one piece, with the model's shortcuts off.
		b, err := runText("generated.yaml", g.text, runOptions{straightforward: true})
		if err != nil || b.panicked != "" {
			rt.Fatalf("the second run failed: %v %s", err, b.panicked)
		}
		if a.hash != b.hash {
			rt.Fatalf("same scenario and seed, different hashes: %s (chunked, streamed, with shortcuts) vs %s (one piece, straightforward)\n%s", a.hash, b.hash, replayHint(t.Name(), g.text))
		}
		var jsonl bytes.Buffer
		if err := report.JSONL(&jsonl, b.records); err != nil {
			rt.Fatal(err)
		}
		if d := cmp.Diff(string(a.jsonl), jsonl.String()); d != "" {
			rt.Fatalf("the streamed JSONL differs from the rendered one (-streamed +rendered):\n%s\n%s", d, replayHint(t.Name(), g.text))
		}
		if err := report.Text(&bytes.Buffer{}, b.records); err != nil {
			rt.Fatalf("text report: %v", err)
		}
		if h, _ := canonicalHash(b.records[:len(b.records)-1]); h != b.hash {
			rt.Fatalf("rendering the text report changed the records: hash %s, was %s", h, b.hash)
		}
		_ = record.KindEnd
	})
}
