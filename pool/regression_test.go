package pool_test

import (
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// Regressions that CPython's suite pins down for ProcessPoolExecutor, ported
// to this pool. Each test names the CPython test it ports.

// Ports test_shutdown_race_issue12456: Map over more items than workers,
// then shut down at once: nothing blocks.
func TestShutdownRightAfterMap(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	next, stop := iter.Pull2(pool.Map(t.Context(), p, square, slices.Values(make([]int, 100))))
	_, err, ok := next()
	require.True(t, ok)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(t.Context(), pool.ShutdownOptions{Wait: true, CancelPending: true}) }()
	stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		require.Fail(t, "Shutdown blocked")
	}
}

// Ports test_hang_gh94440: submit, cancel at once, then Close returns.
func TestCloseAfterAQuickCancel(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		f := pool.Submit(t.Context(), p, sleepTask, time.Millisecond)
		f.Cancel()
		requireClosesWithin(t, p, 5*time.Second, "Close hung after a cancel")
	})
}

// Ports test_max_tasks_early_shutdown: a limit of 1, six tasks, and an
// immediate Close: every result is right.
func TestMaxTasksWithAnEarlyClose(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2, MaxTasksPerWorker: 1})
	var fs []*pool.Future[int]
	for n := range 6 {
		fs = append(fs, pool.Submit(t.Context(), p, square, n))
	}
	require.NoError(t, p.Close())
	for n, f := range fs {
		got, err := f.Result()
		require.NoError(t, err)
		require.Equal(t, n*n, got)
	}
}

// Ports test_shutdown_no_wait_max_tasks_gh119592: after Shutdown without
// Wait, a worker leaving at its limit is still replaced and the queued
// work runs.
func TestShutdownWithoutWaitStillReplacesRetiredWorkers(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, MaxTasksPerWorker: 1})
	var fs []*pool.Future[int]
	for n := range 4 {
		fs = append(fs, pool.Submit(t.Context(), p, whoami, n))
	}
	require.NoError(t, p.Shutdown(t.Context(), pool.ShutdownOptions{}))
	pids := map[int]bool{}
	for _, f := range fs {
		pid, err := f.Result()
		require.NoError(t, err)
		pids[pid] = true
	}
	require.Len(t, pids, 4, "each task on a fresh worker")
}

// Ports test_processes_terminate and test_context_manager_shutdown: after
// Close no worker process remains, zombies included (newPool's cleanup
// checks), and results are right.
func TestCloseLeavesNoProcess(t *testing.T) {
	p, err := pool.New(pool.Config{Workers: 3})
	require.NoError(t, err)
	var fs []*pool.Future[int]
	for range 3 {
		fs = append(fs, pool.Submit(t.Context(), p, sleepTask, 50*time.Millisecond))
	}
	require.Eventually(t, func() bool { return len(childProcesses()) == 3 }, 30*time.Second, time.Millisecond)
	require.NoError(t, p.Close())
	require.Empty(t, childProcesses(), "Close returned with worker processes left")
	for _, f := range fs {
		require.NoError(t, f.Err())
	}
}
