package pool_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The crash matrix of CPython's test_deadlock.py. CPython breaks the whole
// pool for most rows; here only the future concerned fails, every other
// task finishes, and the pool keeps serving.
func TestCrashMatrix(t *testing.T) {
	type check func(t *testing.T, err error)
	workerDied := func(code int, sig syscall.Signal) check {
		return func(t *testing.T, err error) {
			require.ErrorIs(t, err, pool.ErrWorkerDied)
			var we *pool.WorkerError
			require.ErrorAs(t, err, &we)
			require.Equal(t, code, we.ExitCode)
			require.Equal(t, sig, we.Signal)
			require.NotZero(t, we.PID)
			require.Equal(t, 1, we.Count)
			require.NotContains(t, err.Error(), "\n")
		}
	}
	is := func(target error) check {
		return func(t *testing.T, err error) {
			if target != nil {
				require.ErrorIs(t, err, target)
			}
			require.NotErrorIs(t, err, pool.ErrWorkerDied)
		}
	}
	cases := []struct {
		name   string
		ports  string
		submit func(t *testing.T, p *pool.Pool) error
		want   check
	}{
		{"argument fails to encode in the parent", "test_error_at_task_pickle",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, refuseEncodeTask, refuseEncode{}).Err()
			}, is(pool.ErrEncode)},
		{"argument fails to decode in the worker", "test_error_at_task_unpickle",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, refuseArg, refuseDecode{}).Err()
			}, is(pool.ErrDecode)},
		{"worker exits while decoding the argument", "test_exit_at_task_unpickle",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, exitInDecode, exitOnDecode{}).Err()
			}, workerDied(5, 0)},
		{"task calls os.Exit", "test_exit_during_func_exec_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, exitTask, exitArgs{Code: 3}).Err()
			}, workerDied(3, 0)},
		{"task's process is killed by a signal", "test_crash_during_func_exec_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, killSelf, syscall.SIGKILL).Err()
			}, workerDied(-1, syscall.SIGKILL)},
		{"Go runtime fatal error in the task", "test_crash_during_func_exec_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				err := pool.Submit(t.Context(), p, fatalUnlock, 0).Err()
				require.Contains(t, err.Error(), "sync: unlock of unlocked mutex")
				return err
			}, workerDied(2, 0)},
		{"task runs out of memory", "test_crash_during_func_exec_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, exhaustMemory, 0).Err()
			}, func(t *testing.T, err error) {
				// Go's runtime dies with status 2; a worker built with
				// -race may die in the race detector's allocator (66).
				var we *pool.WorkerError
				require.ErrorAs(t, err, &we)
				require.Contains(t, []int{2, 66}, we.ExitCode, "%v", err)
			}},
		{"runtime.Goexit in the task", "test_exit_during_func_exec_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				err := pool.Submit(t.Context(), p, goexitTask, 0).Err()
				require.EqualError(t, err, "panic: task called runtime.Goexit")
				return err
			}, is(error(nil))},
		{"result fails to encode in the worker", "test_error_during_result_pickle_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, anyResult, 0).Err()
			}, is(pool.ErrEncode)},
		{"worker exits while encoding the result", "test_exit_during_result_pickle_on_worker",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, exitInEncode, 0).Err()
			}, workerDied(6, 0)},
		{"result fails to decode in the parent", "test_error_during_result_unpickle_in_result_handler",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, refuseResult, 0).Err()
			}, is(pool.ErrDecode)},
		{"argument's encoder panics in the parent", "test_error_at_task_pickle",
			func(t *testing.T, p *pool.Pool) error {
				err := pool.Submit(t.Context(), p, panicArg, panicOnEncode{}).Err()
				require.ErrorContains(t, err, "an encoder bug")
				return err
			}, is(pool.ErrEncode)},
		{"result's decoder panics in the parent", "test_error_during_result_unpickle_in_result_handler",
			func(t *testing.T, p *pool.Pool) error {
				err := pool.Submit(t.Context(), p, panicResult, 0).Err()
				require.ErrorContains(t, err, "a decoder bug")
				return err
			}, is(pool.ErrDecode)},
		{"worker dies with a pipe-sized result in flight", "test_crash_big_data",
			func(t *testing.T, p *pool.Pool) error {
				return pool.Submit(t.Context(), p, bigThenExit, 8<<20).Err()
			}, workerDied(7, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Logf("ports CPython's %s", tc.ports)
			p := newPool(t, pool.Config{Workers: 2, Stderr: discard{}})
			// A task on the other worker runs through the crash.
			g := newGate(t)
			other := pool.Submit(t.Context(), p, waitGate, g.path())
			require.Eventually(t, func() bool { return other.State() == pool.Running }, 30*time.Second, time.Millisecond)
			err := tc.submit(t, p)
			require.Error(t, err)
			tc.want(t, err)
			require.Equal(t, pool.Running, other.State(), "the task on the other worker stopped running at the crash")
			g.open()
			_, err = other.Result()
			require.NoError(t, err, "a task on another worker must not be lost")
			got, err := pool.Submit(t.Context(), p, square, 7).Result()
			require.NoError(t, err, "the pool must keep serving")
			require.Equal(t, 49, got)
		})
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// A crashing task in a Map fails its own chunk only: the items of the other
// chunks, queued or running, all come back.
func TestCrashInMapFailsOnlyItsChunk(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2, Stderr: discard{}})
	inputs := make([]failArgs, 40)
	for i := range inputs {
		inputs[i] = failArgs{N: i, Bad: -1}
	}
	var got []int
	var failed []int
	i := 0
	for v, err := range pool.Map(t.Context(), p, crashIf, slices.Values(inputs), pool.Chunksize(5)) {
		if err != nil {
			var we *pool.WorkerError
			require.ErrorAs(t, err, &we)
			require.Equal(t, 10, we.Index)
			require.Equal(t, 5, we.Count)
			failed = append(failed, i)
		} else {
			got = append(got, v)
		}
		i++
	}
	require.Equal(t, []int{10, 11, 12, 13, 14}, failed)
	require.Len(t, got, 35)
}

