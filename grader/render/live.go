package render

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/poolschool/poolschool/grader/result"
)

// Live writes the terminal report while the checks run: each check's lines
// as soon as it finishes, and in between, on a terminal, a spinner line
// that says what runs now and for how long (the build, then each check),
// redrawn in place. Off a terminal there is no spinner: a line says when a
// build starts, and each check's lines come as it finishes. What Live
// writes in the end, spinner aside, is what Terminal writes for the whole
// report.
type Live struct {
	w   io.Writer
	st  Style
	tty bool
	now func() time.Time

	mu      sync.Mutex
	busy    string    // what runs now; "" when nothing
	since   time.Time // when it started
	frame   int
	drawn   bool // the spinner line is on the screen
	focused bool // an earlier exercise did not pass: later ones are brief
	brief   bool
	stop    chan struct{}
	stopped chan struct{}
}

// spinner frames: plain ASCII, which every terminal font has.
var spinner = []string{"|", "/", "-", "\\"}

// NewLive returns a Live report on w; tty says whether w is a terminal
// that can redraw a line.
func NewLive(w io.Writer, st Style, tty bool) *Live {
	return &Live{w: w, st: st, tty: tty, now: time.Now}
}

// Start redraws the spinner every 100 ms until Stop (on a terminal only).
func (l *Live) Start() {
	if !l.tty {
		return
	}
	l.stop, l.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.stopped)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				l.Tick()
			}
		}
	}()
}

// Stop ends the spinner and clears its line.
func (l *Live) Stop() {
	if l.stop != nil {
		close(l.stop)
		<-l.stopped
		l.stop = nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
}

// Tick draws the next spinner frame, if something runs.
func (l *Live) Tick() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tick()
}

func (l *Live) tick() {
	if !l.tty || l.busy == "" {
		return
	}
	l.frame++
	secs := int(l.now().Sub(l.since).Seconds())
	fmt.Fprintf(l.w, "\r\x1b[K  %s %s (%ds)", spinner[l.frame%len(spinner)], l.busy, secs)
	l.drawn = true
}

func (l *Live) clear() {
	if l.drawn {
		io.WriteString(l.w, "\r\x1b[K")
		l.drawn = false
	}
}

// write puts text above the spinner line.
func (l *Live) write(s string) {
	l.clear()
	io.WriteString(l.w, s)
}

// Begin opens an exercise.
func (l *Live) Begin(name, title string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.brief = l.st.Focus && l.focused
	l.write(ExerciseHeader(name, title, l.st))
}

// Building says that the exercise's program is being built.
func (l *Live) Building(name string) {
	l.setBusy("building " + name)
	if !l.tty {
		l.mu.Lock()
		fmt.Fprintf(l.w, "  building %s ...\n", name)
		l.mu.Unlock()
	}
}

// Running says which check runs now.
func (l *Live) Running(title string) { l.setBusy("checking: " + Text(title)) }

func (l *Live) setBusy(what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy, l.since = what, l.now()
	l.frame = -1
	l.tick()
}

// Check writes a finished check's lines.
func (l *Live) Check(ck result.Check) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy = ""
	l.write(CheckLines(ck, l.st, l.brief))
}

// End closes an exercise with its record.
func (l *Live) End(ex *result.Exercise) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy = ""
	l.write(ExerciseFooter(ex, l.st, l.brief))
	if !exercisePassed(ex) {
		l.focused = true
	}
}

// Finish writes the totals and what to do next.
func (l *Live) Finish(r *result.Report) {
	l.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, Totals(r, l.st))
}

// Plain takes the spinner's frames and the build lines out of what Live
// wrote, which leaves what Terminal writes for the same report.
func Plain(s string) string {
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if i := strings.LastIndex(line, "\r\x1b[K"); i >= 0 {
			line = line[i+len("\r\x1b[K"):]
		}
		if strings.HasPrefix(line, "  building ") && strings.HasSuffix(line, " ...\n") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "")
}
