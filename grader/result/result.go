// Package result holds the one record the grader keeps per check, and the
// reports built from those records. Every renderer reads these types and
// nothing else, so the student's terminal, Gradescope, JUnit, the gradebook
// and the feedback file can never disagree.
package result

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Status is the outcome of one check.
type Status string

// The outcomes. Error means the grader could not run the check at all (for
// example the program did not build); it scores zero like Failed.
// NotMeasured means the check could not measure what it grades (no two
// free CPUs for a speed-up, a machine that got busy during the runs): it
// is neither passed nor failed, and scores by the check's rule (see
// Check.Unmeasured).
const (
	Passed      Status = "passed"
	Failed      Status = "failed"
	Skipped     Status = "skipped"
	Error       Status = "error"
	NotMeasured Status = "not measured"
)

// The rules a check declares ("# unmeasured: RULE") for scoring a "not
// measured" outcome: Excluded keeps the check out of the total, points and
// maximum alike, until a later run measures it; Full gives its points;
// Zero gives none, out of its points.
const (
	Excluded = "excluded"
	Full     = "full"
	Zero     = "zero"
)

// Check is the record of one check in one run.
type Check struct {
	Exercise   string  `json:"exercise"`
	ID         string  `json:"id"`     // "02-small"
	Number     string  `json:"number"` // "1.2": exercise index, check index
	Title      string  `json:"title"`
	Status     Status  `json:"status"`
	Score      float64 `json:"score"`
	MaxScore   float64 `json:"max_score"`
	Visibility string  `json:"visibility"`
	Ungraded   bool    `json:"ungraded,omitempty"`
	Reason     string  `json:"reason,omitempty"`   // one line: why it failed or was skipped
	Phase      string  `json:"phase,omitempty"`    // the comment of the failing part of the check
	Command    string  `json:"command,omitempty"`  // the command as the check ran it: "primes 2 10"
	Input      string  `json:"input,omitempty"`    // what the command got on its standard input
	Expected   string  `json:"expected,omitempty"` // what the check wanted
	Got        string  `json:"got,omitempty"`      // what the program did
	// ExpectedLabel and GotLabel say what Expected and Got are: "stdout",
	// "a line matching", "the compiler says"; empty when plain.
	ExpectedLabel string `json:"expected_label,omitempty"`
	GotLabel      string `json:"got_label,omitempty"`
	Diff          string `json:"diff,omitempty"`   // Expected against Got by line: "-" expected, "+" got, " " both
	Stderr        string `json:"stderr,omitempty"` // the program's stderr, when Got is something else
	Detail        string `json:"detail,omitempty"` // what the check's own commands said
	Log           string `json:"log,omitempty"`    // transcript of the failing phase, capped
	Hint          string `json:"hint,omitempty"`   // first hint level
	HintLevels    int    `json:"hint_levels,omitempty"`
	// FailureHint is the hint for this very failure, when the check has
	// one: a "# hint-if:" of the check that matches it, or a "# hint:" in
	// the comment of the failing part of the script.
	FailureHint string `json:"failure_hint,omitempty"`
	// Unmeasured is the check's rule for a not-measured outcome (Excluded,
	// Full or Zero), set when Status is NotMeasured.
	Unmeasured string        `json:"unmeasured,omitempty"`
	Started    time.Time     `json:"started,omitzero"` // when the check started to run
	Duration   time.Duration `json:"duration_ns"`
}

// Exercise is the record of one exercise: its checks in order.
type Exercise struct {
	Name   string   `json:"name"`
	Title  string   `json:"title"`
	Checks []Check  `json:"checks"`
	Notes  []string `json:"notes,omitempty"` // e.g. a check the grader could not run
	// HiddenChecks and HiddenPoints count the hidden checks that this
	// run left out: they run only when the work is graded.
	HiddenChecks int     `json:"hidden_checks,omitempty"`
	HiddenPoints float64 `json:"hidden_points,omitempty"`
	Page         string  `json:"page,omitempty"` // the exercise's page, "docs/homework/primes.md"
	// BuildError is the compiler's output when the program did not build,
	// with paths relative to the kit's root (exercises/primes/main.go);
	// "" when it built.
	BuildError string `json:"build_error,omitempty"`
}

