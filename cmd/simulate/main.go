// Command simulate replays the life of pods on a simulated Kubernetes or
// OpenShift cluster: probes, kubelet restarts, CrashLoopBackOff, rollouts
// and Service traffic, deterministically and much faster than real time.
//
// See docs/cli.md for the commands, flags and exit codes.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	env := newEnv(os.Stdin, os.Stdout, os.Stderr)
	env.stderrTTY = isTerminal(os.Stderr)
	if isTerminal(os.Stdout) {
		env.stdoutWidth = func() int { return terminalWidth(os.Stdout) }
	}
	go func() {
		for s := range sigs {
			name := "INT"
			if s == syscall.SIGTERM {
				name = "TERM"
			}
			if !env.interrupt(name) {
				// A second signal while stopping: give up at once.
				os.Exit(exitInterrupted)
			}
		}
	}()
	os.Exit(env.run(os.Args[1:]))
}

// isTerminal reports whether f is a character device, as a terminal is.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
