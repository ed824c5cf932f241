package pool

import "sync/atomic"

// Map's window is how far it reads ahead of what it has yielded. Without
// Buffer it is the larger of two chunks per worker and windowPerWorker
// inputs per worker: two chunks keep a worker busy while its next chunk
// travels, and for tasks of microseconds a few hundred inputs in flight
// are what lets the pipe carry a stream rather than a round trip per
// input. So that many large inputs or results cannot fill memory, the
// default window also stops reading once the encoded arguments sent and
// the encoded results received, of chunks not yet yielded, reach
// windowBytes: beyond that, a new chunk is submitted only when none is in
// flight. Buffer(n) replaces both bounds with exactly n inputs.
const (
	windowPerWorker = 256
	windowBytes     = 4 << 20
)

// defaultWindow is the window in inputs for workers workers and chunks of
// chunk inputs.
func defaultWindow(workers, chunk int) int {
	return max(2*workers*chunk, windowPerWorker*workers)
}

// heldBytes counts the encoded bytes a Map holds for chunks it has not
// yielded: the chunk's arguments from its submission, and its results once
// they arrive, until Map takes the chunk to yield it. The Map's goroutine
// and the goroutines that complete chunks share it.
type heldBytes struct{ n atomic.Int64 }

func (h *heldBytes) add(n int) {
	if h != nil {
		h.n.Add(int64(n))
	}
}

// full reports whether the window's byte bound is reached.
func (h *heldBytes) full() bool { return h != nil && h.n.Load() >= windowBytes }
