package ynode

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func parse(t testing.TB, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	return &n
}

func TestPath(t *testing.T) {
	p := Path("").Key("apps").Key("nodejs-ex:*").Key("http").Key("8080").Key("/healthz").Index(1).Key("status")
	if got, want := p.String(), `apps["nodejs-ex:*"].http.8080["/healthz"][1].status`; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	if got := Path("").Key(""); got != `[""]` {
		t.Errorf("empty key = %s", got)
	}
	if got := Path("").Index(0).Key("a"); got != `[0].a` {
		t.Errorf("index at root = %s", got)
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Line: 3, Column: 5, Path: "apps.x", Msg: "bad"}
	l := ErrorList{e, {Msg: "no position"}}
	want := "3:5: apps.x: bad\nno position"
	if got := l.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	f := l.WithFile("s.yaml")
	want = "s.yaml:3:5: apps.x: bad\ns.yaml: no position"
	if got := f.Error(); got != want {
		t.Errorf("WithFile Error() = %q, want %q", got, want)
	}
	if e.File != "" {
		t.Error("WithFile changed the original")
	}
	var target *Error
	if !errors.As(error(f), &target) || target.Line != 3 {
		t.Errorf("errors.As found %v", target)
	}
	if (ErrorList{}).Err() != nil {
		t.Error("empty list is not a nil error")
	}
	if got := AsList(errors.New("x")); len(got) != 1 || got[0].Msg != "x" {
		t.Errorf("AsList = %v", got)
	}
}

func TestSort(t *testing.T) {
	l := ErrorList{{Line: 5, Msg: "c"}, {Line: 2, Column: 9, Msg: "b"}, {Line: 2, Column: 1, Msg: "a"}, {Line: 5, Msg: "d"}}
	l.Sort()
	var got []string
	for _, e := range l {
		got = append(got, e.Msg)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, got); diff != "" {
		t.Error(diff)
	}
}

