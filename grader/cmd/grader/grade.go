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
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/poolschool/poolschool/grader/class"
	"github.com/poolschool/poolschool/grader/classreport"
	"github.com/poolschool/poolschool/grader/internal/atomicfile"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/runner"
	"github.com/poolschool/poolschool/grader/sandbox"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/submission"
)

// grading is the state shared by one grade run.
type grading struct {
	runner *runner.Runner // its Work is the run's work folder
	base   string         // released kit, without grader/checks
	exs    []*spec.Exercise
	only   *spec.Exercise // the one exercise selected with -ex, for bare uploads
	out    string

	// pristine is the student kit as released, file by file, that a
	// submission's files are compared with (see kit.ReleasedSums).
	pristine kit.Sums
	// progress shows which student is graded and what runs for them;
	// nil shows nothing.
	progress *progress
	class    *classSettings // the roster and the deadline
	// rerun, for grade -rerun unmeasured, holds per student id the earlier
	// record whose not-measured checks run again; nil grades in full.
	rerun map[string]*rerunPlan
}

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
	// and their ids first, then the kit (prepare makes the results folder
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
	var plans map[string]*rerunPlan
	var unchanged []string
	if *rerun != "" {
		if subs, plans, unchanged, err = planReruns(out, subs); err != nil {
			return exitCode(err, stderr)
		}
		if len(subs) == 0 {
			fmt.Fprintf(stdout, "rerun: no record in %s has a check not measured; nothing to run\n", *outDir)
			return 0
		}
		// Records of one exercise were graded with -ex, which takes a
		// bare upload of that exercise's files: so is the rerun.
		*exName = oneExercise(plans)
	}
	prog := newProgress(stderr)
	defer prog.finish()
	prog.preparing()
	if plans == nil {
		problems = append(problems, cl.assign(subs, ids)...)
		if err := cl.checkChange(out, subs); err != nil {
			prog.finish()
			return exitCode(err, stderr)
		}
	}
	g, cleanup, err := prepare(*kitDir, *exName, *outDir, *uidBase)
	if err != nil {
		prog.finish()
		return exitCode(err, stderr)
	}
	defer cleanup()
	g.progress = prog
	g.class = cl
	g.rerun = plans
	capTimeouts(g.exs, *maxTimeout)
	if err := ids.WriteFile(filepath.Join(g.out, submission.IDFile)); err != nil {
		return exitCode(err, stderr)
	}
	if err := cl.due.Keep(g.out); err != nil {
		return exitCode(err, stderr)
	}
	for _, p := range problems {
		prog.println("grader: " + p)
	}
	if *exName == "" && len(g.exs) > 1 {
		prog.println(fmt.Sprintf("grader: grading every exercise (%s) for each student; one assignment is -ex NAME", exerciseList(g.exs)))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_ = sandbox.BecomeSubreaper()
	prog.start(len(subs))
	reports := make([]*result.Report, len(subs))
	var measured, still int
	var countMu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for slot := 0; slot < *jobs; slot++ {
		wg.Add(1)
		go func(slot int) {
			defer wg.Done()
			for i := range next {
				prog.begin(slot, subs[i].ID)
				r := g.gradeOne(ctx, subs[i], slot)
				if p := plans[subs[i].ID]; p != nil {
					if r.Error != "" {
						prog.println(fmt.Sprintf("grader: rerun of %s: %s; its record is unchanged", r.Student, r.Error))
						reports[i] = p.old
						prog.done(slot, p.old)
						continue
					}
					m, s := p.merge(r)
					countMu.Lock()
					measured, still = measured+m, still+s
					countMu.Unlock()
					r = p.old
				}
				reports[i] = r
				if err := g.writeStudent(r); err != nil {
					prog.println(fmt.Sprintf("grader: writing results of %s: %v", r.Student, err))
				}
				prog.done(slot, r)
			}
		}(slot)
	}
	for i := range subs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	sandbox.KillDescendants(sandbox.SelfPID())
	prog.finish()
	if ctx.Err() != nil {
		return exitCode(fmt.Errorf("interrupted; the results written so far are in %s", g.out), stderr)
	}
	if !single && plans == nil {
		if err := class.WriteNotes(g.out, problems); err != nil {
			return exitCode(err, stderr)
		}
	}
	res, err := class.Rebuild(g.out, class.Options{Roster: cl.rosterPath, Exercises: g.exs, Starter: g.base,
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
	if plans != nil {
		fmt.Fprintf(stdout, "rerun: %d check(s) not measured before, of %d student(s): %d now measured, %d still not measured; %d student(s) had none to run\n",
			measured+still, len(subs), measured, still, len(unchanged))
	}
	fmt.Fprintf(stdout, "graded %d submission(s) in %s; the class has %d graded student(s)\n", len(subs), time.Since(start).Round(100*time.Millisecond), len(all))
	fmt.Fprintf(stdout, "results: %s (gradebook.csv, junit.xml, summary.txt, students/<id>/)\n", g.out)
	fmt.Fprintf(stdout, "isolation: %s\n", sandbox.Isolation(g.runner.User))
	return 0
}

// prepare loads and copies the checks to a place student code cannot read,
// and writes the released kit every student copy starts from.
func prepare(kitDir, exName, outDir string, uidBase int) (*grading, func(), error) {
	k, selected, err := openExercises(kitDir, exName)
	if err != nil {
		return nil, nil, err
	}
	r, err := runner.New(runner.Options{Prefix: "poolschool-grade-", UIDBase: uidBase, Reachable: true})
	if err != nil {
		return nil, nil, err
	}
	work := r.Work
	cleanup := func() { _ = r.Close() }
	fail := func(err error) (*grading, func(), error) { cleanup(); return nil, nil, err }
	checks := filepath.Join(work, "checks")
	if err := kit.CopyTree(filepath.Join(k.Root, kit.Checks), checks, nil); err != nil {
		return fail(fmt.Errorf("copying the checks: %w", err))
	}
	if err := os.Chmod(checks, 0o700); err != nil {
		return fail(err)
	}
	pristine, err := spec.Load(checks)
	if err != nil {
		return fail(err)
	}
	var names []string
	for _, ex := range selected {
		names = append(names, ex.Name)
	}
	exs, _ := kit.Select(pristine, names)
	base := filepath.Join(work, "base")
	if _, err := k.Release(base, exs, false); err != nil {
		return fail(err)
	}
	sums, err := k.ReleasedSums(pristine, filepath.Join(work, "released"))
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fail(fmt.Errorf("making the results folder: %w", err))
	}
	out, _ := filepath.Abs(outDir)
	g := &grading{runner: r, base: base, exs: exs, out: out, pristine: sums}
	if len(exs) == 1 {
		g.only = exs[0]
	}
	return g, cleanup, nil
}

// capTimeouts lowers every check's time limit to at most d (0: no cap).
func capTimeouts(exs []*spec.Exercise, d time.Duration) {
	if d <= 0 {
		return
	}
	for _, ex := range exs {
		for _, c := range ex.Checks {
			c.Timeout = min(c.Timeout, d)
		}
	}
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

// gradeOne unpacks one submission into a fresh copy of the released kit and
// runs every check of every selected exercise on it.
func (g *grading) gradeOne(ctx context.Context, s submission.Submission, slot int) *result.Report {
	start := time.Now()
	here := result.Here(start)
	rep := &result.Report{Student: s.ID, Source: filepath.Base(s.Path), Isolation: sandbox.Isolation(g.runner.Slot(slot, "").User),
		Confinement: sandbox.Confining().Describe(), Provenance: &here}
	defer func() {
		rep.Duration = time.Since(start)
		if rep.Error != "" {
			g.notGraded(rep)
		}
	}()
	dir := filepath.Join(g.runner.Work, "s", s.ID)
	_ = os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	// The grader's folders mean nothing to the student, and are gone
	// after the run.
	defer rep.MapText(relativeTo(dir, g.runner.Work))
	if err := os.MkdirAll(dir, 0o711); err != nil {
		rep.Error = err.Error()
		return rep
	}
	_ = os.Chmod(filepath.Dir(dir), 0o711)
	x, err := submission.Extract(s, filepath.Join(dir, "raw"), submission.DefaultLimits)
	if err != nil {
		rep.Error = oneLine(err.Error())
		return rep
	}
	here.Commit, here.Uncommitted = x.Commit, x.Uncommitted
	if len(x.Uncommitted) > 0 {
		rep.Notes = append(rep.Notes, "uncommitted changes were not graded (a git submission is graded as committed): "+strings.Join(x.Uncommitted, ", "))
	}
	plan := g.rerun[s.ID]
	if plan == nil {
		if err := g.class.graded(g.out, s, x, rep); err != nil {
			rep.Error = err.Error()
			return rep
		}
	}
	copyDir := filepath.Join(dir, "kit")
	if err := kit.CopyTree(g.base, copyDir, nil); err != nil {
		rep.Error = "copying the kit: " + err.Error()
		return rep
	}
	notes, err := submission.Apply(x, copyDir, g.exs, g.only, g.pristine)
	if err != nil {
		rep.Error = oneLine(err.Error())
		return rep
	}
	_ = os.RemoveAll(x.Dir)
	rep.Notes = append(rep.Notes, notes...)
	if here.FilesSHA256, err = kit.GradedSHA256(copyDir, exerciseNames(g.exs)); err != nil {
		rep.Error = "hashing the files graded: " + err.Error()
		return rep
	}
	if plan != nil {
		if err := plan.sameWork(g.out, s.ID, copyDir, x.Commit, here.FilesSHA256, g.exs); err != nil {
			rep.Error = err.Error()
			return rep
		}
	} else if err := class.KeepSubmitted(g.out, s.ID, copyDir, g.exs); err != nil {
		rep.Error = err.Error()
		return rep
	}
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o711); err != nil {
		rep.Error = err.Error()
		return rep
	}
	r := g.runner.Slot(slot, run)
	r.Observer = g.progress.observer(slot)
	for i, ex := range g.exs {
		checks := ex.Checks
		if plan != nil {
			r.Passed = map[string]bool{}
			if checks = plan.checks(ex, r.Passed); len(checks) == 0 {
				continue
			}
		}
		rep.Exercises = append(rep.Exercises, r.Exercise(ctx, copyDir, kit.Exercises, i+1, ex, checks))
	}
	return rep
}

// notGraded gives a submission that could not be read a record in which
// every check scores zero as not run, so the gradebook shows the full
// maximum for it too. The reason is the report's error, said once there.
func (g *grading) notGraded(rep *result.Report) {
	rep.Exercises = nil
	for i, ex := range g.exs {
		e := result.Exercise{Name: ex.Name, Title: ex.Title}
		for j, c := range ex.Checks {
			cr := runner.NewRecord(ex, i+1, j+1, c)
			cr.Status, cr.Reason = result.Error, "not run: the submission could not be graded"
			e.Checks = append(e.Checks, cr)
		}
		rep.Exercises = append(rep.Exercises, e)
	}
}

// writeStudent writes students/<id>/record.json, results.json and
// feedback.md, replacing that student's earlier results only.
func (g *grading) writeStudent(r *result.Report) error {
	dir := filepath.Join(g.out, "students", r.Student)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := r.WriteFile(filepath.Join(dir, "record.json")); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "results.json"), func(w io.Writer) error { return render.WriteGradescope(w, r) }); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "feedback.md"), func(w io.Writer) error { return render.Feedback(w, r) })
}

// exerciseNames lists the names of exs, in order.
func exerciseNames(exs []*spec.Exercise) []string {
	names := make([]string, len(exs))
	for i, ex := range exs {
		names[i] = ex.Name
	}
	return names
}
