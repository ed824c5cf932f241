package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/kit"
)

// cmdRelease writes the student kit.
func cmdRelease(args []string, stdout io.Writer) error {
	fs := newFlags("release", "[-kit DIR] DIR", io.Discard)
	kitDir := fs.String("kit", ".", "the instructor's kit")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("name the one folder to write the student kit to (a new or empty one), like \"grader release ../kit\"")
	}
	k, exs, err := openExercises(*kitDir, "")
	if err != nil {
		return err
	}
	info, err := k.Release(fs.Arg(0), exs, true)
	if ie := (*kit.InsideKitError)(nil); errors.As(err, &ie) {
		return usageErr("%v", ie)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "released the student kit to %s: %d files\n", fs.Arg(0), info.Files)
	fmt.Fprintf(stdout, "left out: %s\n", strings.Join(info.LeftOut, ", "))
	fmt.Fprintf(stdout, "hidden checks left out: %d", len(info.HiddenChecks))
	if len(info.HiddenChecks) > 0 {
		fmt.Fprintf(stdout, " (%s)", strings.Join(info.HiddenChecks, ", "))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "exercises/: %s, recorded in %s for the kit's make test\n", info.Starters.Describe(), kit.StartersFile)
	for _, ex := range info.Starters.Uncommitted {
		fmt.Fprintf(stdout, "note: exercises/%s is not committed yet; its starter is released as it is on disk\n", ex)
	}
	if ed := info.Starters.Edited; len(ed) > 0 {
		fmt.Fprintf(stdout, "note: exercises/ differs from them in %s; commit a changed starter to release it\n", someFiles(ed, 3))
	}
	for _, d := range info.Dangling {
		fmt.Fprintf(stdout, "warning: %s is a link to a file the student kit does not hold; wrap it in <!-- instructor-only --> ... <!-- end instructor-only -->\n", d)
	}
	return nil
}
