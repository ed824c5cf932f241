// Package adjust reads the instructor's hand-made changes to grades: the
// adjustments.csv of a results folder, which every rebuild of the class
// files applies, so that a regrade never loses them.
package adjust

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// File is the name of the adjustments file in a results folder.
const File = "adjustments.csv"

// Header is the first row of the file.
var Header = []string{"id", "exercise", "points", "reason"}

// Adjustment is one row: points (negative to take away) given to a
// student for one exercise, or for the whole work when Exercise is "".
type Adjustment struct {
	Student  string
	Exercise string
	Points   float64
	Reason   string
	Line     int // the row's line in the file
}

// ErrSyntax matches every error about an adjustments file that cannot be
// read.
var ErrSyntax = errors.New("bad adjustments file")

// LineError is a row of the file that cannot be used.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

func (e *LineError) Unwrap() error { return ErrSyntax }

// ReadFile reads the adjustments at path; a missing file has none.
func ReadFile(path string) ([]Adjustment, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the adjustments: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads adjustments in CSV: the header row (Header, in that order),
// then one row per adjustment; blank rows are skipped. Every row needs a
// student id, a number of points and a reason: the reason is what the
// student reads.
func Parse(r io.Reader, file string) ([]Adjustment, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	want := strings.Join(Header, ",")
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil || strings.ToLower(strings.TrimPrefix(strings.Join(header, ","), "\ufeff")) != want {
		return nil, &LineError{file, 1, fmt.Sprintf("the first row must be %q", want)}
	}
	var out []Adjustment
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{file, pe.Line, pe.Err.Error() + "; save the file as plain CSV"}
			}
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(rec) != len(Header) {
			return nil, &LineError{file, line, fmt.Sprintf("%d fields; a row is %s (quote a reason that holds a comma)", len(rec), want)}
		}
		a := Adjustment{Student: strings.TrimSpace(rec[0]), Exercise: strings.TrimSpace(rec[1]), Reason: strings.TrimSpace(rec[3]), Line: line}
		if a.Student == "" {
			return nil, &LineError{file, line, "no student id; put the id of gradebook.csv's student column first"}
		}
		p, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimSpace(rec[2]), "+"), 64)
		if err != nil || p != p || p > 1e6 || p < -1e6 {
			return nil, &LineError{file, line, fmt.Sprintf("points %q is not a number; write it like 2, -1.5 or +0.5", rec[2])}
		}
		a.Points = p
		if a.Reason == "" {
			return nil, &LineError{file, line, "no reason; the student sees it in feedback.md, so say why"}
		}
		out = append(out, a)
	}
}

// For returns the adjustments of one student, in file order, and their
// sum. Ids are compared in any case: the grader's ids are lower-case but
// for an email address, which a roster may spell with capitals.
func For(all []Adjustment, student string) (mine []Adjustment, total float64) {
	for _, a := range all {
		if strings.EqualFold(a.Student, student) {
			mine = append(mine, a)
			total += a.Points
		}
	}
	return mine, total
}

// WriteTemplate creates the file with just its header when there is none,
// so that the instructor finds it in the results folder ready to edit.
func WriteTemplate(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, strings.Join(Header, ",")+"\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
