package sim

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a span of simulated time. It is the standard library's
// time.Duration, so constants such as time.Second and its String method
// apply unchanged.
type Duration = time.Duration

// Time is an instant of simulated time: nanoseconds since the start of the
// run. Simulated time never comes from the wall clock.
type Time int64

// Never is a time after every other; it marks something that does not happen.
const Never Time = 1<<63 - 1

// Add returns t+d.
func (t Time) Add(d Duration) Time { return t + Time(d) }

// Sub returns the duration t-u.
func (t Time) Sub(u Time) Duration { return Duration(t - u) }

// Before reports whether t is before u.
func (t Time) Before(u Time) bool { return t < u }

// After reports whether t is after u.
func (t Time) After(u Time) bool { return t > u }

// Seconds returns t as a floating-point number of seconds since the start.
// Use it only for output; the model computes in integer nanoseconds.
func (t Time) Seconds() float64 { return Duration(t).Seconds() }

// Truncate returns t rounded down to a multiple of d since the start of the
// run. Kubernetes timestamps have one-second resolution, so t.Truncate(time.Second)
// is what an API object would record.
func (t Time) Truncate(d Duration) Time {
	if d <= 0 {
		return t
	}
	return t - t%Time(d)
}

// String formats t as the duration since the start of the run, like
// "1m30.5s"; Never formats as "never".
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return Duration(t).String()
}

// MarshalText formats t as String does, for use in structured logs.
func (t Time) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// FormatSeconds formats t as seconds with millisecond precision and no
// trailing zeros ("62.5", "0", "3.001"), the form of the JSONL "t" field.
func (t Time) FormatSeconds() string {
	return FormatSeconds(Duration(t))
}

// FormatSeconds formats d as seconds with millisecond precision and no
// trailing zeros. Sub-millisecond parts are rounded half away from zero.
func FormatSeconds(d Duration) string {
	return string(AppendSeconds(make([]byte, 0, 24), d))
}

// AppendSeconds appends d formatted as FormatSeconds does to b.
func AppendSeconds(b []byte, d Duration) []byte {
	const half = int64(time.Millisecond / 2)
	var ms int64
	if d >= 0 && int64(d) <= math.MaxInt64-half {
		// The common case without Round's overflow checks, which cost as
		// much as the formatting in a large run's log.
		ms = (int64(d) + half) / int64(time.Millisecond)
	} else {
		ms = d.Round(time.Millisecond).Milliseconds()
	}
	if ms < 0 {
		b = append(b, '-')
		ms = -ms
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		b = append(b, '.')
		digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
		n := 3
		for n > 0 && digits[n-1] == '0' {
			n--
		}
		b = append(b, digits[:n]...)
	}
	return b
}

// FormatShort formats d like Duration.String without zero trailing units:
// "4m", "1m30s", "2h", "500ms".
func FormatShort(d Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
