package pool

import (
	"bufio"
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

// processConn is the Processes backend of a worker: this binary started
// again, its command pipe fed by an outbox and its result pipe read by the
// goroutine that started it. Fields are guarded by Pool.mu unless noted.
type processConn struct {
	w       *worker
	p       *Pool
	out     *outbox     // frames to the worker; safe without Pool.mu
	stderr  *stderrTail // safe without Pool.mu
	stdout  *lineRelay  // nil when the worker writes Config.Stdout itself
	cmd     *exec.Cmd
	killed  bool
	reason  string // why the pool killed the worker, if it said
	reading        // who reads the result pipe (readresult.go)
}

func newProcessConn(w *worker) *processConn {
	w.capacity, w.depths = 2, map[string]*prefetch{}
	p := w.p
	c := &processConn{w: w, p: p, out: newOutbox(), stderr: newStderrTail(p.stderr)}
	c.reading.init()
	if sw, ok := p.stdout.(*syncWriter); ok {
		c.stdout = newLineRelay(sw)
	}
	return c
}

func (c *processConn) start() { go c.run() }

func (c *processConn) send(cl *call) {
	if cl.callerMayRead {
		c.out.putNow(callFrame(cl))
	} else {
		c.out.put(callFrame(cl))
	}
	c.sentLocked(cl)
}

func (c *processConn) recall(cl *call) bool {
	c.out.put(dropFrame(cl.id))
	c.wakeReaderLocked()
	return false
}

func (c *processConn) interrupt(cl *call) {
	c.out.put(cancelFrame(cl.id))
	c.wakeReaderLocked()
}

// stop closes the command pipe: a worker exits when it reads its end.
func (c *processConn) stop() {
	c.out.close()
	c.stopping = true
	c.wakeReaderLocked()
}

// kill ends the worker process and everything it started. A process not
// yet started is killed as soon as it is (startProcess).
func (c *processConn) kill(reason string) {
	if c.killed {
		return
	}
	c.killed, c.reason = true, reason
	c.stopping = true
	c.wakeReaderLocked()
	if c.cmd != nil {
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	}
}

func (c *processConn) track() (pid, tid int, name string) {
	return c.w.pid, c.w.pid, fmt.Sprintf("worker %d", c.w.pid)
}

// run starts the worker process, reads its messages until its result pipe
// closes, waits for it to exit and accounts for it. A worker whose result
// pipe closed and that is still alive after exitTimeout (a task closed
// descriptors 3 and 4, say) is killed: it can no longer answer.
func (c *processConn) run() {
	p, w := c.p, c.w
	defer close(w.exited)
	cmd, toWorker, fromWorker, err := c.startProcess()
	if err != nil {
		p.mu.Lock()
		p.workerGoneLocked(w, &WorkerError{ExitCode: -1, Startup: true, Err: err})
		p.unlock()
		return
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.out.writeTo(toWorker, p)
		toWorker.Close()
	}()
	c.br = bufio.NewReaderSize(fromWorker, 64<<10)
	phase, readErr := c.readLoop(c.br)
	if readErr != nil && !errors.Is(readErr, io.EOF) && !errors.Is(readErr, io.ErrUnexpectedEOF) {
		// A worker that breaks the protocol cannot be trusted with more work.
		fmt.Fprintf(c.stderr, "pool: worker %d: %v\n", cmd.Process.Pid, readErr)
		p.mu.Lock()
		c.kill(fmt.Sprintf("it broke the protocol: %v", readErr))
		p.mu.Unlock()
	}
	c.out.close()
	waited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(waited)
	}()
	select {
	case <-waited:
	case <-time.After(exitTimeout):
		// Exited, it may still be waited for because a program it
		// started holds its stderr: os/exec gives up on that after
		// WaitDelay. Alive, it can no longer answer.
		if !processExited(cmd.Process.Pid) {
			p.mu.Lock()
			c.kill(fmt.Sprintf("it closed its pipes to the pool but was still running %v later", exitTimeout))
			p.mu.Unlock()
		}
		<-waited
	}
	<-writerDone
	fromWorker.Close()
	c.stderr.flush()
	if c.stdout != nil {
		c.stdout.flush()
	}
	p.queuesWorkerGone(c)

	p.mu.Lock()
	death := &WorkerError{PID: w.pid, ExitCode: cmd.ProcessState.ExitCode(), Stderr: c.stderr.String(),
		Startup: phase == phaseHello, Reason: c.reason}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		death.Signal = ws.Signal()
	}
	if phase == phaseInit {
		death.Task, death.Initializer = p.initializerName(), true
	}
	// Traced before its calls fail, so that a Close that follows their
	// failure finds the exit in the trace.
	p.traceExit(w, death, cmd.ProcessState, w.retiring)
	p.workerGoneLocked(w, death)
	p.unlock()
}

