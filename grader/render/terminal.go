package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// Style says how the terminal report looks.
type Style struct {
	Color   bool   // ANSI colours; only on a terminal, never with NO_COLOR or TERM=dumb
	HintEx  string // command that shows the next hint, e.g. "make hint EX=%s"
	CheckEx string // command that checks one exercise, e.g. "make check EX=%s"
	Width   int    // progress bar width; 0 means 20
	// Focus shows the failures of the first exercise that does not pass
	// in full, and of the later ones only their check lines, so that a
	// first run is not a wall of red across every exercise.
	Focus bool
}

const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

func (st Style) c(code, s string) string {
	if st.Color {
		return code + s + reset
	}
	return s
}

// Terminal writes the check50-style report: per exercise its title, one
// line per check with :) :( or :|, its points, and for a failure what ran,
// what it was given, what was expected against what came out, and the
// hint; then a bar with the exercise's points, the total, what hidden
// checks remain, and what to do next. Live writes the same report as the
// checks finish.
func Terminal(w io.Writer, r *result.Report, st Style) error {
	var b strings.Builder
	focused := false
	for i := range r.Exercises {
		ex := &r.Exercises[i]
		b.WriteString(ExerciseHeader(ex.Name, ex.Title, st))
		brief := st.Focus && focused
		for _, ck := range ex.Checks {
			b.WriteString(CheckLines(ck, st, brief))
		}
		b.WriteString(ExerciseFooter(ex, st, brief))
		if !exercisePassed(ex) {
			focused = true
		}
	}
	b.WriteString(Totals(r, st))
	if r.Provenance != nil {
		b.WriteString(ProvenanceLines(r.Provenance))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ExerciseHeader is the line that opens an exercise's part of the report.
func ExerciseHeader(name, title string, st Style) string {
	return st.c(bold, Text(title)+" ("+name+")") + "\n"
}

// ExerciseFooter closes an exercise: its notes, and a bar with its points.
// brief adds where to see the failures that were left out.
func ExerciseFooter(ex *result.Exercise, st Style, brief bool) string {
	var b strings.Builder
	for _, n := range ex.Notes {
		fmt.Fprintf(&b, "  note: %s\n", Text(n))
	}
	width := st.Width
	if width <= 0 {
		width = 20
	}
	got, max := ex.Score()
	fmt.Fprintf(&b, "  %s  %s/%s points", bar(got, max, width), result.Points(got), result.Points(max))
	if note := result.NotMeasuredNote(ex.NotMeasured()); note != "" {
		fmt.Fprintf(&b, " (%s)", note)
	}
	if brief && !exercisePassed(ex) && st.CheckEx != "" {
		fmt.Fprintf(&b, "  (the details: %s)", fmt.Sprintf(st.CheckEx, ex.Name))
	}
	b.WriteString("\n")
	return b.String()
}

// CheckLines is one check's part of the report. brief leaves out why it
// failed.
func CheckLines(ck result.Check, st Style, brief bool) string {
	var b strings.Builder
	pts := fmt.Sprintf("%s/%s", result.Points(ck.Score), result.Points(ck.MaxScore))
	switch ck.Status {
	case result.Passed:
		fmt.Fprintf(&b, "  %s %s  %s\n", st.c(green, ":)"), Text(ck.Title), st.c(green, pts))
		return b.String()
	case result.Skipped:
		fmt.Fprintf(&b, "  %s %s  %s  skipped (%s)\n", st.c(yellow, ":|"), Text(ck.Title), st.c(yellow, pts), Text(ck.Reason))
		return b.String()
	case result.NotMeasured:
		if !ck.Counted() {
			pts = "-/" + result.Points(ck.MaxScore)
		}
		fmt.Fprintf(&b, "  %s %s  %s  not measured\n", st.c(yellow, ":|"), Text(ck.Title), st.c(yellow, pts))
		fmt.Fprintf(&b, "     %s\n", indent(Text(ck.Reason), "     "))
		fmt.Fprintf(&b, "     %s\n", Text(ck.Scoring()))
		return b.String()
	}
	fmt.Fprintf(&b, "  %s %s  %s\n", st.c(red, ":("), Text(ck.Title), st.c(red, pts))
	if brief {
		return b.String()
	}
	fmt.Fprintf(&b, "     %s\n", indent(Text(ck.Reason), "     "))
	field(&b, "ran", ck.Command)
	field(&b, "input", ck.Input)
	field(&b, label(ck.ExpectedLabel, "expected"), ck.Expected)
	field(&b, label(ck.GotLabel, "got"), ck.Got)
	if ck.Diff != "" && multiLine(ck.Expected) && multiLine(ck.Got) {
		fieldBlock(&b, "diff (- expected, + got)", ck.Diff)
	}
	field(&b, "stderr", ck.Stderr)
	field(&b, "the check says", ck.Detail)
	hint := ck.FailureHint
	if hint == "" {
		hint = ck.Hint
	}
	if hint != "" {
		more := ""
		if (ck.HintLevels > 1 || ck.FailureHint != "" && ck.HintLevels > 0) && st.HintEx != "" {
			more = "  (more: " + fmt.Sprintf(st.HintEx, ck.Exercise) + ")"
		}
		fmt.Fprintf(&b, "     hint: %s%s\n", Text(hint), more)
	}
	return b.String()
}

// Totals is the end of the report: the points, the hidden checks still to
// come, and what to do next.
func Totals(r *result.Report, st Style) string {
	var b strings.Builder
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", Text(n))
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "%s %s\n", st.c(red, "error:"), Text(r.Error))
	}
	got, max := r.Score()
	passed, total := 0, 0
	hidden, hiddenPts := 0, 0.0
	for _, ex := range r.Exercises {
		hidden += ex.HiddenChecks
		hiddenPts += ex.HiddenPoints
		for _, c := range ex.Checks {
			total++
			if c.Status == result.Passed {
				passed++
			}
		}
	}
	later := ""
	if note := result.NotMeasuredNote(r.NotMeasured()); note != "" {
		later = "; " + note + ", not failed: run the check again when the machine is quieter"
	}
	if hidden > 0 {
		later += fmt.Sprintf("; %d hidden check(s) (%s points) run when your work is graded", hidden, result.Points(hiddenPts))
	}
	if r.AllPassed() && total > 0 {
		fmt.Fprintf(&b, "%s all visible checks pass, %s/%s points%s\n", st.c(bold, "Total:"), result.Points(got), result.Points(max), later)
	} else {
		fmt.Fprintf(&b, "%s %s/%s points, %d of %d checks passed%s\n", st.c(bold, "Total:"), result.Points(got), result.Points(max), passed, total, later)
	}
	if next := Next(r, st); next != "" {
		fmt.Fprintf(&b, "%s %s\n", st.c(bold, "Next:"), next)
	}
	return b.String()
}

