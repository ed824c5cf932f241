package pool

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Backend selects what runs the tasks of a pool.
type Backend int

const (
	// Processes runs tasks in worker processes: this binary started again.
	// Arguments and results cross the process boundary with encoding/gob;
	// a task that crashes its process fails alone.
	Processes Backend = iota
	// Goroutines runs tasks on goroutines of this process, with the same API
	// and errors. Arguments and results are passed as they are, shared
	// memory included, and a crash takes the whole program down.
	Goroutines
)

// String returns "processes" or "goroutines".
func (b Backend) String() string {
	switch b {
	case Processes:
		return "processes"
	case Goroutines:
		return "goroutines"
	}
	return fmt.Sprintf("Backend(%d)", int(b))
}

// DefaultCancelGrace is the CancelGrace of a Config that leaves it zero.
const DefaultCancelGrace = time.Second

// Config configures a pool. The zero value is a pool of one worker process
// per CPU this process may use.
type Config struct {
	// Workers is the most workers the pool runs at once; 0 means the CPUs
	// this process may use: runtime.GOMAXPROCS(0), which Go sets from the
	// affinity mask and a container's CPU quota (cgroup v1 and v2), where
	// runtime.NumCPU() follows the mask but not the quota. Workers start on
	// demand and idle ones are reused. Negative is an error.
	Workers int

	// Backend chooses worker processes (the default) or goroutines.
	Backend Backend

	// Stdout and Stderr receive what worker processes write to their
	// standard output and error, one whole line at a time and from one
	// goroutine at a time, so a writer need not be safe for concurrent use.
	// Nil means the parent's os.Stdout and os.Stderr, so a task's
	// fmt.Println shows up like the parent's own. The pool keeps the tail
	// of each worker's stderr for WorkerError.
	Stdout, Stderr io.Writer

	// CancelGrace is how long a running task whose context was cancelled
	// may take to return before its worker process is killed and replaced.
	// Zero means DefaultCancelGrace.
	CancelGrace time.Duration

	// Initializer, when set, runs once in every worker before its first
	// task, as Python's initializer does: to open a connection or load a
	// model once per process. If it fails, the pool is broken: the work
	// waiting and every later Submit or Map fail with the same error, which
	// wraps the initializer's own (a *TaskError), or, if the initializer
	// killed its worker, a *WorkerError with Initializer set.
	Initializer *Task[struct{}, struct{}]

	// Trace, when set, receives a Chrome trace-event file (JSON) of the
	// pool's life when it stops: one track per worker, one slice per call,
	// instant events for workers starting, exiting and crashing. Open it in
	// https://ui.perfetto.dev. With Trace nil, the environment variable
	// POOLSCHOOL_TRACE=file.json traces every pool of the process into
	// that file; the package documentation describes the format.
	Trace io.Writer

	// MaxTasksPerWorker retires a worker after it has run this many calls
	// (a Submit, or one Map chunk) and starts a fresh one when work is
	// waiting, as Python's max_tasks_per_child does: a bound on what a
	// leaking task can accumulate. Zero means no limit.
	MaxTasksPerWorker int

	// WorkerProcs is the GOMAXPROCS of each worker process: how many of a
	// task's goroutines may run at the same time. Zero means the parent's
	// GOMAXPROCS shared among the workers (at least 1 each), so that the
	// workers together use the CPUs the parent may use, once: in a pool of
	// one worker per CPU, each worker runs on one CPU, like a Python worker.
	// A task that fans out over goroutines of its own, in a pool of fewer
	// workers than CPUs, may want more. Negative is an error. Programs a
	// task starts do not inherit the setting.
	WorkerProcs int

	// MaxQueued bounds how many calls (a Submit, or a Map chunk) may wait
	// for a worker: once that many wait, Submit waits for room before it
	// returns, honouring its context (the future then fails with the
	// context's error), so a loop that submits a million tasks holds a
	// bounded number of futures' worth of work at a time. Zero means no
	// bound; negative is an error.
	MaxQueued int

	// CheckValues makes the Goroutines backend send every argument,
	// result and error through the encoding worker processes use, so that
	// a program tested on goroutines fails as it would on processes: a
	// value gob cannot encode fails with ErrEncode, an unexported field
	// arrives zero, an error arrives as the parent would rebuild it. The
	// Processes backend always does this; there the field changes
	// nothing.
	CheckValues bool
}

