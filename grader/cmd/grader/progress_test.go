package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
)

// testProgress is a progress on a terminal of the given width, with a
// clock the test moves.
func testProgress(b *strings.Builder, tty bool, width int) (*progress, *time.Time) {
	clock := time.Unix(0, 0)
	p := &progress{w: b, tty: tty, width: func() int { return width }, now: func() time.Time { return clock }, jobs: map[int]*job{}}
	p.began = clock
	return p, &clock
}

// On a terminal, grade redraws one line from the start: that it prepares,
// then which student each job grades and what runs for them, the count,
// an ETA from the pace so far and the last student graded, within the
// terminal's width; finish takes the line away.
func TestGradeProgress(t *testing.T) {
	var b strings.Builder
	p, clock := testProgress(&b, true, 80)
	p.mu.Lock()
	p.draw()
	p.mu.Unlock()
	require.Equal(t, "\r\x1b[Kpreparing the grader's checks and the kit... (0s)", b.String())

	b.Reset()
	p.start(4)
	p.Begin(0, "ada")
	*clock = clock.Add(2 * time.Second)
	p.Runner(0).Building(&spec.Exercise{Name: "primes"})
	*clock = clock.Add(3 * time.Second)
	p.Runner(0).Running(nil, &spec.Check{Title: "finds the primes in small ranges"})
	*clock = clock.Add(5 * time.Second)
	p.Done(0, &result.Report{Student: "ada"})
	p.Begin(0, "bob-the-student-with-a-long-name")
	p.println("grader: a note")
	p.finish()
	lines := strings.Split(b.String(), "\r\x1b[K")
	want := []string{"",
		"[---------] 0/4, 0s",
		"[---------] 0/4, 0s  ada: unpacking (0s)",
		"[---------] 0/4, 2s  ada: building primes (0s)",
		"[---------] 0/4, 5s  ada: checking finds the primes in small ranges (0s)",
		"[##-------] 1/4, ETA 30s  last: ada 0/0 points",
		"[##-------] 1/4, ETA 30s  bob-the-student-with-a-…: unpacking (0s)",
		"grader: a note\n",
		"[##-------] 1/4, ETA 30s  bob-the-student-with-a-…: unpacking (0s)",
		""}
	require.Equal(t, want, lines)
	for _, l := range lines {
		require.LessOrEqual(t, len([]rune(l)), 79, "%q is wider than the terminal", l)
	}
}

// Off a terminal grade writes plain lines: one as it starts, one per
// student graded.
func TestGradeProgressPlain(t *testing.T) {
	var b strings.Builder
	p, _ := testProgress(&b, false, 80)
	p.preparing()
	p.start(2)
	p.Begin(0, "bob")
	p.Done(0, &result.Report{Student: "bob", Error: "corrupt zip\nsecond line"})
	p.finish()
	require.Equal(t, "grader: preparing the checks and the kit ...\ngraded bob: not graded: corrupt zip second line (0s)\n", b.String())
}
