package record

import (
	"bytes"
	"encoding/json"
	"testing"

	"pgregory.net/rapid"

	"github.com/probesim/probesim/sim"
)

func stdJSON(t *rapid.T, r Record) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAppendMatchesEncodingJSON checks that the hand-written encoders write
// exactly what encoding/json writes, for any field values, including strings
// with quotes, control characters, invalid UTF-8 and U+2028.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	str := rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", "a\"b\\c", "\x00\x1f\n\t\r", "\xff\xfe", "\u2028\u2029", "<&>", "é€"}))
	rapid.Check(t, func(t *rapid.T) {
		h := Header{T: Seconds(rapid.Int64Range(0, 1e15).Draw(t, "t")), Kind: str.Draw(t, "kind"), Object: str.Draw(t, "object")}
		var code *int32
		if rapid.Bool().Draw(t, "hasCode") {
			c := rapid.Int32().Draw(t, "code")
			code = &c
		}
		conds := rapid.MapOf(str, rapid.Bool()).Draw(t, "conditions")
		if rapid.Bool().Draw(t, "nilConditions") {
			conds = nil
		}
		for _, r := range []Record{
			&Probe{Header: h, Container: str.Draw(t, "c"), Instance: rapid.Int().Draw(t, "i"), Probe: str.Draw(t, "p"),
				Result: str.Draw(t, "r"), Output: str.Draw(t, "o"), Duration: Dur(sim.Duration(rapid.Int64Range(0, 1e12).Draw(t, "d")))},
			&Container{Header: h, Container: str.Draw(t, "c2"), Instance: rapid.Int().Draw(t, "i2"), State: str.Draw(t, "s"),
				Reason: str.Draw(t, "reason"), ExitCode: code, Signal: str.Draw(t, "sig")},
			&PodStatus{Header: h, Phase: str.Draw(t, "ph"), Ready: str.Draw(t, "ready"), Status: str.Draw(t, "status"),
				Restarts: rapid.Int32().Draw(t, "restarts"), Node: str.Draw(t, "node"), Conditions: conds},
			&Event{Header: h, FieldPath: str.Draw(t, "fp"), Type: str.Draw(t, "type"), Reason: str.Draw(t, "er"),
				Message: str.Draw(t, "msg"), Count: rapid.Int32().Draw(t, "count"), Source: str.Draw(t, "src")},
		} {
			want := stdJSON(t, r)
			got := append(r.(appender).appendJSON(nil), '\n')
			if !bytes.Equal(got, want) {
				t.Fatalf("%T:\n got %s\nwant %s", r, got, want)
			}
		}
	})
}

// BenchmarkAppendProbe measures the encoding of the most frequent record.
func BenchmarkAppendProbe(b *testing.B) {
	r := &Probe{Header: Header{T: Seconds(62500 * sim.Time(1e6)), Kind: KindProbe, Object: "Pod/web-7d4b9c-x2k4q"},
		Container: "app", Instance: 3, Probe: "liveness", Result: "failure",
		Output: "HTTP probe failed with statuscode: 404", Duration: Dur(2 * sim.Duration(1e6))}
	var buf []byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = r.appendJSON(buf[:0])
	}
}

// TestOnlyHandEncodedTypesAppend guards against a promoted method making a
// record type skip encoding/json with half its fields.
func TestOnlyHandEncodedTypesAppend(t *testing.T) {
	for _, r := range []Record{&Run{}, &Object{}, &Rollout{}, &Endpoints{}, &Requests{}, &End{}, &Interrupted{}} {
		if _, ok := r.(appender); ok {
			t.Errorf("%T has appendJSON but no hand-written encoder", r)
		}
	}
}

// TestPlain8 checks the eight-byte test of appendString: it never passes a
// run with a byte that JSON escapes or that is not ASCII, and it passes
// every run of plain ASCII.
func TestPlain8(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' }
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			s := []byte("abcdefgh")
			s[pos] = byte(c)
			if got, want := plain8(string(s), 0), plain(byte(c)); got != want {
				t.Errorf("plain8(%q) = %t, want %t", s, got, want)
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SliceOfN(rapid.Byte(), 8, 8).Draw(t, "s")
		want := true
		for _, c := range s {
			want = want && plain(c)
		}
		if got := plain8(string(s), 0); got && !want {
			t.Fatalf("plain8(%q) = true for a run that needs escaping", s)
		}
	})
}
