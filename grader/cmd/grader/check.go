package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/runner"
	"github.com/poolschool/poolschool/grader/sandbox"
	"github.com/poolschool/poolschool/grader/spec"
)

// cmdCheck runs the visible checks on the student's working tree and prints
// the report. It exits 0 only when every check passed.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "[-ex NAME] [-kit DIR] [-json FILE]", stderr)
	exName := fs.String("ex", "", "check only this exercise")
	kitDir := fs.String("kit", ".", "the kit's folder (found upwards from here)")
	jsonOut := fs.String("json", "", "also write the result record to this file")
	only := fs.String("only", "", "run only this check (and the checks it needs); needs -ex")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitCode(err, stderr)
	}
	if fs.NArg() > 0 {
		return exitCode(usageErr("check takes no arguments, got %q; pick one exercise with -ex NAME", fs.Arg(0)), stderr)
	}
	if *exName == "" {
		// Inside exercises/NAME, check that exercise.
		if k, err := kit.Find(*kitDir); err == nil {
			if all, err := k.Exercises(); err == nil {
				*exName = exerciseHere(k, all)
			}
		}
	}
	k, exs, err := openExercises(*kitDir, *exName)
	if err != nil {
		return exitCode(err, stderr)
	}
	if len(exs) == 0 {
		fmt.Fprintln(stdout, "No exercises to check yet: grader/checks holds no exercise folder.")
		return 0
	}
	var keep map[string]bool
	if *only != "" {
		if len(exs) != 1 {
			return exitCode(usageErr("-only needs -ex NAME"), stderr)
		}
		c := exs[0].Check(*only)
		if c == nil || c.Visibility != spec.Visible {
			return exitCode(usageErr("exercise %s has no check %q", exs[0].Name, *only), stderr)
		}
		keep = exs[0].WithNeeds(c)
		*only = c.ID
	}
	for _, n := range append(changedChecks(k, exs), notHandedIn(k, exs)...) {
		fmt.Fprintln(stdout, n)
	}
	st := render.Style{Color: colorOK(stdout), HintEx: "make hint EX=%s", CheckEx: "make check EX=%s", Focus: len(exs) > 1}
	live := render.NewLive(stdout, st, isTerminal(stdout))
	live.Start()
	rep, err := checkTreeOnly(k.Root, exs, spec.Visible, "exercises", keep, live)
	if err != nil {
		live.Stop()
		return exitCode(err, stderr)
	}
	_ = saveLast(k.Root, rep)
	_ = saveProgress(k.Root, rep, *only == "")
	live.Finish(rep)
	if *jsonOut != "" {
		if err := rep.WriteFile(*jsonOut); err != nil {
			return exitCode(err, stderr)
		}
	}
	if *only != "" {
		for _, c := range rep.Checks() {
			if c.ID == *only && c.Status == result.Passed {
				return 0
			}
		}
		return 1
	}
	if !rep.AllPassed() {
		return 1
	}
	return 0
}

// changedChecks returns one note per exercise whose folder of checks
// differs from the student kit as released (its kit.SumsFile), so that a
// student who edited a check, by accident or to make it pass, learns it
// from make check and not from the grade, which uses the checks as
// released. A kit without the file (the instructor's) gets no note.
func changedChecks(k *kit.Kit, exs []*spec.Exercise) []string {
	sums, err := kit.ReadSums(filepath.Join(k.Root, filepath.FromSlash(kit.SumsFile)))
	if err != nil {
		return nil
	}
	var notes []string
	for _, ex := range exs {
		dir := path.Join(kit.Checks, ex.Name)
		now, err := kit.SumTree(filepath.Join(k.Root, filepath.FromSlash(dir)))
		if err != nil {
			continue
		}
		var changed, added, deleted []string
		for p, sum := range now {
			switch want, ok := sums[dir+"/"+p]; {
			case !ok:
				added = append(added, p)
			case want != sum:
				changed = append(changed, p)
			}
		}
		for p := range sums {
			if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
				if _, ok := now[rest]; !ok {
					deleted = append(deleted, rest)
				}
			}
		}
		var parts []string
		for _, l := range []struct {
			word  string
			files []string
		}{{"changed", changed}, {"added", added}, {"deleted", deleted}} {
			if len(l.files) > 0 {
				sort.Strings(l.files)
				parts = append(parts, l.word+": "+strings.Join(l.files, ", "))
			}
		}
		if len(parts) > 0 {
			notes = append(notes, fmt.Sprintf("Note: you changed %s/ (%s): make check runs the checks as they are here, your instructor grades with the checks as released.",
				dir, strings.Join(parts, "; ")))
		}
	}
	return notes
}

