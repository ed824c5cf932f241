package pool

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// ErrQueueClosed is returned by Put once the queue is closed, and by Get
// once it is closed and drained.
var ErrQueueClosed = errors.New("pool: the queue is closed")

// ErrQueueUnbound is returned by a Queue that belongs to no pool: a zero
// Queue, or one decoded outside a worker. Make queues with NewQueue and give
// them to tasks inside their argument.
var ErrQueueUnbound = errors.New("pool: this queue belongs to no pool; make it with pool.NewQueue and pass it to tasks inside their argument")

// Queue is a bounded FIFO from tasks to the process that made it: tasks
// Put, in worker processes or on goroutines, and the parent Gets, or ranges
// over All until Close. It is how a task reports progress or partial results
// while it runs, where the result alone would come too late.
//
// Give a task the queue inside its argument struct, as a *Queue[T] field;
// encoding/gob carries a reference to it, never its contents. Put waits
// while the queue holds capacity items, so a producer in a worker is never
// more than capacity items ahead of the reader, and it honours its context.
// Items from one producer arrive in the order put, exactly once: a Put that
// returned nil is in the parent's hands even if its worker dies the next
// instant.
type Queue[T any] struct {
	id       uint64
	capacity int

	// In the process that made the queue.
	p       *Pool
	mu      sync.Mutex
	items   []T
	pending []pendingPut[T] // puts from workers waiting for room
	closed  bool
	changed chan struct{} // closed and replaced at every change
	// Credits: room reserved for workers, which put that many items
	// without waiting for an answer. Items plus credits never exceed the
	// capacity, so the bound holds end to end.
	credits      map[*processConn]int
	creditsTotal int
	revoking     map[*processConn]bool // asked to give their credits back

	// In a worker process.
	remote *server
}

// pendingPut is an item a worker sent while the queue was full: its Put
// returns when the item enters the queue.
type pendingPut[T any] struct {
	v   T
	w   *processConn
	seq uint64
}

var queueSerial atomic.Uint64

// NewQueue makes a queue of p with room for capacity items, which must be at
// least 1.
func NewQueue[T any](p *Pool, capacity int) (*Queue[T], error) {
	if capacity < 1 {
		return nil, fmt.Errorf("pool: NewQueue with capacity %d: a queue needs room for at least 1 item", capacity)
	}
	q := &Queue[T]{id: queueSerial.Add(1), capacity: capacity, p: p, changed: make(chan struct{}),
		credits: map[*processConn]int{}, revoking: map[*processConn]bool{}}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if p.queues == nil {
		p.queues = map[uint64]queueSink{}
	}
	p.queues[q.id] = q
	return q, nil
}

// Put adds v to the queue, waiting while it is full. It returns ctx.Err()
// if ctx ends while it waits (the item is then not in the queue),
// ErrQueueClosed once the queue is closed, ErrQueueUnbound for a queue of
// no pool, and, in a worker, ErrEncode for an item that cannot be encoded
// or is larger encoded than one message carries (1 GiB). A Put that finds room does not wait, and so puts v even when
// ctx has already ended, as semaphore.Weighted's Acquire may.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	if q == nil {
		return ErrQueueUnbound
	}
	if q.remote != nil {
		b, err := encodeValue(&v)
		if err != nil {
			return fmt.Errorf("%w: item for queue %d: %v", ErrEncode, q.id, err)
		}
		if queuePutFrameLen(b) > maxFrame {
			// The parent would refuse the frame and kill this worker.
			return fmt.Errorf("%w: %s", ErrEncode, tooLarge(fmt.Sprintf("item for queue %d", q.id), len(b),
				"put large data another way, such as the path of a file"))
		}
		return q.remote.queuePut(ctx, q.id, b)
	}
	if q.p == nil {
		return ErrQueueUnbound
	}
	q.mu.Lock()
	for {
		if q.closed {
			q.mu.Unlock()
			return ErrQueueClosed
		}
		if q.roomLocked() > 0 && len(q.pending) == 0 {
			q.items = append(q.items, v)
			q.changedLocked()
			q.mu.Unlock()
			return nil
		}
		q.revokeLocked()
		changed := q.changed
		q.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
		q.mu.Lock()
	}
}

// Get removes and returns the oldest item, waiting while the queue is empty.
// It returns ErrQueueClosed once the queue is closed and drained, ctx.Err()
// if ctx ends first, and an error in a worker process: only the process
// that made the queue reads it.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	if q == nil {
		return zero, ErrQueueUnbound
	}
	if q.remote != nil {
		return zero, errors.New("pool: Queue.Get works only in the process that made the queue; tasks in workers can only Put")
	}
	if q.p == nil {
		return zero, ErrQueueUnbound
	}
	q.mu.Lock()
	for {
		if len(q.items) > 0 {
			v := q.items[0]
			q.items[0] = zero
			q.items = q.items[1:]
			q.admitLocked()
			q.changedLocked()
			q.mu.Unlock()
			return v, nil
		}
		// Credits still out may turn into items: closed and drained means
		// every credit came back.
		if q.closed && q.creditsTotal == 0 {
			q.mu.Unlock()
			return zero, ErrQueueClosed
		}
		changed := q.changed
		q.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		q.mu.Lock()
	}
}

