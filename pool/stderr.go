package pool

import (
	"bytes"
	"io"
	"sync"
)

// stderrTail passes a worker's standard error on and keeps its last bytes
// for WorkerError, plus the first line that says why a Go program died
// (fatal error:, panic:), which a long goroutine dump would push out of the
// tail.
type stderrTail struct {
	dst io.Writer

	mu       sync.Mutex
	tail     []byte
	line     []byte // the line being written
	headline string
}

const stderrTailSize = 8 << 10

func newStderrTail(dst io.Writer) *stderrTail { return &stderrTail{dst: dst} }

func (t *stderrTail) Write(b []byte) (int, error) {
	n := len(b)
	t.dst.Write(b) // a failing destination must not kill the worker
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tail = append(t.tail, b...)
	if over := len(t.tail) - stderrTailSize; over > 0 {
		t.tail = append(t.tail[:0], t.tail[over:]...)
	}
	if t.headline == "" {
		for len(b) > 0 {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				if len(t.line) < 1024 {
					t.line = append(t.line, b...)
				}
				break
			}
			t.line = append(t.line, b[:i]...)
			b = b[i+1:]
			if isHeadline(t.line) {
				t.headline = string(t.line)
				t.line = nil
				break
			}
			t.line = t.line[:0]
		}
	}
	return n, nil
}

func isHeadline(line []byte) bool {
	for _, p := range []string{"fatal error:", "panic:", "runtime: out of memory"} {
		if bytes.HasPrefix(line, []byte(p)) {
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
