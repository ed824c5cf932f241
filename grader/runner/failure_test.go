package runner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// helloScript is a check file the logs below come from.
const helloScript = `# title: greets by name
# points: 2
# hint: say hello

# greets Ada
# hint: print exactly one line
exec $PROG Ada
stdout '^hello, Ada!$'

# a name with a space
exec $PROG 'Grace Hopper'
cmp stdout want.txt

# usage
run -t 5s -status 2 $PROG
stderr -count=1 '^.+$'

# reads names from stdin
stdin names.txt
exec $PROG -
cmp stdout want-names.txt

# the helper checks the file
exec $PROG -o out.csv in/a.txt in/b
exec awk -f check.awk out.csv

-- want.txt --
hello, Grace Hopper!
-- names.txt --
Ada
Grace
-- want-names.txt --
hello, Ada!
hello, Grace!
-- in/a.txt --
one line
-- in/b/c.txt --
first
second
`

func TestExplain(t *testing.T) {
	s := readScript([]byte(helloScript))
	tests := []struct {
		name string
		log  string
		want failure
	}{
		{"no match", "# greets Ada (0.01s)\n> exec $PROG Ada\n[stdout]\nhello Ada\n> stdout '^hello, Ada!$'\nFAIL: /x/checks/02-hello.txtar:8: no match for `^hello, Ada!$` found in stdout\n",
			failure{Reason: "greets Ada: no line on stdout matches what the check expects", Phase: "greets Ada", Hints: []string{"print exactly one line"},
				Command: "greet Ada", Expected: "^hello, Ada!$", ExpectedLabel: "expected on stdout a line matching",
				Got: "hello Ada", GotLabel: "got on stdout", Output: "hello Ada"}},
		{"cmp shows the file's content and a diff, expected first", "# a name with a space (0.01s)\n> exec $PROG 'Grace Hopper'\n[stdout]\nhello, Grace!\n[stderr]\nwarning: one name only\n> cmp stdout want.txt\ndiff stdout want.txt\n--- stdout\n+++ want.txt\n@@ -1,1 +1,1 @@\n-hello, Grace!\n+hello, Grace Hopper!\n\nFAIL: 02-hello.txtar:12: stdout and want.txt differ\n",
			failure{Reason: "a name with a space: stdout is not what the check expects", Phase: "a name with a space",
				Command: "greet 'Grace Hopper'", Expected: "hello, Grace Hopper!", ExpectedLabel: "expected on stdout",
				Got: "hello, Grace!", GotLabel: "got on stdout", Stderr: "warning: one name only",
				Diff: "-hello, Grace Hopper!\n+hello, Grace!", Output: "hello, Grace!\nwarning: one name only"}},
		{"empty output is nothing", "# a name with a space (0.01s)\n> exec $PROG 'Grace Hopper'\n> cmp stdout want.txt\ndiff stdout want.txt\n--- stdout\n+++ want.txt\n@@ -0,0 +1,1 @@\n+hello, Grace Hopper!\nFAIL: 02-hello.txtar:12: stdout and want.txt differ\n",
			failure{Reason: "a name with a space: stdout is not what the check expects", Phase: "a name with a space",
				Command: "greet 'Grace Hopper'", Expected: "hello, Grace Hopper!", ExpectedLabel: "expected on stdout",
				Got: "nothing", GotLabel: "got on stdout", Diff: "-hello, Grace Hopper!"}},
		{"exit status in words", "# greets Ada (0.0s)\n> exec $PROG Ada\n[stderr]\nflag provided but not defined: -n\nusage: greet NAME\n[exit status 2]\nFAIL: 02-hello.txtar:7: unexpected command failure\n",
			failure{Reason: "greets Ada: your program exited with status 2, want status 0 (success)", Phase: "greets Ada", Hints: []string{"print exactly one line"},
				Command: "greet Ada", GotLabel: "its stdout", Stderr: "flag provided but not defined: -n\nusage: greet NAME",
				Output: "flag provided but not defined: -n\nusage: greet NAME\n[exit status 2]"}},
		{"run's status, and the count of lines", "# usage (0.0s)\n> run -t 5s -status 2 $PROG\n[stderr]\nnot done\n\nFAIL: 02-hello.txtar:15: exit status 1, want 2\n",
			failure{Reason: "usage: your program exited with status 1, want status 2", Phase: "usage",
				Command: "greet", GotLabel: "its stdout", Stderr: "not done", Output: "not done"}},
		{"count", "# usage (0.0s)\n> run -t 5s -status 2 $PROG\n[stderr]\nusage: greet NAME\n  NAME  the name\n> stderr -count=1 '^.+$'\nFAIL: 02-hello.txtar:16: have 2 matches for `^.+$`, want 1\n",
			failure{Reason: "usage: stderr has 2 line(s) matching, want 1", Phase: "usage",
				Command: "greet", Expected: "^.+$", ExpectedLabel: "expected on stderr 1 line(s) matching",
				Got: "usage: greet NAME\n  NAME  the name", GotLabel: "got on stderr", Output: "usage: greet NAME\n  NAME  the name"}},
		{"stdin is the input", "# reads names from stdin (0.0s)\n> stdin names.txt\n> exec $PROG -\n[stdout]\nhello, Ada!\n> cmp stdout want-names.txt\ndiff stdout want-names.txt\n--- stdout\n+++ want-names.txt\n@@ -1,1 +1,2 @@\n hello, Ada!\n+hello, Grace!\nFAIL: 02-hello.txtar:21: stdout and want-names.txt differ\n",
			failure{Reason: "reads names from stdin: stdout is not what the check expects", Phase: "reads names from stdin",
				Command: "greet -", Input: "Ada\nGrace", Expected: "hello, Ada!\nhello, Grace!", ExpectedLabel: "expected on stdout",
				Got: "hello, Ada!", GotLabel: "got on stdout", Diff: " hello, Ada!\n-hello, Grace!", Output: "hello, Ada!"}},
		{"a helper's words are the reason; input files shown", "# the helper checks the file (0.0s)\n> exec $PROG -o out.csv in/a.txt in/b\n> exec awk -f check.awk out.csv\n[stdout]\nout.csv: line 2: seconds \"15.28ms\" is not a positive number\nout.csv: line 3: 3 fields, want 4\n[exit status 1]\nFAIL: 02-hello.txtar:26: unexpected command failure\n",
			failure{Reason: "the helper checks the file: out.csv: line 2: seconds \"15.28ms\" is not a positive number", Phase: "the helper checks the file",
				Command: "greet -o out.csv in/a.txt in/b", Input: "in/a.txt: one line\nin/b/c.txt: first ... (2 lines)",
				Got: "nothing", GotLabel: "got on stdout",
				Detail: "out.csv: line 2: seconds \"15.28ms\" is not a positive number\nout.csv: line 3: 3 fields, want 4"}},
		{"an unexpected match names the whole line, not the match", "# greets Ada (0.01s)\n> exec $PROG Ada\n[stdout]\nhello, Ada!\n[stderr]\nhello on stdout\ndebug: greeting Ada\n> ! stderr 'debug|Ada'\nFAIL: 02-hello.txtar:8: unexpected match for `debug|Ada` found in stderr: debug\n",
			failure{Reason: "greets Ada: a line on stderr should not be there: debug: greeting Ada", Phase: "greets Ada", Hints: []string{"print exactly one line"},
				Command: "greet Ada", Expected: "debug|Ada", ExpectedLabel: "expected on stderr no line matching",
				Got: "hello on stdout\ndebug: greeting Ada", GotLabel: "got on stderr", Output: "hello, Ada!\nhello on stdout\ndebug: greeting Ada"}},
		{"an unexpected line that is too long is cut", "# greets Ada (0.01s)\n> exec $PROG Ada\n[stdout]\nhello, Ada!\n[stderr]\n" + strings.Repeat("x", 300) + "\n> ! stderr .\nFAIL: 02-hello.txtar:8: unexpected match for `.` found in stderr: x\n",
			failure{Reason: "greets Ada: a line on stderr should not be there: " + strings.Repeat("x", lineWidth-1) + "…", Phase: "greets Ada", Hints: []string{"print exactly one line"},
				Command: "greet Ada", Expected: ".", ExpectedLabel: "expected on stderr no line matching",
				Got: strings.Repeat("x", lineWidth-1) + "…", GotLabel: "got on stderr", Output: "hello, Ada!\n" + strings.Repeat("x", 300)}},
		{"goroutine dump removed", "# greets Ada (0.0s)\n> exec $PROG Ada\n[stderr]\nSIGQUIT: quit\ngoroutine 1 [running]:\nmain.main()\n\n[context deadline exceeded]\nFAIL: 02-hello.txtar:7: test timed out while running command\n",
			failure{Reason: "greets Ada: test timed out while running command", Phase: "greets Ada", Hints: []string{"print exactly one line"},
				Command: "greet Ada", Got: "nothing", GotLabel: "got on stdout", Stderr: "[goroutine dump removed]",
				Output: "[goroutine dump removed]\n[context deadline exceeded]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Empty(t, cmp.Diff(tt.want, explain(tt.log, s, "greet")), "explain (-want +got)")
		})
	}
}

