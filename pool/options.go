package pool

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Option tunes Submit, Map, MapUnordered and Collect. Chunksize, Buffer and
// Progress apply to the Map family only.
type Option func(*options)

type options struct {
	chunksize int
	auto      bool // AutoChunksize
	buffer    int  // 0: the default window (defaultWindow)
	retries   int
	timeout   time.Duration
	progress  func(done int)
	mapOnly   []string // map options given, to refuse them in Submit
	err       error
}

// Chunksize makes Map send n inputs per message to a worker, which runs them
// one after the other and sends their n results back together. Larger chunks
// cost fewer messages but balance load more coarsely. The default is 1;
// n < 1 is an error.
func Chunksize(n int) Option {
	return func(o *options) {
		if n < 1 {
			o.err = errors.Join(o.err, fmt.Errorf("pool: Chunksize(%d): the chunk size must be at least 1", n))
		}
		o.chunksize = n
		o.mapOnly = append(o.mapOnly, "Chunksize")
	}
}

// AutoChunksize makes Map choose its chunk size by itself, from the time
// chunks take, as joblib's batch_size="auto" does: it starts at one input
// per chunk, doubles the chunk while chunks take less than 2 ms (so that
// the cost of a message is small beside the work it carries), and shrinks
// it when chunks take more than 100 ms (so that one slow chunk does not
// keep a worker busy while others idle). Results stay in input order, a
// worker's death fails only its chunk, and Progress still reports each
// chunk. Without Buffer the window is the default one (see Buffer) for the
// size chosen so far; with Buffer, chunks never grow past it. It cannot be
// combined with Chunksize.
func AutoChunksize() Option {
	return func(o *options) {
		o.auto = true
		o.mapOnly = append(o.mapOnly, "AutoChunksize")
	}
}

// Buffer bounds how far Map reads ahead: at most n inputs are taken from the
// input sequence and not yet yielded. The default is 256 inputs per worker,
// or two chunks per worker when that is more, and it also stops reading
// once the encoded arguments and results of the chunks not yet yielded
// reach 4 MiB (one chunk is always allowed); Buffer(n) is exactly n inputs.
// n < 1 is an error. A Buffer smaller than the chunk size shrinks the
// chunks to n inputs.
func Buffer(n int) Option {
	return func(o *options) {
		if n < 1 {
			o.err = errors.Join(o.err, fmt.Errorf("pool: Buffer(%d): the buffer must hold at least 1 input", n))
		}
		o.buffer = n
		o.mapOnly = append(o.mapOnly, "Buffer")
	}
}

// Retry re-runs a task (or a Map chunk) whose worker process died, up to n
// more times, on a fresh worker. Only deaths are retried: a task that
// returns an error or panics fails at once. When the last attempt dies too,
// the *WorkerError says how many attempts were made. The default is 0;
// n < 0 is an error.
func Retry(n int) Option {
	return func(o *options) {
		if n < 0 {
			o.err = errors.Join(o.err, fmt.Errorf("pool: Retry(%d): the number of retries cannot be negative", n))
		}
		o.retries = n
	}
}

// Timeout bounds how long a task may run, from the moment its worker
// starts it (time spent waiting for a worker does not count), as pebble's
// timeout does. A task still running at its timeout has its context
// cancelled, and its worker is killed if it does not return within
// Config.CancelGrace; either way its future, or its Map item, fails with a
// *TimeoutError, which matches context.DeadlineExceeded. A Map chunk of n
// inputs gets n times d. The default is no timeout; d < 0 is an error.
func Timeout(d time.Duration) Option {
	return func(o *options) {
		if d < 0 {
			o.err = errors.Join(o.err, fmt.Errorf("pool: Timeout(%v): a timeout cannot be negative", d))
		}
		o.timeout = d
	}
}

// Progress makes Map call fn each time a chunk finishes, with the number of
// inputs finished so far, in whatever order they finish: the hook a command
// needs to draw a progress bar over a long run. Calls never overlap; fn runs
// on a goroutine of the pool and should return quickly. A panic in fn is
// reported on standard error, as one in an OnDone callback is, and Map goes
// on.
func Progress(fn func(done int)) Option {
	return func(o *options) {
		o.progress = fn
		o.mapOnly = append(o.mapOnly, "Progress")
	}
}

// applyOptions collects opts; forMap says whether Map-only options are
// allowed.
func applyOptions(opts []Option, forMap bool) (options, error) {
	o := options{chunksize: 1}
	for _, opt := range opts {
		opt(&o)
	}
	if o.auto && slices.Contains(o.mapOnly, "Chunksize") {
		o.err = errors.Join(o.err, errors.New("pool: Chunksize and AutoChunksize both given; choose one"))
	}
	if !forMap && len(o.mapOnly) > 0 {
		o.err = errors.Join(o.err, fmt.Errorf("pool: %s applies to Map and MapUnordered, not to Submit", o.mapOnly[0]))
	}
	if o.err != nil {
		o.err = optionsError{o.err}
	}
	return o, o.err
}

// optionsError is the error of one or more bad options: errors.Join's,
// whose message has a line per error, on one line.
type optionsError struct{ err error }

func (e optionsError) Error() string { return strings.ReplaceAll(e.err.Error(), "\n", "; ") }
func (e optionsError) Unwrap() error { return e.err }
