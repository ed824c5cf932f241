package pool

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
)

// State is where a future is in its life.
type State int

const (
	// Pending: the task waits for a worker; it may already sit in a
	// worker's pipe, but no worker has started it, so Cancel can stop it.
	Pending State = iota
	// Running: a worker acknowledged the task and runs it.
	Running
	// Done: the task finished, failed or was cancelled.
	Done
)

// String returns "pending", "running" or "done".
func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Running:
		return "running"
	case Done:
		return "done"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Future is the eventual result of a task given to Submit.
type Future[R any] struct {
	p    *Pool
	c    *call // nil when the future failed before it was queued
	done chan struct{}
	run  func(ctx context.Context) (R, error) // Goroutines: the task on its argument

	mu        sync.Mutex
	state     State
	val       R
	err       error
	callbacks []func(*Future[R])
	notified  bool // the callbacks ran: later ones run at once
}

// Submit schedules task on arg and returns its future at once, unless
// Config.MaxQueued calls already wait for a worker: then it waits for room
// first. ctx governs
// the task: if it ends while the task is pending, the task is dropped; if it
// ends while the task runs, the task's own context is cancelled in the
// worker, and a worker that has not returned after Config.CancelGrace is
// killed and replaced. Either way the future fails with the context's error.
//
// Errors are reported by the future, never by Submit itself: ErrClosed when
// the pool is closed, an error wrapping ErrEncode when arg cannot be encoded
// with encoding/gob (Processes backend), the error of a bad option. Retry and
// Timeout are the options Submit takes.
func Submit[A, R any](ctx context.Context, p *Pool, task *Task[A, R], arg A, opts ...Option) *Future[R] {
	f := &Future[R]{p: p, done: make(chan struct{})}
	o, err := applyOptions(opts, false)
	if err != nil {
		f.fail(err)
		return f
	}
	c := &call{task: task.name, ctx: ctx, count: 1, recv: f, retries: o.retries, timeout: o.timeout, callerMayRead: true}
	if p.cfg.Backend == Processes {
		b, err := encodeValue(&arg)
		if err != nil {
			f.fail(fmt.Errorf("%w: argument of task %q: %v", ErrEncode, task.name, err))
			return f
		}
		if n := callFrameLen(task.name, [][]byte{b}); n > maxFrame {
			// A worker would refuse the call and die, and so would
			// every replacement given it.
			f.fail(fmt.Errorf("%w: %s", ErrEncode, tooLarge(fmt.Sprintf("argument of task %q", task.name), len(b),
				"pass large data another way, such as the path of a file")))
			return f
		}
		c.args = [][]byte{b}
	} else {
		if p.cfg.CheckValues {
			if arg, err = checkArg(arg, task.name, "argument"); err != nil {
				f.fail(err)
				return f
			}
		}
		f.run = func(ctx context.Context) (R, error) { return task.fn(ctx, arg) }
	}
	if err := ctx.Err(); err != nil {
		f.fail(context.Cause(ctx))
		return f
	}
	f.c = c
	if err := p.enqueue(c); err != nil {
		f.c = nil
		f.fail(err)
		return f
	}
	return f
}

// Result waits for the task and returns its result, or the error that ended
// it: a *TaskError for an error or panic of the task, a *WorkerError when
// its worker died, context.Canceled after Cancel, or the error of the
// context given to Submit. When the task went straight to an idle worker
// process, Result reads the worker's answer on the calling goroutine,
// sparing the wake-up of a second thread.
func (f *Future[R]) Result() (R, error) {
	f.p.readResult(f.c, f.done)
	<-f.done
	return f.val, f.err
}

// ResultContext is Result with a deadline for the wait: when ctx ends first
// it returns ctx.Err() and leaves the future and its task untouched.
func (f *Future[R]) ResultContext(ctx context.Context) (R, error) {
	f.release()
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero R
		return zero, ctx.Err()
	}
}

// Done returns a channel that is closed when the future is done.
func (f *Future[R]) Done() <-chan struct{} {
	f.release()
	return f.done
}

// release has the pool read the task's result for the future, should its
// Submit have left that to a caller in Result (readresult.go).
func (f *Future[R]) release() {
	if f.c != nil {
		f.p.releaseResult(f.c)
	}
}

// Err waits for the task and returns its error, or nil if it succeeded.
func (f *Future[R]) Err() error {
	f.p.readResult(f.c, f.done)
	<-f.done
	return f.err
}

