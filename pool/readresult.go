package pool

import (
	"bufio"
	"time"
)

// Who reads a worker process's result pipe.
//
// A sequential Submit and Result is a round trip through the worker. When
// a goroutine of the pool reads the result and then wakes the caller, the
// Go scheduler, seeing an idle P, wakes a second thread to run the caller
// on; on a machine of two CPUs that thread takes a CPU from the worker, and
// waking a CPU that idles costs tens of microseconds in a virtual machine.
// So the caller reads its own result when it can, as a plain client of a
// pipe does: the thread that waits in the pipe is the thread that goes on.
//
// The reading of one worker's pipe belongs to one goroutine at a time:
//
//   - the worker's reader goroutine (run, readLoop), from its start and
//     whenever the worker holds calls that no caller reads for;
//   - or nobody, while the worker holds no call, or holds only a call that
//     send left to its caller: a Submit whose call went straight to an idle
//     worker;
//   - or the caller of that Submit, once it claims the reading in Result.
//     It reads until its future is done and then passes the reading back:
//     to the reader goroutine if the worker holds more calls (or the
//     caller met an error reading, for the reader goroutine to act on),
//     to nobody otherwise.
//
// Anything else that needs the worker's messages wakes the reader
// goroutine: another call sent to the worker, a recall, a cancel, a stop or
// a kill, a queue's request for its credits back (answered at once, but
// maybe after the worker's last result, so the reader reads until the
// answer came), any use of the future other than Result and Err (Done,
// State, OnDone, ResultContext, Wait, AsCompleted) and Shutdown. Should a path be
// missed, the reader goroutine still takes over a call left to its caller
// after defaultLeftFor. The rule that a task that kills its worker fails alone is
// untouched: the worker still acknowledges a call before it runs it, and a
// death is still accounted for by the reader goroutine, whoever read the
// end of the pipe.

// defaultLeftFor bounds how long a call left to its caller may go unread:
// a caller that does not come to Result, through some path that does not
// wake the reader goroutine, delays the call's messages by at most this
// much.
const defaultLeftFor = 2 * time.Millisecond

// readRole says who may read a worker's result pipe.
type readRole int

const (
	readByReader readRole = iota // the worker's reader goroutine
	readByNobody                 // the reader goroutine waits for a wake
	readByCaller                 // a caller in Result
)

// reading is a process worker's side of the rule above. Its fields are
// guarded by Pool.mu.
type reading struct {
	br       *bufio.Reader // the result pipe, used by whoever reads
	role     readRole      // who reads
	left     *call         // a call sent and left to its caller, not yet claimed
	stopping bool          // told to stop or killed: the reader reads to the end
	revokes  int           // queue revokes the worker has not answered yet
	handed   error         // a read error a caller met, for the reader goroutine
	wake     chan struct{} // wakes the reader goroutine; holds one token
	// The reader goroutine's bound on a call left unread. It is armed
	// once and left to fire, never stopped or reset per call: adding a
	// timer that expires before the netpoller's next deadline wakes a
	// thread blocked there, one more thread per round trip.
	net      *time.Timer
	leftFor  time.Duration // net's period: defaultLeftFor, longer in tests
	armed    bool          // net will fire
	leftSeq  uint64        // calls left to callers so far
	armedSeq uint64        // leftSeq when net was armed
}

func (r *reading) init() {
	r.wake = make(chan struct{}, 1)
	r.net = time.NewTimer(time.Hour)
	r.net.Stop()
	r.leftFor = defaultLeftFor
}

// sentLocked decides who reads the result of cl, just sent: its caller if
// the Submit that sent it is still under way, nothing else is in the
// worker and nobody reads; the reader goroutine otherwise.
func (c *processConn) sentLocked(cl *call) {
	if cl.callerMayRead && c.role == readByNobody && c.left == nil && len(c.w.inflight) == 1 && !c.stopping {
		c.left = cl
		c.leftSeq++
		if !c.armed {
			c.armed, c.armedSeq = true, c.leftSeq
			c.net.Reset(c.leftFor)
		}
		return
	}
	c.wakeReaderLocked()
}