// Counted reports whether the check counts in the total: every check
// except one that was not measured and whose rule excludes it until it is.
func (c *Check) Counted() bool {
	return c.Status != NotMeasured || c.Unmeasured == Full || c.Unmeasured == Zero
}

// Score returns the points earned and the points available, without the
// checks that do not count (see Check.Counted).
func (e *Exercise) Score() (got, max float64) {
	for _, c := range e.Checks {
		if !c.Counted() {
			continue
		}
		got += c.Score
		max += c.MaxScore
	}
	return got, max
}

// NotMeasured returns how many checks were not measured, and the points of
// those of them that the total leaves out until they are.
func (e *Exercise) NotMeasured() (checks int, excluded float64) {
	for _, c := range e.Checks {
		if c.Status == NotMeasured {
			checks++
			if !c.Counted() {
				excluded += c.MaxScore
			}
		}
	}
	return checks, excluded
}

// Report is everything graded for one student (or one working tree).
type Report struct {
	Student   string        `json:"student"`
	Source    string        `json:"source,omitempty"` // the submission's file or folder name
	Exercises []Exercise    `json:"exercises"`
	Notes     []string      `json:"notes,omitempty"` // submission problems: ignored files, refused entries
	Error     string        `json:"error,omitempty"` // the submission could not be read at all
	Duration  time.Duration `json:"duration_ns"`
	Isolation string        `json:"isolation,omitempty"` // how student code was contained
	// Confinement says where student code could write, and what the
	// machine's fallback still allowed: "landlock+mountns: ...",
	// "none — writes outside the work folder are possible...".
	Confinement string `json:"confinement,omitempty"`
	// Provenance says what was graded, by which grader, when and where.
	Provenance *Provenance `json:"provenance,omitempty"`
}

// Score returns the points earned and available over all exercises.
func (r *Report) Score() (got, max float64) {
	for i := range r.Exercises {
		g, m := r.Exercises[i].Score()
		got += g
		max += m
	}
	return got, max
}

// NotMeasured returns how many checks were not measured over all
// exercises, and the points the total leaves out until they are.
func (r *Report) NotMeasured() (checks int, excluded float64) {
	for i := range r.Exercises {
		n, p := r.Exercises[i].NotMeasured()
		checks += n
		excluded += p
	}
	return checks, excluded
}

// Checks returns every check of every exercise, in order.
func (r *Report) Checks() []Check {
	var all []Check
	for _, e := range r.Exercises {
		all = append(all, e.Checks...)
	}
	return all
}

// AllPassed reports whether every check passed.
func (r *Report) AllPassed() bool {
	for _, c := range r.Checks() {
		if c.Status != Passed {
			return false
		}
	}
	return r.Error == ""
}

// WriteFile stores the report as indented JSON.
func (r *Report) WriteFile(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// ReadFile loads a report written by WriteFile.
func ReadFile(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s is not a grader report: %w", path, err)
	}
	return &r, nil
}

// Points formats a score without a needless ".0".
func Points(p float64) string { return fmt.Sprintf("%g", p) }

// Scoring says how a not-measured check counts, for the reports: "left
// out of the total until it is measured", or what its rule gave.
func (c *Check) Scoring() string {
	switch c.Unmeasured {
	case Full:
		return "the check's rule gives it its full points (" + Points(c.MaxScore) + ") when it cannot measure"
	case Zero:
		return "the check's rule gives no points when it cannot measure"
	}
	return PointsWord(c.MaxScore) + " left out of the total (and of the maximum) until it is measured"
}

// PointsWord is "1 point" or "N points".
func PointsWord(p float64) string {
	if p == 1 {
		return "1 point"
	}
	return Points(p) + " points"
}

// NotMeasuredNote is what a total adds when checks were not measured:
// "3 points not measured" for points left out of it, "1 check not measured"
// when its rule scored it anyway; "" when every check measured.
func NotMeasuredNote(checks int, excluded float64) string {
	switch {
	case checks == 0:
		return ""
	case excluded > 0:
		return PointsWord(excluded) + " not measured"
	case checks == 1:
		return "1 check not measured"
	}
	return fmt.Sprintf("%d checks not measured", checks)
}
