package class

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/roster"
)

// standing is one student's points after the instructor's adjustments
// and the late penalty.
type standing struct {
	adjustments []adjust.Adjustment
	adjust      float64
	penalty     float64
	final       float64
	status      deadline.Status
	// outOfRange says, when the adjustments take the points above the
	// maximum or below zero, by how much; "" when they do not.
	outOfRange string
}

// standings reads the adjustments and deadline statuses of a results
// folder and works out every student's final points. Adjustments for
// students or exercises the folder does not have are returned as
// warnings: they are kept in the file, for a later run may grade them.
func standings(out string, all []*result.Report) (map[string]standing, []string, error) {
	adjs, err := adjust.ReadFile(filepath.Join(out, adjust.File))
	if err != nil {
		return nil, nil, fmt.Errorf("%w; fix it and run grade again: no record is lost", err)
	}
	st := map[string]standing{}
	graded := map[string]bool{} // lower-case ids: adjustments name them in any case
	exercises := map[string]bool{}
	for _, r := range all {
		s := standing{}
		s.adjustments, s.adjust = adjust.For(adjs, r.Student)
		if s.status, err = deadline.ReadFile(filepath.Join(out, "students", r.Student, deadline.File)); err != nil {
			return nil, nil, err
		}
		got, most := r.Score()
		s.penalty = s.status.Penalty(got, most)
		raw := got + s.adjust - s.penalty
		s.final = max(0, raw)
		switch {
		case raw > most:
			s.outOfRange = fmt.Sprintf("%s's final, %s, is above the %s points available (total %s, adjustments %+g): check its rows if that is not meant", r.Student, result.Points(s.final), result.Points(most), result.Points(got), s.adjust)
		case raw < 0:
			s.outOfRange = fmt.Sprintf("%s's points come to %s, below zero (total %s, adjustments %+g, late penalty %s); the final is 0: check its rows if that is not meant", r.Student, result.Points(raw), result.Points(got), s.adjust, result.Points(s.penalty))
		}
		st[r.Student] = s
		graded[strings.ToLower(r.Student)] = true
		for _, e := range r.Exercises {
			exercises[e.Name] = true
		}
	}
	var warnings []string
	for _, r := range all {
		if o := st[r.Student].outOfRange; o != "" {
			warnings = append(warnings, adjust.File+": "+o)
		}
	}
	for _, a := range adjs {
		if !graded[strings.ToLower(a.Student)] {
			warnings = append(warnings, fmt.Sprintf("%s:%d: no student %q has been graded; the adjustment waits for one", adjust.File, a.Line, a.Student))
		} else if a.Exercise != "" && !exercises[a.Exercise] {
			warnings = append(warnings, fmt.Sprintf("%s:%d: no exercise %q has been graded; the adjustment still counts in the total", adjust.File, a.Line, a.Exercise))
		}
	}
	return st, warnings, nil
}

// hasFinal reports whether the gradebook has the columns adjustment,
// late_penalty, final and late: whether any student has an adjustment or
// was graded against a deadline.
func hasFinal(st map[string]standing) bool {
	for _, s := range st {
		if len(s.adjustments) > 0 || !s.status.Deadline.IsZero() || s.status.LMSLate {
			return true
		}
	}
	return false
}

// Grades are the final points of the records all of the results folder
// out, after the adjustments and the late penalty, in the order of all:
// what an LMS imports.
func Grades(out string, all []*result.Report) ([]roster.Grade, error) {
	st, _, err := standings(out, all)
	if err != nil {
		return nil, err
	}
	var grades []roster.Grade
	for _, r := range all {
		grades = append(grades, roster.Grade{Student: r.Student, Points: st[r.Student].final})
	}
	return grades, nil
}