// notHandedIn returns one note per Go file of an exercise's folder that
// go build compiles but that no "edit" glob of the exercise matches (a
// helper package in a folder of its own, say): make check builds it from
// the working tree, while grade takes only the editable files, so the
// program that passes here would not build there.
func notHandedIn(k *kit.Kit, exs []*spec.Exercise) []string {
	var notes []string
	for _, ex := range exs {
		dir := filepath.Join(k.Root, kit.Exercises, ex.Name)
		var globs []string
		for _, g := range ex.Edit {
			globs = append(globs, path.Join(kit.Exercises, ex.Name, g))
		}
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			name := d.Name()
			if d.IsDir() {
				// go build skips these folders
				if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return nil
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil || ex.Editable(filepath.ToSlash(rel)) {
				return nil
			}
			notes = append(notes, fmt.Sprintf("Note: %s is not handed in (the files handed in are %s): make check builds with it, your instructor's grade without it; keep your code in %s/ itself.",
				path.Join(kit.Exercises, ex.Name, filepath.ToSlash(rel)), strings.Join(globs, ", "), path.Join(kit.Exercises, ex.Name)))
			return nil
		})
	}
	return notes
}

// checkUID runs student code when check or validate runs as root: the
// uid that grade gives its first job slot.
const checkUID = 63000

// checkTree grades the exercises of the tree at root (student code runs as
// the current user, or as checkUID when that is root),
// with the checks of visibility v ("" for all), building from src.
func checkTree(root string, exs []*spec.Exercise, v spec.Visibility, src string) (*result.Report, error) {
	return checkTreeOnly(root, exs, v, src, nil, nil)
}

// checkTreeOnly is checkTree limited to the check IDs in keep (all when
// keep is nil), reporting each step to live when it is not nil.
func checkTreeOnly(root string, exs []*spec.Exercise, v spec.Visibility, src string, keep map[string]bool, live *render.Live) (*result.Report, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := runner.New(runner.Options{Prefix: "poolschool-check-", UIDBase: checkUID})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rep := &result.Report{Student: "you", Confinement: sandbox.Confining().Describe()}
	for i, ex := range exs {
		var checks []*spec.Check
		for _, c := range ex.Checks {
			if (v == "" || c.Visibility == v) && (keep == nil || keep[c.ID]) {
				checks = append(checks, c)
			}
		}
		if live != nil {
			live.Begin(ex.Name, ex.Title)
			r.Observer = liveObserver{live}
		}
		rec := r.Exercise(ctx, root, src, i+1, ex, checks)
		if live != nil {
			live.End(&rec)
		}
		rep.Exercises = append(rep.Exercises, rec)
		if ctx.Err() != nil {
			return rep, fmt.Errorf("interrupted")
		}
	}
	return rep, nil
}

// liveObserver shows the runner's steps in the live report.
type liveObserver struct{ l *render.Live }

func (o liveObserver) Building(ex *spec.Exercise)                 { o.l.Building(ex.Name) }
func (o liveObserver) Running(_ *spec.Exercise, c *spec.Check)    { o.l.Running(c.Title) }
func (o liveObserver) Finished(_ *spec.Exercise, cr result.Check) { o.l.Check(cr) }

// colorOK reports whether w is a terminal that shows colour: NO_COLOR
// (set and not empty, https://no-color.org) and TERM=dumb turn it off.
func colorOK(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal that can redraw a line: not
// a file or pipe, and not TERM=dumb.
func isTerminal(w io.Writer) bool {
	if t := os.Getenv("TERM"); t == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// openExercises finds the kit from dir and its exercises: all of them, or
// the one named (an unknown name is a usage error).
func openExercises(dir, name string) (*kit.Kit, []*spec.Exercise, error) {
	k, err := kit.Find(dir)
	if err != nil {
		return nil, nil, err
	}
	all, err := k.Exercises()
	if err != nil {
		return nil, nil, err
	}
	var names []string
	if name != "" {
		names = []string{name}
	}
	exs, err := kit.Select(all, names)
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	return k, exs, nil
}
