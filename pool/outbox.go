package pool

import (
	"bufio"
	"io"
	"sync"
)

// outbox is the queue of frames for one worker process, written by one
// goroutine so that a slow pipe never blocks the pool's lock. Frames queued
// while a write is in progress go out together in the next write.
//
// Writing from the goroutine that queues a frame, when the pipe is free,
// was measured against this and did not win: the thread wake-up it saves
// is not where a round trip's time goes (see docs/performance.md).
type outbox struct {
	mu     sync.Mutex
	frames []message
	closed bool
	wake   chan struct{}
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
func (o *outbox) writeTo(w io.Writer, p *Pool) {
	bw := bufio.NewWriterSize(w, 64<<10)
	for {
		o.mu.Lock()
		frames, closed := o.frames, o.closed
		o.frames = nil
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
			<-o.wake
		}
	}
}
