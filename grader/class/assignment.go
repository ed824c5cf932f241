package class

import (
	"fmt"
	"slices"
	"strings"
)

// AssignmentError is a grade run that would put the grades of other
// exercises in a results folder than the ones its records hold. A results
// folder is one assignment: every run writes each student's record whole,
// so a run of another exercise would replace, student by student, the
// points of the first, and the class files rebuilt from the records would
// no longer show them.
type AssignmentError struct {
	Out   string   // the results folder
	Kept  []string // the exercises its records hold
	Given []string // the exercises the run would grade
}

func (e *AssignmentError) Error() string {
	return fmt.Sprintf("%s holds the grades of %s, and this run grades %s: it would replace them",
		e.Out, strings.Join(e.Kept, ", "), strings.Join(e.Given, ", "))
}

// CheckAssignment returns an *AssignmentError when the results folder out
// holds records of other exercises than given (their names); a folder
// with no record takes any.
func CheckAssignment(out string, given []string) error {
	all, err := Records(out)
	if err != nil {
		return err
	}
	var kept []string
	for _, r := range all {
		for _, e := range r.Exercises {
			if !slices.Contains(kept, e.Name) {
				kept = append(kept, e.Name)
			}
		}
	}
	if len(kept) == 0 {
		return nil
	}
	a, b := slices.Clone(kept), slices.Clone(given)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(a, b) {
		return nil
	}
	return &AssignmentError{Out: out, Kept: kept, Given: given}
}
