package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/probesim/probesim/model/cluster"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/report"
	"github.com/probesim/probesim/scenarios"
	"github.com/probesim/probesim/sim"
)

// runBuiltin runs a built-in scenario, with requests recorded so that every
// record kind appears, into a log streaming to sink and keeping what keep
// says (nil: everything).
func runBuiltin(t *testing.T, name string, sink *bytes.Buffer, keep func(string) bool) *record.Log {
	t.Helper()
	return runBuiltinWith(t, name, sink, keep, false)
}

// runBuiltinWith is runBuiltin with the model's shortcuts turned off if
// straightforward is set.
func runBuiltinWith(t *testing.T, name string, sink *bytes.Buffer, keep func(string) bool, straightforward bool) *record.Log {
	t.Helper()
	data, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Load(name+".yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config(scenarios.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network.RecordRequests = true
	cfg.Straightforward = straightforward
	var log *record.Log
	if sink != nil {
		log = record.NewLog(sink)
	} else {
		log = record.NewLog(nil)
	}
	log.Keep(keep)
	c, err := cluster.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunUntil(sim.Time(s.DurationFor(scenarios.Options{}))); err != nil {
		t.Fatal(err)
	}
	c.Finish()
	return log
}

// TestStreamedLogMatchesKeptLog checks the optimized paths of the log
// against the straightforward one on every built-in scenario: the JSONL the
// CLI streams while keeping nothing in memory is, byte for byte, the JSONL
// of the whole log kept in memory; its End hash is the SHA-256 of the lines
// before it, computed here independently; and the text report rendered from
// the records report.TextNeeds keeps is the report of the whole log.
func TestStreamedLogMatchesKeptLog(t *testing.T) {
	for _, info := range scenarios.List() {
		t.Run(info.Name, func(t *testing.T) {
			whole := runBuiltin(t, info.Name, nil, nil)
			var kept bytes.Buffer
			if err := report.JSONL(&kept, whole.Records()); err != nil {
				t.Fatal(err)
			}

			var streamed bytes.Buffer
			stream := runBuiltin(t, info.Name, &streamed, record.KeepNone)
			if n := len(stream.Records()); n != 0 {
				t.Errorf("a log that keeps nothing kept %d records", n)
			}
			if stream.Len() != whole.Len() {
				t.Errorf("streamed %d records, the whole log has %d", stream.Len(), whole.Len())
			}
			if diff := cmp.Diff(kept.String(), streamed.String()); diff != "" {
				t.Fatalf("streamed JSONL differs from the kept log's (-kept +streamed):\n%s", diff)
			}

			lines := bytes.SplitAfter(kept.Bytes(), []byte("\n"))
			lines = lines[:len(lines)-1] // after the last newline
			var end record.End
			if err := json.Unmarshal(lines[len(lines)-1], &end); err != nil || end.Kind != record.KindEnd {
				t.Fatalf("last line is not an End record: %s (%v)", lines[len(lines)-1], err)
			}
			sum := sha256.Sum256(bytes.Join(lines[:len(lines)-1], nil))
			if want := "sha256:" + hex.EncodeToString(sum[:]); end.Hash != want {
				t.Errorf("End hash %s, the lines before it hash to %s", end.Hash, want)
			}

			text := runBuiltin(t, info.Name, nil, report.TextNeeds)
			var full, partial bytes.Buffer
			if err := report.Text(&full, whole.Records()); err != nil {
				t.Fatal(err)
			}
			if err := report.Text(&partial, text.Records()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(full.String(), partial.String()); diff != "" {
				t.Errorf("text report from the kinds it needs differs from the whole log's (-whole +kept):\n%s", diff)
			}
			dropped := 0
			for _, r := range whole.Records() {
				if !report.TextNeeds(r.Base().Kind) {
					dropped++
				}
			}
			if got := whole.Len() - len(text.Records()); got != dropped {
				t.Errorf("the text report's log left out %d records, want the %d probes and requests", got, dropped)
			}
		})
	}
}

// TestShortcutsChangeNothing checks the model's optimized paths against the
// straightforward ones (cluster.Config.Straightforward) on every built-in
// scenario: the JSONL, and so its hash, must be the same byte for byte.
func TestShortcutsChangeNothing(t *testing.T) {
	for _, info := range scenarios.List() {
		t.Run(info.Name, func(t *testing.T) {
			var fast, plain bytes.Buffer
			runBuiltinWith(t, info.Name, &fast, record.KeepNone, false)
			runBuiltinWith(t, info.Name, &plain, record.KeepNone, true)
			if diff := cmp.Diff(plain.String(), fast.String()); diff != "" {
				t.Fatalf("the log with shortcuts differs from the straightforward one (-straightforward +shortcuts):\n%s", diff)
			}
		})
	}
}
