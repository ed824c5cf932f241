package class

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/classreport"
	"github.com/poolschool/poolschool/grader/internal/atomicfile"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/roster"
	"github.com/poolschool/poolschool/grader/similarity"
	"github.com/poolschool/poolschool/grader/spec"
)

// Options are what a rebuild takes besides the records.
type Options struct {
	// Roster is a roster file to keep in the results folder, as -roster
	// names it, before the rebuild; "" keeps the one the folder has.
	Roster string
	// Exercises are those whose submitted files are compared.
	Exercises []*spec.Exercise
	// Starter is the student kit as released, whose starter files the
	// comparison leaves out.
	Starter string
	// Warn, when not nil, is told of every adjustment that does not apply
	// as written, as the rebuild finds it.
	Warn func(string)
}

// Results are a class as a rebuild leaves it.
type Results struct {
	Reports []*result.Report // every student's record, in the class files' order
	// Finals are the students' final points, as the gradebook has them;
	// nil when the gradebook has no final column.
	Finals map[string]render.Final
}

// Rebuild writes the class files of the results folder out afresh from
// every student record in it: gradebook.csv, junit.xml and summary.txt;
// the gradebook gains the roster's columns, the adjustments, the late
// penalty and the final points; every feedback.md its adjustments;
// summary.txt the class folder's notes, the histograms and the roster's
// gaps; and similarity.csv and report.html are written anew.
func Rebuild(out string, opts Options) (*Results, error) {
	all, err := Records(out)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(out, "gradebook.csv"), func(w io.Writer) error { return render.Gradebook(w, all) }); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(out, "junit.xml"), func(w io.Writer) error { return render.JUnit(w, "poolschool", all, false) }); err != nil {
		return nil, err
	}
	notes, _ := os.ReadFile(filepath.Join(out, NotesFile))
	err = atomicfile.Write(filepath.Join(out, "summary.txt"), func(w io.Writer) error {
		if err := render.Summary(w, all); err != nil {
			return err
		}
		if len(notes) > 0 {
			_, err := fmt.Fprintf(w, "\nClass folder notes:\n%s", render.Text(indentLines(string(notes))))
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rosterPath := filepath.Join(out, RosterFile)
	if opts.Roster != "" {
		if err := kit.CopyFile(opts.Roster, rosterPath, 0o644); err != nil {
			return nil, fmt.Errorf("keeping the roster: %w", err)
		}
	}
	ro, err := ReadRoster(out)
	if err != nil {
		return nil, err
	}
	if err := adjust.WriteTemplate(filepath.Join(out, adjust.File)); err != nil {
		return nil, err
	}
	st, warnings, err := standings(out, all)
	if err != nil {
		return nil, err
	}
	if opts.Warn != nil {
		for _, w := range warnings {
			opts.Warn(w)
		}
	}
	if err := extendGradebook(filepath.Join(out, "gradebook.csv"), ro, st); err != nil {
		return nil, err
	}
	res := &Results{Reports: all}
	if hasFinal(st) {
		res.Finals = finals(all, st)
	}
	for _, r := range all {
		if err := atomicfile.Write(filepath.Join(out, "students", r.Student, "feedback.md"), func(w io.Writer) error { return feedback(w, r, st[r.Student]) }); err != nil {
			return nil, err
		}
	}
	pairs := compare(out, all, opts.Exercises, opts.Starter)
	if err := atomicfile.Write(filepath.Join(out, SimilarityFile), func(w io.Writer) error { return similarity.WriteCSV(w, pairs) }); err != nil {
		return nil, err
	}
	if err := appendSummary(filepath.Join(out, "summary.txt"), all, ro, st); err != nil {
		return nil, err
	}
	in := classreport.Input{Reports: all, Roster: ro, Pairs: pairs, Provenance: result.Here(time.Now()),
		Adjustments: map[string]float64{}, Penalties: map[string]float64{}, Late: map[string]string{}}
	for id, s := range st {
		in.Adjustments[id], in.Penalties[id], in.Late[id] = s.adjust, s.penalty, s.status.Describe()
	}
	err = atomicfile.Write(filepath.Join(out, ReportFile), func(w io.Writer) error { return classreport.WriteHTML(w, in) })
	if err != nil {
		return nil, err
	}
	return res, nil
}

// finals are the students' final points with, where they differ from
// the record's total, what made them differ.
func finals(all []*result.Report, st map[string]standing) map[string]render.Final {
	byStudent := map[string]render.Final{}
	for _, r := range all {
		s := st[r.Student]
		got, _ := r.Score()
		var why []string
		if s.adjust != 0 {
			why = append(why, fmt.Sprintf("adjustments %+g", s.adjust))
		}
		if s.penalty != 0 {
			why = append(why, fmt.Sprintf("late penalty -%s", result.Points(s.penalty)))
		}
		if s.final != got && s.final == 0 {
			why = append(why, "not below 0")
		}
		f := render.Final{Points: s.final}
		if s.final != got {
			f.Why = strings.Join(why, ", ")
		}
		byStudent[r.Student] = f
	}
	return byStudent
}

func indentLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// ReadRoster reads the roster the results folder out keeps; nil when it
// has none.
func ReadRoster(out string) (*roster.Roster, error) {
	path := filepath.Join(out, RosterFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	ro, err := roster.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w; fix it or grade again with -roster", err)
	}
	return ro, nil
}

// extendGradebook adds to gradebook.csv the roster's name, email and
// sis_id after the student column when there is a roster, and
// adjustment, late_penalty, final and late after max when any student
// has an adjustment or was graded against a deadline: a class without
// either keeps the gradebook it always had.
func extendGradebook(path string, ro *roster.Roster, st map[string]standing) error {
	changed := hasFinal(st)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) == 0 {
		return fmt.Errorf("reading %s back: %v", path, err)
	}
	maxCol := slices.Index(rows[0], "max")
	if maxCol < 0 {
		return fmt.Errorf("%s has no max column", path)
	}
	for i, row := range rows {
		var who, after []string
		if i == 0 {
			who, after = []string{"name", "email", "sis_id"}, []string{"adjustment", "late_penalty", "final", "late"}
		} else {
			s, known := st[row[0]]
			p, _ := ro.Student(row[0])
			who = []string{render.Cell(p.Name), render.Cell(p.Email), render.Cell(p.SISID)}
			after = []string{"", "", "", ""}
			if known {
				after = []string{result.Points(s.adjust), result.Points(s.penalty), result.Points(s.final), render.Cell(s.status.Describe())}
			}
		}
		if ro == nil {
			who = nil
		}
		if !changed {
			after = nil
		}
		out := append(append([]string{row[0]}, who...), row[1:maxCol+1]...)
		rows[i] = append(append(out, after...), row[maxCol+1:]...)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.WriteAll(rows); err != nil {
			return fmt.Errorf("writing the gradebook: %w", err)
		}
		return nil
	})
}

