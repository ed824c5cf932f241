package similarity

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSVHeader names the columns of similarity.csv: the exercise, the two
// students, the score (0 to 1, two decimals), how many fingerprints they
// share, and where the shared code is in each: "file:start-end" spans
// separated by spaces, in the same order in both columns, so the n-th span
// of lines_a matches the n-th span of lines_b.
var CSVHeader = []string{"exercise", "student_a", "student_b", "score", "shared_fingerprints", "lines_a", "lines_b"}

// WriteCSV writes the flagged pairs as similarity.csv; the header is
// written even when none is flagged.
func WriteCSV(w io.Writer, pairs []Pair) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, p := range pairs {
		if !p.Flagged {
			continue
		}
		var a, b []string
		for _, m := range p.Matches {
			a, b = append(a, m.A.String()), append(b, m.B.String())
		}
		// A file name is the student's to choose: a spreadsheet must not
		// read "=cmd.go:1-3" as a formula.
		for _, spans := range [][]string{a, b} {
			if len(spans) > 0 && strings.ContainsAny(spans[0][:1], "=+-@\t\r") {
				spans[0] = "'" + spans[0]
			}
		}
		row := []string{p.Exercise, p.A, p.B, strconv.FormatFloat(p.Score, 'f', 2, 64), strconv.Itoa(p.Shared), strings.Join(a, " "), strings.Join(b, " ")}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing similarity.csv: %w", err)
	}
	return nil
}

// String is "file:start-end", or "file:line" for one line.
func (s Span) String() string {
	if s.Start == s.End {
		return fmt.Sprintf("%s:%d", s.File, s.Start)
	}
	return fmt.Sprintf("%s:%d-%d", s.File, s.Start, s.End)
}
