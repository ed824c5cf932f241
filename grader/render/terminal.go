package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// Style says how the terminal report looks.
type Style struct {
	Color  bool   // ANSI colours; only on a terminal, never with NO_COLOR
	HintEx string // command that shows the next hint, e.g. "make hint EX=%s"
	Width  int    // progress bar width; 0 means 20
}

const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// Terminal writes the check50-style report: one line per check with :) :(
// or :|, its points, why it failed or was skipped, expected against got,
// the first hint, a progress bar per exercise and a total.
func Terminal(w io.Writer, r *result.Report, st Style) error {
	c := func(code, s string) string {
		if st.Color {
			return code + s + reset
		}
		return s
	}
	width := st.Width
	if width <= 0 {
		width = 20
	}
	var b strings.Builder
	passedAll, total := 0, 0
	for _, ex := range r.Exercises {
		got, max := ex.Score()
		fmt.Fprintf(&b, "%s  %s\n", c(bold, Text(ex.Title)+" ("+ex.Name+")"), bar(got, max, width)+fmt.Sprintf("  %s/%s points", result.Points(got), result.Points(max)))
		for _, ck := range ex.Checks {
			total++
			pts := fmt.Sprintf("%s/%s", result.Points(ck.Score), result.Points(ck.MaxScore))
			switch ck.Status {
			case result.Passed:
				passedAll++
				fmt.Fprintf(&b, "  %s %s  %s\n", c(green, ":)"), Text(ck.Title), c(green, pts))
			case result.Skipped:
				fmt.Fprintf(&b, "  %s %s  %s\n", c(yellow, ":|"), Text(ck.Title), c(yellow, pts))
				fmt.Fprintf(&b, "     skipped: %s\n", Text(ck.Reason))
			default:
				fmt.Fprintf(&b, "  %s %s  %s\n", c(red, ":("), Text(ck.Title), c(red, pts))
				fmt.Fprintf(&b, "     %s\n", indent(Text(ck.Reason), "     "))
				if ck.Expected != "" {
					fmt.Fprintf(&b, "     expected: %s\n", indent(Text(limitLines(ck.Expected, 8)), "               "))
				}
				if ck.Got != "" {
					fmt.Fprintf(&b, "     got:      %s\n", indent(Text(limitLines(ck.Got, 8)), "               "))
				}
				if ck.Hint != "" {
					more := ""
					if ck.HintLevels > 1 && st.HintEx != "" {
						more = "  (more: " + fmt.Sprintf(st.HintEx, ex.Name) + ")"
					}
					fmt.Fprintf(&b, "     hint: %s%s\n", Text(ck.Hint), more)
				}
			}
		}
		for _, n := range ex.Notes {
			fmt.Fprintf(&b, "  note: %s\n", Text(n))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", Text(n))
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "%s %s\n", c(red, "error:"), Text(r.Error))
	}
	got, max := r.Score()
	fmt.Fprintf(&b, "%s %s/%s points, %d of %d checks passed\n", c(bold, "Total:"), result.Points(got), result.Points(max), passedAll, total)
	_, err := io.WriteString(w, b.String())
	return err
}

// bar draws [#####-----] for got out of max.
func bar(got, max float64, width int) string {
	n := 0
	if max > 0 {
		n = int(got / max * float64(width))
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", width-n) + "]"
}

func indent(s, pad string) string { return strings.ReplaceAll(s, "\n", "\n"+pad) }

func limitLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if r := []rune(l); len(r) > 160 {
			lines[i] = string(r[:159]) + "…"
		}
	}
	s = strings.Join(lines, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n[... %d more lines]", len(lines)-n)
}
