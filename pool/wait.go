package pool

import (
	"context"
	"iter"
)

// WaitMode says when Wait returns.
type WaitMode int

const (
	// AllCompleted returns when every future is done.
	AllCompleted WaitMode = iota
	// FirstCompleted returns when any future is done.
	FirstCompleted
	// FirstError returns when any future fails, or when all are done. A
	// future ended by Cancel does not count as failed.
	FirstError
)

// Wait waits for the futures as mode says and returns them split into those
// done and those not done, each in the order given; a future listed twice
// appears once. When ctx ends first, Wait returns the split as it stands.
func Wait[R any](ctx context.Context, fs []*Future[R], mode WaitMode) (done, notDone []*Future[R]) {
	fs = unique(fs)
	signal := make(chan *Future[R], len(fs))
	for _, f := range fs {
		f.OnDone(func(f *Future[R]) { signal <- f })
	}
	for remaining := len(fs); remaining > 0; remaining-- {
		if stop := waitSatisfied(fs, mode); stop {
			break
		}
		select {
		case <-signal:
		case <-ctx.Done():
			return split(fs)
		}
	}
	return split(fs)
}

// waitSatisfied reports whether Wait may return before every future is done.
func waitSatisfied[R any](fs []*Future[R], mode WaitMode) bool {
	for _, f := range fs {
		select {
		case <-f.done:
		default:
			continue
		}
		switch mode {
		case FirstCompleted:
			return true
		case FirstError:
			if f.err != nil && f.err != errCancelled {
				return true
			}
		}
	}
	return false
}

func split[R any](fs []*Future[R]) (done, notDone []*Future[R]) {
	for _, f := range fs {
		select {
		case <-f.done:
			done = append(done, f)
		default:
			notDone = append(notDone, f)
		}
	}
	return done, notDone
}

func unique[R any](fs []*Future[R]) []*Future[R] {
	seen := make(map[*Future[R]]bool, len(fs))
	out := make([]*Future[R], 0, len(fs))
	for _, f := range fs {
		if f != nil && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// AsCompleted yields each future once as it finishes: those already done
// first, in the order given, then the others in the order they finish. It
// stops early when ctx ends; check ctx.Err() after the loop to tell.
func AsCompleted[R any](ctx context.Context, fs []*Future[R]) iter.Seq[*Future[R]] {
	return func(yield func(*Future[R]) bool) {
		fs := unique(fs)
		var rest []*Future[R]
		for _, f := range fs {
			select {
			case <-f.done:
				if !yield(f) {
					return
				}
			default:
				rest = append(rest, f)
			}
		}
		signal := make(chan *Future[R], len(rest))
		for _, f := range rest {
			f.OnDone(func(f *Future[R]) { signal <- f })
		}
		for range rest {
			select {
			case f := <-signal:
				if !yield(f) {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}
}
