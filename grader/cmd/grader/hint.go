package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
)

// hintState is .poolschool/hints.json: the hint level shown so far, per
// exercise and check.
type hintState map[string]map[string]int

// cmdHint shows the next hint level for the first check of an exercise
// that did not pass in the last "grader check", or for -check ID.
func cmdHint(args []string, stdout io.Writer) error {
	fl := newFlags("hint", "[-kit DIR] [-check ID] EXERCISE", io.Discard)
	kitDir := fl.String("kit", ".", "the kit's folder")
	checkID := fl.String("check", "", "the check to get a hint for (default: the first that did not pass)")
	again := fl.String("again", "run the same command again", "how to ask for the next level, for the message")
	if err := parseFlags(fl, args, stdout); err != nil {
		return err
	}
	if fl.NArg() > 1 {
		return usageErr("name one exercise, like \"grader hint primes\" (make hint EX=primes)")
	}
	k, all, err := openExercises(*kitDir, "")
	if err != nil {
		return err
	}
	name := fl.Arg(0)
	if name == "" {
		// The exercise of this folder, or the one the last run left
		// unfinished.
		if name = exerciseHere(k, all); name == "" {
			name = unfinished(loadLast(k.Root))
		}
		if name == "" {
			return usageErr("name one exercise, like \"grader hint primes\" (make hint EX=primes)")
		}
	}
	exs, err := kit.Select(all, []string{name})
	if err != nil {
		return usageErr("%v", err)
	}
	ex := exs[0]
	var c *spec.Check
	var rec *result.Check // c's record in the last run, when it did not pass
	var exRec *result.Exercise
	if *checkID != "" {
		c = ex.Check(*checkID)
		if c == nil || c.Visibility != spec.Visible {
			return usageErr("exercise %s has no check %q", ex.Name, *checkID)
		}
	} else {
		last := loadLast(k.Root)
		if last == nil {
			return fmt.Errorf("no earlier check run found: run \"make check EX=%s\" first, so hint knows which check to help with", ex.Name)
		}
		for i, e := range last.Exercises {
			if e.Name != ex.Name {
				continue
			}
			exRec = &last.Exercises[i]
			for j, rc := range e.Checks {
				if rc.Status != result.Passed && rc.Status != result.Skipped && rc.Status != result.NotMeasured {
					c, rec = ex.Check(rc.ID), &exRec.Checks[j]
					break
				}
			}
		}
		if c == nil {
			found := false
			for _, e := range last.Exercises {
				found = found || e.Name == ex.Name
			}
			if !found {
				return fmt.Errorf("the last check run did not include %s: run \"make check EX=%s\" first", ex.Name, ex.Name)
			}
			fmt.Fprintf(stdout, "Every check of %s passed in your last run. Well done.\n", ex.Name)
			return nil
		}
	}
	if exRec != nil && exRec.BuildError != "" && rec != nil && rec.Reason == "the program does not build" {
		fmt.Fprintf(stdout, "Your program does not build. The compiler says (paths inside exercises/%s/):\n", ex.Name)
		for _, l := range strings.Split(render.Text(exRec.BuildError), "\n") {
			fmt.Fprintf(stdout, "  %s\n", l)
		}
	}
	if rec != nil && rec.FailureHint != "" {
		fmt.Fprintf(stdout, "For this failure (%s):\n  %s\n", render.Text(rec.Reason), render.Text(rec.FailureHint))
	}
	if len(c.Hints) == 0 {
		fmt.Fprintf(stdout, "The check %q has no more hints.%s\n", c.Title, readAgain(ex))
		return nil
	}
	statePath := filepath.Join(k.Root, kit.StateDir, hintsFile)
	st := hintState{}
	if data, err := os.ReadFile(statePath); err == nil {
		if json.Unmarshal(data, &st) != nil {
			st = hintState{} // a damaged state file only resets the levels
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading hint state: %w", err)
	}
	if st[ex.Name] == nil {
		st[ex.Name] = map[string]int{}
	}
	shown := st[ex.Name][c.ID]
	level := min(shown+1, len(c.Hints))
	st[ex.Name][c.ID] = level
	fmt.Fprintf(stdout, "Hints for %q (%s), level %d of %d:\n", c.Title, c.ID, level, len(c.Hints))
	for i := 0; i < level; i++ {
		fmt.Fprintf(stdout, "  %d. %s\n", i+1, render.Text(c.Hints[i]))
	}
	switch {
	case level < len(c.Hints):
		fmt.Fprintf(stdout, "%s for the next level.\n", capitalize(*again))
	case shown == len(c.Hints):
		fmt.Fprintf(stdout, "That was the last hint for this check; there is no level %d.%s\n", level+1, readAgain(ex))
	default:
		fmt.Fprintf(stdout, "This is the last hint for this check.%s\n", readAgain(ex))
	}
	data, _ := json.MarshalIndent(st, "", "  ")
	if err := os.MkdirAll(filepath.Dir(statePath), 0o755); err != nil {
		return err
	}
	return os.WriteFile(statePath, append(data, '\n'), 0o644)
}

// readAgain points to what to read when the hints run out: the exercise's
// page, which names the lessons it builds on.
func readAgain(ex *spec.Exercise) string {
	if ex.Page == "" {
		return ""
	}
	return " Read " + ex.Page + " again, and the lessons it names."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