// startProcess starts the worker process with its two pipes.
func (c *processConn) startProcess() (cmd *exec.Cmd, toWorker, fromWorker *os.File, err error) {
	p := c.p
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
	cmd.Stdout = p.stdout
	if c.stdout != nil {
		cmd.Stdout = c.stdout
	}
	cmd.Stderr = c.stderr
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
	c.cmd = cmd
	c.w.pid = cmd.Process.Pid
	if c.killed {
		syscall.Kill(-c.w.pid, syscall.SIGKILL)
	}
	p.mu.Unlock()
	return cmd, cmdW, resR, nil
}

// phase is how far a worker process got: a death in each means something
// different.
type phase int

const (
	phaseHello   phase = iota // started; Main has not answered
	phaseInit                 // said hello; running Config.Initializer
	phaseServing              // serving calls
)

// readLoop handles the worker's messages until its result pipe closes, and
// returns how far the worker got and why reading stopped.
func (c *processConn) readLoop(r *bufio.Reader) (phase, error) {
	p, w := c.p, c.w
	at := phaseHello
	for {
		if at == phaseServing {
			// A caller may read in its place (readresult.go).
			if err := c.awaitReading(); err != nil {
				return at, err
			}
		}
		kind, body, err := readFrame(r)
		if err != nil {
			return at, err
		}
		p.received(len(body))
		m, err := parseFromWorker(kind, body)
		if err != nil {
			return at, err
		}
		switch {
		case at == phaseHello && kind == kindHello:
			if m.version != protocolVersion {
				return at, fmt.Errorf("%w: worker speaks version %d, the parent %d; is it the same binary?", errProtocol, m.version, protocolVersion)
			}
			at = phaseInit
		case at == phaseInit && kind == kindInitDone:
			if err := m.outcomes.first().err(p.initializerName(), w.pid, 0); err != nil {
				p.mu.Lock()
				p.breakLocked(err)
				p.unlock()
				return at, nil
			}
			at = phaseServing
			p.workerReady(w)
		case at != phaseServing:
			return at, fmt.Errorf("%w: frame %q before the worker's hello", errProtocol, kind)
		default:
			if err := c.handle(m); err != nil {
				return at, err
			}
		}
	}
}

// handle acts on one message from a serving worker.
func (c *processConn) handle(m fromWorker) error {
	p, w := c.p, c.w
	switch m.kind {
	case kindAck:
		p.mu.Lock()
		if cl := w.find(m.id); cl != nil {
			p.startLocked(cl)
		}
		p.mu.Unlock()
	case kindDropped:
		p.mu.Lock()
		if cl := w.find(m.id); cl != nil {
			p.droppedLocked(cl)
		}
		p.unlock()
	case kindResult:
		p.mu.Lock()
		cl := w.find(m.id)
		if cl == nil || cl.state != callRunning {
			p.mu.Unlock()
			return fmt.Errorf("%w: result for call %d, which is not running", errProtocol, m.id)
		}
		d := w.depths[cl.task]
		if d == nil {
			// Tasks are registered at package level: the map stays small.
			d = &prefetch{}
			w.depths[cl.task] = d
		}
		d.observe(time.Since(cl.startedAt))
		p.resultLocked(cl, completion{outcomes: m.outcomes, pid: w.pid})
		p.callCompletedLocked(w, cl)
		p.dispatchLocked()
		p.unlock()
	case kindQueuePut:
		p.onQueuePut(c, m.id, m.seq, m.credited, m.blob)
	case kindQueueReturn:
		p.onQueueReturn(c, m.id, m.n)
	case kindQueueCancel:
		p.onQueueCancel(c, m.id, m.seq)
	default:
		return fmt.Errorf("%w: frame %q is not for the parent", errProtocol, m.kind)
	}
	return nil
}

// traceExit records how a worker process ended.
func (p *Pool) traceExit(w *worker, death *WorkerError, state *os.ProcessState, retiring bool) {
	if p.tracer == nil {
		return
	}
	name := "worker exit"
	if !state.Success() {
		name = "worker crash"
	}
	if retiring {
		name = "worker retired"
	}
	p.tracer.instant(w, name, map[string]any{"exit_code": death.ExitCode, "signal": int(death.Signal)})
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
