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

// Log collects a run's records in the order they are made, which is
// simulated-time order because the model records as events fire. It keeps
// the SHA-256 of their canonical encoding as it goes, so the hash of a run
// does not depend on how the run is rendered.
type Log struct {
	records []Record
	hash    hash.Hash
	buf     bytes.Buffer
	line    []byte
	enc     *json.Encoder
	sink    io.Writer
	err     error
	size    int64
}

// NewLog returns an empty log. If sink is not nil, each record's JSONL line
// is also written to it as soon as the record is added.
func NewLog(sink io.Writer) *Log {
	l := &Log{hash: sha256.New(), sink: sink}
	l.enc = json.NewEncoder(&l.buf)
	l.enc.SetEscapeHTML(false)
	return l
}

// Add appends r to the log, stamping it with time t and the given kind.
func (l *Log) Add(t sim.Time, kind string, r Record) {
	h := r.Base()
	h.T = Seconds(t)
	h.Kind = kind
	l.records = append(l.records, r)
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

// Records returns the records added so far. The slice must not be modified.
func (l *Log) Records() []Record { return l.records }

// Len returns the number of records added so far.
func (l *Log) Len() int { return len(l.records) }

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
