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
		fastGate, slowGate := newGate(t), newGate(t)
		defer slowGate.open()
		fast := pool.Submit(t.Context(), p, waitGate, fastGate.path())
		slow := pool.Submit(t.Context(), p, waitGate, slowGate.path())
		fastGate.open()
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
		slowGate, otherGate := newGate(t), newGate(t)
		defer slowGate.open()
		slow := pool.Submit(t.Context(), p, waitGate, slowGate.path())
		other := pool.Submit(t.Context(), p, waitGate, otherGate.path())
		waitState(t, slow, pool.Running)
		waitState(t, other, pool.Running)
		// Both workers are busy: these two wait.
		cancelled := pool.Submit(t.Context(), p, square, 1)
		require.True(t, cancelled.Cancel())
		failing := pool.Submit(t.Context(), p, panicky, "fails")
		otherGate.open()
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

	g := newGate(t)
	defer g.open()
	slow := pool.Submit(t.Context(), p, waitGate, g.path())
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	done, notDone = pool.Wait(ctx, []*pool.Future[int]{a, slow}, pool.AllCompleted)
	require.Equal(t, []*pool.Future[int]{a}, done)
	require.Equal(t, []*pool.Future[int]{slow}, notDone)
	require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
}

// Ports test_as_completed's cases: finished futures first, each future once,
// in the order they finish, and an early stop when ctx ends.
func TestAsCompleted(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		first := pool.Submit(t.Context(), p, square, 3)
		require.NoError(t, first.Err())
		slowGate, fastGate := newGate(t), newGate(t)
		slow := pool.Submit(t.Context(), p, waitGate, slowGate.path())
		fast := pool.Submit(t.Context(), p, waitGate, fastGate.path())
		var order []*pool.Future[int]
		for f := range pool.AsCompleted(t.Context(), []*pool.Future[int]{slow, fast, first, fast}) {
			order = append(order, f)
			switch f { // each finish lets the next one go
			case first:
				fastGate.open()
			case fast:
				slowGate.open()
			}
		}
		require.Equal(t, []*pool.Future[int]{first, fast, slow}, order)

		neverGate := newGate(t)
		defer neverGate.open()
		never := pool.Submit(t.Context(), p, waitGate, neverGate.path())
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		n := 0
		for range pool.AsCompleted(ctx, []*pool.Future[int]{never}) {
			n++
		}
		require.Zero(t, n)
		require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	})
}
