package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// Gradebook writes the class CSV: one row per student (sorted by id), one
// column per check ("exercise/id") with the points earned ("not measured"
// for a check the total leaves out until it is measured), each exercise's
// checks followed by its subtotal ("exercise/total"), then total, max and
// notes. Every cell goes through Cell, so no student-controlled text is
// read as a formula.
func Gradebook(w io.Writer, reports []*result.Report) error {
	var cols []string
	seen := map[string]bool{}
	for _, r := range reports {
		for _, c := range r.Checks() {
			k := c.Exercise + "/" + c.ID
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	sort.Strings(cols)
	cols = withSubtotals(cols)
	sorted := append([]*result.Report(nil), reports...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Student < sorted[j].Student })
	cw := csv.NewWriter(w)
	header := append(append([]string{"student", "source"}, cols...), "total", "max", "notes")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range sorted {
		by := map[string]result.Check{}
		for _, c := range r.Checks() {
			by[c.Exercise+"/"+c.ID] = c
		}
		row := []string{Cell(r.Student), Cell(r.Source)}
		for _, k := range cols {
			if c, ok := by[k]; ok && !c.Counted() {
				row = append(row, "not measured")
			} else if ok {
				row = append(row, result.Points(c.Score))
			} else if ex, ok := strings.CutSuffix(k, subtotal); ok {
				row = append(row, exerciseTotal(r, ex))
			} else {
				row = append(row, "")
			}
		}
		got, max := r.Score()
		notes := append([]string(nil), r.Notes...)
		if r.Error != "" {
			notes = append(notes, "error: "+r.Error)
		}
		if n, _ := r.NotMeasured(); n > 0 && r.Error == "" {
			var which []string
			for _, c := range r.Checks() {
				if c.Status != result.NotMeasured {
					continue
				}
				how := result.Points(c.MaxScore) + " points left out"
				if c.Counted() {
					how = "scored " + result.Points(c.Score) + " by its rule"
				}
				which = append(which, c.Exercise+"/"+c.ID+" ("+how+")")
			}
			notes = append(notes, "not measured: "+strings.Join(which, ", "))
		}
		row = append(row, result.Points(got), result.Points(max), Cell(strings.Join(notes, "; ")))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the gradebook: %w", err)
	}
	return nil
}

// subtotal ends the name of an exercise's subtotal column; no check id
// can be "total" (ids are "NN-slug").
const subtotal = "/total"

// withSubtotals puts after the check columns of each exercise, sorted by
// exercise, that exercise's subtotal column.
func withSubtotals(cols []string) []string {
	var out []string
	for i, k := range cols {
		out = append(out, k)
		if ex := exerciseOf(k); i+1 == len(cols) || exerciseOf(cols[i+1]) != ex {
			out = append(out, ex+subtotal)
		}
	}
	return out
}

// exerciseOf is the exercise of a check column "exercise/id".
func exerciseOf(col string) string {
	ex, _, _ := strings.Cut(col, "/")
	return ex
}

// exerciseTotal is the points r earned in the exercise ex, "" when r has
// no record of it.
func exerciseTotal(r *result.Report, ex string) string {
	for i := range r.Exercises {
		if r.Exercises[i].Name == ex {
			got, _ := r.Exercises[i].Score()
			return result.Points(got)
		}
	}
	return ""
}
