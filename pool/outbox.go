package pool

import (
	"bufio"
	"os"
	"sync"
	"syscall"
)

// outbox is the queue of frames for one worker process, written by one
// goroutine so that a slow pipe never blocks the pool's lock. Frames queued
// while a write is in progress go out together in the next write.
//
// A Submit's call frame is written by the submitting goroutine itself when
// the writer is idle (putNow): measured alone that did not win, but with the
// caller reading its own result it keeps a round trip on one thread (see
// docs/performance.md).
type outbox struct {
	mu     sync.Mutex
	frames []message
	closed bool
	wake   chan struct{}
	// Set by writeTo: the pipe, and whether the writer waits for frames
	// with nothing buffered, so that putNow may write in its place.
	pipe *os.File
	p    *Pool
	idle bool
}

func newOutbox() *outbox { return &outbox{wake: make(chan struct{}, 1)} }

func (o *outbox) put(m message) {
	o.mu.Lock()
	if !o.closed {
		o.frames = append(o.frames, m)
	}
	o.mu.Unlock()
	o.signal()
}

// putNow queues m as put does, but writes it on the calling goroutine when
// the writer is idle and m is small: one write attempt that never blocks,
// the rest left to the writer. A caller that then waits for the answer
// itself (readresult.go) keeps the whole round trip on its own thread,
// where waking the writer would have the Go scheduler wake a second one.
func (o *outbox) putNow(m message) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	if o.idle && len(o.frames) == 0 && len(m) == 1 && len(m[0]) <= maxDirectWrite {
		if n := o.writeOnce(m[0]); n == len(m[0]) {
			o.mu.Unlock()
			o.p.sent(m.size() - 4)
			return
		} else if n > 0 {
			// The writer counts the message and the rest of its bytes.
			o.p.msgs.bytesSent.Add(int64(n))
			m = message{m[0][n:]}
		}
	}
	o.frames = append(o.frames, m)
	o.mu.Unlock()
	o.signal()
}

// maxDirectWrite bounds the frames putNow writes itself: the write happens
// under the pool's lock, so it must be short.
const maxDirectWrite = 4 << 10

// writeOnce makes one non-blocking write of b to the pipe and returns how
// many bytes it wrote.
func (o *outbox) writeOnce(b []byte) int {
	rc, err := o.pipe.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Write(func(fd uintptr) bool {
		n, _ = syscall.Write(int(fd), b)
		n = max(n, 0)
		return true // one attempt: never wait for room
	})
	return n
}

func (o *outbox) close() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	o.signal()
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// writeTo writes frames to w until the outbox is closed and empty, or a
// write fails (the worker died; its reader reports that).
func (o *outbox) writeTo(w *os.File, p *Pool) {
	bw := bufio.NewWriterSize(w, 64<<10)
	o.mu.Lock()
	o.pipe, o.p = w, p
	o.mu.Unlock()
	for {
		o.mu.Lock()
		frames, closed := o.frames, o.closed
		o.frames = nil
		o.idle = false
		o.mu.Unlock()
		for _, m := range frames {
			for _, b := range m {
				if _, err := bw.Write(b); err != nil {
					return
				}
			}
			p.sent(m.size() - 4)
		}
		if err := bw.Flush(); err != nil {
			return
		}
		if closed && len(frames) == 0 {
			return
		}
		if len(frames) == 0 {
			o.mu.Lock()
			o.idle = len(o.frames) == 0 && !o.closed
			o.mu.Unlock()
			<-o.wake
		}
	}
}
