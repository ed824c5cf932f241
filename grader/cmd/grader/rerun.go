package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/poolschool/poolschool/grader/class"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/submission"
)

// rerunUnmeasured is the one value of grade's -rerun flag.
const rerunUnmeasured = "unmeasured"

// rerunPlan is what grade -rerun unmeasured does for one student: the
// record of the earlier run, whose not-measured checks run again on the
// same work, and which of its checks passed (what those need).
type rerunPlan struct {
	old    *result.Report
	status deadline.Status // the earlier run's deadline and graded commit
}

// planReruns reads, for each submission, its student's record in the
// results folder out and keeps those with a check not measured; the rest
// are named in skipped. A submission whose student has no record is an
// error: -rerun re-runs, it does not grade anew.
func planReruns(out string, subs []submission.Submission) (keep []submission.Submission, plans map[string]*rerunPlan, skipped []string, err error) {
	plans = map[string]*rerunPlan{}
	for _, s := range subs {
		dir := filepath.Join(out, "students", s.ID)
		old, err := result.ReadFile(filepath.Join(dir, "record.json"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, usageErr("-rerun: %s has no record in %s; grade it first (without -rerun)", s.ID, out)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if n, _ := old.NotMeasured(); n == 0 || old.Error != "" {
			skipped = append(skipped, s.ID)
			continue
		}
		st, err := deadline.ReadFile(filepath.Join(dir, deadline.File))
		if err != nil {
			return nil, nil, nil, err
		}
		// A git submission is graded at the commit the first run chose.
		s.Before = st.Deadline
		keep = append(keep, s)
		plans[s.ID] = &rerunPlan{old: old, status: st}
	}
	return keep, plans, skipped, nil
}

// oneExercise returns the name of the one exercise every record of plans
// holds, or "" when they hold several.
func oneExercise(plans map[string]*rerunPlan) string {
	name := ""
	for _, p := range plans {
		if len(p.old.Exercises) != 1 || name != "" && p.old.Exercises[0].Name != name {
			return ""
		}
		name = p.old.Exercises[0].Name
	}
	return name
}

// checks returns, for exercise ex, the checks to run again (those the
// earlier record says were not measured) and adds to passed the ones that
// passed ("exercise/id").
func (p *rerunPlan) checks(ex *spec.Exercise, passed map[string]bool) []*spec.Check {
	var run []*spec.Check
	for _, e := range p.old.Exercises {
		if e.Name != ex.Name {
			continue
		}
		for _, c := range e.Checks {
			switch c.Status {
			case result.Passed:
				passed[ex.Name+"/"+c.ID] = true
			case result.NotMeasured:
				if sc := ex.Check(c.ID); sc != nil {
					run = append(run, sc)
				}
			}
		}
	}
	return run
}

// sameWork reports, as an error, a submission that is not the work the
// earlier run graded: another git commit, or files whose SHA-256 (see
// result.Provenance) differs from the record's, or, for a record without
// one, Go files that differ from those kept in students/<id>/submitted/.
func (p *rerunPlan) sameWork(out, student, copyDir string, commit, filesSHA256 string, exs []*spec.Exercise) error {
	if p.status.Commit != "" && commit != p.status.Commit {
		return fmt.Errorf("the submission is now at commit %.12s, the record graded %.12s; grade it again in full (without -rerun)", commit, p.status.Commit)
	}
	if was := p.old.Provenance; was != nil && was.FilesSHA256 != "" {
		if was.FilesSHA256 != filesSHA256 {
			return fmt.Errorf("the files to grade are not those graded (their SHA-256 differs from the record's); grade it again in full (without -rerun)")
		}
		return nil
	}
	// A record from before provenance: compare with the kept Go files.
	for _, ex := range exs {
		kept := class.Submitted(out, student, ex.Name)
		now := filepath.Join(copyDir, kit.Exercises, ex.Name)
		a, b := class.EditableGo(kept, ex), class.EditableGo(now, ex)
		if !slices.Equal(a, b) {
			return fmt.Errorf("the submission's %s files are not those graded; grade it again in full (without -rerun)", ex.Name)
		}
		for _, f := range a {
			x, err1 := os.ReadFile(filepath.Join(kept, filepath.FromSlash(f)))
			y, err2 := os.ReadFile(filepath.Join(now, filepath.FromSlash(f)))
			if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
				return fmt.Errorf("the submission's %s/%s is not the one graded; grade it again in full (without -rerun)", ex.Name, f)
			}
		}
	}
	return nil
}

// merge puts the records of the checks that ran again into the earlier
// record, in their places and with their numbers, and returns how many
// are now measured.
func (p *rerunPlan) merge(fresh *result.Report) (measured, still int) {
	for _, fe := range fresh.Exercises {
		for i := range p.old.Exercises {
			oe := &p.old.Exercises[i]
			if oe.Name != fe.Name {
				continue
			}
			for _, fc := range fe.Checks {
				for j := range oe.Checks {
					if oe.Checks[j].ID != fc.ID {
						continue
					}
					fc.Number = oe.Checks[j].Number
					oe.Checks[j] = fc
					if fc.Status == result.NotMeasured {
						still++
					} else {
						measured++
					}
				}
			}
		}
	}
	p.old.Duration += fresh.Duration
	return measured, still
}
