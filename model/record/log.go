package record

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"

	"github.com/probesim/probesim/sim"
)

// Log is a run's record stream, in the order records are made, which is
// simulated-time order because the model records as events fire. Each
// record is encoded once, as it is added: its canonical JSONL line goes into
// the run's SHA-256 and to the sink, if any. So the hash of a run does not
// depend on how the run is rendered, and a JSONL output is written as the
// run goes.
//
// What the log keeps in memory is a separate choice (Keep): by default every
// record, for tests and small runs; a long run keeps only the kinds its
// renderer reads. A simulated day of a thousand probed pods makes about 17
// million Probe records, which the JSONL stream needs and no in-memory
// reader does (docs/performance.md).
type Log struct {
	records []Record
	keep    func(kind string) bool // nil: keep every record
	added   int
	// The last kind asked about and the answer: records come in runs of
	// one kind, and the kinds are constants, so this saves calling keep.
	lastKind string
	lastKeep bool
	hash     hash.Hash
	buf      bytes.Buffer
	line     []byte
	enc      *json.Encoder
	sink     io.Writer
	err      error
	size     int64
}

// NewLog returns an empty log that keeps every record. If sink is not nil,
// each record's JSONL line is also written to it as soon as the record is
// added.
func NewLog(sink io.Writer) *Log {
	l := &Log{hash: sha256.New(), sink: sink}
	l.enc = json.NewEncoder(&l.buf)
	l.enc.SetEscapeHTML(false)
	return l
}

// Keep makes the log keep in memory only the records whose kind satisfies
// keep (nil: every record), from the next Add on. Records it drops are
// still hashed and written to the sink. Set it before the run starts.
func (l *Log) Keep(keep func(kind string) bool) { l.keep, l.lastKind = keep, "" }

// Keeps reports whether the log keeps records of the given kind in memory.
// A caller that makes records by the million may reuse one record of a
// kind the log does not keep, instead of allocating each.
func (l *Log) Keeps(kind string) bool {
	if l.keep == nil {
		return true
	}
	if kind != l.lastKind || kind == "" {
		l.lastKind, l.lastKeep = kind, l.keep(kind)
	}
	return l.lastKeep
}

// KeepKinds returns a Keep predicate for the given record kinds.
func KeepKinds(kinds ...string) func(kind string) bool {
	set := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		set[k] = true
	}
	return func(kind string) bool { return set[kind] }
}

// KeepNone is a Keep predicate for a log that only streams and hashes.
func KeepNone(string) bool { return false }

// Add appends r to the log, stamping it with time t and the given kind:
// it hashes r's line, writes it to the sink and, if Keeps(kind), keeps r
// itself, which must not change afterwards. A record the log does not keep
// is done with when Add returns.
func (l *Log) Add(t sim.Time, kind string, r Record) {
	h := r.Base()
	h.T = Seconds(t)
	h.Kind = kind
	l.added++
	if l.Keeps(kind) {
		l.records = append(l.records, r)
	}
	var line []byte
	if a, ok := r.(appender); ok {
		l.line = append(a.appendJSON(l.line[:0]), '\n')
		line = l.line
	} else {
		l.buf.Reset()
		if err := l.enc.Encode(r); err != nil {
			// Every record type is plain data; failing to encode one is a bug.
			panic(fmt.Sprintf("record: encoding %s: %v", kind, err))
		}
		line = l.buf.Bytes()
	}
	l.hash.Write(line)
	l.size += int64(len(line))
	if l.sink != nil && l.err == nil {
		_, l.err = l.sink.Write(line)
	}
}

// Records returns the records kept so far (every record added, unless Keep
// said otherwise). The slice must not be modified.
func (l *Log) Records() []Record { return l.records }

// Len returns the number of records added so far, kept or not.
func (l *Log) Len() int { return l.added }

// Hash returns "sha256:" and the hex digest of the canonical JSONL lines of
// every record added so far.
func (l *Log) Hash() string {
	return "sha256:" + hex.EncodeToString(l.hash.Sum(nil))
}

// Size returns the number of bytes of the canonical JSONL lines of every
// record added so far: what -o jsonl writes.
func (l *Log) Size() int64 { return l.size }

// Err returns the first error writing to the sink, if any.
func (l *Log) Err() error { return l.err }

// Encode writes r as one canonical JSONL line to w.
func Encode(w io.Writer, r Record) error {
	if a, ok := r.(appender); ok {
		_, err := w.Write(append(a.appendJSON(nil), '\n'))
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
