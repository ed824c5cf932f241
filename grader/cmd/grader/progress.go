package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
)

// cmdProgress says where the student is, without running anything: per
// exercise the points of the last check and the best so far, which one to
// work on, and what to do next. It reads .poolschool/ (see state.go).
func cmdProgress(args []string, stdout io.Writer) error {
	fs := newFlags("progress", "[-kit DIR]", io.Discard)
	kitDir := fs.String("kit", ".", "the kit's folder (found upwards from here)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("progress takes no arguments, only -kit DIR; run \"grader progress\" (make progress)")
	}
	k, all, err := openExercises(*kitDir, "")
	if err != nil {
		return err
	}
	last := loadLast(k.Root)
	if last == nil {
		last = &result.Report{}
	}
	scores := loadProgress(k.Root)
	current := ""
	width := 0
	for _, ex := range all {
		width = max(width, len(ex.Name))
		if s, ok := scores[ex.Name]; current == "" && (!ok || s.Last < s.Max) {
			current = ex.Name
		}
	}
	fmt.Fprintln(stdout, "Your progress, from your latest make check of each exercise:")
	for _, ex := range all {
		pad := strings.Repeat(" ", width-len(ex.Name))
		s, ok := scores[ex.Name]
		here := ""
		if ex.Name == current {
			here = "  <- you are here"
		}
		if !ok {
			fmt.Fprintf(stdout, "  %s%s  not checked yet%s\n", ex.Name, pad, here)
			continue
		}
		line := fmt.Sprintf("  %s%s  %s  %s/%s points", ex.Name, pad, bar(s.Last, s.Max), result.Points(s.Last), result.Points(s.Max))
		if s.Best > s.Last {
			line += fmt.Sprintf(" (best %s)", result.Points(s.Best))
		}
		fmt.Fprintln(stdout, line+here)
	}
	if current == "" {
		fmt.Fprintln(stdout, "Every visible check of every exercise passed.")
		return nil
	}
	if unfinished(last) == current {
		if next := render.Next(last, render.Style{HintEx: "make hint EX=%s"}); next != "" {
			fmt.Fprintf(stdout, "Next: %s\n", next)
			return nil
		}
	}
	for _, ex := range all {
		if ex.Name == current {
			page := ""
			if ex.Page != "" {
				page = ", read " + ex.Page + " first"
			}
			fmt.Fprintf(stdout, "Next: %s%s; then make check EX=%s (or make watch EX=%s)\n", ex.Name, page, ex.Name, ex.Name)
		}
	}
	return nil
}

func bar(got, max float64) string {
	const width = 20
	n := 0
	if max > 0 {
		n = int(got / max * width)
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", width-n) + "]"
}
