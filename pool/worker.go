package pool

import (
	"cmp"
	"context"
	"slices"
)

// worker is the scheduler's handle on one worker: what it holds and where it
// is in its life. Its fields are guarded by Pool.mu. How it runs calls is
// its backend's business (conn): a process (worker_process.go) or a
// goroutine (worker_goroutine.go).
type worker struct {
	p        *Pool
	conn     workerConn
	seq      int                  // the pool's count of workers when this one started
	pid      int                  // the worker process, or this process for a goroutine
	capacity int                  // calls it may hold at once (the one it runs, and prefetched ones), for a task not in depths
	depths   map[string]*prefetch // per task, how deep its queue may be for that task's calls (process workers)
	argBytes int                  // encoded arguments of the calls in inflight
	ready    bool                 // serving: said hello and ran the initializer, or started (goroutine)
	retiring bool                 // takes no new calls
	gone     bool                 // exited, was killed or was abandoned: accounted for
	inflight []*call              // sent or running, in the order sent
	tasks    int                  // calls completed
	exited   chan struct{}
}

// workerConn is a worker's backend: how the scheduler's decisions reach the
// worker. Every method but readFor is called under Pool.mu and must not
// block.
type workerConn interface {
	// start brings the worker up in the background. A goroutine worker is
	// ready when start returns; a process worker calls workerReady.
	start()
	// send gives the worker a call already in its inflight list.
	send(c *call)
	// recall asks for a sent call back. It returns true when the call was
	// taken back at once; otherwise the worker answers with the call's
	// start or its drop (Pool.startLocked, Pool.droppedLocked).
	recall(c *call) bool
	// interrupt cancels the context of the running call c in the worker.
	interrupt(c *call)
	// stop tells an idle worker to exit.
	stop()
	// kill ends the worker now, saying why if the reason is not empty. Its
	// calls are accounted for by workerGoneLocked: at once for a goroutine,
	// when the process's death is seen for a process.
	kill(reason string)
	// track names the worker's track in the trace.
	track() (pid, tid int, name string)
	// claim gives the reading of the worker's messages to the caller that
	// waits for c in Result, and reports whether it did: only a call that
	// send left to its caller (see readresult.go) can be claimed.
	claim(c *call) bool
	// readFor reads and handles the worker's messages on the calling
	// goroutine, after a claim, until done is closed, and then passes the
	// reading on. It is called without Pool.mu.
	readFor(done <-chan struct{})
	// release has the pool read the result of c itself, or of any call
	// left to a caller when c is nil: the caller is not (or no longer) in
	// Result.
	release(c *call)
}

// startWorkerLocked adds a worker of the pool's backend and starts it.
func (p *Pool) startWorkerLocked() {
	p.workerSeq++
	w := &worker{p: p, seq: p.workerSeq, exited: make(chan struct{})}
	if p.cfg.Backend == Goroutines {
		w.conn = newGoroutineConn(w)
	} else {
		w.conn = newProcessConn(w)
	}
	p.workers = append(p.workers, w)
	w.conn.start()
}

// workerReady records that a worker is serving and gives it work.
func (p *Pool) workerReady(w *worker) {
	p.mu.Lock()
	w.ready = true
	p.stats.WorkersStarted++
	p.dispatchLocked()
	p.unlock()
	p.tracer.instant(w, "worker start", nil)
}

// killWorkerLocked ends a worker that is still accounted as alive.
func (p *Pool) killWorkerLocked(w *worker, reason string) {
	if !w.gone {
		w.conn.kill(reason)
	}
}

// add puts c on the worker's list.
func (w *worker) add(c *call) {
	w.inflight = append(w.inflight, c)
	w.argBytes += c.argBytes()
}

// remove takes c off the worker's list. A worker answers its calls in the
// order it received them, so c is usually the first: taking it costs no
// copy of the hundreds that may wait behind it.
func (w *worker) remove(c *call) {
	switch i := slices.Index(w.inflight, c); {
	case i == 0:
		w.inflight[0] = nil
		w.inflight = w.inflight[1:]
	case i > 0:
		w.inflight = slices.Delete(w.inflight, i, i+1)
	default:
		return
	}
	w.argBytes -= c.argBytes()
}

// hasRoom reports whether w may take c: it holds fewer calls than its
// capacity for c's task and, beyond two calls, less than maxPrefetchBytes
// of arguments. The depth a worker earned with tiny calls of one task does
// not carry over to another task, whose calls may be long.
func (w *worker) hasRoom(c *call) bool {
	n := len(w.inflight)
	capacity := w.capacity
	if d := w.depths[c.task]; d != nil {
		capacity = d.calls()
	}
	return n < capacity && (n < 2 || w.argBytes < maxPrefetchBytes)
}

// find returns the call with the given id among those the worker holds.
func (w *worker) find(id uint64) *call {
	for _, c := range w.inflight {
		if c.id == id {
			return c
		}
	}
	return nil
}

// workerGoneLocked accounts for a worker that is gone, by these rules:
//
//   - A call it had not started never ran: it is cancelled when a drop
//     asked for that, its context ended, or the pool is being killed or is
//     broken, and otherwise goes back to the head of the queue, in its
//     place.
//   - A call it was running fails: with its context's error when that
//     ended, with the pool's kill error when Shutdown's context ended (or
//     the broken pool's error), and otherwise with its worker's death, a
//     *WorkerError for that call, unless it has retries left, which puts it
//     back at the head of the queue.
//   - A worker that died before it served, while no worker serves, would
//     be followed by others dying the same way: the waiting work fails with
//     its error. One that died in the initializer breaks the pool.
//
// Then a replacement starts if work is waiting.
func (p *Pool) workerGoneLocked(w *worker, death *WorkerError) {
	w.gone = true
	if i := slices.Index(p.workers, w); i >= 0 {
		p.workers = slices.Delete(p.workers, i, i+1)
	}
	switch {
	case death.Initializer && death.Reason == "" && p.killing == nil:
		p.breakLocked(death)
	case death.Startup && death.Reason == "" && p.killing == nil && !p.anyReadyLocked():
		for _, c := range p.queue.drain() {
			c.cancelled = true
			p.endLocked(c, death)
		}
	}
	// Back to front, so that requeued calls keep their order at the head.
	for _, c := range slices.Backward(slices.Clone(w.inflight)) {
		if c.state == callSent {
			switch {
			case c.drop != nil && c.drop.err != nil:
				c.cancelled = true
				p.endLocked(c, c.drop.err)
			case c.ctx.Err() != nil:
				c.cancelled = true
				p.endLocked(c, context.Cause(c.ctx))
			case p.killing != nil || p.broken != nil:
				c.cancelled = true
				p.endLocked(c, cmp.Or(p.killing, p.broken))
			default:
				p.requeueLocked(c)
			}
			continue
		}
		switch {
		case c.ctxErr != nil:
			p.endLocked(c, c.ctxErr)
		case p.killing != nil || p.broken != nil:
			p.endLocked(c, cmp.Or(p.killing, p.broken))
		case c.attempts < c.retries:
			c.attempts++
			p.requeueLocked(c)
		default:
			e := *death
			e.Task, e.Index, e.Count, e.Startup, e.Attempts = c.task, c.first, c.count, false, c.attempts+1
			p.endLocked(c, &e)
		}
	}
	p.dispatchLocked()
}

func (p *Pool) anyReadyLocked() bool {
	return slices.ContainsFunc(p.workers, func(w *worker) bool { return w.ready })
}