func TestDistanceAndSuggest(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"start", "strat", 1},
		{"kitten", "sitting", 3}, {"", "abc", 3}, {"onSIGTREM", "onSIGTERM", 1},
	} {
		if got := Distance(tc.a, tc.b); got != tc.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
	known := []string{"start", "listen", "http", "concurrency", "onSIGTERM"}
	for _, tc := range []struct {
		word, want string
		ok         bool
	}{
		{"strat", "start", true},
		{"onsigterm", "onSIGTERM", true},
		{"concur", "concurrency", true},
		{"htp", "http", true},
		{"zzz", "", false},
		{"li", "", false},
	} {
		got, ok := Suggest(tc.word, known)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Suggest(%q) = %q, %v; want %q, %v", tc.word, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFields(t *testing.T) {
	n := parse(t, "start: 1s\nstrat: 2s\nbogus: 1\nstart: 3s\n[a]: 1\n")
	var d Decoder
	es, ok := d.Fields(n, "apps.x", "start", "listen")
	if !ok || len(es) != 1 || es[0].Key != "start" || es[0].Path != "apps.x.start" {
		t.Fatalf("entries = %+v, ok = %v", es, ok)
	}
	want := []string{
		`2:1: apps.x.strat: unknown field "strat" (did you mean "start"?)`,
		`3:1: apps.x.bogus: unknown field "bogus"; expected one of: start, listen`,
		`4:1: apps.x.start: duplicate key "start"`,
		`5:1: apps.x: expected a plain key, got a list`,
	}
	if diff := cmp.Diff(want, texts(d.Errors())); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func texts(l ErrorList) []string {
	var s []string
	for _, e := range l {
		s = append(s, e.Error())
	}
	return s
}

func TestMergeKeyAndAlias(t *testing.T) {
	n := parse(t, "base: &b {a: 1}\nuse: *b\nother:\n  <<: *b\n")
	var d Decoder
	es, _ := d.Mapping(n, "")
	if len(es) != 3 || es[1].Value.Kind != yaml.MappingNode {
		t.Fatalf("alias not resolved: %+v", es)
	}
	d.Mapping(es[2].Value, es[2].Path)
	if diff := cmp.Diff([]string{"4:3: other: merge keys (<<) are not supported; write the fields out"}, texts(d.Errors())); diff != "" {
		t.Error(diff)
	}
}

func TestScalars(t *testing.T) {
	n := parse(t, `
i: 42
h: 0x10
big: 99999999999999999999999
f: 1.5
b: true
yes: yes
s: hello
q: "200"
d: 2m30s
d0: 0
dn: 30
dneg: -1s
dbad: 3x
nul:
l: [1]
`)
	var d Decoder
	es, _ := d.Mapping(n, "")
	v := map[string]*yaml.Node{}
	for _, e := range es {
		v[e.Key] = e.Value
	}
	type result struct {
		Got any
		OK  bool
	}
	r := func(v any, ok bool) result { return result{v, ok} }
	got := []result{
		r(d.Int(v["i"], "i")),
		r(d.Int(v["h"], "h")),
		r(d.Int(v["big"], "big")),
		r(d.Int(v["f"], "f")),
		r(d.Int(v["q"], "q")),
		r(d.IntRange(v["i"], "i", 0, 10)),
		r(d.Float(v["f"], "f")),
		r(d.Float(v["i"], "i")),
		r(d.Bool(v["b"], "b")),
		r(d.Bool(v["yes"], "yes")),
		r(d.String(v["s"], "s")),
		r(d.String(v["i"], "i")),
		r(d.Duration(v["d"], "d")),
		r(d.Duration(v["d0"], "d0")),
		r(d.Duration(v["dn"], "dn")),
		r(d.Duration(v["dneg"], "dneg")),
		r(d.Duration(v["dbad"], "dbad")),
		r(d.Duration(v["nul"], "nul")),
		r(d.String(v["l"], "l")),
		r(d.String(nil, "missing")),
	}
	want := []result{
		{42, true}, {16, true}, {0, false}, {0, false}, {0, false}, {0, false},
		{1.5, true}, {42.0, true}, {true, true}, {false, false}, {"hello", true}, {"", false},
		{150 * time.Second, true}, {time.Duration(0), true}, {time.Duration(0), false},
		{time.Duration(0), false}, {time.Duration(0), false}, {time.Duration(0), false},
		{"", false}, {"", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		`4:6: big: expected an integer, got the number 99999999999999999999999`,
		`5:4: f: expected an integer, got the number 1.5`,
		`9:4: q: expected an integer, got the string "200"`,
		`2:4: i: expected an integer from 0 to 10, got 42`,
		`7:6: yes: expected true or false, got the string "yes"`,
		`2:4: i: expected a string, got the number 42`,
		`12:5: dn: expected a duration like "1.5s" or "2m30s", got the number 30 (a duration needs a unit: 30s?)`,
		`13:7: dneg: expected a duration like "1.5s" or "2m30s", got the string "-1s": negative`,
		`14:7: dbad: expected a duration like "1.5s" or "2m30s", got the string "3x": unknown unit "x"`,
		`15:5: nul: expected a duration like "1.5s" or "2m30s", got null`,
		`16:4: l: expected a string, got a list`,
		`missing: expected a string, got nothing`,
	}
	if diff := cmp.Diff(wantErrs, texts(d.Errors())); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestSequence(t *testing.T) {
	n := parse(t, "a: [1, 2]\nb: x\n")
	var d Decoder
	es, _ := d.Mapping(n, "")
	items, ok := d.Sequence(es[0].Value, es[0].Path)
	if !ok || len(items) != 2 {
		t.Errorf("items = %v", items)
	}
	if _, ok := d.Sequence(es[1].Value, es[1].Path); ok {
		t.Error("a string is not a list")
	}
	if diff := cmp.Diff([]string{`2:4: b: expected a list, got the string "x"`}, texts(d.Errors())); diff != "" {
		t.Error(diff)
	}
}
