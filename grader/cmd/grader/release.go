package main

import (
	"fmt"
	"io"
	"strings"
)

// cmdRelease writes the student kit.
func cmdRelease(args []string, stdout io.Writer) error {
	fs := newFlags("release", "[-kit DIR] DIR", io.Discard)
	kitDir := fs.String("kit", ".", "the instructor's kit")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usageErr("usage: grader release [-kit DIR] DIR (a new or empty folder)")
	}
	k, exs, err := openExercises(*kitDir, "")
	if err != nil {
		return err
	}
	info, err := k.Release(fs.Arg(0), exs, true)
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
	return nil
}
