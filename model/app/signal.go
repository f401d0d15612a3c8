package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/probesim/probesim/sim"
)

// Signal is a Linux signal number (x86-64 and arm64 numbering).
type Signal uint8

// The signals a scenario can send, with their Linux numbers.
const (
	SIGHUP   Signal = 1
	SIGINT   Signal = 2
	SIGQUIT  Signal = 3
	SIGKILL  Signal = 9
	SIGUSR1  Signal = 10
	SIGUSR2  Signal = 12
	SIGPIPE  Signal = 13
	SIGALRM  Signal = 14
	SIGTERM  Signal = 15
	SIGCONT  Signal = 18
	SIGSTOP  Signal = 19
	SIGTSTP  Signal = 20
	SIGTTIN  Signal = 21
	SIGTTOU  Signal = 22
	SIGWINCH Signal = 28
)

var signalNames = map[Signal]string{
	SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGKILL: "KILL", SIGUSR1: "USR1", SIGUSR2: "USR2",
	SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM", SIGCONT: "CONT", SIGSTOP: "STOP", SIGTSTP: "TSTP",
	SIGTTIN: "TTIN", SIGTTOU: "TTOU", SIGWINCH: "WINCH",
}

// String returns the signal's name without the SIG prefix, "TERM" for
// example, or its number for a signal without a name here.
func (s Signal) String() string {
	if n, ok := signalNames[s]; ok {
		return n
	}
	return strconv.Itoa(int(s))
}

// ParseSignal parses a signal as kill(1) takes it: a name with or without
// the SIG prefix, in any case ("TERM", "SIGTERM", "term"), or a number from
// 1 to 64.
func ParseSignal(s string) (Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 64 {
			return 0, fmt.Errorf("signal number %d out of range 1-64", n)
		}
		return Signal(n), nil
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	for sig, n := range signalNames { // names are unique: the order does not matter
		if n == name {
			return sig, nil
		}
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// catchable reports whether a process can install a handler for s.
func (s Signal) catchable() bool { return s != SIGKILL && s != SIGSTOP && s != SIGCONT }

// defaultReaction is what a process does on s when its description says
// nothing. See docs/app-behaviour.md: TERM and INT end the process with
// 128+n, as the handlers that language runtimes install do; every other
// catchable signal has no effect, as for a PID 1 without a handler.
func defaultReaction(s Signal) reaction {
	switch s {
	case SIGTERM, SIGINT:
		return reaction{code: 128 + int(s)}
	}
	return reaction{ignore: true}
}

// Effect is what a signal did to a process.
type Effect uint8

// The effects of a signal.
const (
	Ignored   Effect = iota // nothing happens (also: the process is not running)
	Exits                   // the process ends at Reaction.At with Reaction.Code
	Stopped                 // the process is frozen (SIGSTOP)
	Continued               // a stopped process resumes (SIGCONT)
)

var effectNames = [...]string{"Ignored", "Exits", "Stopped", "Continued"}

// String returns the effect's name, "Exits" for example.
func (e Effect) String() string {
	if int(e) < len(effectNames) {
		return effectNames[e]
	}
	return "Effect(?)"
}

// Reaction is what a process does on a signal.
type Reaction struct {
	Effect Effect
	// At is when the process exits, for Exits. It is sim.Never when the
	// process is stopped: the handler runs only after SIGCONT.
	At sim.Time
	// Code is the exit code, for Exits.
	Code int
}
