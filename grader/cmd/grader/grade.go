package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/poolschool/poolschool/grader/class"
	"github.com/poolschool/poolschool/grader/classreport"
	"github.com/poolschool/poolschool/grader/grading"
	"github.com/poolschool/poolschool/grader/internal/atomicfile"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/submission"
)

// rerunUnmeasured is the one value of grade's -rerun flag.
const rerunUnmeasured = "unmeasured"

// cmdGrade grades a class folder of submissions, or one submission, and
// writes per-student records, feedback.md and results.json, and the class
// gradebook, JUnit XML and summary.
func cmdGrade(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("grade", "[-kit DIR] [-out DIR] [-jobs N] [-ex NAME] [-id ID] [-results-json FILE] [-roster FILE] [-deadline TIME [-late-penalty RULE] [-change-deadline]] [-rerun unmeasured] SUBMISSIONS", stderr)
	kitDir := fs.String("kit", ".", "the instructor's kit (with solutions and hidden checks)")
	outDir := fs.String("out", "grades", "folder for the results")
	jobs := fs.Int("jobs", 1, "submissions graded in parallel")
	exName := fs.String("ex", "", "grade only this exercise")
	uidBase := fs.Int("uid-base", 63000, "when root: job slot N runs student code as uid and gid uid-base+N")
	resultsJSON := fs.String("results-json", "", "single submission only: also write Gradescope's results.json here")
	forcedID := fs.String("id", "", "single submission only: grade it as this student id, replacing that student's record")
	maxTimeout := fs.Duration("max-timeout", 0, "cap every check's time limit (for quick trial runs)")
	rerun := fs.String("rerun", "", "\"unmeasured\": run again only the checks of -out's records that were not measured, on the same SUBMISSIONS, and rebuild the class files")
	classOpts := addClassFlags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitCode(err, stderr)
	}
	if *rerun != "" {
		switch {
		case *rerun != rerunUnmeasured:
			return exitCode(usageErr("-rerun %q: the one kind of check to run again is \"unmeasured\"", *rerun), stderr)
		case *resultsJSON != "" || *exName != "":
			return exitCode(usageErr("-rerun unmeasured re-runs the records of -out with the exercises they hold; leave out -results-json and -ex"), stderr)
		case *classOpts.roster != "" || *classOpts.deadline != "" || *classOpts.penalty != "":
			return exitCode(usageErr("-rerun unmeasured keeps the roster, deadline and penalty of the first run; leave out -roster, -deadline and -late-penalty"), stderr)
		}
	}
	if fs.NArg() != 1 {
		return exitCode(usageErr("name one class folder or one submission, like \"grader grade -out grades submissions/\""), stderr)
	}
	if *jobs < 1 || *jobs > 64 {
		return exitCode(usageErr("-jobs %d is out of range; use 1 to 64", *jobs), stderr)
	}
	if *uidBase < 1000 || *uidBase > 1<<30 {
		return exitCode(usageErr("-uid-base %d is out of range; use an unused uid range above 1000", *uidBase), stderr)
	}
	if *resultsJSON != "" {
		if fi, err := os.Stat(filepath.Dir(*resultsJSON)); err != nil || !fi.IsDir() {
			return exitCode(usageErr("-results-json %s: there is no folder %s; create it first", *resultsJSON, filepath.Dir(*resultsJSON)), stderr)
		}
	}
	if fi, err := os.Stat(*outDir); err == nil && !fi.IsDir() {
		return exitCode(usageErr("-out %s is a file; name the results folder, new or one that grade wrote before", *outDir), stderr)
	}
	cl, err := classOpts.setup(*outDir, stderr)
	if err != nil {
		return exitCode(err, stderr)
	}
	defer cl.cleanup()
	canvas, skipped, err := cl.stage(fs.Arg(0))
	if err != nil {
		return exitCode(err, stderr)
	}
	start := time.Now()
	// Every input is checked before anything is written: the submissions
	// and their ids first, then the kit (grading.New makes the results folder
	// last).
	out, err := filepath.Abs(*outDir)
	if err != nil {
		return exitCode(err, stderr)
	}
	ids, err := class.IDs(out)
	if err != nil {
		return exitCode(err, stderr)
	}
	subs, problems, single, err := findSubmissions(fs.Arg(0), canvas, *resultsJSON != "", ids, *forcedID, filepath.Join(*outDir, submission.IDFile))
	if err != nil {
		return exitCode(err, stderr)
	}
	problems = append(skipped, problems...)
	var rr *grading.Rerun
	var unchanged []string
	if *rerun != "" {
		if rr, subs, unchanged, err = grading.PlanRerun(out, subs); err != nil {
			var nr *grading.NoRecordError
			if errors.As(err, &nr) {
				err = usageErr("-rerun: %s has no record in %s; grade it first (without -rerun)", nr.Student, nr.Out)
			}
			return exitCode(err, stderr)
		}
		if len(subs) == 0 {
			fmt.Fprintf(stdout, "rerun: no record in %s has a check not measured; nothing to run\n", *outDir)
			return 0
		}
		// Records of one exercise were graded with -ex, which takes a
		// bare upload of that exercise's files: so is the rerun.
		*exName = rr.Exercise()
	}
	prog := newProgress(stderr)
	defer prog.finish()
	prog.preparing()
	if rr == nil {
		problems = append(problems, cl.assign(subs, ids)...)
		if err := cl.checkChange(out, subs); err != nil {
			prog.finish()
			return exitCode(err, stderr)
		}
	}
	k, selected, err := openExercises(*kitDir, *exName)
	if err != nil {
		prog.finish()
		return exitCode(err, stderr)
	}
	if err := checkAssignment(*outDir, selected); err != nil {
		prog.finish()
		return exitCode(err, stderr)
	}
	g, err := grading.New(grading.Options{Kit: k, Exercises: selected, Out: *outDir, Jobs: *jobs, UIDBase: *uidBase, MaxTimeout: *maxTimeout,
		Class:    grading.Class{Deadline: cl.deadline, Penalty: cl.rule, LMSLate: cl.lmsLate},
		Rerun:    rr,
		Progress: prog})
	if err != nil {
		prog.finish()
		return exitCode(err, stderr)
	}
	defer g.Close()
	if err := ids.WriteFile(filepath.Join(g.Out(), submission.IDFile)); err != nil {
		return exitCode(err, stderr)
	}
	if err := cl.due.Keep(g.Out()); err != nil {
		return exitCode(err, stderr)
	}
	for _, p := range problems {
		prog.println("grader: " + p)
	}
	if *exName == "" && len(g.Exercises()) > 1 {
		prog.println(fmt.Sprintf("grader: grading every exercise (%s) for each student; one assignment is -ex NAME", exerciseList(g.Exercises())))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	prog.start(len(subs))
	reports, err := g.Run(ctx, subs)
	prog.finish()
	if err != nil {
		return exitCode(fmt.Errorf("interrupted; the results written so far are in %s", g.Out()), stderr)
	}
	if !single && rr == nil {
		if err := class.WriteNotes(g.Out(), problems); err != nil {
			return exitCode(err, stderr)
		}
	}
	res, err := class.Rebuild(g.Out(), class.Options{Roster: cl.rosterPath, Exercises: g.Exercises(), Starter: g.Released(),
		Warn: func(w string) { fmt.Fprintf(stderr, "grader: %s\n", w) }})
	if err != nil {
		return exitCode(err, stderr)
	}
	all := res.Reports
	if !single {
		if err := render.ClassTableFinal(stdout, reports, termWidth(stdout), res.Finals); err != nil {
			return exitCode(err, stderr)
		}
		// The class's points at a glance, as summary.txt has them.
		if err := classreport.WriteTextHistograms(stdout, all); err != nil {
			return exitCode(err, stderr)
		}
	}
	if *resultsJSON != "" && len(reports) == 1 {
		if err := atomicfile.Write(*resultsJSON, func(w io.Writer) error { return render.WriteGradescope(w, reports[0]) }); err != nil {
			return exitCode(err, stderr)
		}
	}
	if rr != nil {
		measured, still := rr.Counts()
		fmt.Fprintf(stdout, "rerun: %d check(s) not measured before, of %d student(s): %d now measured, %d still not measured; %d student(s) had none to run\n",
			measured+still, len(subs), measured, still, len(unchanged))
	}
	fmt.Fprintf(stdout, "graded %d submission(s) in %s; the class has %d graded student(s)\n", len(subs), time.Since(start).Round(100*time.Millisecond), len(all))
	fmt.Fprintf(stdout, "results: %s (gradebook.csv, junit.xml, summary.txt, students/<id>/)\n", g.Out())
	fmt.Fprintf(stdout, "isolation: %s\n", g.Isolation())
	return 0
}

