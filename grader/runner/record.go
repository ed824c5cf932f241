package runner

import (
	"fmt"

	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
)

// NewRecord is the record of check c before it runs: what the check
// declares (exercise, id, title, points, visibility, the first hint and
// how many levels there are), numbered "n.i" for the i-th check (from 1)
// of the run's n-th exercise, with no outcome yet. Every check's record
// starts here, whether it then runs, is skipped, or is not run at all.
func NewRecord(ex *spec.Exercise, n, i int, c *spec.Check) result.Check {
	cr := result.Check{
		Exercise: ex.Name, ID: c.ID, Number: fmt.Sprintf("%d.%d", n, i), Title: c.Title,
		MaxScore: c.Points, Visibility: string(c.Visibility), Ungraded: c.Ungraded, HintLevels: len(c.Hints),
	}
	if len(c.Hints) > 0 {
		cr.Hint = c.Hints[0]
	}
	return cr
}
