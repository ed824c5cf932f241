// Package deadline reads the -deadline and -late-penalty flags of a grade
// run and keeps, per student, when the graded work was made and how late
// it is.
package deadline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// Parse reads a deadline in RFC 3339, with or without seconds:
// "2026-12-01T23:59Z", "2026-12-01T23:59:00+01:00".
func Parse(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("-deadline %q is not a time; write it like 2026-12-01T23:59Z (UTC) or 2026-12-01T23:59+01:00", s)
}

// Penalty is the late-penalty rule: Percent of the points available taken
// away for every started Per of lateness.
type Penalty struct {
	Percent float64       `json:"percent"`
	Per     time.Duration `json:"per_ns"`
}

// ParsePenalty reads a rule like "10%/day" or "2%/hour".
func ParsePenalty(s string) (Penalty, error) {
	bad := fmt.Errorf("-late-penalty %q is not a rule; write it like 10%%/day or 2%%/hour", s)
	pct, unit, ok := strings.Cut(s, "%/")
	if !ok {
		return Penalty{}, bad
	}
	p, err := strconv.ParseFloat(pct, 64)
	if err != nil || p <= 0 || p > 100 {
		return Penalty{}, bad
	}
	switch unit {
	case "day":
		return Penalty{p, 24 * time.Hour}, nil
	case "hour":
		return Penalty{p, time.Hour}, nil
	}
	return Penalty{}, bad
}

// Points is what the rule takes from work late by late with max points
// available, at most got (what the work earned): a penalty never makes
// a total negative.
func (p Penalty) Points(late time.Duration, got, max float64) float64 {
	if late <= 0 || p.Per == 0 {
		return 0
	}
	periods := math.Ceil(float64(late) / float64(p.Per))
	return math.Min(got, math.Round(periods*p.Percent*max)/100)
}

// Status is when one student's graded work was made, as far as the
// grader can tell, against the deadline.
type Status struct {
	Deadline time.Time `json:"deadline,omitzero"`
	// Commit is the graded commit of a git submission, and Committed its
	// committer time: the last commit before the deadline, or the first
	// after it when there is none before.
	Commit    string    `json:"commit,omitempty"`
	Committed time.Time `json:"committed,omitzero"`
	// Late is how long after the deadline the graded commit was made.
	Late time.Duration `json:"late_ns,omitempty"`
	// LMSLate is the LMS's own mark (Canvas's "LATE" in a file name):
	// the upload time it is based on is the one the student cannot set.
	LMSLate bool `json:"lms_late,omitempty"`
	// Newer says that commits after the deadline were not graded.
	Newer bool `json:"newer_commits,omitempty"`
	// Rule is the late-penalty rule the work was graded under; nil: none.
	Rule *Penalty `json:"penalty,omitempty"`
}

// Penalty is what the work loses for being late, of got earned out of
// max: the rule's points for Late. An LMS's late mark alone says not by
// how much, so it costs nothing here; adjustments.csv can say what it
// costs.
func (s Status) Penalty(got, max float64) float64 {
	if s.Rule == nil {
		return 0
	}
	return s.Rule.Points(s.Late, got, max)
}

// IsLate reports whether the graded work is late by either measure.
func (s Status) IsLate() bool { return s.Late > 0 || s.LMSLate }

// File is the name of the status file in a student's results folder.
const File = "deadline.json"

// WriteFile stores s at path.
func (s Status) WriteFile(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// ReadFile loads a status; a missing file is the zero Status.
func ReadFile(path string) (Status, error) {
	var s Status
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("%s is not a deadline status (%v); remove it and regrade the student", path, err)
	}
	return s, nil
}

// Describe says in a line how late the work is, "" when it is not.
func (s Status) Describe() string {
	var parts []string
	if s.Late > 0 {
		parts = append(parts, fmt.Sprintf("commit %.12s was made %s after the deadline", s.Commit, strings.TrimSuffix(s.Late.Round(time.Minute).String(), "0s")))
	}
	if s.LMSLate {
		parts = append(parts, "the LMS marked the upload late")
	}
	return strings.Join(parts, "; ")
}
