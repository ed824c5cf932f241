package pool

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// worker is the parent's handle on one worker: a process, or a goroutine
// with the Goroutines backend. Its fields are guarded by Pool.mu unless
// noted.
type worker struct {
	p        *Pool
	pid      int
	isLocal  bool
	ready    bool    // serving: said hello (process) or started (goroutine)
	retiring bool    // takes no new calls
	inflight []*call // sent or running, in the order sent
	tasks    int     // calls completed
	seq      int     // the pool's count of workers when this one started
	exited   chan struct{}

	// Processes.
	cmd    *exec.Cmd
	out    *outbox
	stderr *stderrTail
	killed bool

	// Goroutines.
	wake      chan struct{}
	stopping  bool
	abandoned bool
}

func (w *worker) local() bool { return w.isLocal }

// track returns the worker's trace track: its own process, or a numbered
// track in the parent for a goroutine.
func (w *worker) track() (pid, tid int) {
	if w.isLocal {
		return w.pid, w.seq
	}
	return w.pid, w.pid
}

func (w *worker) trackName() string {
	if w.isLocal {
		return fmt.Sprintf("goroutine worker %d", w.seq)
	}
	return fmt.Sprintf("worker %d", w.pid)
}

// startWorkerLocked adds a worker and starts it in the background.
func (p *Pool) startWorkerLocked() {
	p.workerSeq++
	w := &worker{p: p, seq: p.workerSeq, exited: make(chan struct{})}
	p.workers = append(p.workers, w)
	if p.cfg.Backend == Goroutines {
		w.isLocal, w.ready, w.pid = true, true, os.Getpid()
		p.stats.WorkersStarted++
		p.tracer.instant(w, "worker start", nil)
		w.wake = make(chan struct{}, 1)
		go w.loopLocal()
		return
	}
	w.out = newOutbox()
	w.stderr = newStderrTail(p.cfg.Stderr)
	go w.runProcess()
}

// send gives the worker a call that is already in its inflight list.
func (w *worker) send(c *call) {
	if w.isLocal {
		w.signal()
		return
	}
	size := 5 + 3*binary.MaxVarintLen64 + len(c.task)
	for _, a := range c.args {
		size += binary.MaxVarintLen64
		if len(a) < bigPiece { // a larger one is a piece of its own
			size += len(a)
		}
	}
	f := newFrameSize(kindCall, size).uvarint(c.id).string(c.task).uvarint(uint64(len(c.args)))
	for _, a := range c.args {
		f.bytes(a)
	}
	w.out.put(f.done())
}

// sendDrop asks a worker process to forget a call it has not started.
func (w *worker) sendDrop(c *call) { w.out.put(newFrame(kindDrop).uvarint(c.id).done()) }

// sendCancel asks a worker process to cancel the context of a running call.
// A goroutine runs with the call's own context, which is already cancelled.
func (w *worker) sendCancel(c *call) {
	if !w.isLocal {
		w.out.put(newFrame(kindCancel).uvarint(c.id).done())
	}
}

