package pool

import (
	"context"
	"fmt"
	"iter"
	"os"
	"runtime/debug"
	"sync"
)

// Item is one result of MapUnordered: the input's index in the input
// sequence, and its task's result or error. Errors that belong to no input
// (a bad option, a closed pool, the end of ctx) have Index -1.
type Item[R any] struct {
	Index int
	Value R
	Err   error
}

// Map runs task on every input and yields the results in input order, each
// with its own error: a failed item does not stop the items after it.
//
// Map is lazy and bounded: it reads inputs only as results are consumed, at
// most Buffer inputs ahead (two chunks per worker by default), so an endless
// sequence works. Breaking out of the loop cancels what is still
// outstanding, as the end of ctx does; when ctx ends, Map yields ctx.Err()
// once and stops. A closed pool yields ErrClosed once, and a bad option
// yields its error once.
func Map[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts ...Option) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		var zero R
		m, err := newMapper(ctx, p, task, inputs, opts, false)
		if err != nil {
			yield(zero, err)
			return
		}
		defer m.stop()
		for {
			m.fill()
			if len(m.pending) == 0 {
				if m.err != nil {
					yield(zero, m.err)
				}
				return
			}
			ch := m.pending[0]
			select {
			case <-ch.done:
			case <-ctx.Done():
				yield(zero, ctx.Err())
				return
			}
			m.pending = m.pending[1:]
			for i := range ch.vals {
				m.yielded++
				if !yield(ch.vals[i], ch.errs[i]) {
					return
				}
				m.fill()
			}
		}
	}
}

// MapUnordered is Map with results yielded as they finish, each with the
// index of its input. It has the same options, laziness and cancellation.
func MapUnordered[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts ...Option) iter.Seq[Item[R]] {
	return func(yield func(Item[R]) bool) {
		m, err := newMapper(ctx, p, task, inputs, opts, true)
		if err != nil {
			yield(Item[R]{Index: -1, Err: err})
			return
		}
		defer m.stop()
		for {
			m.fill()
			if m.outstanding == 0 {
				if m.err != nil {
					yield(Item[R]{Index: -1, Err: m.err})
				}
				return
			}
			var ch *chunk[R]
			select {
			case ch = <-m.finished:
			case <-ctx.Done():
				yield(Item[R]{Index: -1, Err: ctx.Err()})
				return
			}
			m.outstanding--
			for i := range ch.vals {
				m.yielded++
				if !yield(Item[R]{Index: ch.first + i, Value: ch.vals[i], Err: ch.errs[i]}) {
					return
				}
				m.fill()
			}
		}
	}
}

// mapper feeds a Map: it pulls inputs, groups them into chunks and submits
// them while the read-ahead bound allows.
type mapper[A, R any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	p      *Pool
	task   *Task[A, R]
	next   func() (A, bool)
	stopIn func()

	chunk, buffer   int
	pulled, yielded int
	exhausted       bool
	err             error       // why no more chunks can be submitted
	pending         []*chunk[R] // ordered: submitted, not yet yielded
	finished        chan *chunk[R]
	outstanding     int // unordered: submitted, not yet yielded
	retries         int
	progress        *progress
	unordered       bool
}

// progress reports finished inputs to a Progress hook, one call at a time.
type progress struct {
	mu   sync.Mutex
	done int
	fn   func(int)
}

func (pr *progress) add(n int) {
	if pr == nil {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.done += n
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "pool: Progress hook panicked: %v\n%s", r, debug.Stack())
		}
	}()
	pr.fn(pr.done)
}

func newMapper[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts []Option, unordered bool) (*mapper[A, R], error) {
	o, err := applyOptions(opts, true)
	if err != nil {
		return nil, err
	}
	if o.buffer == 0 {
		o.buffer = 2 * p.size * o.chunksize
	}
	m := &mapper[A, R]{p: p, task: task, chunk: min(o.chunksize, o.buffer), buffer: o.buffer, retries: o.retries, unordered: unordered}
	if o.progress != nil {
		m.progress = &progress{fn: o.progress}
	}
	m.ctx, m.cancel = context.WithCancel(ctx)
	m.next, m.stopIn = iter.Pull(inputs)
	if unordered {
		// Every chunk in flight can finish without a reader.
		m.finished = make(chan *chunk[R], m.buffer/m.chunk+1)
	}
	return m, nil
}

