package class

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/grader/submission"
	"github.com/stretchr/testify/require"
)

// Students are sorted by id: "ann" before "ann-b", though ann-b's record
// path sorts first ('-' before '/'), so that -change-deadline's list of
// students left out reads in the order of the gradebook's rows.
func TestStudents(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("bob", 1, 5), graded("ann-b", 2, 5), graded("ann", 3, 5))
	// a student folder without a record (grading it stopped short) is not
	// a student graded
	require.NoError(t, os.MkdirAll(filepath.Join(out, "students", "cat"), 0o755))
	require.Empty(t, cmp.Diff([]string{"ann", "ann-b", "bob"}, Students(out)))
	require.Empty(t, Students(t.TempDir()))
}

// Records are in the order of their paths (the order Rebuild builds the
// class files in), whatever order they were written in.
func TestRecordsInPathOrder(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("bob", 1, 5), graded("ann", 3, 5), graded("ann-b", 2, 5))
	wantFiles := []string{
		filepath.Join(out, "students", "ann-b", "record.json"),
		filepath.Join(out, "students", "ann", "record.json"),
		filepath.Join(out, "students", "bob", "record.json"),
	}
	require.Empty(t, cmp.Diff(wantFiles, recordFiles(out)))
	all, err := Records(out)
	require.NoError(t, err)
	var ids []string
	for _, r := range all {
		ids = append(ids, r.Student)
	}
	require.Empty(t, cmp.Diff([]string{"ann-b", "ann", "bob"}, ids))
	require.Empty(t, cmp.Diff(graded("ann", 3, 5), all[1]), "a record reads back as written")
}

// A damaged record stops the rebuild, naming the file.
func TestRecordsDamaged(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 3, 5))
	path := filepath.Join(out, "students", "ann", "record.json")
	require.NoError(t, os.WriteFile(path, []byte("{"), 0o644))
	_, err := Records(out)
	require.ErrorContains(t, err, path+" is not a grader report")
}

// The map of ids the folder keeps is the one used, not what the records
// say: it holds entries no record names any more (an entry renamed).
func TestIDsKept(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 3, 5))
	kept := submission.NewIDMap()
	kept.Set("Ann Lee", "ann")
	kept.Set("Ann Lee.zip", "ann-2")
	require.NoError(t, kept.WriteFile(filepath.Join(out, submission.IDFile)))
	ids, err := IDs(out)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff([]string{"Ann Lee"}, ids.Holders("ann")))
	require.Empty(t, cmp.Diff([]string{"Ann Lee.zip"}, ids.Holders("ann-2")))
	_, ok := ids.Lookup("ann.zip")
	require.False(t, ok, "the record's source is not read beside the kept map")
}

// A folder written before the map was kept has it rebuilt from the
// records' sources; a record without one (a working tree graded) names
// no entry.
func TestIDsFromRecords(t *testing.T) {
	out := t.TempDir()
	tree := graded("dev", 3, 5)
	tree.Source = ""
	writeRecords(t, out, graded("ann", 3, 5), graded("bob", 1, 5), tree)
	ids, err := IDs(out)
	require.NoError(t, err)
	for entry, want := range map[string]string{"ann.zip": "ann", "bob.zip": "bob"} {
		id, ok := ids.Lookup(entry)
		require.True(t, ok, entry)
		require.Empty(t, cmp.Diff(want, id), entry)
	}
	require.Empty(t, ids.Holders("dev"))
	_, ok := ids.Lookup("")
	require.False(t, ok)
}

// A damaged map is not passed over for the records: that could give an
// entry's id to another entry.
func TestIDsDamaged(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 3, 5))
	path := filepath.Join(out, submission.IDFile)
	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o644))
	_, err := IDs(out)
	require.ErrorContains(t, err, path+" is not a map of student ids")
}

func TestWriteNotes(t *testing.T) {
	out := t.TempDir()
	path := filepath.Join(out, NotesFile)
	lines := []string{"notes.txt: skipped, not a submission", "ann.zip and ann/: both graded as ann"}
	require.NoError(t, WriteNotes(out, lines))
	require.Empty(t, cmp.Diff(lines, readLines(t, path)))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, byte('\n'), data[len(data)-1], "the last line ends")
}

// A run whose class folder has nothing wrong leaves no notes: an earlier
// run's would be read into summary.txt as this one's.
func TestWriteNotesNoneRemovesTheFile(t *testing.T) {
	out := t.TempDir()
	path := filepath.Join(out, NotesFile)
	require.NoError(t, WriteNotes(out, []string{"notes.txt: skipped"}))
	require.NoError(t, WriteNotes(out, nil))
	_, err := os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, WriteNotes(out, nil), "no file to remove is no error")
	_, err = os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist)
}

// A results folder's own name may hold what a glob pattern would read
// ("grades [fall]", "hw?"): its records are found all the same, or a
// regrade of one student would rebuild the class files from no one.
func TestRecordsInAFolderNamedLikeAPattern(t *testing.T) {
	for _, name := range []string{"grades [fall]", "hw?", "grades*"} {
		out := filepath.Join(t.TempDir(), name)
		writeRecords(t, out, graded("bob", 1, 5), graded("ann", 3, 5))
		require.Empty(t, cmp.Diff([]string{"ann", "bob"}, Students(out)), name)
		all, err := Records(out)
		require.NoError(t, err)
		require.Len(t, all, 2, name)
		rebuild(t, out, Options{})
		require.Len(t, readLines(t, filepath.Join(out, "gradebook.csv")), 3, "%s: a header and two students", name)
	}
}
