// Package roster reads the class list an instructor exports from the
// school's systems, maps class-folder entries to its students, and says
// who handed in nothing and which submissions belong to no one on it.
package roster

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// Columns are the columns of a roster file, in any order, named by its
// header row: id is required in every row, the others may be empty.
var Columns = []string{"id", "name", "email", "sis_id"}

// Student is one row of a roster.
type Student struct {
	ID    string // the student id the grader files the student's results under
	Name  string
	Email string
	SISID string // the id of the school's student information system
}

// Roster is a class list.
type Roster struct {
	Students []Student // in file order
	by       map[string]int
}

// ErrSyntax matches every error about a roster file that cannot be read.
var ErrSyntax = errors.New("bad roster")

// RowError is a line of a roster file that cannot be used.
type RowError struct {
	File string
	Line int // 1 is the header
	Msg  string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func (e *RowError) Unwrap() error { return ErrSyntax }

// ReadFile reads the roster at path.
func ReadFile(path string) (*Roster, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the roster: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a roster in CSV: a header row naming the columns (see
// Columns; other columns are refused, so that a misspelt one is not
// silently empty), then one row per student. A byte-order mark is
// skipped, blank rows are ignored, and fields are trimmed. Every student
// needs an id that is a student id as it is (see ValidID), and no id,
// email or sis_id may appear twice: either would file two students'
// results as one. file names the roster in errors.
func Parse(r io.Reader, file string) (*Roster, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &RowError{file, 1, "the roster is empty; its first row must name the columns, like \"id,name,email,sis_id\""}
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(Columns, h) {
			return nil, &RowError{file, 1, fmt.Sprintf("column %q is not a roster column; name the columns %s in the first row", clip(h), strings.Join(Columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return nil, &RowError{file, 1, fmt.Sprintf("column %q appears twice; keep one", h)}
		}
		col[h] = i
	}
	if _, ok := col["id"]; !ok {
		return nil, &RowError{file, 1, "the header has no id column; the first row must name the columns, like \"id,name,email,sis_id\""}
	}
	ro := &Roster{by: map[string]int{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return ro, nil
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(rec) > len(header) {
			return nil, &RowError{file, line, fmt.Sprintf("%d fields, but the header names %d columns", len(rec), len(header))}
		}
		s := Student{ID: field("id"), Name: field("name"), Email: field("email"), SISID: field("sis_id")}
		if !utf8.ValidString(s.ID + s.Name + s.Email + s.SISID) {
			return nil, &RowError{file, line, "the row is not UTF-8; save the roster as UTF-8 CSV"}
		}
		if !ValidID(s.ID) {
			return nil, &RowError{file, line, fmt.Sprintf("id %q is not a student id; use lower-case letters, digits, '.', '_', '-', or an email address", clip(s.ID))}
		}
		keys := map[string]bool{}
		for _, key := range []string{s.ID, s.Email, s.SISID} {
			if key != "" {
				keys[strings.ToLower(key)] = true
			}
		}
		for k := range keys {
			if j, dup := ro.by[k]; dup {
				return nil, &RowError{file, line, fmt.Sprintf("%q is already the id, email or sis_id of %s; every student needs their own", clip(k), ro.Students[j].ID)}
			}
			ro.by[k] = len(ro.Students)
		}
		ro.Students = append(ro.Students, s)
	}
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{file, pe.Line, pe.Err.Error() + "; save the roster as plain CSV"}
	}
	return fmt.Errorf("reading %s: %w", file, err)
}

func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 64 {
		s = s[:61] + "..."
	}
	return s
}

// Lookup finds the student a class-folder entry belongs to: an entry
// named (without its archive suffix, in any case) like a student's id,
// email or sis_id.
func (ro *Roster) Lookup(name string) (Student, bool) {
	if ro == nil {
		return Student{}, false
	}
	i, ok := ro.by[strings.ToLower(name)]
	if !ok {
		return Student{}, false
	}
	return ro.Students[i], true
}

// Student returns the student with id.
func (ro *Roster) Student(id string) (Student, bool) {
	s, ok := ro.Lookup(id)
	return s, ok && s.ID == id
}

// Gaps are where a roster and the graded students disagree.
type Gaps struct {
	NoSubmission []Student // on the roster, not graded
	NotOnRoster  []string  // graded ids no roster row has, sorted
}

// Gaps compares the roster with the ids of the graded students.
func (ro *Roster) Gaps(graded []string) Gaps {
	var g Gaps
	have := map[string]bool{}
	for _, id := range graded {
		have[id] = true
		if _, ok := ro.Student(id); !ok {
			g.NotOnRoster = append(g.NotOnRoster, id)
		}
	}
	for _, s := range ro.Students {
		if !have[s.ID] {
			g.NoSubmission = append(g.NoSubmission, s)
		}
	}
	slices.Sort(g.NotOnRoster)
	return g
}
