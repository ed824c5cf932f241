package class

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/stretchr/testify/require"
)

// graded is the record of a student graded on one exercise, greet, of
// two checks: got points of max, the first check passed and the second
// not unless got is max.
func graded(student string, got, max float64) *result.Report {
	first := min(got, max/2)
	second := got - first
	status := result.Failed
	if got == max {
		status = result.Passed
	}
	return &result.Report{Student: student, Source: student + ".zip", Exercises: []result.Exercise{{
		Name: "greet", Title: "Greet", Checks: []result.Check{
			{Exercise: "greet", ID: "01-builds", Number: "1.1", Title: "builds", Status: result.Passed, Score: first, MaxScore: max / 2, Visibility: "visible"},
			{Exercise: "greet", ID: "02-hello", Number: "1.2", Title: "says hello", Status: status, Score: second, MaxScore: max / 2, Visibility: "visible"},
		},
	}}}
}

// writeRecords keeps the records in the results folder out as grade
// does, at students/<id>/record.json.
func writeRecords(t *testing.T, out string, reports ...*result.Report) {
	t.Helper()
	for _, r := range reports {
		dir := filepath.Join(out, "students", r.Student)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, r.WriteFile(filepath.Join(dir, "record.json")))
	}
}

// writeStatus keeps a student's deadline status as grade does.
func writeStatus(t *testing.T, out, student string, st deadline.Status) {
	t.Helper()
	dir := filepath.Join(out, "students", student)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, st.WriteFile(filepath.Join(dir, deadline.File)))
}

// writeAdjustments writes the instructor's adjustments file: the
// template grade leaves in the folder, then the rows as an instructor
// types them, the first of them on line 2.
func writeAdjustments(t *testing.T, out string, rows ...string) {
	t.Helper()
	path := filepath.Join(out, adjust.File)
	require.NoError(t, adjust.WriteTemplate(path))
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(strings.Join(rows, "\n") + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// readLines is the file at path, one line an element.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}