// Pool runs registered tasks on a set of workers. Create one with New and
// release it with Close; the methods and the package's functions are safe
// for concurrent use.
type Pool struct {
	cfg     Config
	size    int
	spawner *spawner // nil with Goroutines
	stdout  io.Writer
	stderr  *syncWriter

	mu          sync.Mutex
	queue       queue
	workers     []*worker // starting or ready
	nextID      uint64
	outstanding int   // calls accepted and not completed
	ending      *call // calls ended under mu, completed by unlock: a list
	endingTail  *call
	closed      bool // no new work accepted
	killing     error
	broken      error // the initializer failed: no work can run
	stats       Stats // counters guarded by mu
	msgs        msgCounters
	workerSeq   int
	queues      map[uint64]queueSink
	tracer      *tracer       // nil: no trace
	serial      int64         // this pool's number in the process, for the trace
	drained     chan struct{} // closed once closed && outstanding == 0
	stopped     chan struct{} // closed once every worker is gone
	stopOnce    sync.Once
}

// New starts a pool. Workers start when work arrives, so New itself is
// cheap. In a process started as a worker that did not call Main, New
// returns ErrNoMain instead of starting workers of its own.
func New(cfg Config) (*Pool, error) {
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("pool: Config.Workers is %d; use a positive number, or 0 for one per CPU", cfg.Workers)
	}
	if cfg.Backend != Processes && cfg.Backend != Goroutines {
		return nil, fmt.Errorf("pool: unknown Config.Backend %d; use pool.Processes or pool.Goroutines", int(cfg.Backend))
	}
	if cfg.MaxTasksPerWorker < 0 {
		return nil, fmt.Errorf("pool: Config.MaxTasksPerWorker is %d; use a positive number, or 0 for no limit", cfg.MaxTasksPerWorker)
	}
	if cfg.WorkerProcs < 0 {
		return nil, fmt.Errorf("pool: Config.WorkerProcs is %d; use a positive number, or 0 to share the CPUs among the workers", cfg.WorkerProcs)
	}
	if cfg.MaxQueued < 0 {
		return nil, fmt.Errorf("pool: Config.MaxQueued is %d; use a positive number, or 0 for no bound", cfg.MaxQueued)
	}
	if cfg.CancelGrace < 0 {
		return nil, fmt.Errorf("pool: Config.CancelGrace is %v; use a positive duration, or 0 for the default", cfg.CancelGrace)
	}
	if isUnservedWorker() {
		return nil, ErrNoMain
	}
	freezeRegistry()
	p := &Pool{
		cfg:     cfg,
		size:    cfg.Workers,
		drained: make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if p.size == 0 {
		// Go's default GOMAXPROCS is the CPUs this process may use: it
		// follows the affinity mask and a container's CPU quota;
		// runtime.NumCPU() ignores the quota.
		p.size = runtime.GOMAXPROCS(0)
	}
	if p.cfg.WorkerProcs == 0 {
		p.cfg.WorkerProcs = max(1, runtime.GOMAXPROCS(0)/p.size)
	}
	if p.cfg.CancelGrace == 0 {
		p.cfg.CancelGrace = DefaultCancelGrace
	}
	if p.cfg.Stdout == nil {
		p.cfg.Stdout = os.Stdout
	}
	if p.cfg.Stderr == nil {
		p.cfg.Stderr = os.Stderr
	}
	p.stdout = p.cfg.Stdout
	if _, isFile := p.cfg.Stdout.(*os.File); !isFile {
		// Workers write a file themselves; any other writer is fed by
		// the pool, one whole line at a time.
		p.stdout = &syncWriter{w: p.cfg.Stdout}
	}
	p.stderr = &syncWriter{w: p.cfg.Stderr}
	tr, err := newTracer(cfg.Trace)
	if err != nil {
		return nil, err
	}
	p.tracer, p.serial = tr, poolSerial.Add(1)
	if cfg.Backend == Processes {
		p.spawner = newSpawner()
	}
	return p, nil
}

// Workers returns the most workers the pool runs at once.
func (p *Pool) Workers() int { return p.size }

// Backend returns the pool's backend.
func (p *Pool) Backend() Backend { return p.cfg.Backend }

// enqueue accepts a call, or returns ErrClosed or the error that broke the
// pool.
func (p *Pool) enqueue(c *call) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	if p.broken != nil {
		p.mu.Unlock()
		return p.broken
	}
	for p.cfg.MaxQueued > 0 && p.queue.len() >= p.cfg.MaxQueued {
		room := p.queue.room()
		p.mu.Unlock()
		select {
		case <-room:
		case <-c.ctx.Done():
			return context.Cause(c.ctx)
		}
		p.mu.Lock()
		if p.closed || p.broken != nil {
			p.mu.Unlock()
			return cmp.Or(p.broken, ErrClosed)
		}
	}
	p.acceptLocked(c)
	if c.mapCtx && c.ctx.Err() != nil {
		// Its Map's watch may have run before the call was accepted.
		p.ctxEndedLocked(c, context.Cause(c.ctx))
	}
	p.dispatchLocked()
	c.callerMayRead = false
	p.unlock()
	if c.ctx.Done() != nil && !c.mapCtx {
		stop := context.AfterFunc(c.ctx, func() { p.ctxEnded(c) })
		p.mu.Lock()
		if c.state == callDone {
			stop()
		} else {
			c.stopCtx = stop
		}
		p.mu.Unlock()
	}
	return nil
}

