package pool_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// note is what producers put: who sent it and its number in that
// producer's sequence.
type note struct{ Producer, N int }

type produceArgs struct {
	Q         *pool.Queue[note]
	Producer  int
	Count     int
	ExitAfter bool // die with os.Exit once every item is put
}

var produce = pool.NewTask("produce", func(ctx context.Context, a produceArgs) (int, error) {
	for n := range a.Count {
		if err := a.Q.Put(ctx, note{a.Producer, n}); err != nil {
			return n, err
		}
	}
	if a.ExitAfter {
		os.Exit(13)
	}
	return a.Count, nil
})

// drain reads the queue until it is closed, checking that each producer's
// items arrive once and in order; it returns how many came from each.
func drain(t *testing.T, q *pool.Queue[note]) map[int]int {
	t.Helper()
	next := map[int]int{}
	for it := range q.All(t.Context()) {
		require.Equal(t, next[it.Producer], it.N, "producer %d: lost, duplicated or reordered", it.Producer)
		next[it.Producer]++
	}
	return next
}

// closeWhenDone closes the queue once every future is done.
func closeWhenDone[R any](t *testing.T, q *pool.Queue[note], fs []*pool.Future[R]) {
	go func() {
		pool.Wait(context.Background(), fs, pool.AllCompleted)
		q.Close()
	}()
}

// Tasks put progress into a queue that the parent reads while they run.
func TestQueueCarriesItemsFromTasks(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 3, Backend: b})
		q, err := pool.NewQueue[note](p, 8)
		require.NoError(t, err)
		var fs []*pool.Future[int]
		for i := range 5 {
			fs = append(fs, pool.Submit(t.Context(), p, produce, produceArgs{Q: q, Producer: i, Count: 100}))
		}
		closeWhenDone(t, q, fs)
		got := drain(t, q)
		require.Equal(t, map[int]int{0: 100, 1: 100, 2: 100, 3: 100, 4: 100}, got)
		for _, f := range fs {
			require.NoError(t, f.Err())
		}
	})
}

// 200,000 items from four workers at once arrive exactly once each, in
// order per producer.
func TestQueueUnderLoad(t *testing.T) {
	const producers, each = 4, 50_000
	p := newPool(t, pool.Config{Workers: producers})
	q, err := pool.NewQueue[note](p, 256)
	require.NoError(t, err)
	start := time.Now()
	var fs []*pool.Future[int]
	for i := range producers {
		fs = append(fs, pool.Submit(t.Context(), p, produce, produceArgs{Q: q, Producer: i, Count: each}))
	}
	closeWhenDone(t, q, fs)
	got := drain(t, q)
	elapsed := time.Since(start)
	for i := range producers {
		require.Equal(t, each, got[i])
	}
	st := p.Stats()
	t.Logf("%d items through the queue in %v (%.0f items/s); %d messages received by the parent",
		producers*each, elapsed.Round(time.Millisecond), float64(producers*each)/elapsed.Seconds(), st.MessagesReceived)
}

// Put waits while the queue is full: a producer never gets more than
// capacity items ahead of the reader.
func TestQueueBackpressure(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		q, err := pool.NewQueue[note](p, 3)
		require.NoError(t, err)
		f := pool.Submit(t.Context(), p, produce, produceArgs{Q: q, Count: 10})
		require.Eventually(t, func() bool { return q.Len() == 3 }, 30*time.Second, time.Millisecond)
		time.Sleep(50 * time.Millisecond)
		require.Equal(t, 3, q.Len(), "the queue must not grow past its capacity")
		require.Equal(t, pool.Running, f.State(), "the producer waits in Put")
		closeWhenDone(t, q, []*pool.Future[int]{f})
		require.Equal(t, map[int]int{0: 10}, drain(t, q))
	})
}

// A Put waiting for room gives up when the task's ctx ends.
func TestQueuePutHonoursCtx(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		q, err := pool.NewQueue[note](p, 1)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := pool.Submit(ctx, p, produce, produceArgs{Q: q, Count: 5})
		// One item fits; the producer then waits in its second Put.
		require.Eventually(t, func() bool { return q.Len() == 1 }, 30*time.Second, time.Millisecond)
		cancel()
		require.ErrorIs(t, f.Err(), context.Canceled)
		require.Equal(t, 1, q.Len(), "only the item that fitted is in the queue")
	})
}

// A Put that finds room does not wait, and so does not look at its
// context: the parent's Put with an ended context puts its item, and only
// the Put that would wait for room returns the context's error.
func TestQueuePutWithRoomIgnoresAnEndedCtx(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	q, err := pool.NewQueue[note](p, 1)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.NoError(t, q.Put(ctx, note{}))
	require.ErrorIs(t, q.Put(ctx, note{}), context.Canceled)
	require.Equal(t, 1, q.Len())
}

// A worker that dies loses nothing it had put.
func TestQueueKeepsItemsOfADeadWorker(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2, Stderr: discard{}})
	q, err := pool.NewQueue[note](p, 1000)
	require.NoError(t, err)
	f := pool.Submit(t.Context(), p, produce, produceArgs{Q: q, Count: 500, ExitAfter: true})
	require.ErrorIs(t, f.Err(), pool.ErrWorkerDied)
	require.NoError(t, q.Close())
	require.Equal(t, map[int]int{0: 500}, drain(t, q))
}

// Misuse gets clear errors: Put after Close, Get after Close when drained,
// a queue that belongs to no pool, a bad capacity.
func TestQueueErrors(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		q, err := pool.NewQueue[note](p, 4)
		require.NoError(t, err)
		require.NoError(t, q.Put(t.Context(), note{N: 1}))
		require.NoError(t, q.Close())
		require.NoError(t, q.Close(), "Close is idempotent")
		require.ErrorIs(t, q.Put(t.Context(), note{}), pool.ErrQueueClosed)
		_, err = pool.Submit(t.Context(), p, produce, produceArgs{Q: q, Count: 1}).Result()
		require.ErrorContains(t, err, "the queue is closed")
		v, err := q.Get(t.Context())
		require.NoError(t, err)
		require.Equal(t, 1, v.N)
		_, err = q.Get(t.Context())
		require.ErrorIs(t, err, pool.ErrQueueClosed)
	})
	var zero pool.Queue[note]
	require.ErrorIs(t, zero.Put(t.Context(), note{}), pool.ErrQueueUnbound)
	_, err := zero.Get(t.Context())
	require.ErrorIs(t, err, pool.ErrQueueUnbound)
	p := newPool(t, pool.Config{Workers: 1})
	_, err = pool.NewQueue[note](p, 0)
	require.ErrorContains(t, err, "capacity 0")
	_, err = pool.Submit(t.Context(), p, produce, produceArgs{Count: 1}).Result()
	require.ErrorContains(t, err, "belongs to no pool", "a nil queue")
	require.False(t, errors.Is(err, pool.ErrWorkerDied))
}
