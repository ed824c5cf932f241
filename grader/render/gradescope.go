package render

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/result"
)

// GradescopeTest is one entry of a Gradescope results.json "tests" array.
type GradescopeTest struct {
	Score      float64  `json:"score"`
	MaxScore   float64  `json:"max_score"`
	Status     string   `json:"status"`
	Name       string   `json:"name"`
	NameFormat string   `json:"name_format"`
	Number     string   `json:"number"`
	Output     string   `json:"output"`
	Tags       []string `json:"tags,omitempty"`
	Visibility string   `json:"visibility"`
}

// GradescopeResults is the document Gradescope reads from
// /autograder/results/results.json.
type GradescopeResults struct {
	Score            float64          `json:"score"`
	ExecutionTime    int              `json:"execution_time"` // whole seconds, as the specification shows
	Output           string           `json:"output"`
	OutputFormat     string           `json:"output_format"`
	TestOutputFormat string           `json:"test_output_format"`
	Visibility       string           `json:"visibility"`
	StdoutVisibility string           `json:"stdout_visibility"`
	Tests            []GradescopeTest `json:"tests"`
}

// gradescopeVisibility maps a check's visibility: hidden checks show once
// the instructor publishes the grades.
func gradescopeVisibility(v string) string {
	if v == "hidden" {
		return "after_published"
	}
	return "visible"
}

// Gradescope builds results.json for one report, per Gradescope's
// specification: passed/failed status per test (skipped and errors are
// failed with the reason in the output; a check not measured scores what
// its rule gives, failed unless that is its full points, with "not
// measured" and the reason in the output), text output, hidden checks
// visible after publication.
//
// Nothing a student may read before publication tells of a hidden check:
// the top-level output, which students always see, counts the visible
// checks only, and when there are hidden checks the top-level visibility,
// which governs the overall score (it counts them), is after_published;
// each test's own visibility overrides it for that test.
func Gradescope(r *result.Report) GradescopeResults {
	got, max := r.Score()
	out := GradescopeResults{
		Score: got, ExecutionTime: int(r.Duration.Round(time.Second) / time.Second),
		OutputFormat: "text", TestOutputFormat: "text",
		Visibility: "visible", StdoutVisibility: "hidden",
		Tests: []GradescopeTest{},
	}
	var head []string
	if vgot, vmax, hidden := visibleScore(r); hidden {
		out.Visibility = gradescopeVisibility("hidden")
		head = append(head, fmt.Sprintf("Visible checks: %s/%s points; the hidden checks show when the grades are published", result.Points(vgot), result.Points(vmax)))
	} else {
		head = append(head, fmt.Sprintf("Total: %s/%s points", result.Points(got), result.Points(max)))
	}
	if note := result.NotMeasuredNote(r.NotMeasured()); note != "" {
		head = append(head, note+", neither passed nor failed: see the checks marked \"not measured\"")
	}
	head = append(head, r.Notes...)
	if r.Error != "" {
		head = append(head, "error: "+r.Error)
	}
	out.Output = Text(strings.Join(head, "\n"))
	for _, c := range r.Checks() {
		t := GradescopeTest{
			Score: c.Score, MaxScore: c.MaxScore, Name: Text(c.Title), NameFormat: "text", Number: c.Number,
			Tags: []string{c.Exercise}, Visibility: gradescopeVisibility(c.Visibility), Status: "failed",
		}
		if c.Status == result.Passed || c.Status == result.NotMeasured && c.Score == c.MaxScore && c.Counted() {
			t.Status = "passed"
		}
		t.Output = Text(checkDetails(c, true))
		out.Tests = append(out.Tests, t)
	}
	return out
}

// visibleScore returns the points earned and available on the visible
// checks, and whether the report has any hidden check.
func visibleScore(r *result.Report) (got, max float64, hidden bool) {
	for _, c := range r.Checks() {
		if c.Visibility == "hidden" {
			hidden = true
			continue
		}
		if !c.Counted() {
			continue
		}
		got += c.Score
		max += c.MaxScore
	}
	return got, max, hidden
}

// WriteGradescope writes results.json.
func WriteGradescope(w io.Writer, r *result.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Gradescope(r))
}

// hintLine is a check's "# hint:" or "# hint-if:" line as testscript
// echoes it in a transcript.
var hintLine = regexp.MustCompile(`^#\s*hint(-if)?:`)

// withoutHints leaves the hint lines out of a check's transcript: they
// hold every level of the hint ladder at once, where the student is to
// get the first (which the details already show) and ask for the next.
func withoutHints(log string) string {
	lines := strings.SplitAfter(log, "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool { return hintLine.MatchString(l) })
	return strings.Join(lines, "")
}

// checkDetails is the plain-text explanation of one check: status, reason,
// expected, got, the hint a student gets first and (when withLog) the
// failing phase's transcript without its hint lines.
func checkDetails(c result.Check, withLog bool) string {
	var b strings.Builder
	switch c.Status {
	case result.Passed:
		b.WriteString("passed")
	case result.Skipped:
		b.WriteString("skipped: " + c.Reason)
	case result.NotMeasured:
		b.WriteString("not measured: " + c.Reason + "\n" + c.Scoring())
	default:
		b.WriteString(string(c.Status) + ": " + c.Reason)
		for _, f := range []struct{ label, value string }{
			{"ran", c.Command}, {"input", c.Input},
			{label(c.ExpectedLabel, "expected"), c.Expected}, {label(c.GotLabel, "got"), c.Got},
			{"stderr", c.Stderr}, {"the check says", c.Detail},
		} {
			if f.value != "" {
				b.WriteString("\n" + f.label + ":\n" + f.value)
			}
		}
		if h := label(c.FailureHint, c.Hint); h != "" && c.Status == result.Failed {
			b.WriteString("\nhint: " + h)
		}
		if log := withoutHints(c.Log); withLog && log != "" {
			b.WriteString("\n\ntranscript:\n" + log)
		}
	}
	return b.String()
}