// dispatchLocked hands queued calls to workers: first to idle workers, then
// to new workers while the pool is below its size, then, once no worker is
// starting, to each worker up to what it may hold (hasRoom: a goroutine
// worker one call; a process worker two, or as many as cover prefetchCover
// of the task's calls, up to maxPrefetch, so that it does not wait for the
// parent between two tasks). Once the queue is empty, calls waiting behind
// a running one are stolen for idle workers.
func (p *Pool) dispatchLocked() {
	if p.killing != nil || p.broken != nil {
		return
	}
	p.assignLocked(1)
	starting, active := 0, 0
	for _, w := range p.workers {
		if !w.ready {
			starting++
		}
		if !w.retiring {
			active++
		}
	}
	for p.queue.len() > starting && active < p.size {
		active++
		starting++
		p.startWorkerLocked()
		if p.workers[len(p.workers)-1].ready {
			starting--
		}
	}
	if starting == 0 {
		p.assignLocked(maxInt)
	}
	if p.queue.len() == 0 {
		p.stealLocked()
	}
}

// stealLocked asks busy workers to give back calls waiting behind a running
// one, as many as there are idle workers to take them: prefetching must not
// leave a call stuck behind a long task while another worker has nothing
// to do.
func (p *Pool) stealLocked() {
	idle := 0
	for _, w := range p.workers {
		if w.ready && !w.retiring && len(w.inflight) == 0 {
			idle++
		}
	}
	if idle == 0 {
		return // the common case, and the scan below is as long as the prefetched calls
	}
	for _, w := range p.workers {
		for _, c := range w.inflight {
			if c.drop != nil && c.drop.err == nil {
				idle-- // a steal on its way
			}
		}
	}
	for _, w := range p.workers {
		if idle <= 0 {
			return
		}
		// Any call behind the head waits, whether the head already runs
		// or was just sent: between two calls of a busy worker the head
		// is sent and not yet acknowledged, and a worker's result is
		// often the only event that reaches this point while another
		// worker idles.
		if len(w.inflight) < 2 {
			continue
		}
		if c := w.inflight[len(w.inflight)-1]; c.state == callSent && c.drop == nil {
			p.requestDropLocked(c, nil)
			idle--
		}
	}
}

// assignLocked sends queued calls to ready workers holding fewer than limit.
func (p *Pool) assignLocked(limit int) {
	for p.queue.len() > 0 {
		w := p.pickWorkerLocked(limit)
		if w == nil {
			return
		}
		p.sendLocked(w)
	}
}

// pickWorkerLocked returns the ready worker with the fewest calls, if it has
// room for the call at the head of the queue and holds fewer than limit.
func (p *Pool) pickWorkerLocked(limit int) *worker {
	c := p.queue.peek()
	var best *worker
	for _, w := range p.workers {
		n := len(w.inflight)
		if w.ready && !w.retiring && n < limit && w.hasRoom(c) && (best == nil || n < len(best.inflight)) &&
			(p.cfg.MaxTasksPerWorker == 0 || w.tasks+n < p.cfg.MaxTasksPerWorker) {
			best = w
			if n == 0 {
				break
			}
		}
	}
	return best
}

// cancel ends a call that has not started, with err as its outcome, and
// reports whether it did. For a call already sent to a worker process it
// waits for the worker's answer.
func (p *Pool) cancel(c *call, err error) bool {
	p.mu.Lock()
	switch c.state {
	case callQueued:
		p.queue.remove(c)
		c.cancelled = true
		p.endLocked(c, err)
		p.unlock()
		return true
	case callSent:
		d := p.requestDropLocked(c, err)
		p.unlock()
		<-d.answered
		return d.dropped
	case callDone:
		cancelled := c.cancelled
		p.mu.Unlock()
		return cancelled
	default:
		p.mu.Unlock()
		return false
	}
}

// ctxEnded runs when the context of a call ends before the call is done:
// a pending call is dropped; a running one has its own context cancelled
// in the worker, and its worker is killed if it runs on past CancelGrace.
func (p *Pool) ctxEnded(c *call) {
	p.mu.Lock()
	defer p.unlock()
	p.ctxEndedLocked(c, context.Cause(c.ctx))
}

