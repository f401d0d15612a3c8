package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets the test binary act as the simulate command, so that tests
// can run it as a separate process (signals, system calls) without
// building it: with PROBESIM_AS_MAIN=1 it runs main on its arguments.
func TestMain(m *testing.M) {
	if os.Getenv("PROBESIM_AS_MAIN") == "1" {
		os.Args = append([]string{"simulate"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}

// command returns the simulate command as a child process.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "PROBESIM_AS_MAIN=1")
	return cmd
}

// long is a run that takes minutes: 1000 requests a second for a week.
const long = `apiVersion: probesim.dev/v1alpha1
kind: Scenario
metadata: {name: long}
duration: 160h
traffic:
- {target: service/web, rate: 1000/s}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: web:1, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`

// TestSignals sends SIGINT, then SIGTERM, to a running simulation as soon
// as its first output arrives: it must stop at the next event, end its
// JSONL with an Interrupted record naming the signal, and exit 130.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	file := filepath.Join(t.TempDir(), "long.yaml")
	if err := os.WriteFile(file, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []struct {
		s    syscall.Signal
		name string
	}{{syscall.SIGINT, "INT"}, {syscall.SIGTERM, "TERM"}} {
		t.Run(sig.name, func(t *testing.T) {
			cmd := command(t, "run", "-q", "-f", file, "-o", "jsonl")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(stdout)
			first, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("no first line: %v; stderr: %s", err, stderr.String())
			}
			if err := cmd.Process.Signal(sig.s); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(r)
			err = cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			if code != exitInterrupted {
				t.Fatalf("exit %d (%v), want %d; stderr: %s", code, err, exitInterrupted, stderr.String())
			}
			out := first + string(rest)
			checkJSONL(t, out, "Interrupted")
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			var last struct {
				Kind, Signal string
				T            float64
			}
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Signal != sig.name {
				t.Errorf("last line %s: want an Interrupted record with signal %s", lines[len(lines)-1], sig.name)
			}
			if last.T >= 160*3600 {
				t.Errorf("interrupted at %vs: the run was not stopped early", last.T)
			}
			if !strings.Contains(stderr.String(), "interrupted signal=SIG"+sig.name) {
				t.Errorf("stderr does not report the interruption: %s", stderr.String())
			}
		})
	}
}

// TestNoNetworkNoStrayFiles runs the command under strace and checks the
// system calls it makes: no socket at all, and no file opened but the
// scenario it was given, the Go runtime's own reads (its executable, the
// dynamic loader, /proc/self and the cgroup files that size GOMAXPROCS)
// and the output file it was told to write. Exec probes, hooks and
// commands are descriptions: nothing is executed (no execve but the
// first). Without strace, or where ptrace is not allowed, it is skipped;
// docs/cli.md says why this is the check, and how to repeat it by hand.
func TestNoNetworkNoStrayFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace")
	outFile := filepath.Join(dir, "run.jsonl")
	exe, _ := os.Executable()
	scenario, _ := filepath.Abs("testdata/budget.yaml")
	// Service traffic, an exec liveness probe and an exec preStop hook
	// (a rollout at 10 s runs it) whose commands would leave canaries.
	canary := filepath.Join(dir, "canary")
	cmd := command(t, "run", "-q", "-f", scenario, "-o", "jsonl", "--out", outFile, "--set", "duration=30s",
		"--set", "deployment/web:containers[web].livenessProbe={exec: {command: [touch, "+canary+"-probe]}, periodSeconds: 1}",
		"--set", "deployment/web:containers[web].lifecycle={preStop: {exec: {command: [touch, "+canary+"-hook]}}}",
		"--set", "actions=[{at: 10s, apply: {kind: Deployment, metadata: {name: web}, spec: {template: {metadata: {labels: {app: web, v: '2'}}}}}}]")
	cmd.Args = append([]string{strace, "-f", "-qq", "-o", trace, "-e", "trace=%network,open,openat,openat2,creat,execve,execveat", exe}, cmd.Args[1:]...)
	cmd.Path = strace
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "ptrace") || strings.Contains(stderr.String(), "Operation not permitted") {
			t.Skipf("strace cannot trace here: %s", stderr.String())
		}
		t.Fatalf("%v: %s", err, stderr.String())
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []*regexp.Regexp{
		regexp.MustCompile(`^/(usr/)?lib(64|32)?/`), // the dynamic loader's libraries
		regexp.MustCompile(`^/etc/ld\.so\.`),
		regexp.MustCompile(`^/proc/self/`),
		regexp.MustCompile(`^/sys/kernel/mm/transparent_hugepage/`),
		regexp.MustCompile(`^/sys/fs/cgroup/`),
		regexp.MustCompile(`^` + regexp.QuoteMeta(exe) + `$`),
		regexp.MustCompile(`^` + regexp.QuoteMeta(scenario) + `$`),
		// --out's temporary file and the file itself.
		regexp.MustCompile(`^` + regexp.QuoteMeta(dir) + `/\.run\.jsonl\.[0-9]+\.tmp$`),
	}
	call := regexp.MustCompile(`^\d+ +(\w+)\((.*)`)
	path := regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
	execs := 0
	for _, line := range strings.Split(string(data), "\n") {
		m := call.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, args := m[1], m[2]
		switch name {
		case "execve", "execveat":
			if execs++; execs > 1 {
				t.Errorf("executed a program: %s", line)
			}
			continue
		case "open", "openat", "openat2", "creat":
			if strings.Contains(line, "ENOENT") {
				continue // a runtime probe of a file that is not there
			}
			p := path.FindStringSubmatch(args)
			if p == nil {
				t.Errorf("cannot read the path of %s", line)
				continue
			}
			ok := false
			for _, a := range allowed {
				ok = ok || a.MatchString(p[1])
			}
			if !ok {
				t.Errorf("opened a file it was not given: %s", line)
			}
			continue
		}
		t.Errorf("network system call: %s", line)
	}
	out, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatalf("the run wrote no output: %v", err)
	}
	for _, want := range []string{`"probe":"liveness"`, `"reason":"Killing"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the run has no %s record: the probe or hook this test is about did not happen", want)
		}
	}
	for _, c := range []string{canary + "-probe", canary + "-hook"} {
		if _, err := os.Stat(c); err == nil {
			t.Errorf("%s exists: a command was executed", c)
		}
	}
	if !strings.Contains(string(data), scenario) {
		t.Errorf("the trace does not show the scenario being read: strace recorded nothing useful:\n%s", data)
	}
}
