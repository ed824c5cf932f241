package pool

import "time"

// AutoChunksize's rule, after joblib's auto batching (joblib/_parallel_backends.py,
// AutoBatchingMixin): keep a smoothed duration of chunks of the current size;
// below minChunkTime, grow towards the size that would take minChunkTime (at
// most doubling); above maxChunkTime, shrink to the size that would take
// minChunkTime. joblib aims at 0.2 s to 2 s because a Python task message
// costs a millisecond or more; a message here costs tens of microseconds,
// so chunks of a few milliseconds already amortise it, and stay small
// enough to balance load.
const (
	minChunkTime = 2 * time.Millisecond
	maxChunkTime = 100 * time.Millisecond
	maxAutoChunk = 1 << 16 // inputs: bounds what one chunk holds in memory
)

// autoChunk is the state of AutoChunksize for one Map; the Map's loop owns
// it.
type autoChunk struct {
	fixedBuffer bool          // Buffer was given: chunks stay within it
	workers     int           // the pool's size, for the default window
	smoothed    time.Duration // of chunks of the current size; 0: none yet
}

// resize takes a finished chunk into account and returns the chunk size and
// window for the next chunks.
func (a *autoChunk) resize(ch interface{ timing() (int, time.Duration) }, size, buffer int) (int, int) {
	n, took := ch.timing()
	if n != size || took <= 0 {
		return size, buffer // a chunk of an earlier size, or one that never ran
	}
	if a.smoothed == 0 {
		a.smoothed = took
	} else {
		a.smoothed = (4*a.smoothed + took) / 5
	}
	next := size
	switch {
	case a.smoothed < minChunkTime:
		ideal := int(float64(size) * float64(minChunkTime) / float64(a.smoothed))
		next = max(size+1, min(2*size, ideal))
	case a.smoothed > maxChunkTime && size > 1:
		next = max(1, int(float64(size)*float64(minChunkTime)/float64(a.smoothed)))
	}
	next = min(next, maxAutoChunk)
	if a.fixedBuffer {
		next = min(next, buffer)
	} else {
		buffer = defaultWindow(a.workers, next)
	}
	if next != size {
		a.smoothed = 0
	}
	return next, buffer
}
