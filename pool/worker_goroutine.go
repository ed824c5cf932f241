package pool

import (
	"cmp"
	"context"
	"fmt"
	"os"
)

// goroutineConn is the Goroutines backend of a worker: a goroutine of this
// process that runs the calls sent to it, one at a time, with their own
// context. It holds one call at a time, so it needs no prefetch, and a
// call sent to it and not yet started can be taken back at once. A
// goroutine cannot be killed: killing it abandons it, which accounts for
// its calls now and leaves the goroutine to finish its task unobserved.
type goroutineConn struct {
	w         *worker
	wake      chan struct{}
	stopping  bool // guarded by Pool.mu
	abandoned bool // guarded by Pool.mu

	running       *call              // guarded by Pool.mu
	runCtx        context.Context    // the context running's task runs with
	cancelRunning context.CancelFunc // cancels runCtx
}

func newGoroutineConn(w *worker) *goroutineConn {
	w.capacity = 1
	w.pid = os.Getpid()
	return &goroutineConn{w: w, wake: make(chan struct{}, 1)}
}

func (g *goroutineConn) start() { go g.run() }

// A goroutine worker completes its calls itself: no caller reads for it.
func (g *goroutineConn) claim(*call) bool        { return false }
func (g *goroutineConn) readFor(<-chan struct{}) {}
func (g *goroutineConn) release(*call)           {}

func (g *goroutineConn) send(*call) { g.signal() }

// recall takes back a call the goroutine has not picked: it picks calls
// under Pool.mu, so one still sent is not running.
func (g *goroutineConn) recall(*call) bool { return true }

// interrupt cancels the context the running task was given: a context of
// the call's own, so that a Timeout can end it too.
func (g *goroutineConn) interrupt(c *call) {
	if g.running == c && g.cancelRunning != nil {
		g.cancelRunning()
	}
}

func (g *goroutineConn) stop() {
	g.stopping = true
	g.signal()
}

func (g *goroutineConn) kill(string) {
	g.abandoned = true
	g.signal()
	p := g.w.p
	p.workerGoneLocked(g.w, &WorkerError{PID: g.w.pid, ExitCode: -1})
}

func (g *goroutineConn) track() (pid, tid int, name string) {
	return g.w.pid, g.w.seq, fmt.Sprintf("goroutine worker %d", g.w.seq)
}

func (g *goroutineConn) signal() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// run is the worker: the initializer, then serve.
func (g *goroutineConn) run() {
	w := g.w
	p := w.p
	if init := p.cfg.Initializer; init != nil {
		returned := false
		defer func() {
			if !returned { // the initializer called runtime.Goexit
				p.mu.Lock()
				p.breakLocked(goexitError(init.name, w.pid, 0))
				p.workerGoneLocked(w, &WorkerError{PID: w.pid, ExitCode: -1})
				p.unlock()
				close(w.exited)
			}
		}()
		run := func(ctx context.Context) (struct{}, error) { return init.fn(ctx, struct{}{}) }
		_, err := runLocal(context.Background(), run, init.name, w.pid, 0, p.cfg.CheckValues)
		returned = true
		if err != nil {
			p.mu.Lock()
			p.breakLocked(err)
			p.workerGoneLocked(w, &WorkerError{PID: w.pid, ExitCode: -1})
			p.unlock()
			close(w.exited)
			return
		}
	}
	p.workerReady(w)
	g.serve()
}

// serve runs the calls sent to the worker, one at a time, until it is
// stopped or abandoned. A task that calls runtime.Goexit ends this
// goroutine: as in a worker process, its call then fails with a *TaskError
// that says so, and serve goes on in a new goroutine.
func (g *goroutineConn) serve() {
	w := g.w
	p := w.p
	var c *call
	returned := false
	defer func() {
		if returned {
			close(w.exited)
			return
		}
		p.mu.Lock()
		if !g.abandoned && c.state == callRunning {
			p.endLocked(c, cmp.Or(c.outcomeOverride(), goexitError(c.task, w.pid, c.first)))
			p.callCompletedLocked(w, c)
			p.dispatchLocked()
		}
		p.unlock()
		go g.serve()
	}()
	for {
		c = g.next()
		if c == nil {
			returned = true
			return
		}
		commit := c.recv.runLocal(g.runCtx, w.pid)
		p.mu.Lock()
		g.cancelRunning()
		g.running, g.cancelRunning, g.runCtx = nil, nil, nil
		if g.abandoned {
			p.mu.Unlock()
			returned = true
			return
		}
		p.resultLocked(c, completion{commit: commit})
		p.callCompletedLocked(w, c)
		p.dispatchLocked()
		p.unlock()
	}
}

// goexitError is the outcome of a task that called runtime.Goexit, as a
// worker process reports it.
func goexitError(task string, pid, index int) error {
	return &TaskError{Task: task, PID: pid, Index: index, Message: "task called runtime.Goexit", Type: "string", Panicked: true}
}

// next waits for a call sent to the worker and starts it, or returns nil
// when the worker should exit. A call whose context ended before it could
// start never runs.
func (g *goroutineConn) next() *call {
	w := g.w
	p := w.p
	p.mu.Lock()
	for {
		if g.abandoned {
			p.mu.Unlock()
			return nil
		}
		if g.stopping {
			// A worker retired by MaxTasksPerWorker is still listed.
			if !w.gone {
				p.workerGoneLocked(w, &WorkerError{PID: w.pid})
			}
			p.unlock()
			return nil
		}
		var c *call
		for _, x := range w.inflight {
			if x.state == callSent {
				c = x
				break
			}
		}
		switch {
		case c == nil:
			p.mu.Unlock()
			<-g.wake
			p.mu.Lock()
		case c.ctx.Err() != nil:
			c.cancelled = true
			p.endLocked(c, context.Cause(c.ctx))
			p.dispatchLocked()
			p.unlock()
			p.mu.Lock()
		default:
			g.running = c
			g.runCtx, g.cancelRunning = context.WithCancel(c.ctx)
			p.startLocked(c)
			p.mu.Unlock()
			return c
		}
	}
}
