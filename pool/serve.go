package pool

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
)

// envWorker marks a process as a pool worker; its value is the parent's pid.
const envWorker = "POOLSCHOOL_WORKER"

// Worker file descriptors: the parent's ExtraFiles 0 and 1.
const (
	fdCommands = 3
	fdResults  = 4
)

// Main makes a worker process serve tasks, and returns at once in any other
// process. Call it as the first statement of main, and of TestMain in tests,
// after all tasks are registered at package level:
//
//	func main() {
//		pool.Main()
//		// the program itself
//	}
//
// A worker is this same binary started again by New with a marker in its
// environment. In a worker, Main serves tasks until the parent closes the
// pool or goes away, then exits the process: nothing after Main runs there.
// It is Go's counterpart of Python's if __name__ == "__main__" guard.
func Main() {
	parent := os.Getenv(envWorker)
	if parent == "" {
		return
	}
	// Unset the marker, so a task may start a pool of its own; New refuses
	// to start workers from a worker process that still carries it.
	os.Unsetenv(envWorker)
	setWorkerProcs()
	os.Exit(serveWorker(parent))
}

// envProcs carries Config.WorkerProcs to a worker. It is not GOMAXPROCS
// itself, which programs started by a task would inherit.
const envProcs = "POOLSCHOOL_PROCS"

// setWorkerProcs applies Config.WorkerProcs in a worker.
func setWorkerProcs() {
	n, err := strconv.Atoi(os.Getenv(envProcs))
	os.Unsetenv(envProcs)
	if err == nil && n > 0 {
		runtime.GOMAXPROCS(n)
	}
}

// envInit names the Config.Initializer task a worker runs before it serves.
const envInit = "POOLSCHOOL_INIT"

// runInitializer runs the pool's initializer task, if it has one, and
// returns its error.
func runInitializer() error {
	name := os.Getenv(envInit)
	if name == "" {
		return nil
	}
	os.Unsetenv(envInit)
	t := lookupTask(name)
	if t == nil {
		return &codecError{status: statusUnknownTask, msg: fmt.Sprintf("initializer task %q is not registered in worker %d; "+
			"register tasks at package level with pool.NewTask", name, os.Getpid())}
	}
	_, _, err := runItem(context.Background(), t, nil)
	return err
}

// isUnservedWorker reports whether this process was started as a worker but
// Main did not take it over.
func isUnservedWorker() bool { return os.Getenv(envWorker) != "" }

// server is the worker side of the protocol: a reader goroutine that takes
// calls, drops and cancels off the command pipe, and the main goroutine that
// runs calls one at a time in arrival order.
type server struct {
	wmu sync.Mutex // serialises frames on the result pipe
	w   *bufio.Writer

	mu      sync.Mutex
	cond    sync.Cond
	queue   []*serverCall // received, not started
	running *serverCall
	putSeq  uint64
	puts    map[uint64]chan queueReply // queue puts waiting for the parent
	credits map[uint64]int             // per queue: items we may put without waiting
}

type serverCall struct {
	id     uint64
	task   string
	args   [][]byte
	ctx    context.Context
	cancel context.CancelFunc
}

func serveWorker(parent string) int {
	freezeRegistry()
	ppid, err := strconv.Atoi(parent)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pool: bad %s=%q in the environment\n", envWorker, parent)
		return 1
	}
	// A parent that died between starting us and the parent-death signal
	// taking effect would leave us orphaned.
	if !parentAlive(ppid) {
		return 1
	}
	// Programs that a task starts must not inherit the protocol pipes, or
	// they would keep them open after this worker dies.
	syscall.CloseOnExec(fdCommands)
	syscall.CloseOnExec(fdResults)
	// The pipes arrive in blocking mode. Non-blocking, they go through the
	// netpoller: the thread that wakes for a call's frame then runs the
	// call too, where a reader blocked in read(2) would hold its thread and
	// leave the call to be stolen by another.
	syscall.SetNonblock(fdCommands, true)
	syscall.SetNonblock(fdResults, true)
	in := os.NewFile(fdCommands, "pool-commands")
	out := os.NewFile(fdResults, "pool-results")
	if in == nil || out == nil {
		fmt.Fprintln(os.Stderr, "pool: worker started without its pipes on descriptors 3 and 4")
		return 1
	}
	s := &server{w: bufio.NewWriterSize(out, 64<<10)}
	s.cond.L = &s.mu
	currentServer.Store(s)
	// Hello first, so that the parent tells a death in the initializer
	// from a program that never reached Main.
	if err := s.send(helloFrame(os.Getpid())); err != nil {
		return 1
	}
	initErr := runInitializer()
	if err := s.send(initDoneFrame(initErr)); err != nil || initErr != nil {
		return 1
	}
	go s.readLoop(bufio.NewReaderSize(in, 64<<10))
	exit := make(chan int)
	go s.runCalls(exit)
	return <-exit
}

// send writes one frame to the parent, with any result written before it.
func (s *server) send(m message) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writeLocked(m); err != nil {
		return err
	}
	return s.w.Flush()
}

