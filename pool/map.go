package pool

import (
	"context"
	"encoding/binary"
	"fmt"
	"iter"
	"os"
	"runtime/debug"
	"sync"
	"time"
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
// most Buffer inputs ahead (by default, 256 inputs or two chunks per worker,
// whichever is more, within 4 MiB of encoded data), so an endless
// sequence works. Breaking out of the loop cancels what is still
// outstanding, as the end of ctx does; when ctx ends, also before Map
// starts or while nothing is in flight, Map yields ctx.Err() once and
// stops: it never ends early without an error that says why. A closed pool
// yields ErrClosed once, and a bad option yields its error once.
func Map[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts ...Option) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		var zero R
		runMap(ctx, p, task, inputs, opts, false,
			func(ch *chunk[R], i int) bool { return yield(ch.vals[i], ch.errs[i]) },
			func(err error) { yield(zero, err) })
	}
}

// MapUnordered is Map with results yielded as they finish, each with the
// index of its input. It has the same options, laziness and cancellation.
func MapUnordered[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts ...Option) iter.Seq[Item[R]] {
	return func(yield func(Item[R]) bool) {
		runMap(ctx, p, task, inputs, opts, true,
			func(ch *chunk[R], i int) bool {
				return yield(Item[R]{Index: ch.first + i, Value: ch.vals[i], Err: ch.errs[i]})
			},
			func(err error) { yield(Item[R]{Index: -1, Err: err}) })
	}
}

// Collect runs Map to the end and returns every result in input order, or
// the first error: an *ItemError with the index of the first input whose
// task failed (the inputs after it are cancelled, as breaking out of Map
// does), or the error that stopped Map (a bad option, a closed pool, the end
// of ctx). It is Python's list(executor.map(...)): all or nothing, and never
// a short slice without an error. It takes Map's options.
func Collect[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts ...Option) ([]R, error) {
	var out []R
	var failure error
	runMap(ctx, p, task, inputs, opts, false,
		func(ch *chunk[R], i int) bool {
			if err := ch.errs[i]; err != nil {
				failure = &ItemError{Index: ch.first + i, Err: err}
				return false
			}
			out = append(out, ch.vals[i])
			return true
		},
		func(err error) { failure = err })
	if failure != nil {
		return nil, failure
	}
	return out, nil
}

// runMap is the loop of Map, MapUnordered and Collect: it keeps the window full,
// takes the next finished chunk (the oldest, or any when unordered), and
// hands its items to item until item returns false. An error that ends the
// loop (a bad option, the pool refusing work, the end of ctx) goes to fail,
// once.
func runMap[A, R any](ctx context.Context, p *Pool, task *Task[A, R], inputs iter.Seq[A], opts []Option, unordered bool,
	item func(ch *chunk[R], i int) bool, fail func(error)) {
	m, err := newMapper(ctx, p, task, inputs, opts, unordered)
	if err != nil {
		fail(err)
		return
	}
	defer m.stop()
	ended := ctx.Done()
	for {
		m.fill()
		ch, err := m.next(ctx)
		if err != nil {
			fail(err)
			return
		}
		if ch == nil {
			return
		}
		if m.auto != nil {
			m.chunk, m.buffer = m.auto.resize(ch, m.chunk, m.buffer)
		}
		for i := range ch.vals {
			select {
			case <-ended: // also between the items of one chunk
				fail(ctx.Err())
				return
			default:
			}
			m.yielded++
			if !item(ch, i) {
				return
			}
			m.fill()
		}
	}
}