// kill ends a worker process and everything it started.
func (w *worker) kill() {
	if w.isLocal || w.killed {
		return
	}
	w.killed = true
	if w.cmd != nil {
		syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// stop tells an idle worker to exit: a process sees its command pipe close.
func (w *worker) stop() {
	if w.isLocal {
		w.stopping = true
		w.signal()
		return
	}
	w.out.close()
}

// abandon gives up on a goroutine worker whose task ignores its cancelled
// context; the goroutine exits when the task returns.
func (w *worker) abandon() {
	w.abandoned = true
	w.signal()
}

func (w *worker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *worker) find(id uint64) *call {
	for _, c := range w.inflight {
		if c.id == id {
			return c
		}
	}
	return nil
}

// loopLocal is a goroutine worker: it runs the calls sent to it, one at a
// time.
func (w *worker) loopLocal() {
	p := w.p
	defer close(w.exited)
	if init := p.cfg.Initializer; init != nil {
		run := func(ctx context.Context) (struct{}, error) { return init.fn(ctx, struct{}{}) }
		if _, err := runLocal(context.Background(), run, init.name, w.pid, 0); err != nil {
			p.initFailed(w, err)
			return
		}
	}
	for {
		p.mu.Lock()
		var c *call
		for {
			if w.abandoned || w.stopping {
				if w.retiring {
					p.removeWorkerLocked(w)
					p.dispatchLocked()
				}
				p.mu.Unlock()
				return
			}
			for _, x := range w.inflight {
				if x.state == callSent {
					c = x
					break
				}
			}
			if c != nil {
				break
			}
			p.mu.Unlock()
			<-w.wake
			p.mu.Lock()
		}
		if c.ctx.Err() != nil {
			// Its context ended before it could start: never run it.
			c.cancelled = true
			p.doneLocked(c)
			p.dispatchLocked()
			p.mu.Unlock()
			p.finishCall(c, context.Cause(c.ctx))
			continue
		}
		c.state = callRunning
		c.startedAt = time.Now()
		p.mu.Unlock()

		c.recv.started(w.pid)
		commit := c.recv.runLocal(c.ctx, w.pid)

		p.mu.Lock()
		if w.abandoned {
			p.mu.Unlock()
			return
		}
		err := c.outcomeOverride()
		p.doneLocked(c)
		p.callCompletedLocked(w, c)
		p.dispatchLocked()
		p.mu.Unlock()
		commit()
		p.tracer.slice(w, c, c.startedAt, outcomeName(err))
		p.finishCall(c, err)
	}
}

// runProcess starts a worker process and reads its messages until it exits.
func (w *worker) runProcess() {
	p := w.p
	defer close(w.exited)
	cmd, toWorker, fromWorker, err := w.startProcess()
	if err != nil {
		p.workerExited(w, nil, err)
		return
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		w.out.writeTo(toWorker, p)
		toWorker.Close()
	}()
	readErr := w.readLoop(bufio.NewReaderSize(fromWorker, 64<<10))
	if readErr != nil && !errors.Is(readErr, io.EOF) && !errors.Is(readErr, io.ErrUnexpectedEOF) {
		// A worker that breaks the protocol cannot be trusted with more work.
		fmt.Fprintf(w.stderr, "pool: worker %d: %v\n", cmd.Process.Pid, readErr)
		p.mu.Lock()
		w.kill()
		p.mu.Unlock()
	}
	w.out.close()
	cmd.Wait()
	<-writerDone
	fromWorker.Close()
	p.queuesWorkerGone(w)
	p.workerExited(w, cmd.ProcessState, nil)
}

// startProcess starts the worker process with its two pipes.
func (w *worker) startProcess() (cmd *exec.Cmd, toWorker, fromWorker *os.File, err error) {
	p := w.p
	exe, err := selfExe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pool: cannot find this program's executable to start a worker: %w", err)
	}
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pool: starting a worker: %w", err)
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return nil, nil, nil, fmt.Errorf("pool: starting a worker: %w", err)
	}
	growPipe(cmdW)
	growPipe(resW)
	cmd = exec.Command(exe)
	cmd.Args = []string{os.Args[0]}
	cmd.Env = append(os.Environ(), envWorker+"="+strconv.Itoa(os.Getpid()), envProcs+"="+strconv.Itoa(p.cfg.WorkerProcs))
	if init := p.cfg.Initializer; init != nil {
		cmd.Env = append(cmd.Env, envInit+"="+init.name)
	}
	cmd.ExtraFiles = []*os.File{cmdR, resW}
	cmd.Stdout = p.cfg.Stdout
	cmd.Stderr = w.stderr
	cmd.SysProcAttr = workerSysProcAttr()
	cmd.WaitDelay = time.Second
	err = p.spawner.start(cmd)
	cmdR.Close()
	resW.Close()
	if err != nil {
		cmdW.Close()
		resR.Close()
		return nil, nil, nil, fmt.Errorf("pool: starting a worker process: %w", err)
	}
	p.mu.Lock()
	w.cmd = cmd
	w.pid = cmd.Process.Pid
	if w.killed {
		syscall.Kill(-w.pid, syscall.SIGKILL)
	}
	p.mu.Unlock()
	return cmd, cmdW, resR, nil
}

// readLoop handles the worker's messages until its result pipe closes.
func (w *worker) readLoop(r *bufio.Reader) error {
	p := w.p
	kind, body, err := readFrame(r)
	if err != nil {
		return err
	}
	p.received(len(body))
	hello := parser{b: body}
	pid, version := hello.uvarint(), hello.uvarint()
	if kind != kindHello || hello.err != nil || version != protocolVersion {
		return fmt.Errorf("pool: protocol error: bad hello from worker (kind %q, version %d, pid %d)", kind, version, pid)
	}
	if _, initErr, err := parseOutcome(&hello, p.initializerName(), int(pid), 0); err != nil {
		return err
	} else if initErr != nil {
		p.initFailed(w, initErr)
		return nil
	}
	p.workerReady(w)
	for {
		kind, body, err := readFrame(r)
		if err != nil {
			return err
		}
		p.received(len(body))
		msg := parser{b: body}
		id := msg.uvarint()
		if msg.err != nil {
			return msg.err
		}
		switch kind {
		case kindQueuePut:
			seq, credited, blob := msg.uvarint(), msg.byte1() == 1, msg.bytes()
			if msg.err != nil {
				return msg.err
			}
			p.onQueuePut(w, id, seq, credited, blob)
		case kindQueueReturn:
			p.onQueueReturn(w, id, int(msg.uvarint()))
		case kindQueueCancel:
			p.onQueueCancel(w, id, msg.uvarint())
		case kindAck:
			p.onAck(w, id)
		case kindDropped:
			p.onDropped(w, id)
		case kindResult:
			if err := p.onResult(w, id, &msg); err != nil {
				return err
			}
		default:
			return fmt.Errorf("pool: protocol error: unknown frame kind %q", kind)
		}
	}
}

