package render

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ClassProgress is what the progress line shows while a class is graded.
type ClassProgress struct {
	Total   int           // submissions to grade; 0 while the grader prepares
	Done    int           // submissions graded so far
	Elapsed time.Duration // since the run started
	Now     []string      // what runs now, one entry per busy job: "ada: building primes (3s)"
	Last    string        // the last student graded, with their points: "carol 4/5"
}

// ProgressLine is p on one line that fits a terminal width columns wide
// (it stays a column short, so that no terminal wraps it): a bar, the
// count, an estimate of the time left, what runs now and the last student
// graded. What does not fit is left out from the end, the last student
// first, and what runs now is cut with an ellipsis. Before the first
// submission it says that the grader prepares.
func ProgressLine(p ClassProgress, width int) string {
	room := max(width-1, 10)
	secs := p.Elapsed.Truncate(time.Second)
	if p.Total == 0 {
		return cut(fmt.Sprintf("preparing the grader's checks and the kit... (%s)", secs), room)
	}
	barWidth := min(max(room/8, 5), 20)
	fill := min(p.Done, p.Total) * barWidth / p.Total
	head := fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("#", fill), strings.Repeat("-", barWidth-fill), p.Done, p.Total)
	if p.Done > 0 && p.Done < p.Total {
		eta := time.Duration(float64(p.Elapsed) / float64(p.Done) * float64(p.Total-p.Done)).Round(time.Second)
		head += ", ETA " + eta.String()
	} else if p.Done == 0 {
		head += ", " + secs.String()
	}
	line := head
	if len(p.Now) > 0 {
		line += "  " + strings.Join(p.Now, "; ")
	}
	if p.Last != "" {
		if last := line + "  last: " + p.Last; utf8.RuneCountInString(last) <= room {
			return last
		}
	}
	return cut(line, room)
}

// cut shortens s to n runes, ending in an ellipsis when it had more.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
