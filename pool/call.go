package pool

import (
	"context"
	"time"
)

// callState is where a call is in its life. A call is pending while queued
// or sent (written to a worker, not yet acknowledged), running once the
// worker acknowledged it, and done once its outcome is known.
type callState int

const (
	callQueued callState = iota
	callSent
	callRunning
	callDone
)

// call is one message's worth of work: a Submit, or one chunk of a Map.
type call struct {
	id    uint64
	task  string
	ctx   context.Context
	first int      // input index of the first item
	count int      // items in the call
	args  [][]byte // encoded arguments (Processes backend)
	recv  receiver

	retries  int // re-runs allowed after a worker death
	attempts int // runs that ended with the worker's death

	// Guarded by Pool.mu.
	state     callState
	w         *worker
	drop      *dropRequest // a cancellation waiting for the worker's answer
	ctxErr    error        // the call's ctx ended while it ran: its outcome
	cancelled bool         // ended by Cancel or its ctx before it started
	stopCtx   func() bool  // unregisters the ctx watch
	grace     *time.Timer  // kills the worker if the cancelled task runs on
	startedAt time.Time    // when its worker acknowledged it (for the trace)
}

// receiver is the typed side of a call: a Future, or a chunk of a Map.
type receiver interface {
	// started records that a worker with the given pid began the call.
	started(pid int)
	// runLocal runs every item in this process (Goroutines backend) and
	// returns a function that keeps the outcomes; the pool calls it unless
	// it gave up on the call meanwhile.
	runLocal(ctx context.Context, pid int) (commit func())
	// setItem keeps the outcome of item i as a worker reported it: an
	// encoded result, or an error.
	setItem(i int, blob []byte, err error)
	// finish completes the call. A non-nil err is the outcome of every item.
	finish(err error)
}

// dropRequest asks a worker process to give back a call that was sent to it
// and not acknowledged: only the worker knows whether it started, so the
// requester waits for its answer. A cancellation carries the call's outcome
// in err; a steal (err == nil) puts a dropped call back in the queue for an
// idle worker.
type dropRequest struct {
	err     error
	done    chan struct{}
	dropped bool
}

// queue is the FIFO of calls not yet sent to a worker.
type queue struct {
	items []*call
	head  int
}

func (q *queue) len() int { return len(q.items) - q.head }

func (q *queue) push(c *call) { q.items = append(q.items, c) }

func (q *queue) pop() *call {
	c := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	return c
}

// pushFront puts a call back at the head: one that a dead worker had
// received but not started keeps its place in line.
func (q *queue) pushFront(c *call) {
	if q.head > 0 {
		q.head--
		q.items[q.head] = c
		return
	}
	q.items = append([]*call{c}, q.items...)
}

// remove takes c out of the queue and reports whether it was there.
func (q *queue) remove(c *call) bool {
	for i := q.head; i < len(q.items); i++ {
		if q.items[i] == c {
			copy(q.items[i:], q.items[i+1:])
			q.items[len(q.items)-1] = nil
			q.items = q.items[:len(q.items)-1]
			return true
		}
	}
	return false
}

// drain empties the queue and returns what it held.
func (q *queue) drain() []*call {
	out := append([]*call(nil), q.items[q.head:]...)
	q.items, q.head = q.items[:0], 0
	return out
}

// outcomeOverride returns the error that replaces a finished call's own
// outcome: once the call's context has ended, the call fails with the
// context's error, whether or not the task noticed.
func (c *call) outcomeOverride() error {
	if c.ctxErr != nil {
		return c.ctxErr
	}
	if c.ctx.Err() != nil {
		return context.Cause(c.ctx)
	}
	return nil
}
