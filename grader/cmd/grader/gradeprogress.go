package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/runner"
	"github.com/poolschool/poolschool/grader/spec"
)

// progress shows how grading a class goes. On a terminal it redraws one
// line, render.ProgressLine, at every step and every second: from the
// start (while the grader prepares), then which student each job grades
// and what runs for them, the count and the time left, never wider than
// the terminal. Elsewhere it writes one line as it starts and one per
// student graded.
type progress struct {
	w     io.Writer
	tty   bool
	width func() int // the terminal's width, read at each redraw
	now   func() time.Time

	mu    sync.Mutex
	began time.Time
	total int
	n     int
	jobs  map[int]*job // what each busy job slot does
	last  string
	drawn bool // the line is on the screen
	stop  chan struct{}
	ended chan struct{}
}

// job is what one job slot is doing.
type job struct {
	student, what string
	since         time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, now: time.Now, jobs: map[int]*job{}, width: func() int { return 80 }}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		p.width = func() int { return termWidth(f) }
	}
	p.began = p.now()
	return p
}

// termWidth is the width of the terminal w is, and 80 for anything else.
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// preparing says that the grader prepares its checks, and on a terminal
// starts the redraw every second.
func (p *progress) preparing() {
	if !p.tty {
		fmt.Fprintln(p.w, "grader: preparing the checks and the kit ...")
		return
	}
	p.stop, p.ended = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.ended)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
}

// start says how many submissions there are to grade.
func (p *progress) start(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = total
	p.draw()
}

// Begin says that job slot starts on a student.
func (p *progress) Begin(slot int, student string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs[slot] = &job{student: student, what: "unpacking", since: p.now()}
	p.draw()
}

// step says what job slot does now for its student.
func (p *progress) step(slot int, what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if j := p.jobs[slot]; j != nil {
		j.what, j.since = what, p.now()
	}
	p.draw()
}

// Done says that job slot graded r.
func (p *progress) Done(slot int, r *result.Report) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.jobs, slot)
	p.n++
	got, most := r.Score()
	status := fmt.Sprintf("%s/%s points", result.Points(got), result.Points(most))
	if r.Error != "" {
		status = "not graded: " + render.OneLine(r.Error, 100)
	}
	p.last = render.OneLine(r.Student, 24) + " " + status
	if !p.tty {
		fmt.Fprintf(p.w, "graded %s: %s (%s)\n", render.OneLine(r.Student, 64), status, r.Duration.Round(100*time.Millisecond))
		return
	}
	p.draw()
}

// println writes a line of its own, above the progress line.
func (p *progress) println(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintln(p.w, s)
	p.draw()
}

// Note writes a line about the run from the grader, above the progress
// line.
func (p *progress) Note(s string) { p.println("grader: " + s) }

// finish stops the redraw and takes the line off the screen.
func (p *progress) finish() {
	if p.stop != nil {
		close(p.stop)
		<-p.ended
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.tty = false
}

// line is the progress line as it stands.
func (p *progress) line() string {
	now := p.now()
	st := render.ClassProgress{Total: p.total, Done: p.n, Elapsed: now.Sub(p.began), Last: p.last}
	slots := make([]int, 0, len(p.jobs))
	for s := range p.jobs {
		slots = append(slots, s)
	}
	sort.Ints(slots)
	for _, s := range slots {
		j := p.jobs[s]
		st.Now = append(st.Now, fmt.Sprintf("%s: %s (%s)", render.OneLine(j.student, 24), j.what, now.Sub(j.since).Truncate(time.Second)))
	}
	return render.ProgressLine(st, p.width())
}

func (p *progress) draw() {
	if !p.tty {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K"+p.line())
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// Runner is what tells p the steps of the student job slot grades.
func (p *progress) Runner(slot int) runner.Observer {
	return gradeObserver{p, slot}
}

// gradeObserver passes the runner's steps for one job slot to progress.
type gradeObserver struct {
	p    *progress
	slot int
}

func (o gradeObserver) Building(ex *spec.Exercise) { o.p.step(o.slot, "building "+ex.Name) }
func (o gradeObserver) Running(_ *spec.Exercise, c *spec.Check) {
	o.p.step(o.slot, "checking "+render.OneLine(c.Title, 60))
}
func (o gradeObserver) Finished(*spec.Exercise, result.Check) {}
