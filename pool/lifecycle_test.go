package pool_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// initialized is set by the initializer in each worker process (and in the
// test process under the Goroutines backend).
var initialized string

var (
	initTask = pool.NewTask("init", func(_ context.Context, _ struct{}) (struct{}, error) {
		initialized = "ready in " + filepath.Base(os.Args[0])
		return struct{}{}, nil
	})
	readInit = pool.NewTask("readInit", func(_ context.Context, _ int) (string, error) { return initialized, nil })

	failingInit = pool.NewTask("failingInit", func(_ context.Context, _ struct{}) (struct{}, error) {
		return struct{}{}, errors.New("cannot open the database")
	})

	// crashOnce kills its worker the first time it sees a path, and
	// succeeds the next time: the file remembers across processes.
	crashOnce = pool.NewTask("crashOnce", func(_ context.Context, path string) (int, error) {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			os.WriteFile(path, nil, 0o600)
			os.Exit(11)
		}
		return os.Getpid(), nil
	})
	alwaysCrash = pool.NewTask("alwaysCrash", func(_ context.Context, _ int) (int, error) {
		os.Exit(12)
		return 0, nil
	})

	// procsSeen reports the worker's GOMAXPROCS and what a program it
	// starts would find in its environment.
	procsSeen = pool.NewTask("procsSeen", func(_ context.Context, _ int) (procs, error) {
		_, leaked := os.LookupEnv("POOLSCHOOL_PROCS")
		return procs{GOMAXPROCS: runtime.GOMAXPROCS(0), EnvGOMAXPROCS: os.Getenv("GOMAXPROCS"), Leaked: leaked}, nil
	})
)

type procs struct {
	GOMAXPROCS    int
	EnvGOMAXPROCS string
	Leaked        bool
}

// Config.WorkerProcs sets each worker's GOMAXPROCS; by default the workers
// share the parent's. Programs a task starts see the parent's environment.
func TestWorkerProcs(t *testing.T) {
	parent := runtime.GOMAXPROCS(0)
	env := os.Getenv("GOMAXPROCS")
	for name, tc := range map[string]struct {
		cfg  pool.Config
		want int
	}{
		"set":                    {pool.Config{Workers: 1, WorkerProcs: 3}, 3},
		"one worker: all CPUs":   {pool.Config{Workers: 1}, parent},
		"shared among workers":   {pool.Config{Workers: 2}, max(1, parent/2)},
		"more workers than CPUs": {pool.Config{Workers: parent + 1}, 1},
	} {
		t.Run(name, func(t *testing.T) {
			p := newPool(t, tc.cfg)
			got, err := pool.Submit(t.Context(), p, procsSeen, 0).Result()
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(procs{GOMAXPROCS: tc.want, EnvGOMAXPROCS: env}, got), "worker (-want +got)")
		})
	}
}

// Ports test_init.py: the initializer runs in each worker before its tasks.
func TestInitializerRunsFirst(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		initialized = ""
		p := newPool(t, pool.Config{Workers: 2, Backend: b, Initializer: initTask})
		got, err := pool.Submit(t.Context(), p, readInit, 0).Result()
		require.NoError(t, err)
		require.Contains(t, got, "ready in ")
	})
}

// Ports test_init.py's failing initializer: the pool breaks with the
// initializer's message, and never hangs.
func TestFailingInitializerBreaksThePool(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b, Initializer: failingInit, Stderr: discard{}})
		_, err := pool.Submit(t.Context(), p, square, 2).Result()
		require.ErrorContains(t, err, "cannot open the database")
		require.ErrorContains(t, err, `initializer "failingInit"`)
		var te *pool.TaskError
		require.ErrorAs(t, err, &te)
		_, err = pool.Submit(t.Context(), p, square, 3).Result()
		require.ErrorContains(t, err, "cannot open the database")
	})
}

// Ports test_max_tasks_per_child: with one worker and a limit of 3, the
// first three tasks share a pid, the fourth has a new one, and only one
// process exists at a time.
func TestMaxTasksPerWorker(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, MaxTasksPerWorker: 3})
	var pids []int
	for range 4 {
		pid, err := pool.Submit(t.Context(), p, whoami, 0).Result()
		require.NoError(t, err)
		pids = append(pids, pid)
	}
	require.Equal(t, pids[0], pids[1])
	require.Equal(t, pids[0], pids[2])
	require.NotEqual(t, pids[0], pids[3])
	st := p.Stats()
	require.Equal(t, 1, st.WorkersRetired)
	require.Equal(t, 2, st.WorkersStarted)
}

// Ports test_max_tasks_per_child_pending_tasks_gh115634: a backlog larger
// than the pool, with workers reaching their limit, still completes.
func TestMaxTasksPerWorkerBacklog(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b, MaxTasksPerWorker: 2})
		var fs []*pool.Future[int]
		for n := range 30 {
			fs = append(fs, pool.Submit(t.Context(), p, square, n))
		}
		for n, f := range fs {
			got, err := f.Result()
			require.NoError(t, err)
			require.Equal(t, n*n, got)
		}
		require.GreaterOrEqual(t, p.Stats().WorkersRetired, 14)
	})
}

// Retry re-runs a task whose worker died; the final error counts attempts.
func TestRetryAfterAWorkerDeath(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Stderr: discard{}})
	marker := filepath.Join(t.TempDir(), "crashed-once")
	_, err := pool.Submit(t.Context(), p, crashOnce, marker, pool.Retry(1)).Result()
	require.NoError(t, err)

	_, err = pool.Submit(t.Context(), p, alwaysCrash, 0, pool.Retry(2)).Result()
	var we *pool.WorkerError
	require.ErrorAs(t, err, &we)
	require.Equal(t, 3, we.Attempts)
	require.ErrorContains(t, err, "after 3 attempts")

	_, err = pool.Submit(t.Context(), p, square, 1, pool.Chunksize(2)).Result()
	require.ErrorContains(t, err, "Chunksize applies to Map")
	_, err = pool.Submit(t.Context(), p, square, 1, pool.Retry(-1)).Result()
	require.ErrorContains(t, err, "Retry(-1)")
}

// Stats counts workers, tasks and chunks per worker, and the messages.
func TestStats(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	n := 0
	for _, err := range pool.Map(t.Context(), p, square, slices.Values(make([]int, 100)), pool.Chunksize(10)) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 100, n)
	st := p.Stats()
	tasks, chunks := 0, 0
	for pid, k := range st.TasksByPID {
		tasks += k
		chunks += st.ChunksByPID[pid]
	}
	require.Equal(t, 100, tasks)
	require.Equal(t, 10, chunks)
	require.LessOrEqual(t, st.WorkersStarted, 2)
	// A call per chunk, and an acknowledgement and a result back, plus a
	// hello per worker; a chunk stolen back for an idle worker adds a drop
	// and its answer.
	require.GreaterOrEqual(t, st.MessagesSent, int64(10))
	require.GreaterOrEqual(t, st.MessagesReceived, int64(20+st.WorkersStarted))
	require.Contains(t, st.String(), "100 tasks in 10 chunks")
}