// netFiredLocked acts on the bound: the call left when it was armed is
// still left to its caller, who has not come for it. A call left since
// gets a bound of its own.
func (c *processConn) netFiredLocked() {
	c.armed = false
	switch {
	case c.left == nil:
	case c.leftSeq == c.armedSeq:
		c.wakeReaderLocked()
	default:
		c.armed, c.armedSeq = true, c.leftSeq
		c.net.Reset(c.leftFor)
	}
}

// wakeReaderLocked has the reader goroutine read, unless a caller reads.
func (c *processConn) wakeReaderLocked() {
	c.left = nil
	if c.role != readByNobody {
		return
	}
	c.role = readByReader
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// revokeSent records that a queue asked the worker for its credits back:
// the worker answers at once, but its answer may follow its last result,
// so the pipe is read until the answer came. A queue calls it holding its
// own lock: Pool.mu is never held while a queue's is taken.
func (c *processConn) revokeSent() {
	c.p.mu.Lock()
	c.revokes++
	c.wakeReaderLocked()
	c.p.mu.Unlock()
}

// revokeAnswered records the worker's answer to a revoke.
func (c *processConn) revokeAnswered() {
	c.p.mu.Lock()
	c.revokes = max(c.revokes-1, 0)
	c.p.mu.Unlock()
}

// mustReadLocked reports whether the reader goroutine must go on reading:
// the worker holds calls, owes a revoke's answer, or is stopping.
func (c *processConn) mustReadLocked() bool {
	return len(c.w.inflight) > 0 || c.revokes > 0 || c.stopping
}

func (c *processConn) claim(cl *call) bool {
	if c.left != cl || c.role != readByNobody {
		return false
	}
	c.left = nil
	c.role = readByCaller
	return true
}

func (c *processConn) release(cl *call) {
	if c.left != nil && (cl == nil || cl == c.left) {
		c.wakeReaderLocked()
	}
}

func (c *processConn) readFor(done <-chan struct{}) {
	p := c.p
	var err error
read:
	for {
		select {
		case <-done:
			break read
		default:
		}
		if err = c.readOne(); err != nil {
			break
		}
	}
	p.mu.Lock()
	c.role = readByNobody
	c.handed = err
	if err != nil || c.mustReadLocked() {
		c.wakeReaderLocked()
	}
	p.mu.Unlock()
}

// readOne reads and handles one message of a serving worker.
func (c *processConn) readOne() error {
	kind, body, err := readFrame(c.br)
	if err != nil {
		return err
	}
	c.p.received(len(body))
	m, err := parseFromWorker(kind, body)
	if err != nil {
		return err
	}
	return c.handle(m)
}

// awaitReading returns once the reader goroutine may read: at once while
// it must (mustReadLocked) and no caller reads; otherwise after a wake. It returns an error a caller met while it read.
func (c *processConn) awaitReading() error {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.role == readByReader && !c.mustReadLocked() {
		c.role = readByNobody
	}
	for c.role != readByReader {
		p.mu.Unlock()
		select {
		case <-c.wake:
		case <-c.net.C:
			p.mu.Lock()
			c.netFiredLocked()
			p.mu.Unlock()
		}
		p.mu.Lock()
	}
	err := c.handed
	c.handed = nil
	return err
}

// readResult lets the caller that waits for c read the worker's messages
// itself, when send left c to it, until done closes.
func (p *Pool) readResult(c *call, done <-chan struct{}) {
	if c == nil {
		return
	}
	p.mu.Lock()
	var conn workerConn
	if c.w != nil && c.state != callDone && c.w.conn.claim(c) {
		conn = c.w.conn
	}
	p.mu.Unlock()
	if conn != nil {
		conn.readFor(done)
	}
}

// releaseResult has the pool read the messages of c, when it was left to
// its caller: the caller is waiting some other way than Result.
func (p *Pool) releaseResult(c *call) {
	if c == nil {
		return
	}
	p.mu.Lock()
	if c.w != nil {
		c.w.conn.release(c)
	}
	p.mu.Unlock()
}
