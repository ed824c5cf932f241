package pool

import "time"

// A process worker runs its calls one at a time, in the order it received
// them, and the parent hears of each only through the pipe. With one call
// waiting behind the one it runs, a worker never waits for the parent
// between two tasks of a millisecond; with tasks of a few microseconds it
// waits for the parent on every one, and the pipe carries a round trip per
// task instead of a stream. So a worker's queue is as deep as the time its
// tasks take allows: deep enough to cover prefetchCover of work, never
// shallower than two calls, never deeper than maxPrefetch calls or, beyond
// two, maxPrefetchBytes of encoded arguments. Calls waiting in a worker are
// not lost to load balancing: once the pool's queue is empty, an idle
// worker steals them (Pool.stealLocked).
const (
	prefetchCover    = time.Millisecond
	maxPrefetch      = 512
	maxPrefetchBytes = 1 << 20
)

// prefetch estimates how long a worker's calls of one task take, from the
// time between a call's acknowledgement and its result as the parent sees
// them, and sizes the worker's queue for that task's calls from it. The
// estimate is per task: a worker that ran a thousand tiny calls of one task
// must not take hundreds of calls of another, which may each run for
// seconds, before the first of them tells it so.
type prefetch struct {
	perCall time.Duration // moving average; 0 until a call finished
	depth   int           // calls granted now; 0 until a call finished
}

// observe records one call's duration, and grants the worker the depth
// that covers prefetchCover of such calls, but at most twice what it had:
// a duration is measured from the acknowledgement to the result as the
// parent reads them, and a parent that read late finds both in one read,
// so one call of 4 ms can look instant. Granted at once, that one reading
// handed a worker hundreds of the task's calls, and the other worker
// starved: 15 of 64 primes chunks in half the runs of the bench's primes.
// Doubling reaches the cap of tiny tasks within nine calls.
func (f *prefetch) observe(d time.Duration) {
	if f.perCall == 0 {
		f.perCall = d
	} else {
		// An average over about eight calls: one slow call (a page
		// fault, a preempted worker) moves it by an eighth.
		f.perCall += (d - f.perCall) / 8
	}
	want := maxPrefetch
	if f.perCall > 0 {
		want = int(min(max(prefetchCover/f.perCall, 2), maxPrefetch))
	}
	f.depth = min(want, 2*max(f.depth, 2))
}

// calls is how many calls the worker may hold, the running one included.
func (f *prefetch) calls() int { return max(f.depth, 2) }
