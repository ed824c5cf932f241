package pool

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// This file owns a call's life. Every change of a call's state is one of
// the transitions below, made under Pool.mu:
//
//	accept    new       -> queued
//	send      queued    -> sent      (written towards a worker, not started)
//	start     sent      -> running   (the worker acknowledged it)
//	recall    sent      -> queued    (a steal: given back for an idle worker)
//	requeue   sent, running -> queued (its worker died; see workerGoneLocked)
//	end       any       -> done
//
// A call that ends is completed after Pool.mu is released, by unlock: its
// results are decoded, its receiver is completed (a future's Done closes),
// and only then is anyone who waits for a drop answered, so that Cancel
// returning true means the future is done.

// callState is where a call is in its life. A call is pending while queued
// or sent, running once its worker acknowledged it, and done once its
// outcome is known.
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
	size  int      // bytes in args, once counted (argBytes)
	recv  receiver

	// Set while the Submit that made it is under way: a worker that gets
	// it then may leave its result to the caller to read (readresult.go).
	callerMayRead bool

	retries  int           // re-runs allowed after a worker death
	attempts int           // runs that ended with the worker's death
	timeout  time.Duration // Timeout: the most it may run, 0 for no bound

	// Guarded by Pool.mu.
	state     callState
	w         *worker      // the worker it was sent to; kept once done, for the trace
	drop      *dropRequest // a request to give the call back, waiting for the worker's answer
	ctxErr    error        // the call's ctx ended while it ran: its outcome
	cancelled bool         // ended before it started
	stopCtx   func() bool  // unregisters the ctx watch
	mapCtx    bool         // its ctx is its Map's, watched once for all its calls (mapCtxEnded)
	grace     *time.Timer  // kills the worker if the cancelled task runs on
	deadline  *time.Timer  // ends a task that runs past its timeout
	startedAt time.Time    // when its worker acknowledged it (for the trace)
	end       completion   // how it ended, once it did
	nextEnded *call        // the next call in Pool.ending
}

// argBytes returns the size of the call's encoded arguments.
func (c *call) argBytes() int {
	if c.size == 0 {
		for _, a := range c.args {
			c.size += len(a)
		}
	}
	return c.size
}

// receiver is the typed side of a call: a Future, or a chunk of a Map.
type receiver interface {
	// started records that a worker with the given pid began the call.
	// It is called under Pool.mu.
	started(pid int)
	// runLocal runs every item in this process (Goroutines backend) and
	// returns a function that keeps the outcomes; the pool calls it unless
	// it gave up on the call meanwhile.
	runLocal(ctx context.Context, pid int) (commit func())
	// setItem keeps the outcome of item i as a worker reported it: an
	// encoded result, or an error.
	setItem(i int, blob []byte, err error)
	// complete ends the call: a non-nil err is the outcome of every item.
	// Once it returns, the receiver reports itself done.
	complete(err error)
	// notify runs what waits for the outcome in user code (OnDone
	// callbacks, a Progress hook), once every call completed with it is
	// done.
	notify()
}

// dropRequest asks a worker to give back a call that was sent to it and not
// acknowledged: only the worker knows whether it started, so the requester
// waits for its answer. A cancellation carries the call's outcome in err; a
// steal (err == nil) puts the call back in the queue for an idle worker.
type dropRequest struct {
	err      error
	answered chan struct{} // closed once the call is done or running
	dropped  bool          // set before answered closes: the call never ran
	timeout  *time.Timer   // kills a worker that does not answer
}

func (d *dropRequest) stopTimer() {
	if d.timeout != nil {
		d.timeout.Stop()
	}
}

// completion is how a call ended under Pool.mu, to be completed after it.
type completion struct {
	err      error        // the outcome of every item, if not nil
	outcomes outcomes     // a worker process's result, decoded after the lock
	pid      int          // the worker that sent outcomes
	commit   func()       // a goroutine worker's results
	drop     *dropRequest // answered once the call is complete
}

// acceptLocked takes a new call into the queue.
func (p *Pool) acceptLocked(c *call) {
	p.nextID++
	c.id = p.nextID
	c.state = callQueued
	p.outstanding++
	p.queue.push(c)
}

// sendLocked gives the queued call at the head of the queue to w.
func (p *Pool) sendLocked(w *worker) {
	c := p.queue.pop()
	c.state, c.w = callSent, w
	w.add(c)
	w.conn.send(c)
}

// startLocked records a worker's acknowledgement: the call runs and can no
// longer be cancelled with Cancel. It reports whether c was waiting for it.
func (p *Pool) startLocked(c *call) bool {
	if c.state != callSent {
		return false
	}
	c.state = callRunning
	c.startedAt = time.Now()
	if c.timeout > 0 {
		limit := c.timeout * time.Duration(c.count)
		c.deadline = time.AfterFunc(limit, func() {
			p.mu.Lock()
			if c.state == callRunning && c.ctxErr == nil {
				p.interruptLocked(c, &TimeoutError{Task: c.task, Timeout: limit})
			}
			p.unlock()
		})
	}
	if d := c.drop; d != nil {
		c.drop = nil
		d.stopTimer()
		close(d.answered) // too late: the call runs
	}
	c.recv.started(c.w.pid)
	if c.ctx.Err() != nil && c.ctxErr == nil {
		// Its context ended while the drop that ctxEndedLocked asked
		// for was on its way: it runs only to be interrupted.
		p.interruptLocked(c, context.Cause(c.ctx))
	}
	return true
}

