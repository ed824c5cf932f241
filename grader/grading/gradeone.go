package grading

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/class"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/runner"
	"github.com/poolschool/poolschool/grader/sandbox"
	"github.com/poolschool/poolschool/grader/submission"
)

// gradeOne unpacks one submission into a fresh copy of the released kit and
// runs every check of every selected exercise on it, in job slot, telling
// obs of each step.
func (g *Grader) gradeOne(ctx context.Context, s submission.Submission, slot int, obs runner.Observer) *result.Report {
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
		rep.Error = firstLine(err.Error())
		return rep
	}
	here.Commit, here.Uncommitted = x.Commit, x.Uncommitted
	if len(x.Uncommitted) > 0 {
		rep.Notes = append(rep.Notes, "uncommitted changes were not graded (a git submission is graded as committed): "+strings.Join(x.Uncommitted, ", "))
	}
	plan := g.opts.Rerun.plan(s.ID)
	if plan == nil {
		if err := g.keepLateness(s, x, rep); err != nil {
			rep.Error = err.Error()
			return rep
		}
	}
	copyDir := filepath.Join(dir, "kit")
	if err := kit.CopyTree(g.released, copyDir, nil); err != nil {
		rep.Error = "copying the kit: " + err.Error()
		return rep
	}
	notes, err := submission.Apply(x, copyDir, g.exs, g.only, g.pristine)
	if err != nil {
		rep.Error = firstLine(err.Error())
		return rep
	}
	_ = os.RemoveAll(x.Dir)
	rep.Notes = append(rep.Notes, notes...)
	if here.FilesSHA256, err = kit.GradedSHA256(copyDir, g.exs); err != nil {
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
	r.Observer = obs
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

// firstLine is the first line of s: a submission's error is said in one.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// notGraded gives a submission that could not be read a record in which
// every check scores zero as not run, so the gradebook shows the full
// maximum for it too. The reason is the report's error, said once there.
func (g *Grader) notGraded(rep *result.Report) {
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

// keepLateness records when a submission's graded work was made, against
// the class's deadline, in the student's deadline.json, and says so in
// the record.
func (g *Grader) keepLateness(s submission.Submission, x *submission.Extracted, rep *result.Report) error {
	c := g.opts.Class
	st := deadline.Status{Deadline: c.Deadline, Commit: x.Commit, Committed: x.Committed, Newer: x.Newer, Rule: c.Penalty,
		LMSLate: c.LMSLate[filepath.Base(s.Path)]}
	if !c.Deadline.IsZero() && !x.Committed.IsZero() && x.Committed.After(c.Deadline) {
		st.Late = x.Committed.Sub(c.Deadline)
	}
	if x.Commit != "" && !c.Deadline.IsZero() {
		note := fmt.Sprintf("graded commit %.12s, committed %s", x.Commit, x.Committed.Format(time.RFC3339))
		if st.Newer {
			note += "; later commits, after the deadline, were not graded"
		}
		rep.Notes = append(rep.Notes, note)
	}
	if d := st.Describe(); d != "" {
		rep.Notes = append(rep.Notes, "late: "+d)
	}
	dir := filepath.Join(g.out, "students", rep.Student)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return st.WriteFile(filepath.Join(dir, deadline.File))
}