// stop cancels whatever is still outstanding and releases the input.
func (m *mapper[A, R]) stop() {
	m.cancel()
	m.stopIn()
}

// fill submits whole chunks while the read-ahead bound leaves room for one.
func (m *mapper[A, R]) fill() {
	for !m.exhausted && m.err == nil && m.buffer-(m.pulled-m.yielded) >= m.chunk {
		if m.ctx.Err() != nil {
			return
		}
		args := make([]A, 0, m.chunk)
		for len(args) < m.chunk {
			a, ok := m.next()
			if !ok {
				m.exhausted = true
				break
			}
			args = append(args, a)
		}
		if len(args) == 0 {
			return
		}
		first := m.pulled
		m.pulled += len(args)
		ch := m.submit(first, args)
		if ch == nil {
			return
		}
		if m.unordered {
			m.outstanding++
		} else {
			m.pending = append(m.pending, ch)
		}
	}
}

// submit sends one chunk to the pool. It returns nil when the pool refused
// it; m.err then says why.
func (m *mapper[A, R]) submit(first int, args []A) *chunk[R] {
	ch := &chunk[R]{
		first:  first,
		task:   m.task.name,
		vals:   make([]R, len(args)),
		errs:   make([]error, len(args)),
		done:   make(chan struct{}),
		notify: m.finished,
		prog:   m.progress,
	}
	c := &call{task: m.task.name, ctx: m.ctx, first: first, recv: ch, retries: m.retries}
	if m.p.cfg.Backend == Processes {
		for i := range args {
			b, err := encodeValue(&args[i])
			if err != nil {
				ch.errs[i] = fmt.Errorf("%w: argument %d of task %q: %v", ErrEncode, first+i, m.task.name, err)
				continue
			}
			c.args = append(c.args, b)
			ch.pos = append(ch.pos, i)
		}
		c.count = len(c.args)
		if c.count == 0 {
			ch.finish(nil)
			return ch
		}
	} else {
		c.count = len(args)
		fn := m.task.fn
		ch.run = func(ctx context.Context, i int) (R, error) { return fn(ctx, args[i]) }
	}
	ch.c = c
	if err := m.p.enqueue(c); err != nil {
		m.err = err
		return nil
	}
	return ch
}

// chunk is the typed receiver of one Map call.
type chunk[R any] struct {
	c      *call
	first  int
	task   string
	pos    []int // item i of the call is input first+pos[i]; nil: item i is input first+i
	vals   []R
	errs   []error
	run    func(ctx context.Context, i int) (R, error) // Goroutines
	done   chan struct{}
	notify chan *chunk[R]
	prog   *progress
}

// at returns the position in vals of the call's item i.
func (ch *chunk[R]) at(i int) int {
	if ch.pos == nil {
		return i
	}
	return ch.pos[i]
}

func (ch *chunk[R]) started(int) {}

func (ch *chunk[R]) runLocal(ctx context.Context, pid int) func() {
	vals := make([]R, len(ch.vals))
	errs := make([]error, len(ch.vals))
	for i := range vals {
		if ctx.Err() != nil {
			errs[i] = context.Cause(ctx)
			continue
		}
		vals[i], errs[i] = runLocal(ctx, func(ctx context.Context) (R, error) { return ch.run(ctx, i) }, ch.task, pid, ch.first+i)
	}
	return func() { ch.vals, ch.errs = vals, errs }
}

func (ch *chunk[R]) setItem(i int, blob []byte, err error) {
	at := ch.at(i)
	if te, ok := err.(*TaskError); ok {
		te.Index = ch.first + at
	}
	if err == nil {
		err = decodeResult(blob, &ch.vals[at], ch.task)
	}
	ch.errs[at] = err
}

func (ch *chunk[R]) finish(err error) {
	if err != nil {
		n := len(ch.vals)
		if ch.c != nil {
			n = ch.c.count
		}
		for i := range n {
			var zero R
			ch.vals[ch.at(i)], ch.errs[ch.at(i)] = zero, err
		}
	}
	ch.prog.add(len(ch.vals))
	close(ch.done)
	if ch.notify != nil {
		ch.notify <- ch
	}
}
