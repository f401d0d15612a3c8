package record

import (
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/probesim/probesim/sim"
)

// The records made by the thousand (probes, container changes, pod statuses,
// events) are encoded by hand: encoding/json's reflection was most of the
// cost of a large run. Each appendJSON writes exactly the bytes
// encoding/json would (with HTML escaping off), which a property test
// checks; any other record type goes through encoding/json.

type appender interface {
	appendJSON(b []byte) []byte
}

// appendHeader opens a record's object with its common fields. It is not a
// method: Header is embedded in every record, and a promoted appendJSON
// would make every record type look hand-encoded.
func appendHeader(b []byte, h *Header) []byte {
	b = append(b, `{"t":`...)
	b = sim.AppendSeconds(b, sim.Duration(h.T))
	b = append(b, `,"kind":`...)
	b = appendString(b, h.Kind)
	if h.Object != "" {
		b = append(b, `,"object":`...)
		b = appendString(b, h.Object)
	}
	return b
}

func (r *Probe) appendJSON(b []byte) []byte {
	b = appendHeader(b, &r.Header)
	b = append(b, `,"container":`...)
	b = appendString(b, r.Container)
	b = append(b, `,"instance":`...)
	b = strconv.AppendInt(b, int64(r.Instance), 10)
	b = append(b, `,"probe":`...)
	b = appendString(b, r.Probe)
	b = append(b, `,"result":`...)
	b = appendString(b, r.Result)
	if r.Output != "" {
		b = append(b, `,"output":`...)
		b = appendString(b, r.Output)
	}
	b = append(b, `,"duration":`...)
	b = sim.AppendSeconds(b, sim.Duration(r.Duration))
	return append(b, '}')
}

func (r *Container) appendJSON(b []byte) []byte {
	b = appendHeader(b, &r.Header)
	b = append(b, `,"container":`...)
	b = appendString(b, r.Container)
	b = append(b, `,"instance":`...)
	b = strconv.AppendInt(b, int64(r.Instance), 10)
	b = append(b, `,"state":`...)
	b = appendString(b, r.State)
	if r.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendString(b, r.Reason)
	}
	if r.ExitCode != nil {
		b = append(b, `,"exitCode":`...)
		b = strconv.AppendInt(b, int64(*r.ExitCode), 10)
	}
	if r.Signal != "" {
		b = append(b, `,"signal":`...)
		b = appendString(b, r.Signal)
	}
	if r.Init {
		b = append(b, `,"init":true`...)
	}
	return append(b, '}')
}

func (r *PodStatus) appendJSON(b []byte) []byte {
	b = appendHeader(b, &r.Header)
	b = append(b, `,"phase":`...)
	b = appendString(b, r.Phase)
	b = append(b, `,"ready":`...)
	b = appendString(b, r.Ready)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status)
	b = append(b, `,"restarts":`...)
	b = strconv.AppendInt(b, int64(r.Restarts), 10)
	if r.Node != "" {
		b = append(b, `,"node":`...)
		b = appendString(b, r.Node)
	}
	b = append(b, `,"conditions":`...)
	if r.Conditions == nil {
		b = append(b, "null"...)
	} else {
		keys := make([]string, 0, len(r.Conditions))
		for k := range r.Conditions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = strconv.AppendBool(b, r.Conditions[k])
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func (r *Event) appendJSON(b []byte) []byte {
	b = appendHeader(b, &r.Header)
	if r.FieldPath != "" {
		b = append(b, `,"fieldPath":`...)
		b = appendString(b, r.FieldPath)
	}
	b = append(b, `,"type":`...)
	b = appendString(b, r.Type)
	b = append(b, `,"reason":`...)
	b = appendString(b, r.Reason)
	b = append(b, `,"message":`...)
	b = appendString(b, r.Message)
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(r.Count), 10)
	b = append(b, `,"firstTimestamp":`...)
	b = sim.AppendSeconds(b, sim.Duration(r.First))
	b = append(b, `,"source":`...)
	b = appendString(b, r.Source)
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// plain8 reports whether the eight bytes of s from i are all ASCII that
// JSON writes as they are: no control character, quote or backslash. It
// tests them together (the "has a byte less than n" and "has a zero byte"
// tricks); it may answer false for a plain run, never true for another.
func plain8(s string, i int) bool {
	x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
	control := (x - lowBits*0x20) &^ x
	q := x ^ (lowBits * '"')
	quote := (q - lowBits) &^ q
	bs := x ^ (lowBits * '\\')
	backslash := (bs - lowBits) &^ bs
	return (control|quote|backslash|x)&highBits == 0
}

// appendString appends s as encoding/json writes a string with HTML
// escaping off: quotes, backslashes and control characters escaped, U+2028
// and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a second look: names,
		// reasons and messages are plain ASCII.
		for i+8 <= len(s) && plain8(s, i) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
