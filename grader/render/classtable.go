package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/poolschool/poolschool/grader/result"
)

// maxIDWidth bounds the id column, so that one long id does not push the
// notes off the line; a longer id is cut with an ellipsis.
const maxIDWidth = 20

// ClassTable writes the class at a glance, one row per report: the
// student's id, points, maximum and notes (why the submission was not
// graded, or what was ignored of it), in aligned columns. No row is wider
// than width columns: notes that do not fit end in an ellipsis. A nil
// report (a student an interrupted run did not reach) has no row.
func ClassTable(w io.Writer, reports []*result.Report, width int) error {
	return ClassTableFinal(w, reports, width, nil)
}

// Final is a student's final points, after the instructor's adjustments
// and the late penalty, and why they differ from the points the checks
// gave ("" when they do not).
type Final struct {
	Points float64
	Why    string
}

// ClassTableFinal is ClassTable with a final column after max, from
// finals (by student id; nil: no column), and each final that differs
// from the points saying why, first in the notes.
func ClassTableFinal(w io.Writer, reports []*result.Report, width int, finals map[string]Final) error {
	idw := len("student")
	for _, r := range reports {
		if r != nil {
			idw = max(idw, min(utf8.RuneCountInString(Text(r.Student)), maxIDWidth))
		}
	}
	var b strings.Builder
	row := func(id, got, most, final, notes string) {
		line := fmt.Sprintf("%s  %6s  %5s", padRight(cut(id, idw), idw), got, most)
		if finals != nil {
			line += fmt.Sprintf("  %6s", final)
		}
		if notes != "" {
			if room := width - utf8.RuneCountInString(line) - 2; room > 0 {
				line += "  " + cut(notes, room)
			}
		}
		b.WriteString(line + "\n")
	}
	row("student", "points", "max", "final", "notes")
	for _, r := range reports {
		if r == nil {
			continue
		}
		got, most := r.Score()
		notes := strings.Join(r.Notes, "; ")
		if r.Error != "" {
			notes = "not graded: " + r.Error
		}
		final := ""
		if f, ok := finals[r.Student]; ok {
			final = result.Points(f.Points)
			if f.Why != "" {
				notes = strings.TrimSuffix("final "+final+": "+f.Why+"; "+notes, "; ")
			}
		}
		row(OneLine(r.Student, 200), result.Points(got), result.Points(most), final, OneLine(notes, 1000))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// padRight pads s with spaces to n runes.
func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(n-utf8.RuneCountInString(s), 0))
}
