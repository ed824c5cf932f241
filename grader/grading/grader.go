// Package grading grades what the students of a class handed in with the
// instructor's kit, the hidden checks included, and writes each student's
// record, results.json and feedback.md into a results folder, replacing
// that student's earlier results only. Package class then rebuilds the
// class files from the records.
//
// A Grader is made once per run, from Options; Run grades the
// submissions, Close removes what the run left in its work folder.
package grading

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/internal/atomicfile"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/runner"
	"github.com/poolschool/poolschool/grader/sandbox"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/submission"
)

// Options say what a Grader grades with, and where its results go.
type Options struct {
	Kit       *kit.Kit         // the instructor's kit, with solutions and hidden checks
	Exercises []*spec.Exercise // the exercises of Kit to grade
	Out       string           // the results folder, made if need be
	Jobs      int              // submissions graded at once; less than 1 is 1
	// UIDBase is, when the grader is root, the uid and gid job slot 0 runs
	// student code as; slot N runs as UIDBase+N.
	UIDBase int
	// MaxTimeout, when positive, caps every check's time limit (for quick
	// trial runs).
	MaxTimeout time.Duration
	Class      Class
	// Rerun, when not nil, runs again only the checks of the earlier
	// records that were not measured; nil grades in full.
	Rerun *Rerun
	// Progress, when not nil, is told how the run goes.
	Progress Progress
}

// Class is what every submission of a class is graded against.
type Class struct {
	// Deadline, when not zero, is when the work was due; a submission's
	// students/<id>/deadline.json says how late its graded work was.
	Deadline time.Time
	Penalty  *deadline.Penalty // the late penalty; nil takes none
	// LMSLate holds the class-folder entries (a submission's base name)
	// that the LMS marked late.
	LMSLate map[string]bool
}

// Progress is told how a run goes, job slot by job slot; its methods are
// called from the slots' goroutines at once.
type Progress interface {
	// Begin says that job slot starts grading student.
	Begin(slot int, student string)
	// Runner is what tells of the steps the runner takes for job slot's
	// student; nil tells nothing.
	Runner(slot int) runner.Observer
	// Done says that job slot graded r.
	Done(slot int, r *result.Report)
	// Note is a line about the run: a record that could not be written, a
	// rerun that could not run.
	Note(line string)
}

// A Grader grades submissions with a kit's checks, copied where student
// code cannot read them.
type Grader struct {
	opts     Options
	runner   *runner.Runner // its Work is the run's work folder
	released string         // the student kit as released, without grader/checks
	exs      []*spec.Exercise
	only     *spec.Exercise // the one exercise graded, for bare uploads of its files
	out      string         // the results folder, absolute
	// pristine is the student kit as released, file by file, that a
	// submission's files are compared with (see kit.ReleasedSums).
	pristine kit.Sums
}

// New copies the checks of opts.Kit to a place student code cannot read,
// writes the released kit every student's copy starts from, and makes the
// results folder, last, so that nothing is written when the kit is at
// fault.
func New(opts Options) (*Grader, error) {
	r, err := runner.New(runner.Options{Prefix: "poolschool-grade-", UIDBase: opts.UIDBase, Reachable: true})
	if err != nil {
		return nil, err
	}
	g := &Grader{opts: opts, runner: r}
	if err := g.prepare(); err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

func (g *Grader) prepare() error {
	work := g.runner.Work
	checks := filepath.Join(work, "checks")
	if err := kit.CopyTree(filepath.Join(g.opts.Kit.Root, kit.Checks), checks, nil); err != nil {
		return fmt.Errorf("copying the checks: %w", err)
	}
	if err := os.Chmod(checks, 0o700); err != nil {
		return err
	}
	pristine, err := spec.Load(checks)
	if err != nil {
		return err
	}
	var selected []string
	for _, ex := range g.opts.Exercises {
		selected = append(selected, ex.Name)
	}
	g.exs, _ = kit.Select(pristine, selected)
	g.released = filepath.Join(work, "base")
	if _, err := g.opts.Kit.Release(g.released, g.exs, false); err != nil {
		return err
	}
	if g.pristine, err = g.opts.Kit.ReleasedSums(pristine, filepath.Join(work, "released")); err != nil {
		return err
	}
	if err := os.MkdirAll(g.opts.Out, 0o755); err != nil {
		return fmt.Errorf("making the results folder: %w", err)
	}
	g.out, _ = filepath.Abs(g.opts.Out)
	if len(g.exs) == 1 {
		g.only = g.exs[0]
	}
	capTimeouts(g.exs, g.opts.MaxTimeout)
	return nil
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

// Close removes the run's work folder.
func (g *Grader) Close() error { return g.runner.Close() }

// Exercises are the exercises graded, as the copied checks declare them.
func (g *Grader) Exercises() []*spec.Exercise { return g.exs }

// Released is the folder of the student kit as released, the starter
// every student's copy begins from.
func (g *Grader) Released() string { return g.released }

// Out is the results folder, as an absolute path.
func (g *Grader) Out() string { return g.out }

// Isolation says how student code is kept from the grader's files and
// from other students' work.
func (g *Grader) Isolation() string { return sandbox.Isolation(g.runner.User) }

// Run grades subs, Options.Jobs at a time, and writes each student's
// record, results.json and feedback.md. It returns the records in the
// order of subs; a rerun's are the earlier records with the checks run
// again put in. Once ctx is done Run starts no further submission, and
// returns ctx's error with the records of those it graded.
func (g *Grader) Run(ctx context.Context, subs []submission.Submission) ([]*result.Report, error) {
	prog := g.opts.Progress
	if prog == nil {
		prog = noProgress{}
	}
	_ = sandbox.BecomeSubreaper()
	reports := make([]*result.Report, len(subs))
	var wg sync.WaitGroup
	next := make(chan int)
	for slot := 0; slot < max(1, g.opts.Jobs); slot++ {
		wg.Add(1)
		go func(slot int) {
			defer wg.Done()
			for i := range next {
				prog.Begin(slot, subs[i].ID)
				r := g.gradeOne(ctx, subs[i], slot, prog.Runner(slot))
				if p := g.opts.Rerun.plan(subs[i].ID); p != nil {
					if r.Error != "" {
						prog.Note(fmt.Sprintf("rerun of %s: %s; its record is unchanged", r.Student, r.Error))
						reports[i] = p.old
						prog.Done(slot, p.old)
						continue
					}
					r = g.opts.Rerun.merge(p, r)
				}
				reports[i] = r
				if err := g.writeStudent(r); err != nil {
					prog.Note(fmt.Sprintf("writing results of %s: %v", r.Student, err))
				}
				prog.Done(slot, r)
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
	return reports, ctx.Err()
}

// writeStudent writes students/<id>/record.json, results.json and
// feedback.md, replacing that student's earlier results only.
func (g *Grader) writeStudent(r *result.Report) error {
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

// noProgress is told how a run goes and shows nothing.
type noProgress struct{}

func (noProgress) Begin(int, string)          {}
func (noProgress) Runner(int) runner.Observer { return nil }
func (noProgress) Done(int, *result.Report)   {}
func (noProgress) Note(string)                {}