// All yields the items in order until the queue is closed and drained, or
// ctx ends (check ctx.Err() after the loop to tell).
func (q *Queue[T]) All(ctx context.Context) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, err := q.Get(ctx)
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Len returns the number of items in the queue now.
func (q *Queue[T]) Len() int {
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Close stops the queue from taking items: later Puts, and Puts from
// workers still waiting for room, fail with ErrQueueClosed. The items
// already in the queue can still be read. Close may be called more than
// once; it works only in the process that made the queue.
func (q *Queue[T]) Close() error {
	if q == nil {
		return ErrQueueUnbound
	}
	if q.remote != nil {
		return errors.New("pool: Queue.Close works only in the process that made the queue")
	}
	if q.p == nil {
		return ErrQueueUnbound
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	q.closed = true
	for _, pp := range q.pending {
		pp.w.sendQueueAck(pp.seq, queueAckClosed, "", 0)
	}
	q.pending = nil
	q.revokeLocked()
	q.changedLocked()
	return nil
}

// roomLocked is how many more items may enter without breaking the bound.
func (q *Queue[T]) roomLocked() int { return q.capacity - len(q.items) - q.creditsTotal }

// admitLocked lets waiting puts in while there is room.
func (q *Queue[T]) admitLocked() {
	for len(q.pending) > 0 && q.roomLocked() > 0 {
		pp := q.pending[0]
		q.pending[0] = pendingPut[T]{}
		q.pending = q.pending[1:]
		q.items = append(q.items, pp.v)
		pp.w.sendQueueAck(pp.seq, queueAckOK, "", 0)
	}
}

// grantLocked reserves room for w's next items, so that a worker putting in
// a loop waits for an answer once per batch, not once per item.
func (q *Queue[T]) grantLocked(w *processConn) int {
	if q.closed || len(q.pending) > 0 || q.revoking[w] {
		return 0
	}
	batch := max(1, q.capacity/(2*max(1, q.p.size)))
	n := min(batch, q.roomLocked())
	if n > 0 {
		q.credits[w] += n
		q.creditsTotal += n
	}
	return n
}

// revokeLocked asks every worker holding credits to give them back: a put
// is waiting, or the queue is closing.
func (q *Queue[T]) revokeLocked() {
	for w, n := range q.credits {
		if n > 0 && !q.revoking[w] {
			q.revoking[w] = true
			w.out.put(queueRevokeFrame(q.id))
			// The answer may come after the worker's calls ended: its
			// pipe is read until it does (readresult.go).
			w.revokeSent()
		}
	}
}

// returnCredits takes back n credits from w, answering a revoke.
func (q *Queue[T]) returnCredits(w *processConn, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.credits[w] -= n
	q.creditsTotal -= n
	if q.credits[w] <= 0 {
		delete(q.credits, w)
	}
	delete(q.revoking, w)
	q.admitLocked()
	q.changedLocked()
}

// workerGone drops the credits of a worker that exited: the items it put
// with them arrived before its pipe closed.
func (q *Queue[T]) workerGone(w *processConn) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.creditsTotal -= q.credits[w]
	delete(q.credits, w)
	delete(q.revoking, w)
	q.admitLocked()
	q.changedLocked()
}

func (q *Queue[T]) changedLocked() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// GobEncode encodes a reference to the queue, so that a task's argument can
// carry it to a worker process.
func (q *Queue[T]) GobEncode() ([]byte, error) {
	if q.p == nil && q.remote == nil {
		return nil, ErrQueueUnbound
	}
	return binary.AppendUvarint(nil, q.id), nil
}

// GobDecode makes the queue a worker's handle on the queue it refers to.
func (q *Queue[T]) GobDecode(b []byte) error {
	id, n := binary.Uvarint(b)
	if n <= 0 {
		return errors.New("pool: malformed queue reference")
	}
	q.id = id
	q.remote = currentServer.Load()
	return nil
}

// queueSink is a queue as the parent's reader goroutines see it: untyped.
type queueSink interface {
	putRemote(w *processConn, seq uint64, credited bool, blob []byte)
	cancelRemote(w *processConn, seq uint64)
	returnCredits(w *processConn, n int)
	workerGone(w *processConn)
}

// putRemote takes an item a worker put: with a credit, into the room the
// credit reserved; otherwise into the queue if there is room, else into the
// line of waiting puts.
func (q *Queue[T]) putRemote(w *processConn, seq uint64, credited bool, blob []byte) {
	var v T
	err := decodeValue(blob, &v)
	q.mu.Lock()
	defer q.mu.Unlock()
	if credited {
		q.credits[w]--
		q.creditsTotal--
		if q.credits[w] <= 0 {
			delete(q.credits, w)
		}
		if err == nil {
			q.items = append(q.items, v)
		}
		q.changedLocked()
		return
	}
	switch {
	case err != nil:
		w.sendQueueAck(seq, queueAckError, fmt.Sprintf("%v: item for queue %d in the parent: %v", ErrDecode, q.id, err), 0)
	case q.closed:
		w.sendQueueAck(seq, queueAckClosed, "", 0)
	case q.roomLocked() > 0 && len(q.pending) == 0:
		q.items = append(q.items, v)
		q.changedLocked()
		w.sendQueueAck(seq, queueAckOK, "", q.grantLocked(w))
	default:
		q.pending = append(q.pending, pendingPut[T]{v: v, w: w, seq: seq})
		q.revokeLocked()
	}
}

// cancelRemote withdraws a waiting put whose context ended in the worker.
// A put that already entered the queue was acknowledged, which answers the
// worker.
func (q *Queue[T]) cancelRemote(w *processConn, seq uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, pp := range q.pending {
		if pp.w == w && pp.seq == seq {
			q.pending = append(q.pending[:i], q.pending[i+1:]...)
			w.sendQueueAck(seq, queueAckCancelled, "", 0)
			return
		}
	}
}

// Queue acknowledgement statuses, parent to worker.
const (
	queueAckOK byte = iota
	queueAckClosed
	queueAckCancelled
	queueAckError
)

// sendQueueAck answers a worker's put, granting it credits for more.
func (w *processConn) sendQueueAck(seq uint64, status byte, msg string, credits int) {
	w.out.put(queueAckFrame(seq, status, msg, credits))
}

// queueByID returns the pool's queue with the given id, or nil.
func (p *Pool) queueByID(qid uint64) queueSink {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queues[qid]
}

// onQueuePut routes a worker's put to its queue.
func (p *Pool) onQueuePut(w *processConn, qid, seq uint64, credited bool, blob []byte) {
	q := p.queueByID(qid)
	if q == nil {
		if !credited {
			w.sendQueueAck(seq, queueAckError, fmt.Sprintf("pool: queue %d does not belong to this pool", qid), 0)
		}
		return
	}
	q.putRemote(w, seq, credited, blob)
}

func (p *Pool) onQueueCancel(w *processConn, qid, seq uint64) {
	if q := p.queueByID(qid); q != nil {
		q.cancelRemote(w, seq)
	}
}

func (p *Pool) onQueueReturn(w *processConn, qid uint64, n int) {
	w.revokeAnswered()
	if q := p.queueByID(qid); q != nil {
		q.returnCredits(w, n)
	}
}

// queuesWorkerGone tells every queue that w exited.
func (p *Pool) queuesWorkerGone(w *processConn) {
	p.mu.Lock()
	qs := make([]queueSink, 0, len(p.queues))
	for _, q := range p.queues {
		qs = append(qs, q)
	}
	p.mu.Unlock()
	for _, q := range qs {
		q.workerGone(w)
	}
}

// currentServer is the worker side of the protocol in a worker process, for
// queues decoded there.
var currentServer atomic.Pointer[server]

// queuePut sends an item to the parent. With a credit for the queue it
// returns at once, the room being reserved; otherwise it waits for the item
// to enter the queue, and the answer may bring credits. If ctx ends while
// it waits, the put is withdrawn; the parent's answer says whether it was
// too late.
func (s *server) queuePut(ctx context.Context, qid uint64, blob []byte) error {
	s.mu.Lock()
	if s.credits[qid] > 0 {
		// Sent under s.mu, so that a return of credits, also sent under
		// it, never overtakes the items they paid for.
		s.credits[qid]--
		err := s.send(queuePutFrame(qid, 0, true, blob))
		s.mu.Unlock()
		return err
	}
	s.putSeq++
	seq := s.putSeq
	reply := make(chan queueReply, 1)
	if s.puts == nil {
		s.puts = map[uint64]chan queueReply{}
	}
	s.puts[seq] = reply
	s.mu.Unlock()
	if err := s.send(queuePutFrame(qid, seq, false, blob)); err != nil {
		return err
	}
	var r queueReply
	select {
	case r = <-reply:
	case <-ctx.Done():
		s.send(queueCancelFrame(qid, seq))
		r = <-reply
	}
	if r.credits > 0 {
		s.mu.Lock()
		if s.credits == nil {
			s.credits = map[uint64]int{}
		}
		s.credits[qid] += r.credits
		s.mu.Unlock()
	}
	switch r.status {
	case queueAckOK:
		return nil
	case queueAckClosed:
		return ErrQueueClosed
	case queueAckCancelled:
		return ctx.Err()
	default:
		return errors.New(r.msg)
	}
}

// revokeCredits gives back the credits this worker holds for a queue.
func (s *server) revokeCredits(qid uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.credits[qid]
	delete(s.credits, qid)
	s.send(queueReturnFrame(qid, n))
}

type queueReply struct {
	status  byte
	msg     string
	credits int
}

// onQueueAck hands the parent's answer to the waiting Put.
func (s *server) onQueueAck(seq uint64, r queueReply) {
	s.mu.Lock()
	reply := s.puts[seq]
	delete(s.puts, seq)
	s.mu.Unlock()
	if reply != nil {
		reply <- r
	}
}
