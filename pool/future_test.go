package pool_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// Ports test_submit: a submitted task's result comes back.
func TestSubmitReturnsResult(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		got, err := pool.Submit(t.Context(), p, square, 16).Result()
		require.NoError(t, err)
		require.Equal(t, 256, got)
	})
}

// The lecture's factorials, submitted together and collected in order.
func TestSubmitManyKeepsEachResult(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 4, Backend: b})
		var fs []*pool.Future[int]
		for n := range 50 {
			fs = append(fs, pool.Submit(t.Context(), p, square, n))
		}
		for n, f := range fs {
			got, err := f.Result()
			require.NoError(t, err)
			require.Equal(t, n*n, got)
			require.Equal(t, pool.Done, f.State())
		}
	})
}

// Ports test_traceback: the task's error arrives with its message, type and
// the worker's pid.
func TestTaskErrorCrossesTheBoundary(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		ok := pool.Submit(t.Context(), p, divide, divArgs{10, 2})
		bad := pool.Submit(t.Context(), p, divide, divArgs{5, 0})
		v, err := ok.Result()
		require.NoError(t, err)
		require.Equal(t, 5.0, v)
		_, err = bad.Result()
		require.EqualError(t, err, "cannot divide by zero")
		var te *pool.TaskError
		require.ErrorAs(t, err, &te)
		require.Equal(t, "divide", te.Task)
		require.Equal(t, "*errors.errorString", te.Type)
		require.False(t, te.Panicked)
		require.NotZero(t, te.PID)
		if b == pool.Goroutines {
			require.Equal(t, os.Getpid(), te.PID)
		} else {
			require.NotEqual(t, os.Getpid(), te.PID)
		}
	})
}

// A panic in a task is a TaskError with the panic trace, not a dead worker.
func TestTaskPanicIsATaskError(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		_, err := pool.Submit(t.Context(), p, panicky, "boom").Result()
		require.EqualError(t, err, "panic: boom")
		var te *pool.TaskError
		require.ErrorAs(t, err, &te)
		require.True(t, te.Panicked)
		require.Contains(t, te.Stack, "panic")
		require.Contains(t, te.Stack, "pool_test")
		require.NotErrorIs(t, err, pool.ErrWorkerDied)
		// The same worker goes on serving.
		got, err := pool.Submit(t.Context(), p, square, 3).Result()
		require.NoError(t, err)
		require.Equal(t, 9, got)
	})
}

// Ports test_future.py's state machine: Pending, then Running once a worker
// acknowledged the task, then Done.
func TestFutureStates(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		g := newGate(t)
		running := pool.Submit(t.Context(), p, waitGate, g.path())
		queued := pool.Submit(t.Context(), p, sleepTask, time.Millisecond)
		require.Eventually(t, func() bool { return running.State() == pool.Running }, 30*time.Second, time.Millisecond)
		require.Equal(t, pool.Pending, queued.State())
		g.open()
		_, err := running.Result()
		require.NoError(t, err)
		require.Equal(t, pool.Done, running.State())
		_, err = queued.Result()
		require.NoError(t, err)
	})
}

// Ports test_cancel: Cancel succeeds while pending, never while running or
// done, and a cancelled task never runs.
func TestCancelOnlyWhilePending(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		g := newGate(t)
		running := pool.Submit(t.Context(), p, waitGate, g.path())
		require.Eventually(t, func() bool { return running.State() == pool.Running }, 30*time.Second, time.Millisecond)
		// The second task may already sit in the worker's pipe; it is
		// still pending and cancellable.
		pending := pool.Submit(t.Context(), p, printer, "this must never print")
		third := pool.Submit(t.Context(), p, square, 4)
		require.False(t, running.Cancel())
		require.True(t, pending.Cancel())
		require.True(t, pending.Cancel(), "cancelling twice still reports cancelled")
		_, err := pending.Result()
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, pool.Done, pending.State())
		g.open()
		_, err = running.Result()
		require.NoError(t, err)
		require.False(t, running.Cancel())
		got, err := third.Result()
		require.NoError(t, err)
		require.Equal(t, 16, got)
	})
}

// Ports the done-callback tests: callbacks run once, in order, also when
// added after completion, and a panicking one does not stop the next.
func TestOnDone(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		f := pool.Submit(t.Context(), p, sleepTask, 50*time.Millisecond)
		calls := make(chan string, 4)
		f.OnDone(func(*pool.Future[int]) { calls <- "first" })
		f.OnDone(func(*pool.Future[int]) { panic("callback panics") })
		f.OnDone(func(*pool.Future[int]) { calls <- "second" })
		require.NoError(t, f.Err())
		got := []string{<-calls, <-calls}
		f.OnDone(func(*pool.Future[int]) { calls <- "late" })
		got = append(got, <-calls)
		require.Empty(t, cmp.Diff([]string{"first", "second", "late"}, got), "callbacks (-want +got)")
	})
}

// ResultContext gives up waiting when its ctx ends and leaves the future
// alone.
func TestResultContext(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	g := newGate(t)
	f := pool.Submit(t.Context(), p, waitGate, g.path())
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	_, err := f.ResultContext(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotEqual(t, pool.Done, f.State(), "the future is left alone")
	g.open()
	_, err = f.ResultContext(t.Context())
	require.NoError(t, err)
}

// Ports test_run_after_shutdown: work given to a closed pool fails with
// ErrClosed.
func TestSubmitAfterClose(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		require.NoError(t, p.Close())
		_, err := pool.Submit(t.Context(), p, square, 2).Result()
		require.ErrorIs(t, err, pool.ErrClosed)
		for _, err := range pool.Map(t.Context(), p, square, slices.Values([]int{1, 2})) {
			require.ErrorIs(t, err, pool.ErrClosed)
		}
	})
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]pool.Config{
		"negative workers": {Workers: -1},
		"unknown backend":  {Backend: 7},
		"negative grace":   {CancelGrace: -time.Second},
		"negative procs":   {WorkerProcs: -2},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pool.New(cfg)
			require.Error(t, err)
			require.NotContains(t, err.Error(), "\n")
		})
	}
}
