package grading

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/poolschool/poolschool/grader/class"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/submission"
)

// Rerun is grade -rerun unmeasured: it runs again, on the same work,
// only the checks of the earlier records of a results folder that were
// not measured, and puts what they record now in their places in those
// records.
type Rerun struct {
	plans map[string]*rerunPlan // per student id

	mu              sync.Mutex
	measured, still int // checks run again: measured now, still not
}

// rerunPlan is what a Rerun does for one student: the record of the
// earlier run, whose not-measured checks run again on the same work, and
// which of its checks passed (what those need).
type rerunPlan struct {
	old    *result.Report
	status deadline.Status // the earlier run's deadline and graded commit
}

// NoRecordError is a submission a Rerun cannot run again: its student
// has no record in the results folder. A rerun re-runs, it does not
// grade anew.
type NoRecordError struct {
	Student string
	Out     string // the results folder
}

func (e *NoRecordError) Error() string {
	return fmt.Sprintf("%s has no record in %s", e.Student, e.Out)
}

// PlanRerun reads, for each submission, its student's record in the
// results folder out and keeps those with a check not measured, in run;
// the rest are named in unchanged. A submission whose student has no
// record is a *NoRecordError.
func PlanRerun(out string, subs []submission.Submission) (rerun *Rerun, run []submission.Submission, unchanged []string, err error) {
	rerun = &Rerun{plans: map[string]*rerunPlan{}}
	for _, s := range subs {
		dir := filepath.Join(out, "students", s.ID)
		old, err := result.ReadFile(filepath.Join(dir, "record.json"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, &NoRecordError{Student: s.ID, Out: out}
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if n, _ := old.NotMeasured(); n == 0 || old.Error != "" {
			unchanged = append(unchanged, s.ID)
			continue
		}
		st, err := deadline.ReadFile(filepath.Join(dir, deadline.File))
		if err != nil {
			return nil, nil, nil, err
		}
		// A git submission is graded at the commit the first run chose.
		s.Before = st.Deadline
		run = append(run, s)
		rerun.plans[s.ID] = &rerunPlan{old: old, status: st}
	}
	return rerun, run, unchanged, nil
}

// Exercise returns the name of the one exercise every record to run
// again holds, or "" when they hold several: records of one exercise were
// graded with -ex, which takes a bare upload of that exercise's files.
func (r *Rerun) Exercise() string {
	name := ""
	for _, p := range r.plans {
		if len(p.old.Exercises) != 1 || name != "" && p.old.Exercises[0].Name != name {
			return ""
		}
		name = p.old.Exercises[0].Name
	}
	return name
}

// Counts says how many of the checks run again so far are measured now,
// and how many are still not.
func (r *Rerun) Counts() (measured, still int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.measured, r.still
}

// plan is the plan for student; nil when r is nil, a run in full.
func (r *Rerun) plan(student string) *rerunPlan {
	if r == nil {
		return nil
	}
	return r.plans[student]
}

// merge puts fresh, the record of the checks of p that ran again, into
// p's earlier record, counts them, and returns that record.
func (r *Rerun) merge(p *rerunPlan, fresh *result.Report) *result.Report {
	m, s := p.merge(fresh)
	r.mu.Lock()
	r.measured, r.still = r.measured+m, r.still+s
	r.mu.Unlock()
	return p.old
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
