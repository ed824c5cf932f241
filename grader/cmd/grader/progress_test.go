package main

import (
	"strings"
	"testing"
	"time"

	"github.com/poolschool/poolschool/grader/result"
)

// On a terminal, grade redraws one line: a bar, the count, an ETA from the
// pace so far, and the last student graded; elsewhere it prints a line per
// student.
func TestGradeProgress(t *testing.T) {
	var b strings.Builder
	p := &progress{w: &b, tty: true, total: 4, start: time.Now().Add(-10 * time.Second)}
	p.done(&result.Report{Student: "ada"})
	p.finish()
	got := b.String()
	for _, want := range []string{"\r\x1b[K[#######-----------------------] 1/4 students, ETA 30s", "(last: ada 0/0 points)", "\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal progress %q lacks %q", got, want)
		}
	}

	b.Reset()
	p = &progress{w: &b, total: 2, start: time.Now()}
	p.done(&result.Report{Student: "bob", Error: "corrupt zip\nsecond line"})
	if got, want := b.String(), "graded bob: not graded: corrupt zip second line (0s)\n"; got != want {
		t.Errorf("plain progress = %q, want %q", got, want)
	}
}
