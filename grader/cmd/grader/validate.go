package main

import (
	"fmt"
	"io"
	"time"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
)

// cmdValidate proves the checks: every reference solution passes every
// check, visible and hidden, and every untouched starter passes no graded
// check (a check that passes on a starter must say "ungraded").
func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", "[-kit DIR] [-ex NAME]", stderr)
	kitDir := fs.String("kit", ".", "the kit's folder")
	exName := fs.String("ex", "", "validate only this exercise")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return exitCode(usageErr("usage: grader validate [-kit DIR] [-ex NAME]"), stderr)
	}
	k, exs, err := openExercises(*kitDir, *exName)
	if err != nil {
		return exitCode(err, stderr)
	}
	if len(exs) == 0 {
		fmt.Fprintln(stdout, "validate: no exercises under grader/checks yet; nothing to prove")
		return 0
	}
	start := time.Now()
	problems := 0
	sol, err := checkTree(k.Root, exs, "", kit.Solutions)
	if err != nil {
		return exitCode(err, stderr)
	}
	for _, c := range sol.Checks() {
		if c.Status != result.Passed {
			problems++
			fmt.Fprintf(stdout, "FAIL solutions/%s: check %s (%s) %s: %s\n", c.Exercise, c.ID, c.Title, c.Status, oneLine(c.Reason))
		}
	}
	starter, err := checkTree(k.Root, exs, "", kit.Exercises)
	if err != nil {
		return exitCode(err, stderr)
	}
	for _, c := range starter.Checks() {
		if c.Status == result.Passed && !c.Ungraded {
			problems++
			fmt.Fprintf(stdout, "FAIL exercises/%s: check %s (%s) passes on the untouched starter; make it fail there or mark it \"# ungraded\"\n", c.Exercise, c.ID, c.Title)
		}
	}
	n := len(sol.Checks())
	if problems > 0 {
		fmt.Fprintf(stdout, "validate: %d problem(s) in %d checks of %d exercise(s) (%s)\n", problems, n, len(exs), time.Since(start).Round(time.Second))
		return 1
	}
	fmt.Fprintf(stdout, "validate: ok: %d checks of %d exercise(s): solutions score full marks, starters score zero (%s)\n", n, len(exs), time.Since(start).Round(time.Second))
	return 0
}

func oneLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
