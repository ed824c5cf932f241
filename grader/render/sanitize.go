// Package render turns result records into every format the grader writes:
// the student's terminal report, Gradescope's results.json, JUnit XML, a
// CSV gradebook, a per-student feedback.md and a class summary. Everything
// a student's program printed passes through the sanitisers here first.
package render

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	ansiRE = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])`)
	wfRE   = regexp.MustCompile(`(?m)^(\s*):(:)`)
)

// Text makes s safe to print on a terminal and in CI logs: invalid UTF-8
// becomes U+FFFD, escape sequences and control characters other than
// newline and tab are removed or shown as ^X, and a line that would start a
// GitHub Actions workflow command ("::") is broken with a zero-width space.
func Text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = ansiRE.ReplaceAllString(s, "")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r':
		case r < 0x20:
			b.WriteString("^" + string(rune(r+'@')))
		case r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069'):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return wfRE.ReplaceAllString(b.String(), "$1:\u200b$2")
}

// XMLText is Text without the characters XML 1.0 cannot hold.
func XMLText(s string) string {
	s = Text(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}

// Cell makes s safe as a spreadsheet cell: sanitised like Text, on one line,
// and quoted as text (a leading ') when a spreadsheet would read it as a
// formula.
func Cell(s string) string {
	s = strings.ReplaceAll(Text(s), "\n", " ")
	s = strings.ReplaceAll(s, "\t", " ")
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// OneLine is Text on a single line, cut to n runes.
func OneLine(s string, n int) string {
	s = strings.Join(strings.Fields(Text(s)), " ")
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n-1]) + "…"
	}
	return s
}