// State returns the future's state now.
func (f *Future[R]) State() State {
	f.release()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

// Cancel stops a task that has not started and reports whether the task
// will never run: true when it was pending (its future then fails with
// context.Canceled) or was cancelled before, false when it is running or
// finished. To stop a running task, cancel the context given to Submit.
func (f *Future[R]) Cancel() bool {
	if f.c == nil {
		return false
	}
	if !f.p.cancel(f.c, errCancelled) {
		return false
	}
	// The call may have ended on another goroutine that is completing it
	// now: true means done, so wait for that.
	<-f.done
	return true
}

// errCancelled is the outcome of a task stopped by Cancel or by Shutdown's
// CancelPending before it started.
var errCancelled = fmt.Errorf("pool: task cancelled before it started: %w", context.Canceled)

// OnDone arranges for fn to be called once the future is done, at once if it
// already is. Callbacks run in the order added, on the goroutine that reads
// a worker's messages: one of the pool's, or a caller of Result or Err that
// reads its own task's result and meets others' on the way. So they should
// be quick and must not wait on the pool (Result, Cancel, Close), which may
// need that very goroutine.
// A panicking callback is reported on standard error and the next one still
// runs.
func (f *Future[R]) OnDone(fn func(*Future[R])) {
	f.release()
	f.mu.Lock()
	if !f.notified {
		f.callbacks = append(f.callbacks, fn)
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	f.callback(fn)
}

func (f *Future[R]) callback(fn func(*Future[R])) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "pool: OnDone callback panicked: %v\n%s", r, debug.Stack())
		}
	}()
	fn(f)
}

// String describes the future for debugging: its state and outcome.
func (f *Future[R]) String() string {
	f.release()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.state != Done:
		return "Future(" + f.state.String() + ")"
	case f.err != nil:
		return fmt.Sprintf("Future(done, failed: %v)", f.err)
	}
	return fmt.Sprintf("Future(done, %T)", f.val)
}

func (f *Future[R]) started(pid int) {
	f.mu.Lock()
	if f.state == Pending {
		f.state = Running
	}
	f.mu.Unlock()
}

func (f *Future[R]) runLocal(ctx context.Context, pid int) func() {
	check := f.p.cfg.CheckValues
	v, err := runLocal(ctx, f.run, f.c.task, pid, 0, check)
	if err == nil && check {
		v, err = checkResult(v, f.c.task)
	}
	return func() {
		f.mu.Lock()
		f.val, f.err = v, err
		f.mu.Unlock()
	}
}

func (f *Future[R]) setItem(_ int, blob []byte, err error) {
	var v R
	if err == nil {
		err = decodeResult(blob, &v, f.c.task)
	}
	f.mu.Lock()
	f.val, f.err = v, err
	f.mu.Unlock()
}

func (f *Future[R]) complete(err error) {
	f.mu.Lock()
	if err != nil {
		var zero R
		f.val, f.err = zero, err
	}
	f.state = Done
	close(f.done)
	f.mu.Unlock()
}

// notify runs the callbacks, and those added while they run, in order.
func (f *Future[R]) notify() {
	for {
		f.mu.Lock()
		cbs := f.callbacks
		f.callbacks = nil
		if len(cbs) == 0 {
			f.notified = true
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		for _, fn := range cbs {
			f.callback(fn)
		}
	}
}

// fail completes a future that never reached the pool.
func (f *Future[R]) fail(err error) {
	f.complete(err)
	f.notify()
}

// decodeResult decodes a worker's encoded result into ptr.
func decodeResult[R any](blob []byte, ptr *R, task string) error {
	if err := decodeValue(blob, ptr); err != nil {
		var zero R
		*ptr = zero
		return fmt.Errorf("%w: result of task %q in the parent: %v", ErrDecode, task, err)
	}
	return nil
}

// runLocal runs one item of a task in this process, as a worker process
// would: a panic becomes a *TaskError with Panicked set. With cross, the
// error the TaskError wraps is the one a worker process's would arrive as
// (Config.CheckValues).
func runLocal[R any](ctx context.Context, run func(context.Context) (R, error), task string, pid, index int, cross bool) (v R, err error) {
	wrapped := func(err error) error {
		if cross {
			return crossed(err)
		}
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			var zero R
			v = zero
			perr, _ := r.(error)
			err = &TaskError{Task: task, PID: pid, Index: index, Message: fmt.Sprint(r),
				Type: fmt.Sprintf("%T", r), Panicked: true, Stack: string(debug.Stack()), Err: wrapped(perr)}
		}
	}()
	v, err = run(ctx)
	if err != nil {
		var zero R
		return zero, &TaskError{Task: task, PID: pid, Index: index, Message: err.Error(), Type: fmt.Sprintf("%T", err), Err: wrapped(err)}
	}
	return v, nil
}
