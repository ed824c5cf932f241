package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// Feedback writes a student's feedback.md: the total, a table per exercise
// and, for every visible check that did not pass, why, expected against
// got, and the first hint. Hidden checks show their outcome only.
func Feedback(w io.Writer, r *result.Report) error {
	var b strings.Builder
	got, max := r.Score()
	fmt.Fprintf(&b, "# Feedback for %s\n\n", mdInline(r.Student))
	fmt.Fprintf(&b, "**Total: %s / %s points**\n\n", result.Points(got), result.Points(max))
	if r.Error != "" {
		fmt.Fprintf(&b, "Your submission could not be graded: %s\n\n", mdInline(r.Error))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- Note: %s\n", mdInline(n))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	for _, ex := range r.Exercises {
		eg, em := ex.Score()
		fmt.Fprintf(&b, "## %s (%s/%s points)\n\n", mdInline(ex.Title), result.Points(eg), result.Points(em))
		b.WriteString("| # | Check | Result | Points |\n|---|---|---|---|\n")
		for _, c := range ex.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s | %s/%s |\n", c.Number, mdCell(c.Title), c.Status, result.Points(c.Score), result.Points(c.MaxScore))
		}
		b.WriteString("\n")
		for _, n := range ex.Notes {
			fmt.Fprintf(&b, "- Note: %s\n\n", mdInline(n))
		}
		for _, c := range ex.Checks {
			if c.Status == result.Passed {
				continue
			}
			fmt.Fprintf(&b, "### %s %s\n\n", c.Number, mdInline(c.Title))
			if c.Visibility == "hidden" {
				fmt.Fprintf(&b, "This check is hidden: its details are not shared. Result: %s.\n\n", c.Status)
				continue
			}
			fmt.Fprintf(&b, "%s: %s\n\n", strings.ToUpper(string(c.Status[:1]))+string(c.Status[1:]), mdInline(c.Reason))
			for _, f := range []struct{ label, value string }{
				{"ran", c.Command}, {"input", c.Input},
				{label(c.ExpectedLabel, "expected"), c.Expected}, {label(c.GotLabel, "got"), c.Got},
				{"stderr", c.Stderr}, {"the check says", c.Detail},
			} {
				if f.value != "" {
					b.WriteString(strings.ToUpper(f.label[:1]) + f.label[1:] + ":\n\n" + fence(f.value) + "\n")
				}
			}
			if h := label(c.FailureHint, c.Hint); h != "" {
				fmt.Fprintf(&b, "Hint: %s\n\n", mdInline(h))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fence puts s in a code block whose fence is longer than any run of
// backticks or tildes inside it, so the text cannot close it.
func fence(s string) string {
	s = Text(s)
	n := 3
	for _, ch := range []string{"`", "~"} {
		run := 0
		for _, r := range s {
			if string(r) == ch {
				run++
				n = max(n, run+1)
			} else {
				run = 0
			}
		}
	}
	f := strings.Repeat("~", n)
	return f + "text\n" + strings.TrimRight(s, "\n") + "\n" + f + "\n"
}

// mdInline makes text safe inside a Markdown paragraph: one line, with
// Markdown and HTML punctuation escaped.
func mdInline(s string) string {
	s = OneLine(s, 500)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]()<>#+-.!|~", r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func mdCell(s string) string { return mdInline(s) }
