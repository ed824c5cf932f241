package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Grade is one student's points for the export.
type Grade struct {
	Student string // the grader's student id
	Points  float64
}

// Formats are the import files Export writes.
var Formats = []string{"canvas", "moodle", "csv"}

// Export writes grades as the import file of an LMS, one row per grade,
// with the assignment's column named assignment:
//
//   - canvas: the Gradebook import CSV, columns Student, ID, SIS User ID,
//     SIS Login ID, Section, then the assignment. Student is the roster's
//     name, SIS User ID its sis_id and SIS Login ID its email; ID (Canvas's
//     own user number) and Section are left empty, which Canvas accepts
//     when another column identifies the student.
//   - moodle: a CSV for Moodle's "Import grades from CSV", columns Email
//     address, ID number, Full name, then the assignment; at the import,
//     map from "Email address" to "useremail" (or "ID number" to
//     "useridnumber").
//   - csv: student, name, email, sis_id, points.
//
// A student not on the roster (ro may be nil) has only the id, in the csv
// format; Unmatched names the rows an LMS cannot match, which the caller
// should not import. Cells that a spreadsheet would read as a formula get
// a leading apostrophe.
func Export(w io.Writer, format, assignment string, ro *Roster, grades []Grade) error {
	var header []string
	var row func(s Student, points string) []string
	switch format {
	case "canvas":
		header = []string{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment}
		row = func(s Student, p string) []string { return []string{s.Name, "", s.SISID, s.Email, "", p} }
	case "moodle":
		header = []string{"Email address", "ID number", "Full name", assignment}
		row = func(s Student, p string) []string { return []string{s.Email, s.SISID, s.Name, p} }
	case "csv":
		header = []string{"student", "name", "email", "sis_id", "points"}
		row = func(s Student, p string) []string { return []string{s.ID, s.Name, s.Email, s.SISID, p} }
	default:
		return fmt.Errorf("-format %q is not one of %s", format, strings.Join(Formats, ", "))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, g := range grades {
		s, ok := ro.Student(g.Student)
		if !ok {
			s = Student{ID: g.Student}
		}
		cells := row(s, strconv.FormatFloat(g.Points, 'f', -1, 64))
		for i, c := range cells {
			cells[i] = safeCell(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell keeps a spreadsheet from running a cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// Unmatched returns one line per grade whose row the LMS of format could
// not match to a student, saying what the roster lacks; none for csv,
// whose rows carry the grader's id. Canvas matches a row on the student's
// name or SIS User ID (the ID column, Canvas's own number, the roster
// does not have). Moodle matches every row on the one column mapped at
// the import: the email address, or the ID number when every student
// has a sis_id and not every one an email.
func Unmatched(format string, ro *Roster, grades []Grade) []string {
	var lines []string
	switch format {
	case "canvas":
		for _, g := range grades {
			s, ok := ro.Student(g.Student)
			switch {
			case !ok:
				lines = append(lines, fmt.Sprintf("%s: not on the roster, so Canvas has nothing to match the row on; add the student to the roster with a name or a sis_id", g.Student))
			case s.Name == "" && s.SISID == "":
				lines = append(lines, fmt.Sprintf("%s: the roster gives no name and no sis_id, one of which Canvas matches the row on; add them to the roster", g.Student))
			}
		}
	case "moodle":
		var noEmail, noSIS []string
		for _, g := range grades {
			s, ok := ro.Student(g.Student)
			if !ok {
				lines = append(lines, fmt.Sprintf("%s: not on the roster, so Moodle has nothing to match the row on; add the student to the roster with an email", g.Student))
				continue
			}
			if s.Email == "" {
				noEmail = append(noEmail, g.Student)
			}
			if s.SISID == "" {
				noSIS = append(noSIS, g.Student)
			}
		}
		if len(noEmail) > 0 && len(noSIS) > 0 {
			for _, id := range noEmail {
				lines = append(lines, fmt.Sprintf("%s: the roster gives no email, which Moodle matches the rows on (or the ID number, when every student has a sis_id); add it to the roster", id))
			}
		}
	}
	return lines
}
