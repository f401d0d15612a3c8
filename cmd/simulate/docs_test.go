package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// shellBlock matches a ```sh fenced block of a Markdown file.
var shellBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// TestDocCommands runs every `go run ./cmd/simulate ...` command of the
// README and the tutorial in-process and requires it to succeed, so the
// documentation cannot drift from what the tool does. Commands that write
// files (`>`) are skipped.
func TestDocCommands(t *testing.T) {
	for _, doc := range []string{"../../README.md", "../../docs/tutorial.md"} {
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range shellBlock.FindAllStringSubmatch(string(src), -1) {
			for _, line := range joinContinuations(m[1]) {
				args, ok := simulateArgs(line)
				if !ok {
					continue
				}
				n++
				t.Run(strings.Join(args, " "), func(t *testing.T) {
					if code, _, stderr := call(t, args...); code != exitOK {
						t.Errorf("%s: exit %d\n%s", line, code, stderr)
					}
				})
			}
		}
		if n == 0 {
			t.Errorf("%s: no simulate command found", doc)
		}
	}
}

// joinContinuations splits a shell block into commands, joining lines that
// end with a backslash.
func joinContinuations(block string) []string {
	var out []string
	cur := ""
	for _, l := range strings.Split(block, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	return out
}

// simulateArgs returns the arguments of a `go run ./cmd/simulate` command,
// unquoting single-quoted words; ok is false for other lines and for
// commands that redirect output.
func simulateArgs(line string) ([]string, bool) {
	rest, ok := strings.CutPrefix(line, "go run ./cmd/simulate")
	if !ok || strings.ContainsAny(rest, "<>|") {
		return nil, false
	}
	var args []string
	for _, f := range regexp.MustCompile(`'[^']*'|\S+`).FindAllString(rest, -1) {
		args = append(args, strings.Trim(f, "'"))
	}
	return args, true
}

// TestReadmeExcerpt requires every line of the README's excerpt of the
// main command's output to be in what that command prints today.
func TestReadmeExcerpt(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```\n(Key moments:\n.*?)```").FindStringSubmatch(string(src))
	if m == nil {
		t.Fatal("README: no excerpt starting with Key moments:")
	}
	code, out, stderr := call(t, "--scenario", "readiness-stall")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(m[1]), "\n") {
		if line != "" && !strings.Contains(out, line+"\n") {
			t.Errorf("README excerpt line not in the output: %q", line)
		}
	}
}