// crashIf kills its worker on item 13.
var crashIf = pool.NewTask("crashIf", func(_ context.Context, a failArgs) (int, error) {
	if a.N == 13 {
		os.Exit(9)
	}
	return a.N, nil
})

// A worker that dies with calls queued in its pipe loses none of them: they
// are re-run on a replacement, in order.
func TestQueuedWorkSurvivesACrash(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Stderr: discard{}})
	crash := pool.Submit(t.Context(), p, exitTask, exitArgs{Code: 4, After: 100 * time.Millisecond})
	var fs []*pool.Future[int]
	for n := range 10 {
		fs = append(fs, pool.Submit(t.Context(), p, square, n))
	}
	require.ErrorIs(t, crash.Err(), pool.ErrWorkerDied)
	for n, f := range fs {
		got, err := f.Result()
		require.NoError(t, err)
		require.Equal(t, n*n, got)
	}
}

// Ports test_shutdown_deadlock: a worker that crashes while Close waits does
// not hang Close.
func TestCrashDuringClose(t *testing.T) {
	p, err := pool.New(pool.Config{Workers: 2, Stderr: discard{}})
	require.NoError(t, err)
	crash := pool.Submit(t.Context(), p, exitTask, exitArgs{Code: 1, After: 100 * time.Millisecond})
	ok := pool.Submit(t.Context(), p, sleepTask, 200*time.Millisecond)
	require.NoError(t, p.Close())
	require.ErrorIs(t, crash.Err(), pool.ErrWorkerDied)
	require.NoError(t, ok.Err())
	requireNoLeaks(t)
}

// The WorkerError of a Go fatal error names the runtime's own headline and
// keeps the stack dump in Stderr.
func TestWorkerErrorCarriesStderr(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Stderr: discard{}})
	err := pool.Submit(t.Context(), p, fatalUnlock, 0).Err()
	var we *pool.WorkerError
	require.True(t, errors.As(err, &we))
	require.Contains(t, we.Stderr, "fatal error: sync: unlock of unlocked mutex")
	require.Contains(t, we.Stderr, "goroutine")
	require.Equal(t, "fatalUnlock", we.Task)
	require.Regexp(t, `^pool: worker \d+ died running task "fatalUnlock": exit status 2 \(fatal error: sync: unlock of unlocked mutex\)$`, err.Error())
}

// exhaustMemory caps its worker's address space a little above what it
// uses, then allocates until the Go runtime dies of "out of memory", as a
// worker does when a task outgrows the memory the system gives it.
var exhaustMemory = pool.NewTask("exhaustMemory", func(_ context.Context, _ int) (int, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	var vmKB uint64
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			vmKB, _ = strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	limit := vmKB<<10 + 256<<20
	if err := unix.Setrlimit(unix.RLIMIT_AS, &unix.Rlimit{Cur: limit, Max: limit}); err != nil {
		return 0, err
	}
	var hoard [][]byte
	for {
		b := make([]byte, 32<<20)
		for i := range b {
			b[i] = 1
		}
		hoard = append(hoard, b)
	}
})
