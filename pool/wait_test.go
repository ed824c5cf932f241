package pool_test

import (
	"context"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// Ports test_first_completed: Wait returns with the first future done.
func TestWaitFirstCompleted(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		fast := pool.Submit(t.Context(), p, sleepTask, 10*time.Millisecond)
		slow := pool.Submit(t.Context(), p, sleepTask, 500*time.Millisecond)
		done, notDone := pool.Wait(t.Context(), []*pool.Future[int]{slow, fast}, pool.FirstCompleted)
		require.Equal(t, []*pool.Future[int]{fast}, done)
		require.Equal(t, []*pool.Future[int]{slow}, notDone)
	})
}

// Ports test_first_exception: Wait returns when a task fails, with the
// futures done so far; a future cancelled with Cancel does not count.
func TestWaitFirstError(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		slow := pool.Submit(t.Context(), p, sleepTask, time.Second)
		failing := pool.Submit(t.Context(), p, panicky, "fails")
		cancelled := pool.Submit(t.Context(), p, sleepTask, time.Second)
		require.True(t, cancelled.Cancel())
		done, notDone := pool.Wait(t.Context(), []*pool.Future[int]{slow, failing, cancelled}, pool.FirstError)
		require.ElementsMatch(t, []*pool.Future[int]{failing, cancelled}, done)
		require.Equal(t, []*pool.Future[int]{slow}, notDone)
	})
}

// Ports test_all_completed, test_20369 (duplicates collapse) and
// test_timeout (the split as it stands when ctx ends).
func TestWaitAllCompleted(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	a := pool.Submit(t.Context(), p, square, 2)
	bad := pool.Submit(t.Context(), p, panicky, "x")
	done, notDone := pool.Wait(t.Context(), []*pool.Future[int]{a, bad, a}, pool.AllCompleted)
	require.Equal(t, []*pool.Future[int]{a, bad}, done)
	require.Empty(t, notDone)

	slow := pool.Submit(t.Context(), p, sleepTask, 2*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	done, notDone = pool.Wait(ctx, []*pool.Future[int]{a, slow}, pool.AllCompleted)
	require.Equal(t, []*pool.Future[int]{a}, done)
	require.Equal(t, []*pool.Future[int]{slow}, notDone)
	require.True(t, slow.Cancel() || slow.State() == pool.Running)
}

// Ports test_as_completed's cases: finished futures first, each future once,
// and an early stop when ctx ends.
func TestAsCompleted(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		first := pool.Submit(t.Context(), p, square, 3)
		require.NoError(t, first.Err())
		slow := pool.Submit(t.Context(), p, sleepTask, 200*time.Millisecond)
		fast := pool.Submit(t.Context(), p, sleepTask, 10*time.Millisecond)
		var order []*pool.Future[int]
		for f := range pool.AsCompleted(t.Context(), []*pool.Future[int]{slow, fast, first, fast}) {
			order = append(order, f)
		}
		require.Equal(t, []*pool.Future[int]{first, fast, slow}, order)

		never := pool.Submit(t.Context(), p, sleepTask, 2*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		n := 0
		for range pool.AsCompleted(ctx, []*pool.Future[int]{never}) {
			n++
		}
		require.Zero(t, n)
		require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		never.Cancel()
	})
}
