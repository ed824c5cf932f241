// Package class keeps the class view of a results folder: the files that
// speak of the class as a whole, rebuilt from the student records that
// grade writes (students/<id>/record.json) every time any student is
// graded, so that a regrade of one student changes only that student's
// rows and never loses the instructor's adjustments.
//
// Rebuild writes gradebook.csv, junit.xml, summary.txt, similarity.csv,
// report.html and every student's feedback.md. The folder also keeps what
// every later run needs to grade the class the same way: the roster, the
// deadline and late penalty (Rule), the notes about the class folder and
// the Go files each student handed in (KeepSubmitted).
package class

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/submission"
)

// The files of a results folder that the class view keeps.
const (
	RosterFile     = "roster.csv"      // a copy of the -roster file, used by every later rebuild
	SimilarityFile = "similarity.csv"  // pairs of unusually alike submissions
	ReportFile     = "report.html"     // the class report
	SubmittedDir   = "submitted"       // students/<id>/submitted/<exercise>/: the Go files graded, for similarity
	RuleFile       = "class.json"      // the deadline and late penalty the class is graded against
	NotesFile      = "class-notes.txt" // what was wrong with the class folder, for summary.txt
)

// recordFiles lists the student records of the results folder out, in
// the order of their paths.
func recordFiles(out string) []string {
	// Not filepath.Glob(out/students/*/record.json): the results folder's
	// own name may hold [ ] * ? ("grades [fall]"), which Glob reads as a
	// pattern, and then finds no record, and the class files are rebuilt
	// from no one.
	dir := filepath.Join(out, "students")
	entries, _ := os.ReadDir(dir)
	var files []string
	for _, e := range entries {
		f := filepath.Join(dir, e.Name(), "record.json")
		if _, err := os.Lstat(f); err == nil {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	return files
}

// Records reads every student record of the results folder out, in the
// order of their paths (students/<id>/record.json), the order of every
// class file.
func Records(out string) ([]*result.Report, error) {
	var all []*result.Report
	for _, f := range recordFiles(out) {
		r, err := result.ReadFile(f)
		if err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	return all, nil
}

// Students lists the students the results folder out has graded.
func Students(out string) []string {
	var ids []string
	for _, r := range recordFiles(out) {
		ids = append(ids, filepath.Base(filepath.Dir(r)))
	}
	slices.Sort(ids) // "ann" before "ann-b", whose record's path sorts first
	return ids
}

// IDs loads the map of student ids of the results folder out. A results
// folder written before the map was kept has its records instead: each
// says which entry (its source) was graded under which id.
func IDs(out string) (*submission.IDMap, error) {
	path := filepath.Join(out, submission.IDFile)
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return submission.ReadIDMap(path)
	}
	ids := submission.NewIDMap()
	for _, f := range recordFiles(out) {
		r, err := result.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if r.Source != "" {
			ids.Set(r.Source, r.Student)
		}
	}
	return ids, nil
}

// WriteNotes keeps in the results folder out one line per problem with
// the class folder graded, for summary.txt; no lines, no file.
func WriteNotes(out string, lines []string) error {
	path := filepath.Join(out, NotesFile)
	if len(lines) == 0 {
		_ = os.Remove(path)
		return nil
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
