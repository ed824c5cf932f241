package grading

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The paths of the grader's work folder become the ones the student knows.
func TestRelativeTo(t *testing.T) {
	rel := relativeTo("/tmp/poolschool-grade-1/s/ada", "/tmp/poolschool-grade-1")
	for in, want := range map[string]string{
		"/tmp/poolschool-grade-1/s/ada/kit/exercises/greet/main.go:3:1: undefined: x": "exercises/greet/main.go:3:1: undefined: x",
		"open /tmp/poolschool-grade-1/s/ada/raw/exercises/x.go: permission denied":    "open exercises/x.go: permission denied",
		"$WORK /tmp/poolschool-grade-1/s/ada/run/greet/bin/greet":                     "$WORK greet",
		"/tmp/poolschool-grade-1/s/ada/run/greet/02-hello/bin/greet: killed":          "greet: killed",
		"/tmp/poolschool-grade-1/s/ada/run/greet/02-hello/ws/script-02-hello/out.txt": "out.txt",
		"/tmp/poolschool-grade-1/s/ada/run/greet/events.jsonl":                        "run/greet/events.jsonl",
		"/tmp/poolschool-grade-1/checks/greet/02-hello.txtar":                         "checks/greet/02-hello.txtar",
		"/tmp/poolschool-grade-1/s/adam/kit/x.go":                                     "s/adam/kit/x.go",
		"no path here": "no path here",
	} {
		require.Equal(t, want, rel(in), "relativeTo(%q)", in)
	}
}