// Long output keeps its first lines, the most telling, and its last.
func TestCutLines(t *testing.T) {
	var lines []string
	for i := 1; i <= 100; i++ {
		lines = append(lines, fmt.Sprint("line ", i))
	}
	got := cutLines(strings.Join(lines, "\n"))
	want := "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\n... 88 lines ...\nline 97\nline 98\nline 99\nline 100"
	require.Equal(t, want, got)
	s := strings.Join(lines[:13], "\n")
	require.Equal(t, s, cutLines(s), "13 lines were cut")
}

// The compiler's lines name files as the student's own kit has them, from
// its root.
func TestCompilerLines(t *testing.T) {
	out := "# github.com/poolschool/poolschool/exercises/primes\n/tmp/k/exercises/primes/main.go:6:24: syntax error: unexpected newline\n./exercises/primes/util.go:3:2: undefined: x\n"
	want := "exercises/primes/main.go:6:24: syntax error: unexpected newline\nexercises/primes/util.go:3:2: undefined: x"
	require.Equal(t, want, compilerLines(out, "/tmp/k"))
}

// A program that floods its output up to the cap (1 MiB of "debug" lines)
// is explained in time linear in its output: the steps' output is
// gathered without copying it again for every line, which took half a
// minute of CPU per failed check.
func TestParseStepsLargeOutput(t *testing.T) {
	const lines = 100_000
	log := "# greets Ada (0.01s)\n> exec $PROG Ada\n[stdout]\n" + strings.Repeat("debug\n", lines) +
		"[stderr]\nstopped\n> cmp stdout want.txt\nFAIL: 02-hello.txtar:12: stdout and want.txt differ\n"
	var steps []*step
	allocs := testing.AllocsPerRun(1, func() { steps = parseSteps(log) })
	require.Len(t, steps, 2)
	require.Empty(t, cmp.Diff(strings.Repeat("debug\n", lines), steps[0].stdout), "stdout (-want +got)")
	require.Empty(t, cmp.Diff("stopped\n", steps[0].stderr), "stderr (-want +got)")
	require.Less(t, allocs, float64(lines/100), "allocations for %d lines of output", lines)
}
