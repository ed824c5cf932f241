package pool_test

import (
	"context"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// A goroutine worker gives back a call it was sent and has not picked at
// once, under the pool's lock. Its slot is then free, and the calls queued
// behind must go to it: they used to stay queued with every worker idle,
// so that a Map started right after another was broken out of hung for
// good, its chunks queued behind the first Map's cancelled ones.
func TestAGoroutineWorkerTakesQueuedWorkAfterARecall(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Backend: pool.Goroutines})
	g := newGate(t)
	first := pool.Submit(t.Context(), p, waitGate, g.path())
	for first.State() != pool.Running {
		time.Sleep(time.Millisecond)
	}
	second := pool.Submit(t.Context(), p, square, 2) // queued: the worker runs first
	third := pool.Submit(t.Context(), p, square, 3)  // queued behind second
	// first's callbacks run on the worker's goroutine once it has sent
	// second to itself and before it picks second: the moment a recall
	// takes second back at once.
	recalled := make(chan bool, 1)
	first.OnDone(func(*pool.Future[int]) { recalled <- second.Cancel() })
	g.open()
	require.True(t, <-recalled, "second was sent, not started: Cancel takes it back")
	_, err := second.Result()
	require.ErrorIs(t, err, context.Canceled)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	n, err := third.ResultContext(ctx)
	require.NoError(t, err, "the call queued behind the recalled one never reached the idle worker")
	require.Equal(t, 9, n)
}