// ShutdownOptions says what Shutdown does with work that has not finished.
type ShutdownOptions struct {
	// Wait makes Shutdown return only once every accepted task has finished
	// and every worker has exited. Without it Shutdown returns at once and
	// the pool finishes the work and stops its workers in the background.
	Wait bool
	// CancelPending cancels every task that has not started: their futures
	// fail with context.Canceled. Running tasks are not interrupted.
	CancelPending bool
}

// errShutdownKill is the outcome of tasks killed because Shutdown's context
// ended.
var errShutdownKill = errors.New("pool: task stopped because Shutdown's context ended")

// Shutdown stops the pool from accepting work (Submit and Map then report
// ErrClosed) and, with CancelPending, cancels the tasks that have not
// started. With Wait it then waits for the remaining tasks and the workers'
// exit. If ctx ends first, the running tasks are killed, the pending ones
// are cancelled and never start, and Shutdown returns ctx.Err() once the
// workers are gone. Shutdown may be called more than once; Close after
// Shutdown waits as Close does.
func (p *Pool) Shutdown(ctx context.Context, opts ShutdownOptions) error {
	p.mu.Lock()
	p.closed = true
	for _, w := range p.workers {
		w.conn.release(nil) // nobody may be left to read a result
	}
	if opts.CancelPending {
		for _, c := range p.queue.drain() {
			c.cancelled = true
			p.endLocked(c, errCancelled)
		}
		for _, w := range slices.Clone(p.workers) {
			for _, c := range slices.Clone(w.inflight) {
				if c.state == callSent {
					p.requestDropLocked(c, errCancelled)
				}
			}
		}
	}
	p.checkDrainedLocked()
	p.unlock()
	if !opts.Wait {
		return nil
	}
	select {
	case <-p.stopped:
		return nil
	case <-ctx.Done():
	}
	p.kill(fmt.Errorf("%w: %w", errShutdownKill, ctx.Err()))
	<-p.stopped
	return ctx.Err()
}

// Close stops accepting work, waits for every accepted task to finish and
// for every worker process to exit, and returns. It is the Go counterpart of
// leaving a with block, and is Shutdown(context.Background(),
// ShutdownOptions{Wait: true}).
func (p *Pool) Close() error {
	return p.Shutdown(context.Background(), ShutdownOptions{Wait: true})
}

// kill fails every pending call with err and kills every worker: what they
// ran fails with err too (workerGoneLocked).
func (p *Pool) kill(err error) {
	p.mu.Lock()
	if p.killing == nil {
		p.killing = err
	}
	for _, c := range p.queue.drain() {
		c.cancelled = true
		p.endLocked(c, p.killing)
	}
	for _, w := range slices.Clone(p.workers) {
		p.killWorkerLocked(w, "")
	}
	p.unlock()
}

func (p *Pool) checkDrainedLocked() {
	if p.closed && p.outstanding == 0 {
		select {
		case <-p.drained:
		default:
			close(p.drained)
			p.beginStopLocked()
		}
	}
}

// beginStopLocked starts the pool's teardown once it is drained: every
// worker is told to exit, those that do not within stopTimeout are killed,
// and stopped closes once they are all gone.
func (p *Pool) beginStopLocked() {
	p.stopOnce.Do(func() {
		ws := slices.Clone(p.workers)
		for _, w := range ws {
			w.conn.stop()
		}
		go func() {
			timeout := time.NewTimer(stopTimeout)
			defer timeout.Stop()
		wait:
			for _, w := range ws {
				select {
				case <-w.exited:
				case <-timeout.C:
					p.mu.Lock()
					for _, w := range ws {
						p.killWorkerLocked(w, fmt.Sprintf("it did not exit within %v of the pool's close", stopTimeout))
					}
					p.unlock()
					break wait
				}
			}
			for _, w := range ws {
				<-w.exited
			}
			if p.spawner != nil {
				p.spawner.close()
			}
			if err := p.tracer.flush(); err != nil {
				fmt.Fprintf(p.cfg.Stderr, "pool: writing the trace: %v\n", err)
			}
			close(p.stopped)
		}()
	})
}

// stopTimeout bounds how long a worker told to exit may take before it is
// killed.
const stopTimeout = 5 * time.Second

// initializerName is the name of the pool's initializer task, if any.
func (p *Pool) initializerName() string {
	if p.cfg.Initializer == nil {
		return ""
	}
	return p.cfg.Initializer.name
}

// breakLocked breaks the pool after its initializer failed in a worker, or
// killed it: the waiting work fails with the same error as every later
// Submit or Map.
func (p *Pool) breakLocked(err error) {
	if p.broken == nil {
		p.broken = fmt.Errorf("pool: the worker initializer %q failed, so the pool cannot run tasks: %w", p.initializerName(), err)
	}
	for _, c := range p.queue.drain() {
		c.cancelled = true
		p.endLocked(c, p.broken)
	}
}
