package class

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/roster"
	"github.com/stretchr/testify/require"
)

// figures are a standing's points, as the gradebook's columns show them.
type figures struct{ Adjust, Penalty, Final float64 }

func figuresOf(st map[string]standing) map[string]figures {
	m := map[string]figures{}
	for id, s := range st {
		m[id] = figures{s.adjust, s.penalty, s.final}
	}
	return m
}

// lateByADay is a status of work 25 hours late under 10%/day: two started
// days, 20% of the points available.
var lateByADay = deadline.Status{Deadline: due, Commit: "0123456789abcdef", Late: 25 * time.Hour, Rule: &deadline.Penalty{Percent: 10, Per: 24 * time.Hour}}

// The final is the total, plus the adjustments, less the late penalty,
// and never below 0.
func TestStandingsFinal(t *testing.T) {
	all := []*result.Report{graded("ann", 4, 5), graded("bob", 1, 5), graded("dan", 3, 5)}
	out := classFolder(t, all, map[string]deadline.Status{"ann": lateByADay},
		"ann,,+0.5,tidy code",
		"ann,greet,-1,the greeting is copied",
		"bob,,-3,copied from the board",
	)
	st, _, err := standings(out, all)
	require.NoError(t, err)
	want := map[string]figures{
		"ann": {Adjust: -0.5, Penalty: 1, Final: 2.5}, // 4 - 0.5 - 1
		"bob": {Adjust: -3, Penalty: 0, Final: 0},     // 1 - 3, not below 0
		"dan": {Adjust: 0, Penalty: 0, Final: 3},
	}
	require.Empty(t, cmp.Diff(want, figuresOf(st)), "(-want +got)")
	require.Empty(t, cmp.Diff(lateByADay, st["ann"].status))
	require.Len(t, st["ann"].adjustments, 2)
}

// A final the adjustments take above the maximum or below zero is one
// warning each, with the student and the figures, so that a slip of the
// instructor's (1000 for 10) is seen; a final of exactly the maximum or
// exactly 0 is not out of range.
func TestStandingsOutOfRange(t *testing.T) {
	all := []*result.Report{graded("bob", 1, 5), graded("cat", 4, 5), graded("dan", 4, 5), graded("eve", 1, 5)}
	out := classFolder(t, all, map[string]deadline.Status{"bob": lateByADay},
		"bob,,-3,copied from the board",
		"cat,greet,+2,extra credit",
		"dan,,+1,the check was wrong",
		"eve,,-1,copied from the board",
	)
	st, warnings, err := standings(out, all)
	require.NoError(t, err)
	want := []string{
		// the late penalty takes at most what the work earned, 1
		"adjustments.csv: bob's points come to -3, below zero (total 1, adjustments -3, late penalty 1); the final is 0: check its rows if that is not meant",
		"adjustments.csv: cat's final, 6, is above the 5 points available (total 4, adjustments +2): check its rows if that is not meant",
	}
	require.Empty(t, cmp.Diff(want, warnings), "(-want +got)")
	require.Empty(t, cmp.Diff(map[string]figures{
		"bob": {Adjust: -3, Penalty: 1, Final: 0},
		"cat": {Adjust: 2, Penalty: 0, Final: 6},
		"dan": {Adjust: 1, Penalty: 0, Final: 5},
		"eve": {Adjust: -1, Penalty: 0, Final: 0},
	}, figuresOf(st)), "(-want +got)")
}

// An adjustment for a student the folder has not graded, or for an
// exercise no one was graded on, is kept but warned of, with the row's
// place in the file.
func TestStandingsUnknownStudentAndExercise(t *testing.T) {
	all := []*result.Report{graded("ann", 4, 5)}
	out := classFolder(t, all, nil,
		"ann,greet,-1,regraded by hand",
		"zed,,1,handed in on paper",
		"ann,primes,0.5,regraded by hand",
	)
	st, warnings, err := standings(out, all)
	require.NoError(t, err)
	want := []string{
		`adjustments.csv:3: no student "zed" has been graded; the adjustment waits for one`,
		`adjustments.csv:4: no exercise "primes" has been graded; the adjustment still counts in the total`,
	}
	require.Empty(t, cmp.Diff(want, warnings), "(-want +got)")
	require.Empty(t, cmp.Diff(figures{Adjust: -0.5, Final: 3.5}, figuresOf(st)["ann"]))
}

// Ids in adjustments.csv match in any case: an instructor may type a
// roster's "Carol@Uni.edu" or an "ANN", and neither is a student the
// folder does not have.
func TestStandingsIDsInAnyCase(t *testing.T) {
	all := []*result.Report{graded("ann", 2, 5), graded("carol@uni.edu", 2, 5)}
	out := classFolder(t, all, nil,
		"ANN,,+1,tidy code",
		"Carol@Uni.edu,,+2,a fair attempt",
	)
	st, warnings, err := standings(out, all)
	require.NoError(t, err)
	require.Empty(t, warnings)
	require.Empty(t, cmp.Diff(map[string]figures{
		"ann":           {Adjust: 1, Final: 3},
		"carol@uni.edu": {Adjust: 2, Final: 4},
	}, figuresOf(st)), "(-want +got)")
}

// An adjustments file that cannot be read stops the rebuild with what to
// do; the records stay.
func TestStandingsBadAdjustments(t *testing.T) {
	all := []*result.Report{graded("ann", 2, 5)}
	out := classFolder(t, all, nil, "ann,,lots,tidy code")
	_, _, err := standings(out, all)
	require.True(t, errors.Is(err, adjust.ErrSyntax), "%v", err)
	require.Contains(t, err.Error(), `adjustments.csv:2: points "lots" is not a number`)
	require.Contains(t, err.Error(), "fix it and run grade again: no record is lost")
}

// Grades are what an LMS imports: the finals, in the order of the
// records given.
func TestGrades(t *testing.T) {
	out := t.TempDir()
	all := []*result.Report{graded("bob", 1, 5), graded("ann", 4, 5)}
	writeRecords(t, out, all...)
	writeStatus(t, out, "ann", lateByADay)
	writeAdjustments(t, out, "bob,,+1.5,a fair attempt at the usage")
	got, err := Grades(out, all)
	require.NoError(t, err)
	want := []roster.Grade{{Student: "bob", Points: 2.5}, {Student: "ann", Points: 3}}
	require.Empty(t, cmp.Diff(want, got), "(-want +got)")
}

// classFolder is a results folder as grade and the instructor leave it:
// the records all, the deadline statuses late (by student) and the rows of
// the adjustments file.
func classFolder(t *testing.T, all []*result.Report, late map[string]deadline.Status, rows ...string) string {
	t.Helper()
	out := t.TempDir()
	writeRecords(t, out, all...)
	for student, status := range late {
		writeStatus(t, out, student, status)
	}
	writeAdjustments(t, out, rows...)
	return out
}