// workerReady records a worker's hello and gives it work.
func (p *Pool) workerReady(w *worker) {
	p.mu.Lock()
	w.ready = true
	p.stats.WorkersStarted++
	p.dispatchLocked()
	p.mu.Unlock()
	p.tracer.instant(w, "worker start", nil)
}

// onAck records that a worker started a call: it is running, and can no
// longer be cancelled by Cancel.
func (p *Pool) onAck(w *worker, id uint64) {
	p.mu.Lock()
	c := w.find(id)
	if c == nil || c.state != callSent {
		p.mu.Unlock()
		return
	}
	c.state = callRunning
	c.startedAt = time.Now()
	if d := c.drop; d != nil {
		c.drop = nil
		if d.err == nil {
			p.steals--
		}
		close(d.done)
	}
	p.mu.Unlock()
	c.recv.started(w.pid)
}

// onDropped completes a call that a worker forgot before starting it.
func (p *Pool) onDropped(w *worker, id uint64) {
	p.mu.Lock()
	c := w.find(id)
	if c == nil || c.state != callSent || c.drop == nil {
		p.mu.Unlock()
		return
	}
	d := c.drop
	c.drop = nil
	d.dropped = true
	close(d.done)
	if d.err == nil {
		// A steal: the call goes back to the head of the queue.
		p.steals--
		p.requeueLocked(c)
		p.dispatchLocked()
		p.mu.Unlock()
		return
	}
	c.cancelled = true
	p.doneLocked(c)
	p.dispatchLocked()
	p.mu.Unlock()
	p.finishCall(c, d.err)
}

// requeueLocked puts a call that a worker gave back, or had not started
// when it died, back at the head of the queue.
func (p *Pool) requeueLocked(c *call) {
	removeInflightLocked(c)
	c.state, c.w = callQueued, nil
	p.queue.pushFront(c)
}

// onResult completes a call with the outcomes a worker sent.
func (p *Pool) onResult(w *worker, id uint64, msg *parser) error {
	p.mu.Lock()
	c := w.find(id)
	if c == nil || c.state != callRunning {
		p.mu.Unlock()
		return fmt.Errorf("pool: protocol error: result for call %d, which is not running", id)
	}
	err := c.outcomeOverride()
	p.doneLocked(c)
	p.callCompletedLocked(w, c)
	p.dispatchLocked()
	p.mu.Unlock()
	if err == nil {
		err = p.readOutcomes(w, c, msg)
	}
	p.tracer.slice(w, c, c.startedAt, outcomeName(err))
	p.finishCall(c, err)
	return nil
}

// readOutcomes hands each item's outcome in a result frame to the call's
// receiver. A malformed frame fails the whole call.
func (p *Pool) readOutcomes(w *worker, c *call, msg *parser) error {
	n := int(msg.uvarint())
	if msg.err != nil || n != c.count {
		return fmt.Errorf("%w: malformed result from worker %d", ErrDecode, w.pid)
	}
	for i := range n {
		blob, err, perr := parseOutcome(msg, c.task, w.pid, c.first+i)
		if perr != nil {
			return perr
		}
		c.recv.setItem(i, blob, err)
	}
	return nil
}

// parseOutcome reads one item outcome written by appendOutcome: the encoded
// result, or the error the item ended with. perr reports a malformed frame.
func parseOutcome(msg *parser, task string, pid, index int) (blob []byte, err, perr error) {
	switch status := msg.byte1(); status {
	case statusOK:
		blob = msg.bytes()
	case statusTaskError:
		te := &TaskError{Task: task, PID: pid, Index: index}
		te.Message, te.Type, te.Stack = msg.string(), msg.string(), msg.string()
		te.Panicked = msg.byte1() == 1
		err = te
	case statusEncode, statusDecode, statusUnknownTask:
		err = (&codecError{status: status, msg: msg.string()}).asError()
	default:
		return nil, nil, fmt.Errorf("%w: unknown item status %d from worker %d", ErrDecode, status, pid)
	}
	if msg.err != nil {
		return nil, nil, fmt.Errorf("%w: malformed message from worker %d", ErrDecode, pid)
	}
	return blob, err, nil
}

