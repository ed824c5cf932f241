package runner

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFailure(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want failure
	}{
		{"no match", "# greets Ada (0.01s)\n> exec $PROG Ada\n[stdout]\nhello Ada\n> stdout '^hello, Ada!$'\nFAIL: /x/checks/02-hello.txtar:9: no match for `^hello, Ada!$` found in stdout\n",
			failure{Reason: "greets Ada: no match for `^hello, Ada!$` found in stdout", Expected: "output matching ^hello, Ada!$", Got: "hello Ada", Output: "hello Ada"}},
		{"cmp diff", "# spaces (0.01s)\n> exec $PROG 'Grace Hopper'\n[stdout]\nhello, Grace!\n> cmp stdout want.txt\ndiff stdout want.txt\n--- stdout\n+++ want.txt\n@@ -1,1 +1,1 @@\n-hello, Grace!\n+hello, Grace Hopper!\n\nFAIL: 04-spaces.txtar:7: stdout and want.txt differ\n",
			failure{Reason: "spaces: stdout and want.txt differ", Expected: "hello, Grace Hopper!", Got: "hello, Grace!", Output: "hello, Grace!"}},
		{"exit status", "# runs (0.0s)\n> exec $PROG\n[stderr]\nboom\n[exit status 1]\nFAIL: 01-runs.txtar:3: unexpected command failure\n",
			failure{Reason: "runs: unexpected command failure", Got: "boom\n[exit status 1]", Output: "boom\n[exit status 1]"}},
		{"goroutine dump removed", "> exec $PROG\n[stderr]\nSIGQUIT: quit\ngoroutine 1 [running]:\nmain.main()\n\n[context deadline exceeded]\nFAIL: 01-runs.txtar:3: test timed out while running command\n",
			failure{Reason: "test timed out while running command", Got: "[goroutine dump removed]\n[context deadline exceeded]", Output: "[goroutine dump removed]\n[context deadline exceeded]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseFailure(tt.log)); diff != "" {
				t.Errorf("parseFailure (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCondition(t *testing.T) {
	ok, err := condition("cpus:1")
	if err != nil || !ok {
		t.Fatalf("cpus:1 = %v, %v", ok, err)
	}
	ok, err = condition("cpus:100000")
	if err != nil || ok {
		t.Fatalf("cpus:100000 = %v, %v", ok, err)
	}
	if _, err := condition("cpus:x"); err == nil {
		t.Fatal("cpus:x gave no error")
	}
	if _, err := condition("gpu"); err == nil {
		t.Fatal("gpu gave no error")
	}
}

func TestParallelCondition(t *testing.T) {
	if _, err := condition("parallel:x"); err == nil {
		t.Fatal("parallel:x gave no error")
	}
	ok, err := condition("parallel:100000")
	if err != nil || ok {
		t.Fatalf("parallel:100000 = %v, %v; no machine here has that many CPUs", ok, err)
	}
	// The measure itself depends on the machine's load, so only its sanity
	// is asserted: some work got done.
	if e := parallelEfficiency(1); e <= 0 {
		t.Fatalf("parallelEfficiency(1) = %.2f, want a positive ratio", e)
	}
}