// ctxEndedLocked acts on the end of c's context before c is done: a queued
// call ends, a sent one is asked back (and interrupted should it start
// first: startLocked), a running one is interrupted.
func (p *Pool) ctxEndedLocked(c *call, err error) {
	switch c.state {
	case callQueued:
		p.queue.remove(c)
		c.cancelled = true
		p.endLocked(c, err)
	case callSent:
		p.requestDropLocked(c, err)
	case callRunning:
		if c.ctxErr == nil {
			p.interruptLocked(c, err)
		}
	}
}

// mapCtxEnded acts on the end of a Map's context for every call of that
// Map that is not done. One watch per Map instead of one per call keeps
// context.AfterFunc's registration off the path of every chunk.
func (p *Pool) mapCtxEnded(ctx context.Context) {
	err := context.Cause(ctx)
	p.mu.Lock()
	defer p.unlock()
	for _, c := range p.queue.removeFunc(func(c *call) bool { return c.ctx == ctx }) {
		c.cancelled = true
		p.endLocked(c, err)
	}
	for _, w := range slices.Clone(p.workers) {
		for _, c := range slices.Clone(w.inflight) {
			if c.ctx == ctx && c.state != callDone {
				p.ctxEndedLocked(c, err)
			}
		}
	}
}

// requestDropLocked asks c's worker to give c back: for a steal when err is
// nil, or to cancel c with err as its outcome. A steal already asked for
// becomes a cancellation. It returns the request, whose answered channel
// closes once c is done or running; with a worker that gives calls back at
// once, c is already done (or queued again) when it returns.
func (p *Pool) requestDropLocked(c *call, err error) *dropRequest {
	if d := c.drop; d != nil {
		if d.err == nil {
			d.err = err
		}
		return d
	}
	d := &dropRequest{err: err, answered: make(chan struct{})}
	c.drop = d
	if c.w.conn.recall(c) {
		p.droppedLocked(c)
		return d
	}
	w := c.w
	d.timeout = time.AfterFunc(answerTimeout, func() {
		p.mu.Lock()
		if c.drop == d {
			p.killWorkerLocked(w, fmt.Sprintf("it did not answer a request to give back a call within %v", answerTimeout))
		}
		p.unlock()
	})
	return d
}

// answerTimeout is how long a worker may take to answer a drop request
// before the pool kills it. A healthy worker answers in microseconds,
// whatever its task does (a goroutine of its own reads the parent's
// frames); the bound is generous so that a machine swamped with work never
// costs a worker its life.
const answerTimeout = 5 * time.Second

// exitTimeout is how long a worker whose result pipe closed may live on
// before the pool kills it: a worker closes that pipe only by exiting, or
// because a task closed descriptors it does not own.
const exitTimeout = time.Second

// droppedLocked takes back a call its worker gave back before starting it:
// a steal goes back to the head of the queue, a cancellation ends.
func (p *Pool) droppedLocked(c *call) {
	d := c.drop
	if c.state != callSent || d == nil {
		return
	}
	if d.err == nil {
		p.requeueLocked(c)
	} else {
		c.cancelled = true
		p.endLocked(c, d.err)
	}
	// The worker's slot is free, whether its answer freed it or it gave
	// the call back at once (a goroutine worker): hand out the queued work.
	p.dispatchLocked()
}

// interruptLocked ends a running call with err as its outcome: its
// context is cancelled in the worker, and the worker is killed if the task
// runs on past CancelGrace.
func (p *Pool) interruptLocked(c *call, err error) {
	c.ctxErr = err
	w := c.w
	// Calls sent behind this one whose context also ended must be given
	// back before the worker hears of the cancel, or it could start the
	// next one as soon as this one returns.
	for _, next := range w.inflight {
		if next.state == callSent && next.ctx.Err() != nil {
			p.requestDropLocked(next, context.Cause(next.ctx))
		}
	}
	w.conn.interrupt(c)
	c.grace = time.AfterFunc(p.cfg.CancelGrace, func() {
		p.mu.Lock()
		if c.state == callRunning {
			p.killWorkerLocked(c.w, "its task ignored its cancelled context for "+p.cfg.CancelGrace.String())
		}
		p.unlock()
	})
}

// requeueLocked puts a call back at the head of the queue: one given back
// by its worker, or one its dead worker had not started, or had started
// with retries left. A steal waiting for an answer is answered.
func (p *Pool) requeueLocked(c *call) {
	c.w.remove(c)
	if d := c.drop; d != nil {
		c.drop = nil
		d.stopTimer()
		d.dropped = true
		close(d.answered)
	}
	c.state, c.w = callQueued, nil
	p.queue.pushFront(c)
}

