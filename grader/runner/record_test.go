package runner

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
)

// A check's record starts with what the check declares, numbered by
// exercise and check, and no outcome.
func TestNewRecord(t *testing.T) {
	ex := &spec.Exercise{Name: "primes"}
	c := &spec.Check{ID: "02-small", Title: "small ranges", Points: 2, Visibility: spec.Hidden, Ungraded: false, Hints: []string{"first", "second"}}
	want := result.Check{Exercise: "primes", ID: "02-small", Number: "3.2", Title: "small ranges", MaxScore: 2, Visibility: "hidden", Hint: "first", HintLevels: 2}
	require.Empty(t, cmp.Diff(want, NewRecord(ex, 3, 2, c)))
	builds := NewRecord(ex, 1, 1, &spec.Check{ID: "01-builds", Title: "builds", Visibility: spec.Visible, Ungraded: true})
	require.Empty(t, cmp.Diff(result.Check{Exercise: "primes", ID: "01-builds", Number: "1.1", Title: "builds", Visibility: "visible", Ungraded: true}, builds))
}