// next waits for the next chunk to yield. It returns nil, nil once every
// input was yielded, and an error when Map must stop: ctx ended (which
// wins over a chunk that finished at the same moment), or the pool refused
// a chunk and nothing is left in flight.
func (m *mapper[A, R]) next(ctx context.Context) (*chunk[R], error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ch *chunk[R]
	switch {
	case m.inflight == 0:
		return nil, m.err
	case m.unordered:
		select {
		case ch = <-m.finished:
		case <-ctx.Done():
		}
	default:
		ch = m.pending[0]
		select {
		case <-ch.done:
			m.pending = m.pending[1:]
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.inflight--
	m.held.add(-ch.bytes)
	return ch, nil
}

// mapper feeds a Map: it pulls inputs, groups them into chunks and submits
// them while the read-ahead bound allows.
type mapper[A, R any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	p      *Pool
	task   *Task[A, R]
	pull   func() (A, bool)
	stopIn func()

	chunk, buffer   int
	pulled, yielded int
	exhausted       bool
	err             error          // why no more chunks can be submitted
	pending         []*chunk[R]    // ordered: submitted, not yet yielded
	finished        chan *chunk[R] // unordered: finished, not yet yielded
	inflight        int            // chunks submitted, not yet yielded
	retries         int
	timeout         time.Duration
	progress        *progress
	unordered       bool
	auto            *autoChunk // AutoChunksize; nil for a fixed size
	held            *heldBytes // the default window's byte bound; nil with Buffer
	maxInflight     int        // chunks in flight at most: room in finished
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
	fixedBuffer := o.buffer != 0
	if !fixedBuffer {
		o.buffer = defaultWindow(p.size, o.chunksize)
	}
	m := &mapper[A, R]{p: p, task: task, chunk: min(o.chunksize, o.buffer), buffer: o.buffer, retries: o.retries, timeout: o.timeout, unordered: unordered}
	if !fixedBuffer && p.cfg.Backend == Processes {
		m.held = &heldBytes{}
	}
	m.maxInflight = m.buffer/m.chunk + 1
	if o.auto {
		m.auto = &autoChunk{fixedBuffer: fixedBuffer, workers: p.size}
		// Chunks change size: bound how many fly at once by the window
		// they would fill at their smallest.
		m.maxInflight = 4*p.size + 2
	}
	if o.progress != nil {
		m.progress = &progress{fn: o.progress}
	}
	m.ctx, m.cancel = context.WithCancel(ctx)
	// One watch for every call of this Map; stop's cancel sets it off,
	// which cancels what is still outstanding.
	context.AfterFunc(m.ctx, func() { p.mapCtxEnded(m.ctx) })
	m.pull, m.stopIn = iter.Pull(inputs)
	if unordered {
		// Every chunk in flight can finish without a reader.
		m.finished = make(chan *chunk[R], m.maxInflight)
	}
	return m, nil
}

// stop cancels whatever is still outstanding and releases the input.
func (m *mapper[A, R]) stop() {
	m.cancel()
	m.stopIn()
}

// fill submits whole chunks while the read-ahead bound leaves room for one.
// Once Map's context ended it submits nothing: next reports why.
func (m *mapper[A, R]) fill() {
	for !m.exhausted && m.err == nil && m.buffer-(m.pulled-m.yielded) >= m.chunk && m.inflight < m.maxInflight &&
		(m.inflight == 0 || !m.held.full()) {
		if m.ctx.Err() != nil {
			return
		}
		args := make([]A, 0, m.chunk)
		for len(args) < m.chunk {
			a, ok := m.pull()
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
		m.inflight++
		if !m.unordered {
			m.pending = append(m.pending, ch)
		}
	}
}

// submit sends one chunk to the pool. It returns nil when the pool refused
// it; m.err then says why.
func (m *mapper[A, R]) submit(first int, args []A) *chunk[R] {
	ch := &chunk[R]{
		first:    first,
		task:     m.task.name,
		vals:     make([]R, len(args)),
		errs:     make([]error, len(args)),
		done:     make(chan struct{}),
		finished: m.finished,
		prog:     m.progress,
		held:     m.held,
	}
	c := &call{task: m.task.name, ctx: m.ctx, mapCtx: true, first: first, recv: ch, retries: m.retries, timeout: m.timeout}
	if m.p.cfg.Backend == Processes {
		frameLen := callFrameLen(m.task.name, nil)
		for i := range args {
			b, err := encodeValue(&args[i])
			if err != nil {
				ch.errs[i] = fmt.Errorf("%w: argument %d of task %q: %v", ErrEncode, first+i, m.task.name, err)
				continue
			}
			if callFrameLen(m.task.name, [][]byte{b}) > maxFrame {
				ch.errs[i] = fmt.Errorf("%w: %s", ErrEncode, tooLarge(fmt.Sprintf("argument %d of task %q", first+i, m.task.name), len(b),
					"pass large data another way, such as the path of a file"))
				continue
			}
			if frameLen+binary.MaxVarintLen64+len(b) > maxFrame {
				// It fits alone, not with the chunk's others.
				ch.errs[i] = fmt.Errorf("%w: %s", ErrEncode, tooLarge(fmt.Sprintf("argument %d of task %q with the arguments before it in its chunk", first+i, m.task.name),
					frameLen+binary.MaxVarintLen64+len(b), "use a smaller Chunksize, or pass large data another way, such as the path of a file"))
				continue
			}
			frameLen += binary.MaxVarintLen64 + len(b)
			c.args = append(c.args, b)
			ch.pos = append(ch.pos, i)
		}
		c.count = len(c.args)
		ch.bytes = c.argBytes()
		m.held.add(ch.bytes)
		if c.count == 0 {
			ch.complete(nil)
			ch.notify()
			return ch
		}
	} else {
		c.count = len(args)
		if m.p.cfg.CheckValues {
			ch.check = true
			for i := range args {
				var err error
				if args[i], err = checkArg(args[i], m.task.name, fmt.Sprintf("argument %d", first+i)); err != nil {
					ch.errs[i] = err
				}
			}
		}
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
	c        *call
	first    int
	task     string
	pos      []int // item i of the call is input first+pos[i]; nil: item i is input first+i
	vals     []R
	errs     []error
	run      func(ctx context.Context, i int) (R, error) // Goroutines
	check    bool                                        // Goroutines: Config.CheckValues
	done     chan struct{}
	finished chan *chunk[R]
	// When a worker started the chunk and when it ended (AutoChunksize):
	// written before done closes, read after.
	startedAt, endedAt time.Time
	prog               *progress
	// Encoded bytes of its arguments, and of its results once they
	// arrive: counted in held until Map takes the chunk to yield it.
	bytes, resultBytes int
	held               *heldBytes
}

// at returns the position in vals of the call's item i.
func (ch *chunk[R]) at(i int) int {
	if ch.pos == nil {
		return i
	}
	return ch.pos[i]
}

func (ch *chunk[R]) started(int) { ch.startedAt = time.Now() }

func (ch *chunk[R]) runLocal(ctx context.Context, pid int) func() {
	vals := make([]R, len(ch.vals))
	errs := make([]error, len(ch.vals))
	for i := range vals {
		switch {
		case ch.errs[i] != nil: // its argument did not survive CheckValues
			errs[i] = ch.errs[i]
			continue
		case ctx.Err() != nil:
			errs[i] = context.Cause(ctx)
			continue
		}
		vals[i], errs[i] = runLocal(ctx, func(ctx context.Context) (R, error) { return ch.run(ctx, i) }, ch.task, pid, ch.first+i, ch.check)
		if errs[i] == nil && ch.check {
			vals[i], errs[i] = checkResult(vals[i], ch.task)
		}
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
	ch.resultBytes += len(blob)
}

func (ch *chunk[R]) complete(err error) {
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
	ch.endedAt = time.Now()
	ch.held.add(ch.resultBytes)
	ch.bytes += ch.resultBytes
	// Progress is reported before the items can be yielded, so a loop
	// that has seen an item has seen the progress that counts it.
	ch.prog.add(len(ch.vals))
	close(ch.done)
	if ch.finished != nil {
		ch.finished <- ch // never blocks: it has room for every chunk in flight
	}
}

func (ch *chunk[R]) notify() {}

// timing returns how many inputs the chunk had and how long its worker took.
func (ch *chunk[R]) timing() (int, time.Duration) {
	if ch.startedAt.IsZero() || ch.endedAt.IsZero() {
		return len(ch.vals), 0
	}
	return len(ch.vals), ch.endedAt.Sub(ch.startedAt)
}