// findSubmissions decides whether p is one submission or a class folder,
// and gives each submission its student id from ids (the results folder's
// map, stored at idFile), recording the ids it gives there. With one set,
// p is always a single submission (Gradescope's upload folder holds just
// the files a student uploaded). forced is the -id of a single submission.
// canvas, when p is a Canvas download, lists the entries stage made of it.
func findSubmissions(p string, canvas []string, one bool, ids *submission.IDMap, forced, idFile string) (subs []submission.Submission, problems []string, single bool, err error) {
	if canvas != nil {
		if forced != "" {
			return nil, nil, false, usageErr("-id names the student of one submission; the ids of a class folder's entries are kept in %s", idFile)
		}
		subs, problems, err = submission.ScanPaths(canvas, ids)
		if err == nil && len(subs) == 0 {
			err = fmt.Errorf("%s holds no submissions (folders, git repositories, .zip or .tar.gz files, or a Canvas download's files)", p)
		}
		return subs, problems, false, err
	}
	kind, err := submission.KindOf(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, usageErr("%s: no such file or folder; name a class folder or one submission", p)
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("%s: %v", p, err)
	}
	isOne := kind != submission.Folder || one
	if kind == submission.Folder {
		if fi, err := os.Stat(filepath.Join(p, "exercises")); err == nil && fi.IsDir() {
			isOne = true
		}
	}
	if isOne {
		abs, _ := filepath.Abs(p)
		entry := filepath.Base(abs)
		id, err := singleID(ids, entry, forced, idFile)
		if err != nil {
			return nil, nil, false, err
		}
		ids.Set(entry, id)
		return []submission.Submission{{ID: id, Path: p, Kind: kind}}, nil, true, nil
	}
	if forced != "" {
		return nil, nil, false, usageErr("-id names the student of one submission; the ids of a class folder's entries are kept in %s", idFile)
	}
	subs, problems, err = submission.Scan(p, ids)
	if err != nil {
		return nil, nil, false, err
	}
	if len(subs) == 0 {
		return nil, problems, false, fmt.Errorf("%s holds no submissions (folders, git repositories, .zip or .tar.gz files)", p)
	}
	return subs, problems, false, nil
}