// workerExited accounts for a worker that is gone: the call it was running
// fails, calls it had received but not started go back to the head of the
// queue, and a replacement starts if work is waiting. startErr is set when
// the process could not be started at all.
func (p *Pool) workerExited(w *worker, state *os.ProcessState, startErr error) {
	type failure struct {
		c   *call
		err error
	}
	var failed []failure
	p.mu.Lock()
	p.removeWorkerLocked(w)
	werr := &WorkerError{PID: w.pid, ExitCode: -1, Stderr: w.stderr.String(), Startup: !w.ready}
	if state != nil {
		werr.ExitCode = state.ExitCode()
		if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			werr.Signal = ws.Signal()
		}
	}
	if !w.ready && !w.killed && p.killing == nil && p.readyWorkersLocked() == 0 {
		// Every new worker would die the same way: fail the waiting work
		// instead of starting workers forever.
		var err error = werr
		if startErr != nil {
			err = startErr
		}
		for _, c := range p.queue.drain() {
			p.doneLocked(c)
			failed = append(failed, failure{c, err})
		}
	}
	inflight := append([]*call(nil), w.inflight...)
	for i := len(inflight) - 1; i >= 0; i-- {
		c := inflight[i]
		switch {
		case c.state == callSent && c.drop != nil && c.drop.err != nil:
			d := c.drop
			c.drop, c.cancelled = nil, true
			p.doneLocked(c)
			d.dropped = true
			close(d.done)
			failed = append(failed, failure{c, d.err})
		case c.state == callSent && c.ctx.Err() != nil:
			if d := c.drop; d != nil { // a steal
				c.drop = nil
				p.steals--
				close(d.done)
			}
			c.cancelled = true
			p.doneLocked(c)
			failed = append(failed, failure{c, context.Cause(c.ctx)})
		case c.state == callSent && p.killing == nil:
			if d := c.drop; d != nil { // a steal
				c.drop = nil
				p.steals--
				close(d.done)
			}
			p.requeueLocked(c)
		case c.state == callSent:
			c.cancelled = true
			p.doneLocked(c)
			failed = append(failed, failure{c, p.killing})
		case c.ctxErr != nil:
			p.doneLocked(c)
			failed = append(failed, failure{c, c.ctxErr})
		case p.killing != nil:
			p.doneLocked(c)
			failed = append(failed, failure{c, p.killing})
		case c.attempts < c.retries:
			c.attempts++
			p.requeueLocked(c)
		default:
			e := *werr
			e.Task, e.Index, e.Count, e.Startup, e.Attempts = c.task, c.first, c.count, false, c.attempts+1
			p.doneLocked(c)
			failed = append(failed, failure{c, &e})
		}
	}
	p.dispatchLocked()
	p.mu.Unlock()
	p.traceExit(w, werr, state)
	for _, f := range failed {
		if f.c.w == w && !f.c.startedAt.IsZero() {
			p.tracer.slice(w, f.c, f.c.startedAt, outcomeName(f.err))
		}
		p.finishCall(f.c, f.err)
	}
}

// traceExit records how a worker process ended.
func (p *Pool) traceExit(w *worker, werr *WorkerError, state *os.ProcessState) {
	if p.tracer == nil || state == nil {
		return
	}
	name := "worker exit"
	if !state.Success() {
		name = "worker crash"
	}
	if w.retiring {
		name = "worker retired"
	}
	p.tracer.instant(w, name, map[string]any{"exit_code": werr.ExitCode, "signal": int(werr.Signal)})
}

func (p *Pool) readyWorkersLocked() int {
	n := 0
	for _, w := range p.workers {
		if w.ready {
			n++
		}
	}
	return n
}

// spawner starts worker processes from one goroutine locked to its OS
// thread. Linux delivers the parent-death signal when the thread that
// started a child exits, not the process, and the Go runtime may end
// threads; this one lives until the pool has stopped every worker.
type spawner struct {
	reqs chan spawnRequest
	done chan struct{}
}

type spawnRequest struct {
	cmd *exec.Cmd
	err chan error
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnRequest), done: make(chan struct{})}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(s.done)
		for r := range s.reqs {
			r.err <- r.cmd.Start()
		}
	}()
	return s
}

func (s *spawner) start(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	s.reqs <- spawnRequest{cmd: cmd, err: errc}
	return <-errc
}

func (s *spawner) close() {
	close(s.reqs)
	<-s.done
}
