package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestTimeString(t *testing.T) {
	for _, c := range []struct {
		t    Time
		want string
	}{
		{0, "0s"},
		{sec(90.5), "1m30.5s"},
		{Time(1500 * time.Microsecond), "1.5ms"},
		{Never, "never"},
	} {
		if got := c.t.String(); got != c.want {
			t.Errorf("Time(%d).String() = %q, want %q", int64(c.t), got, c.want)
		}
		if b, _ := c.t.MarshalText(); string(b) != c.want {
			t.Errorf("Time(%d).MarshalText() = %q, want %q", int64(c.t), b, c.want)
		}
	}
}

func TestFormatSeconds(t *testing.T) {
	for _, c := range []struct {
		d    Duration
		want string
	}{
		{0, "0"},
		{62500 * time.Millisecond, "62.5"},
		{time.Millisecond, "0.001"},
		{3001 * time.Millisecond, "3.001"},
		{10 * time.Second, "10"},
		{1200 * time.Millisecond, "1.2"},
		// Sub-millisecond parts round half away from zero.
		{1000500 * time.Microsecond, "1.001"},
		{1000499999 * time.Nanosecond, "1"},
		{999500 * time.Microsecond, "1"},
		{400 * time.Microsecond, "0"},
		{-62500 * time.Millisecond, "-62.5"},
		{-1000500 * time.Microsecond, "-1.001"},
		{-time.Millisecond, "-0.001"},
		{-400 * time.Microsecond, "0"}, // no "-0"
	} {
		if got := FormatSeconds(c.d); got != c.want {
			t.Errorf("FormatSeconds(%v) = %q, want %q", c.d, got, c.want)
		}
		if got := Time(c.d).FormatSeconds(); got != c.want {
			t.Errorf("Time(%v).FormatSeconds() = %q, want %q", c.d, got, c.want)
		}
		if got := string(AppendSeconds([]byte("t="), c.d)); got != "t="+c.want {
			t.Errorf("AppendSeconds(%v) = %q, want %q", c.d, got, "t="+c.want)
		}
	}
}

func TestTimeArithmetic(t *testing.T) {
	for _, c := range []struct {
		t    Time
		d    Duration
		want Time
	}{
		{sec(62.7), time.Second, sec(62)},
		{sec(62), time.Second, sec(62)},
		{sec(0.999), time.Second, 0},
		{sec(125), time.Minute, sec(120)},
		{sec(62.7), 0, sec(62.7)}, // a non-positive d leaves t alone
		{sec(62.7), -time.Second, sec(62.7)},
	} {
		if got := c.t.Truncate(c.d); got != c.want {
			t.Errorf("%v.Truncate(%v) = %v, want %v", c.t, c.d, got, c.want)
		}
	}
	a := sec(5).Add(1500 * time.Millisecond)
	if a != sec(6.5) || a.Sub(sec(5)) != 1500*time.Millisecond || a.Seconds() != 6.5 {
		t.Errorf("5s + 1.5s = %v (Sub %v, Seconds %v)", a, a.Sub(sec(5)), a.Seconds())
	}
	if !sec(1).Before(sec(2)) || sec(2).Before(sec(2)) || !sec(2).After(sec(1)) || sec(2).After(sec(2)) {
		t.Error("Before/After disagree with <, >")
	}
	// Never is after every time, so "earliest of" code can start from it.
	if !Never.After(sec(1e9)) || Never != Time(1<<63-1) {
		t.Error("Never is not the largest Time")
	}
}

// TestAppendSecondsMatchesRound checks the fast path of AppendSeconds
// against Duration.Round, half away from zero, up to the extremes.
func TestAppendSecondsMatchesRound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := Duration(rapid.OneOf(rapid.Int64(), rapid.Int64Range(-5e6, 5e6),
			rapid.SampledFrom([]int64{math.MaxInt64, math.MaxInt64 - 499999, math.MaxInt64 - 500000, math.MinInt64, 499999, 500000, -500000})).Draw(t, "d"))
		ms := d.Round(time.Millisecond).Milliseconds()
		want := strconv.FormatInt(ms/1000, 10)
		if ms < 0 {
			want = "-" + strconv.FormatInt(-ms/1000, 10)
		}
		if f := ms % 1000; f != 0 {
			want += strings.TrimRight(fmt.Sprintf(".%03d", max(f, -f)), "0")
		}
		if got := string(AppendSeconds(nil, d)); got != want {
			t.Fatalf("AppendSeconds(%d) = %q, want %q", int64(d), got, want)
		}
	})
}
