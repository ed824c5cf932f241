package pool

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// What worker processes write to their standard output and error reaches
// Config.Stdout and Config.Stderr one whole line at a time, so that the
// lines of two workers never splice into one another. A worker writes an
// *os.File itself (each fmt.Println is one write); any other writer is fed
// by the pool through a lineRelay per worker and a syncWriter shared by
// them all.

// syncWriter is a writer that several workers' relays share: one line
// block at a time, so that a writer that is not safe for concurrent use
// (a bytes.Buffer) need not be.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// lineRelay passes what one worker writes on to dst in whole lines, holding
// back a partial last line until its newline comes, it grows past
// maxPartialLine, or flush is called when the worker is gone.
type lineRelay struct {
	dst     *syncWriter
	mu      sync.Mutex
	partial []byte
	onLine  func(line []byte) // sees each complete line, without its newline
}

// maxPartialLine bounds what a relay holds back waiting for a newline.
const maxPartialLine = 64 << 10

func newLineRelay(dst *syncWriter) *lineRelay { return &lineRelay{dst: dst} }

// Write never fails: a failing destination must not kill the worker.
func (r *lineRelay) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(b)
	if r.onLine != nil {
		r.scanLines(b)
	}
	end := bytes.LastIndexByte(b, '\n') + 1
	switch {
	case end == 0:
		r.partial = append(r.partial, b...)
	case len(r.partial) > 0:
		r.dst.Write(append(r.partial, b[:end]...))
		r.partial = append(r.partial[:0], b[end:]...)
	default:
		r.dst.Write(b[:end])
		r.partial = append(r.partial, b[end:]...)
	}
	if len(r.partial) > maxPartialLine {
		r.dst.Write(r.partial)
		r.partial = r.partial[:0]
	}
	return n, nil
}

// scanLines hands onLine each line that b completes.
func (r *lineRelay) scanLines(b []byte) {
	start := len(r.partial)
	line := r.partial
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return
		}
		if start > 0 {
			line = append(line[:start:start], b[:i]...)
			start = 0
		} else {
			line = b[:i]
		}
		r.onLine(line)
		b = b[i+1:]
	}
}

// flush passes on a partial last line, once the worker is gone.
func (r *lineRelay) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.partial) > 0 {
		r.dst.Write(r.partial)
		r.partial = r.partial[:0]
	}
}

// stderrTail relays a worker's standard error and keeps its last bytes for
// WorkerError, plus the line that says why a Go program died ("panic:",
// "fatal error:"), which a long goroutine dump would push out of the tail.
// A line counts as that headline only when the runtime's report follows it
// (a goroutine dump, a signal line, a nested panic), so that a task that
// merely logs "panic: ..." and lives on never names a later, unrelated
// death.
type stderrTail struct {
	*lineRelay

	mu        sync.Mutex
	tail      []byte
	candidate string // a headline-looking line, until the next line says
	headline  string
}

const stderrTailSize = 8 << 10

func newStderrTail(dst *syncWriter) *stderrTail {
	t := &stderrTail{lineRelay: newLineRelay(dst)}
	t.onLine = t.line
	return t
}

func (t *stderrTail) Write(b []byte) (int, error) {
	t.mu.Lock()
	t.tail = append(t.tail, b...)
	if over := len(t.tail) - stderrTailSize; over > 0 {
		t.tail = append(t.tail[:0], t.tail[over:]...)
	}
	t.mu.Unlock()
	return t.lineRelay.Write(b)
}

// line judges one complete line of stderr; it runs under the relay's lock.
func (t *stderrTail) line(b []byte) {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.candidate != "" && isRuntimeReport(s) {
		t.headline = t.candidate
	}
	t.candidate = ""
	if isHeadline(s) {
		t.candidate = s
	}
}

func isHeadline(line string) bool {
	for _, p := range []string{"fatal error:", "panic:", "runtime: out of memory"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// isRuntimeReport reports whether a line is one the Go runtime prints after
// a fatal error's headline.
func isRuntimeReport(line string) bool {
	for _, p := range []string{"goroutine ", "[signal ", "runtime stack:", "fatal error:", "panic:"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// String returns the tail, preceded by the headline when the tail no longer
// holds it.
func (t *stderrTail) String() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.headline != "" && !bytes.Contains(t.tail, []byte(t.headline)) {
		return t.headline + "\n...\n" + string(t.tail)
	}
	return string(t.tail)
}
