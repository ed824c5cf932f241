package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
)

// cmdValidate proves the checks: every reference solution passes every
// check, visible and hidden, and every untouched starter builds and passes
// no graded check (a check that passes on a starter must say "ungraded").
//
// The starters are never taken from a working tree that a student may have
// edited: validate reads them from the starters manifest of a released kit,
// or from git HEAD, and only where neither exists from exercises/ on disk
// (kit.Starters). A student kit holds no solutions/: there validate proves
// what it can, that the visible checks load and fail on the starters.
func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", "[-kit DIR] [-ex NAME]", stderr)
	kitDir := fs.String("kit", ".", "the kit's folder")
	exName := fs.String("ex", "", "validate only this exercise")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitCode(err, stderr)
	}
	if fs.NArg() > 0 {
		return exitCode(usageErr("validate takes no arguments, got %q; pick one exercise with -ex NAME", fs.Arg(0)), stderr)
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
	studentKit := !isDir(filepath.Join(k.Root, kit.Solutions))
	n := 0
	if !studentKit {
		sol, err := checkTree(k.Root, exs, "", kit.Solutions)
		if err != nil {
			return exitCode(err, stderr)
		}
		for _, c := range sol.Checks() {
			if c.Status == result.NotMeasured {
				// Not a problem of the check: the machine could not
				// measure. Say so, for nothing was proved.
				fmt.Fprintf(stdout, "note: solutions/%s: check %s (%s) not measured, so not proved: %s\n", c.Exercise, c.ID, c.Title, oneLine(c.Reason))
				continue
			}
			if c.Status != result.Passed {
				problems++
				fmt.Fprintf(stdout, "FAIL solutions/%s: check %s (%s) %s: %s\n", c.Exercise, c.ID, c.Title, c.Status, oneLine(c.Reason))
			}
		}
		n = len(sol.Checks())
	}
	work, err := os.MkdirTemp("", "poolschool-validate-")
	if err != nil {
		return exitCode(fmt.Errorf("making a work folder: %w", err), stderr)
	}
	defer os.RemoveAll(work)
	pristine := filepath.Join(work, "kit")
	st, err := k.PristineCopy(pristine)
	if err != nil {
		return exitCode(err, stderr)
	}
	starter, err := checkTree(pristine, exs, "", kit.Exercises)
	if err != nil {
		return exitCode(err, stderr)
	}
	for _, ex := range starter.Exercises {
		if ex.BuildError != "" {
			problems++
			fmt.Fprintf(stdout, "FAIL exercises/%s: the untouched starter does not build: %s\n", ex.Name, oneLine(ex.BuildError))
			continue
		}
		for _, c := range ex.Checks {
			if c.Status == result.Passed && !c.Ungraded {
				problems++
				fmt.Fprintf(stdout, "FAIL exercises/%s: check %s (%s) passes on the untouched starter; make it fail there or mark it \"# ungraded\"\n", c.Exercise, c.ID, c.Title)
			}
		}
	}
	if studentKit {
		n = len(starter.Checks())
	}
	if len(st.Edited) > 0 {
		fmt.Fprintf(stdout, "note: exercises/ differs from %s in %s; validate used the committed starters (make check grades your own files)\n", st.Describe(), someFiles(st.Edited, 3))
	}
	for _, ex := range st.Uncommitted {
		fmt.Fprintf(stdout, "note: exercises/%s is not committed yet; validate used its starter as it is on disk\n", ex)
	}
	took := time.Since(start).Round(time.Second)
	switch {
	case problems > 0:
		fmt.Fprintf(stdout, "validate: %d problem(s) in %d checks of %d exercise(s) (%s)\n", problems, n, len(exs), took)
		return 1
	case studentKit:
		fmt.Fprintf(stdout, "validate: ok: student kit: %d visible checks of %d exercise(s) load, and %s build and score zero on them (%s); the solutions are proved in the instructor's kit\n", n, len(exs), st.Describe(), took)
	default:
		fmt.Fprintf(stdout, "validate: ok: %d checks of %d exercise(s): solutions score full marks, starters score zero; starters: %s (%s)\n", n, len(exs), st.Describe(), took)
	}
	return 0
}

// someFiles names up to n files and says how many there are.
func someFiles(files []string, n int) string {
	if len(files) <= n {
		return fmt.Sprintf("%d file(s): %s", len(files), strings.Join(files, ", "))
	}
	return fmt.Sprintf("%d files: %s, ...", len(files), strings.Join(files[:n], ", "))
}

func isDir(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

func oneLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
