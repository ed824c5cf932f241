package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// Feedback writes a student's feedback.md: the total, a table per exercise
// and, for every visible check that did not pass, why, expected against
// got, and the first hint. Hidden checks show their outcome only. A
// submission that could not be read says so once, at the top, and its
// checks are listed as not run.
//
// The file is for reading both as plain text and rendered: prose is
// escaped only where Markdown would otherwise change it (see mdText), and
// what a program printed goes in fenced code blocks (see fence).
func Feedback(w io.Writer, r *result.Report) error {
	var b strings.Builder
	got, max := r.Score()
	fmt.Fprintf(&b, "# Feedback for %s\n\n", mdHeading(r.Student))
	fmt.Fprintf(&b, "**Total: %s / %s points**\n\n", result.Points(got), result.Points(max))
	if note := result.NotMeasuredNote(r.NotMeasured()); note != "" {
		fmt.Fprintf(&b, "%s: a check that cannot measure (no two free CPUs for a speed-up, a machine that got busy during its runs) has neither passed nor failed; see below.\n\n", strings.ToUpper(note[:1])+note[1:])
	}
	notRun := r.Error != ""
	if notRun {
		fmt.Fprintf(&b, "Your submission could not be graded, so none of the checks ran: %s\n\nFix this and submit again.\n\n", mdText(r.Error))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- Note: %s\n", mdText(n))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	for _, ex := range r.Exercises {
		eg, em := ex.Score()
		note := ""
		if n := result.NotMeasuredNote(ex.NotMeasured()); n != "" && !notRun {
			note = "; " + n
		}
		fmt.Fprintf(&b, "## %s (%s/%s points%s)\n\n", mdHeading(ex.Title), result.Points(eg), result.Points(em), note)
		b.WriteString("| # | Check | Result | Points |\n|---|---|---|---|\n")
		for _, c := range ex.Checks {
			status := string(c.Status)
			if notRun {
				status = "not run"
			}
			pts := result.Points(c.Score) + "/" + result.Points(c.MaxScore)
			if !c.Counted() && !notRun {
				pts = "not counted (" + result.Points(c.MaxScore) + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Number, mdCell(c.Title), status, pts)
		}
		b.WriteString("\n")
		if notRun {
			continue
		}
		for _, n := range ex.Notes {
			fmt.Fprintf(&b, "- Note: %s\n\n", mdText(n))
		}
		for _, c := range ex.Checks {
			if c.Status == result.Passed {
				continue
			}
			fmt.Fprintf(&b, "### %s %s\n\n", c.Number, mdHeading(c.Title))
			if c.Visibility == "hidden" {
				fmt.Fprintf(&b, "This check is hidden: its details are not shared. Result: %s.\n\n", c.Status)
				continue
			}
			fmt.Fprintf(&b, "%s: %s\n\n", strings.ToUpper(string(c.Status[:1]))+string(c.Status[1:]), mdText(c.Reason))
			if c.Status == result.NotMeasured {
				fmt.Fprintf(&b, "This is not a failure: %s.\n\n", mdText(c.Scoring()))
				continue
			}
			for _, f := range []struct{ label, value string }{
				{"ran", c.Command}, {"input", c.Input},
				{label(c.ExpectedLabel, "expected"), c.Expected}, {label(c.GotLabel, "got"), c.Got},
				{"stderr", c.Stderr}, {"the check says", c.Detail},
			} {
				if f.value != "" {
					b.WriteString(strings.ToUpper(f.label[:1]) + f.label[1:] + ":\n\n" + fence(f.value) + "\n")
				}
			}
			if h := label(c.FailureHint, c.Hint); h != "" && c.Status == result.Failed {
				fmt.Fprintf(&b, "Hint: %s\n\n", mdText(h))
			}
		}
	}
	if r.Provenance != nil {
		b.WriteString(provenanceMarkdown(r.Provenance))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fence puts s in a code block whose backtick fence is longer than any run
// of backticks inside it, so that nothing in s can close it.
func fence(s string) string {
	s = Text(s)
	n, run := 3, 0
	for _, r := range s {
		if r == '`' {
			run++
			n = max(n, run+1)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", n)
	return f + "text\n" + strings.TrimRight(s, "\n") + "\n" + f + "\n"
}

// mdText makes text safe inside a Markdown paragraph, on one line, with a
// backslash before only the characters that would change how it renders:
// code spans, emphasis, strikethrough, links, HTML and entities. A file name such as
// main_test.go or a sentence such as "exit status 2 (limit 2 s)." stays
// as it is.
func mdText(s string) string {
	s = OneLine(s, 500)
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		var prev, next rune = ' ', ' '
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		escape := false
		switch r {
		case '`', '*', '[', '<', '~':
			escape = true
		case '\\':
			// A backslash escapes only ASCII punctuation; before
			// anything else it shows as itself.
			escape = isASCIIPunct(next)
		case '_':
			// Inside a word an underscore is no emphasis (GitHub's and
			// CommonMark's rule); at a word's edge it can be.
			escape = !isWordRune(prev) || !isWordRune(next)
		case '&':
			// Only "&name;" and "&#...;" are entities.
			escape = next == '#' || isLetter(next)
		}
		if escape {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdHeading is mdText for a heading, where a trailing # would be taken as
// the heading's closing sequence.
func mdHeading(s string) string {
	s = mdText(s)
	if strings.HasSuffix(s, "#") {
		s = s[:len(s)-1] + `\#`
	}
	return s
}

// mdCell is mdText for a table cell, where | ends the cell.
func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", `\|`) }

func isASCIIPunct(r rune) bool {
	return r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r)
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isWordRune(r rune) bool { return isLetter(r) || r >= '0' && r <= '9' || r > 0x7f }
