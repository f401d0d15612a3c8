package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutKeptWhenInterrupted pins that an interrupted run leaves the file
// --out names as it was, while a finished run replaces it.
func TestOutKeptWhenInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run.jsonl")
	if err := os.WriteFile(out, []byte("a good log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	e := newEnv(strings.NewReader(""), &stdout, &stderr)
	e.interrupt("TERM")
	if code := e.run([]string{"run", "-q", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl", "--out", out}); code != exitInterrupted {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if data, _ := os.ReadFile(out); string(data) != "a good log\n" {
		t.Errorf("the interrupted run replaced --out: %.80q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".run.jsonl.*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if code, _, stderr := call(t, "run", "-q", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl", "--out", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(out); !bytes.HasPrefix(data, []byte(`{"t":0,"kind":"Run"`)) {
		t.Errorf("the finished run did not replace --out: %.80q", data)
	}
}

// TestOutToPipe pins that --out naming a pipe (or a device, like
// /dev/null) writes into it instead of renaming a file over it.
func TestOutToPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		got <- data
	}()
	if code, _, stderr := call(t, "run", "-q", "-f", "testdata/pod-liveness.yaml", "-o", "jsonl", "--out", fifo); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data := <-got
	checkJSONL(t, string(data), "End")
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", st.Mode(), err)
	}
}