func (s *server) writeLocked(m message) error {
	for _, b := range m {
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// flush sends what write left in the buffer.
func (s *server) flush() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.w.Flush()
}

// write buffers a result frame without sending it: when the next call is
// already queued, its acknowledgement follows at once and both leave in one
// write, which halves the wake-ups of a busy worker and its parent. next
// flushes before it waits, so a result never waits for work to arrive, and
// the frames that follow a result all flush.
func (s *server) write(m message) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.writeLocked(m)
}

// readLoop handles the parent's frames. When the command pipe closes, the
// parent is gone or has no more work for this worker, so the process exits
// at once, whatever is running.
func (s *server) readLoop(r *bufio.Reader) {
	for {
		kind, body, err := readFrame(r)
		if err != nil {
			os.Exit(0)
		}
		m, err := parseFromParent(kind, body)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pool: worker %d: %v\n", os.Getpid(), err)
			os.Exit(1)
		}
		switch m.kind {
		case kindCall:
			s.mu.Lock()
			s.queue = append(s.queue, &serverCall{id: m.id, task: m.task, args: m.args})
			s.cond.Signal()
			s.mu.Unlock()
		case kindDrop:
			s.drop(m.id)
		case kindCancel:
			s.mu.Lock()
			if s.running != nil && s.running.id == m.id {
				s.running.cancel()
			}
			s.mu.Unlock()
		case kindQueueAck:
			s.onQueueAck(m.seq, queueReply{status: m.status, msg: m.msg, credits: m.credits})
		case kindQueueRevoke:
			s.revokeCredits(m.id)
		}
	}
}

// drop forgets a call that has not started and tells the parent so. A call
// that has started was already acknowledged, which answers the parent.
func (s *server) drop(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.queue {
		if c.id == id {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			s.send(droppedFrame(id))
			return
		}
	}
}

// next waits for the oldest queued call, marks it running and acknowledges
// it. The acknowledgement is sent under s.mu, so that a drop for the same
// call is answered either before it (dropped) or after it (too late). It
// is flushed before the call runs, with the previous call's result, so a
// task that kills the process was acknowledged: the parent counts it as
// the call that died.
func (s *server) next() *serverCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) == 0 {
		s.flush()
		s.cond.Wait()
	}
	c := s.queue[0]
	s.queue = s.queue[1:]
	c.ctx, c.cancel = context.WithCancel(context.Background())
	s.running = c
	s.send(ackFrame(c.id))
	return c
}

// inProgress is the call runCalls is in the middle of: its result frame so
// far and the item it is running.
type inProgress struct {
	c *serverCall
	f resultFrame
	i int
}

// runCalls runs the calls one at a time in arrival order and sends their
// results. Items run on this goroutine, so that a call costs no goroutine
// of its own; a task that calls runtime.Goexit ends the goroutine, and the
// deferred function then fails that item and the call's remaining ones,
// sends the result and starts a new runCalls in its place. It ends the
// process through exit when the parent can no longer be written to.
func (s *server) runCalls(exit chan<- int) {
	var cur inProgress
	defer func() {
		if cur.c == nil {
			return
		}
		// Reached only when a task called Goexit.
		for ; cur.i < len(cur.c.args); cur.i++ {
			cur.f.add(nil, nil, &panicError{value: "task called runtime.Goexit"})
		}
		if s.finish(cur.c, cur.f.done()) != nil {
			exit <- 1
			return
		}
		go s.runCalls(exit)
	}()
	for {
		c := s.next()
		t := lookupTask(c.task)
		cur = inProgress{c: c, f: newResultFrame(c.id, len(c.args))}
		for ; cur.i < len(c.args); cur.i++ {
			if t == nil {
				cur.f.add(nil, nil, &codecError{status: statusUnknownTask, msg: fmt.Sprintf("task %q is not registered in worker %d; "+
					"register tasks at package level with pool.NewTask so that worker processes have them too",
					c.task, os.Getpid())})
				continue
			}
			head, tail, err := runItem(c.ctx, t, c.args[cur.i])
			if n := len(head) + len(tail); err == nil && cur.f.len()+n+2*binary.MaxVarintLen64 > maxFrame {
				// The parent would refuse the frame and kill this worker.
				head, tail, err = nil, nil, &codecError{status: statusEncode, msg: tooLarge(
					fmt.Sprintf("result of task %q in the worker", c.task), n,
					"return large data another way, such as the path of a file")}
			}
			if cur.i < len(c.args)-1 && len(tail) > 0 {
				// The call's later items run before its frame is written,
				// and may reuse a buffer this item returned: keep a copy.
				head, tail = append(head, tail...), nil
			}
			cur.f.add(head, tail, err)
		}
		cur.c = nil
		if s.finish(c, cur.f.done()) != nil {
			exit <- 1
			return
		}
	}
}

// finish ends a call and writes its result. The call's context is
// cancelled only once the result is written: code that cancellation sets
// off must not change a result that is still to be sent.
func (s *server) finish(c *serverCall, result message) error {
	s.mu.Lock()
	s.running = nil
	s.mu.Unlock()
	err := s.write(result)
	c.cancel()
	return err
}

// runItem runs one item, turning a panic into a *panicError.
func runItem(ctx context.Context, t *taskEntry, arg []byte) (head, tail []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			head, tail, err = nil, nil, &panicError{value: r, stack: string(debug.Stack())}
		}
	}()
	return t.serve(ctx, arg)
}