// feedback writes a student's feedback.md: the record's, then one line
// per adjustment and the late penalty, with the final points.
func feedback(w io.Writer, r *result.Report, s standing) error {
	if err := render.Feedback(w, r); err != nil {
		return err
	}
	if len(s.adjustments) == 0 && s.penalty == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\n## Adjustments\n\n")
	for _, a := range s.adjustments {
		what := "your total"
		if a.Exercise != "" {
			what = a.Exercise
		}
		fmt.Fprintf(&b, "- %+g points (%s): %s\n", a.Points, render.Text(what), render.Text(a.Reason))
	}
	if s.penalty > 0 {
		fmt.Fprintf(&b, "- %+g points, late: %s\n", -s.penalty, s.status.Describe())
	}
	_, most := r.Score()
	fmt.Fprintf(&b, "\nFinal: %s of %s points.\n", result.Points(s.final), result.Points(most))
	_, err := io.WriteString(w, b.String())
	return err
}

// appendSummary adds the histograms, the finals that adjustments take
// out of range and the roster's gaps to summary.txt.
func appendSummary(path string, all []*result.Report, ro *roster.Roster, st map[string]standing) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	werr := classreport.WriteTextHistograms(f, all)
	var outOfRange []string
	for _, r := range all {
		if o := st[r.Student].outOfRange; o != "" {
			outOfRange = append(outOfRange, "  "+render.Text(o)+"\n")
		}
	}
	if werr == nil && len(outOfRange) > 0 {
		_, werr = fmt.Fprintf(f, "\nAdjustments out of range (%s):\n%s", adjust.File, strings.Join(outOfRange, ""))
	}
	if werr == nil && ro != nil {
		var ids []string
		for _, r := range all {
			ids = append(ids, r.Student)
		}
		g := ro.Gaps(ids)
		var missing []string
		for _, s := range g.NoSubmission {
			missing = append(missing, s.ID)
		}
		_, werr = fmt.Fprintf(f, "\nRoster: %d with no submission: %s\nNot on the roster: %s\n", len(missing), render.Text(orNone(missing)), render.Text(orNone(g.NotOnRoster)))
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	return werr
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
