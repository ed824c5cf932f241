package class

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/stretchr/testify/require"
)

// rebuild rebuilds the class files of out, and returns the warnings
// Rebuild gave.
func rebuild(t *testing.T, out string, opts Options) (*Results, []string) {
	t.Helper()
	var warnings []string
	opts.Warn = func(w string) { warnings = append(warnings, w) }
	res, err := Rebuild(out, opts)
	require.NoError(t, err)
	return res, warnings
}

// A class with an adjustment and a late student: the gradebook gains the
// adjustment, late_penalty, final and late columns after max, each
// student's feedback.md says what changed the total, and summary.txt
// carries the class folder's notes.
func TestRebuild(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("bob", 3, 5), graded("ann", 4, 5))
	writeStatus(t, out, "bob", lateByADay)
	writeAdjustments(t, out, "ann,greet,+1,regraded by hand")
	require.NoError(t, WriteNotes(out, []string{"notes.txt: skipped, not a submission"}))
	res, warnings := rebuild(t, out, Options{})
	require.Empty(t, warnings)

	var ids []string
	for _, r := range res.Reports {
		ids = append(ids, r.Student)
	}
	require.Empty(t, cmp.Diff([]string{"ann", "bob"}, ids))
	require.Empty(t, cmp.Diff(map[string]render.Final{
		"ann": {Points: 5, Why: "adjustments +1"},
		"bob": {Points: 2, Why: "late penalty -1"},
	}, res.Finals), "(-want +got)")

	require.Empty(t, cmp.Diff([]string{
		"student,source,greet/01-builds,greet/02-hello,greet/total,total,max,adjustment,late_penalty,final,late,notes",
		"ann,ann.zip,2.5,1.5,4,4,5,1,0,5,,",
		"bob,bob.zip,2.5,0.5,3,3,5,0,1,2,commit 0123456789ab was made 25h0m after the deadline,",
	}, readLines(t, filepath.Join(out, "gradebook.csv"))), "(-want +got)")

	ann := readLines(t, filepath.Join(out, "students", "ann", "feedback.md"))
	require.Contains(t, ann, "- +1 points (greet): regraded by hand")
	require.Contains(t, ann, "Final: 5 of 5 points.")
	bob := readLines(t, filepath.Join(out, "students", "bob", "feedback.md"))
	require.Contains(t, bob, "- -1 points, late: commit 0123456789ab was made 25h0m after the deadline")
	require.Contains(t, bob, "Final: 2 of 5 points.")

	summary := readLines(t, filepath.Join(out, "summary.txt"))
	require.Contains(t, summary, "Class folder notes:")
	require.Contains(t, summary, "  notes.txt: skipped, not a submission")
	require.NotContains(t, summary, "Adjustments out of range (adjustments.csv):")
	for _, f := range []string{"junit.xml", SimilarityFile, ReportFile} {
		require.FileExists(t, filepath.Join(out, f))
	}
}

// A class graded without adjustments or a deadline keeps the gradebook
// it always had, and finds adjustments.csv ready to edit.
func TestRebuildWithoutFinal(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 4, 5), graded("bob", 3, 5))
	res, warnings := rebuild(t, out, Options{})
	require.Empty(t, warnings)
	require.Nil(t, res.Finals)
	require.Empty(t, cmp.Diff([]string{
		"student,source,greet/01-builds,greet/02-hello,greet/total,total,max,notes",
		"ann,ann.zip,2.5,1.5,4,4,5,",
		"bob,bob.zip,2.5,0.5,3,3,5,",
	}, readLines(t, filepath.Join(out, "gradebook.csv"))), "(-want +got)")
	require.FileExists(t, filepath.Join(out, adjust.File))
	adjs, err := adjust.ReadFile(filepath.Join(out, adjust.File))
	require.NoError(t, err)
	require.Empty(t, adjs)
	require.NotContains(t, readLines(t, filepath.Join(out, "students", "ann", "feedback.md")), "## Adjustments")
}

// Only the LMS's late mark (no deadline given to grade) still shows in
// the late column: the instructor decides what it costs.
func TestRebuildLMSLate(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 4, 5))
	writeStatus(t, out, "ann", deadline.Status{LMSLate: true})
	rebuild(t, out, Options{})
	require.Empty(t, cmp.Diff([]string{
		"student,source,greet/01-builds,greet/02-hello,greet/total,total,max,adjustment,late_penalty,final,late,notes",
		"ann,ann.zip,2.5,1.5,4,4,5,0,0,4,the LMS marked the upload late,",
	}, readLines(t, filepath.Join(out, "gradebook.csv"))), "(-want +got)")
}

// Adjustments that take a final out of range, or that name no student
// graded, are told to Warn, and the out-of-range ones are kept in
// summary.txt; the gradebook has the final, not below 0.
func TestRebuildWarnings(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 4, 5), graded("bob", 1, 5))
	writeAdjustments(t, out, "ann,,+1000,extra credit", "bob,,-3,copied", "zed,,1,on paper")
	res, warnings := rebuild(t, out, Options{})
	above := "ann's final, 1004, is above the 5 points available (total 4, adjustments +1000): check its rows if that is not meant"
	below := "bob's points come to -2, below zero (total 1, adjustments -3, late penalty 0); the final is 0: check its rows if that is not meant"
	require.Empty(t, cmp.Diff([]string{
		"adjustments.csv: " + above,
		"adjustments.csv: " + below,
		`adjustments.csv:4: no student "zed" has been graded; the adjustment waits for one`,
	}, warnings), "(-want +got)")
	summary := readLines(t, filepath.Join(out, "summary.txt"))
	i := slices.Index(summary, "Adjustments out of range (adjustments.csv):")
	require.GreaterOrEqual(t, i, 0, "%q", summary)
	require.Empty(t, cmp.Diff([]string{"  " + above, "  " + below}, summary[i+1:i+3]))
	require.Empty(t, cmp.Diff(render.Final{Points: 0, Why: "adjustments -3, not below 0"}, res.Finals["bob"]))
	require.Contains(t, readLines(t, filepath.Join(out, "gradebook.csv")), "bob,bob.zip,1,0,1,1,5,-3,0,0,,")
}

// A roster given is kept in the folder for every later rebuild; the
// gradebook gains its columns and summary.txt its gaps.
func TestRebuildRoster(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 4, 5), graded("bob", 3, 5))
	given := filepath.Join(t.TempDir(), "class-roster.csv")
	require.NoError(t, os.WriteFile(given, []byte("id,name,email,sis_id\nann,Ann Lee,ann@uni.edu,S1\ncat,Cat Ross,,S3\n"), 0o644))
	rebuild(t, out, Options{Roster: given})
	require.NoError(t, os.Remove(given))
	rebuild(t, out, Options{}) // the kept roster
	require.Empty(t, cmp.Diff([]string{
		"student,name,email,sis_id,source,greet/01-builds,greet/02-hello,greet/total,total,max,notes",
		"ann,Ann Lee,ann@uni.edu,S1,ann.zip,2.5,1.5,4,4,5,",
		"bob,,,,bob.zip,2.5,0.5,3,3,5,",
	}, readLines(t, filepath.Join(out, "gradebook.csv"))), "(-want +got)")
	summary := readLines(t, filepath.Join(out, "summary.txt"))
	require.Contains(t, summary, "Roster: 1 with no submission: cat")
	require.Contains(t, summary, "Not on the roster: bob")
}