// singleID picks the student id of one submission whose file or folder is
// named entry: the id given with -id (forced), else the id an earlier run
// gave that entry, else ID(entry), unless an earlier run gave that id to
// another entry: a regrade never replaces another student's record unless
// told to.
func singleID(ids *submission.IDMap, entry, forced, idFile string) (string, error) {
	if forced != "" {
		if submission.ID(forced) != forced {
			return "", usageErr("-id %q is not a student id; use lower-case letters, digits, '.', '_' and '-', like -id %s", forced, submission.ID(forced))
		}
		return forced, nil
	}
	if id, ok := ids.Lookup(entry); ok {
		return id, nil
	}
	id := submission.ID(entry)
	if h := ids.Holders(id); len(h) > 0 {
		return "", usageErr("%s would be graded as %q, which %s gives to %s; to replace that student's record pass -id %s, or pass -id with a new id", submission.ShowName(entry), id, idFile, submission.ShowName(h[0]), id)
	}
	return id, nil
}

// checkAssignment refuses a run that would grade other exercises than
// those the results folder out holds (see class.AssignmentError), with
// what to do instead.
func checkAssignment(out string, selected []*spec.Exercise) error {
	var names []string
	for _, e := range selected {
		names = append(names, e.Name)
	}
	err := class.CheckAssignment(out, names)
	var ae *class.AssignmentError
	if !errors.As(err, &ae) {
		return err
	}
	if len(names) == 1 {
		return usageErr("%v; grade it into a results folder of its own, like -out %s-%s", ae, filepath.Clean(out), names[0])
	}
	if len(ae.Kept) == 1 {
		// Most likely a regrade that forgot the -ex of the assignment.
		return usageErr("%v; grade with -ex %s, or into a results folder of its own", ae, ae.Kept[0])
	}
	return usageErr("%v; grade into a results folder of its own", ae)
}