// endLocked marks c done with err as the outcome of every item and
// schedules its completion.
func (p *Pool) endLocked(c *call, err error) { p.endWithLocked(c, completion{err: err}) }

// endWithLocked marks a call done and schedules its completion for unlock.
func (p *Pool) endWithLocked(c *call, e completion) {
	c.state = callDone
	if c.w != nil {
		c.w.remove(c)
	}
	if c.stopCtx != nil {
		c.stopCtx()
		c.stopCtx = nil
	}
	if c.grace != nil {
		c.grace.Stop()
		c.grace = nil
	}
	if c.deadline != nil {
		c.deadline.Stop()
		c.deadline = nil
	}
	if d := c.drop; d != nil {
		c.drop = nil
		d.dropped = c.cancelled
		d.stopTimer()
		e.drop = d
	}
	c.end = e
	if p.endingTail == nil {
		p.ending = c
	} else {
		p.endingTail.nextEnded = c
	}
	p.endingTail = c
}

// resultLocked ends a running call with the outcomes its worker sent; the
// end of the call's context overrides them.
func (p *Pool) resultLocked(c *call, e completion) {
	e.err = c.outcomeOverride()
	if e.err != nil {
		e.outcomes, e.commit = outcomes{}, nil
	}
	p.endWithLocked(c, e)
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

// unlock releases Pool.mu and then completes the calls that ended while it
// was held. Every path that may end a call unlocks with it.
func (p *Pool) unlock() {
	ended := p.ending
	p.ending, p.endingTail = nil, nil
	p.mu.Unlock()
	if ended != nil {
		p.complete(ended)
	}
}

// complete finishes calls that ended, a list linked through nextEnded:
// first every receiver, so that each is done before any user callback runs,
// then the callbacks; then the calls stop counting as outstanding, so that
// Close returns only after every future is complete.
func (p *Pool) complete(ended *call) {
	n := 0
	for c := ended; c != nil; c = c.nextEnded {
		n++
		e := &c.end
		err := e.err
		switch {
		case err != nil:
		case e.commit != nil:
			e.commit()
		default:
			err = p.keepOutcomes(c, e.outcomes, e.pid)
		}
		if p.tracer != nil && c.w != nil && !c.startedAt.IsZero() {
			p.tracer.slice(c.w, c, c.startedAt, outcomeName(err))
		}
		c.recv.complete(err)
		if e.drop != nil {
			close(e.drop.answered)
		}
	}
	for c := ended; c != nil; {
		next := c.nextEnded
		c.nextEnded, c.end = nil, completion{}
		c.recv.notify()
		c = next
	}
	p.mu.Lock()
	p.outstanding -= n
	p.checkDrainedLocked()
	p.mu.Unlock()
}

// keepOutcomes hands each item's outcome to the call's receiver. A result
// with the wrong number of items fails the whole call.
func (p *Pool) keepOutcomes(c *call, outs outcomes, pid int) error {
	if outs.n != c.count {
		return fmt.Errorf("%w: worker %d sent %d outcomes for a call of %d items", ErrDecode, pid, outs.n, c.count)
	}
	for i, o := range outs.all {
		var blob []byte
		if o.status == statusOK {
			blob = o.blob
		}
		c.recv.setItem(i, blob, o.err(c.task, pid, c.first+i))
	}
	return nil
}

// queue is the FIFO of calls not yet sent to a worker.
type queue struct {
	items  []*call
	head   int
	shrunk chan struct{} // closed when a call leaves, for Config.MaxQueued
}

// room returns a channel that is closed once a call leaves the queue.
func (q *queue) room() <-chan struct{} {
	if q.shrunk == nil {
		q.shrunk = make(chan struct{})
	}
	return q.shrunk
}

func (q *queue) left() {
	if q.shrunk != nil {
		close(q.shrunk)
		q.shrunk = nil
	}
}

func (q *queue) len() int { return len(q.items) - q.head }

// peek returns the call at the head of a queue that is not empty.
func (q *queue) peek() *call { return q.items[q.head] }

func (q *queue) push(c *call) { q.items = append(q.items, c) }

func (q *queue) pop() *call {
	c := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	q.left()
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
			q.left()
			return true
		}
	}
	return false
}

// removeFunc takes out of the queue the calls for which del is true, in one
// pass, and returns them in queue order.
func (q *queue) removeFunc(del func(*call) bool) []*call {
	var out []*call
	kept := q.items[:q.head]
	for _, c := range q.items[q.head:] {
		if del(c) {
			out = append(out, c)
		} else {
			kept = append(kept, c)
		}
	}
	clear(q.items[len(kept):])
	q.items = kept
	if len(out) > 0 {
		q.left()
	}
	return out
}

// drain empties the queue and returns what it held.
func (q *queue) drain() []*call {
	out := append([]*call(nil), q.items[q.head:]...)
	q.items, q.head = q.items[:0], 0
	q.left()
	return out
}