// Next says what to do next: the first check that did not pass, and how
// to get a hint for it.
func Next(r *result.Report, st Style) string {
	for _, ex := range r.Exercises {
		for _, c := range ex.Checks {
			if c.Status == result.Passed || c.Status == result.Skipped || c.Status == result.NotMeasured {
				continue
			}
			s := fmt.Sprintf("%s, %q", ex.Name, c.Title)
			if ex.Page != "" {
				s += " (" + ex.Page + ")"
			}
			if st.HintEx != "" && c.HintLevels > 0 {
				s += "; stuck? " + fmt.Sprintf(st.HintEx, ex.Name)
			}
			return s
		}
	}
	return ""
}

// exercisePassed reports whether every check of ex passed or could not
// measure: nothing in it is for the student to fix.
func exercisePassed(ex *result.Exercise) bool {
	for _, c := range ex.Checks {
		if c.Status != result.Passed && c.Status != result.NotMeasured {
			return false
		}
	}
	return true
}

// field writes "label: value" for a one-line value, and the label then the
// value indented for a longer one; nothing for an empty value.
func field(b *strings.Builder, label, value string) {
	if value == "" {
		return
	}
	value = Text(value)
	if !multiLine(value) && len(label)+len(value) < 100 {
		fmt.Fprintf(b, "     %s: %s\n", label, value)
		return
	}
	fieldBlock(b, label, value)
}

// fieldBlock writes the label, then the value's lines indented.
func fieldBlock(b *strings.Builder, label, value string) {
	fmt.Fprintf(b, "     %s:\n", label)
	for _, l := range strings.Split(Text(value), "\n") {
		fmt.Fprintf(b, "       %s\n", l)
	}
}

func label(l, plain string) string {
	if l == "" {
		return plain
	}
	return l
}

func multiLine(s string) bool { return strings.Contains(strings.TrimRight(s, "\n"), "\n") }

// bar draws [#####-----] for got out of max.
func bar(got, max float64, width int) string {
	n := 0
	if max > 0 {
		n = int(got / max * float64(width))
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", width-n) + "]"
}

func indent(s, pad string) string { return strings.ReplaceAll(s, "\n", "\n"+pad) }
