package pool_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The edges where the pool once lost data or hung: each test here failed
// before the call lifecycle had one owner.

// collectUntilError is the loop every caller writes: results until the first error.
func collectUntilError[R any](seq func(func(R, error) bool)) ([]R, error) {
	var out []R
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Map and MapUnordered never end early without an error that says why: a
// context cancelled before the call, or while nothing is in flight, is
// yielded once.
func TestMapYieldsTheEndOfItsContext(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		endless := func(yield func(int) bool) {
			for i := 0; yield(i); i++ {
			}
		}

		t.Run("cancelled before the call", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			got, err := collectUntilError(pool.Map(ctx, p, square, endless))
			require.ErrorIs(t, err, context.Canceled)
			require.Empty(t, got)
			var items []pool.Item[int]
			for it := range pool.MapUnordered(ctx, p, square, endless) {
				items = append(items, it)
			}
			require.Len(t, items, 1)
			require.Equal(t, -1, items[0].Index)
			require.ErrorIs(t, items[0].Err, context.Canceled)
		})

		// With Buffer(1), or a buffer of one chunk, nothing is in flight
		// while the loop body runs: cancelling there used to end the loop
		// silently.
		for _, opts := range [][]pool.Option{{pool.Buffer(1)}, {pool.Chunksize(3), pool.Buffer(3)}} {
			t.Run(fmt.Sprintf("cancelled in the loop, %d options", len(opts)), func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				n := 0
				var last error
				for _, err := range pool.Map(ctx, p, square, endless, opts...) {
					if err != nil {
						last = err
						break
					}
					if n++; n == 5 {
						cancel()
					}
				}
				require.ErrorIs(t, last, context.Canceled)
				require.Equal(t, 5, n)

				ctx, cancel = context.WithCancel(t.Context())
				defer cancel()
				n, last = 0, nil
				for it := range pool.MapUnordered(ctx, p, square, endless, opts...) {
					if it.Err != nil {
						last = it.Err
						break
					}
					if n++; n == 5 {
						cancel()
					}
				}
				require.ErrorIs(t, last, context.Canceled)
				require.Equal(t, 5, n)
			})
		}
	})
}

var (
	// closePipes takes the worker's protocol pipes away from the pool, as
	// a "close every descriptor" routine would, and lives on. It puts
	// pipes of its own in their place rather than closing them: the
	// parent sees its pipes close all the same, while descriptors 3 and
	// 4 stay taken: closed, their numbers could be reused by the next
	// file the worker opens, and its own reader would then read that
	// file, fail and exit. A fresh clone's make test saw the worker end
	// by itself once (signal 0 where the pool's kill was expected).
	closePipes = pool.NewTask("closePipes", func(_ context.Context, _ int) (int, error) {
		var in, out [2]int
		if err := unix.Pipe(in[:]); err != nil {
			return 0, err
		}
		if err := unix.Pipe(out[:]); err != nil {
			return 0, err
		}
		if err := replaceFD(in[0], 3); err != nil {
			return 0, err
		}
		if err := replaceFD(out[1], 4); err != nil {
			return 0, err
		}
		time.Sleep(time.Hour)
		return 0, nil
	})
)

// A worker whose pipes close while its process lives on can no longer
// answer: it is killed after a bounded grace, its call fails with a
// WorkerError that says why, and Close returns.
func TestWorkerThatClosesItsPipesIsKilled(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Stderr: discard{}})
	err := pool.Submit(t.Context(), p, closePipes, 0).Err()
	var we *pool.WorkerError
	require.ErrorAs(t, err, &we)
	require.Equal(t, syscall.SIGKILL, we.Signal)
	require.Contains(t, we.Reason, "closed its pipes")
	require.Contains(t, err.Error(), "the pool killed it because it closed its pipes")
	require.NoError(t, pool.Submit(t.Context(), p, square, 3).Err(), "a replacement serves")
}

// A worker that stops answering (here: stopped by SIGSTOP) while a drop
// request waits for it is killed after a bounded grace: the call that was
// to be dropped never ran, so Cancel reports true, and the running call
// fails with a WorkerError that says why.
func TestWorkerThatStopsAnsweringIsKilled(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Stderr: discard{}})
	running := pool.Submit(t.Context(), p, sleepTask, time.Hour)
	queued := pool.Submit(t.Context(), p, square, 2) // prefetched by the same worker
	waitState(t, running, pool.Running)
	kids := childProcesses()
	require.Len(t, kids, 1)
	require.NoError(t, syscall.Kill(kids[0], syscall.SIGSTOP))
	waitStopped(t, kids[0])

	require.True(t, queued.Cancel())
	require.ErrorIs(t, queued.Err(), context.Canceled)
	err := running.Err()
	var we *pool.WorkerError
	require.ErrorAs(t, err, &we)
	require.Contains(t, we.Reason, "did not answer")
	require.NoError(t, pool.Submit(t.Context(), p, square, 3).Err(), "a replacement serves")
}

// waitStopped waits until the process is stopped by a signal: kill(2)
// returns before the stop takes effect.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		require.NoError(t, err)
		if fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); fields[0] == "T" {
			return
		}
		select {
		case <-t.Context().Done():
			require.Failf(t, "not stopped", "process %d never stopped", pid)
		case <-time.After(time.Millisecond):
		}
	}
}

// waitState waits until f is in state s.
func waitState[R any](t *testing.T, f *pool.Future[R], s pool.State) {
	t.Helper()
	for f.State() != s {
		select {
		case <-t.Context().Done():
			require.Failf(t, "wrong state", "the future never became %v", s)
		case <-time.After(time.Millisecond):
		}
	}
}

// Cancel returning true means the future is done at that moment, as in
// Python, also when the call had been sent to a worker and the worker's
// answer decided it.
func TestCancelTrueMeansDone(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		for range 300 {
			g := newGate(t)
			running := pool.Submit(t.Context(), p, waitGate, g.path())
			waitState(t, running, pool.Running)
			queued := pool.Submit(t.Context(), p, square, 2)
			require.True(t, queued.Cancel())
			select {
			case <-queued.Done():
			default:
				require.Fail(t, "Cancel returned true before the future was done")
			}
			require.Equal(t, pool.Done, queued.State())
			done, _ := pool.Wait(t.Context(), []*pool.Future[int]{queued}, pool.FirstCompleted)
			require.Len(t, done, 1)
			g.open()
			require.NoError(t, running.Err())
		}
	})
}

// lineWriter records each Write a pool makes to Config.Stderr or Stdout. It
// is not safe for concurrent use, as a bytes.Buffer is not: the pool must
// not call it from two goroutines at once.
type lineWriter struct {
	mu      sync.Mutex // only to detect overlapping calls, never to wait
	writes  []string
	overlap bool
	lines   atomic.Int64 // newlines written, for a test to wait on
}

func (w *lineWriter) Write(b []byte) (int, error) {
	w.lines.Add(int64(bytes.Count(b, []byte("\n"))))
	if !w.mu.TryLock() {
		w.overlap = true
		return len(b), nil
	}
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(b))
	return len(b), nil
}

var logLines = pool.NewTask("logLines", func(_ context.Context, a logArgs) (int, error) {
	out := os.Stderr
	if a.Stdout {
		out = os.Stdout
	}
	// Each line goes out in two writes, so that a relay that passes on
	// what it reads splices lines of two workers.
	for i := range a.N {
		fmt.Fprintf(out, "worker %d line %d: %s", os.Getpid(), i, strings.Repeat("x", 100))
		fmt.Fprintf(out, "%s end\n", strings.Repeat("y", 100))
	}
	if a.Partial != "" {
		fmt.Fprint(out, a.Partial)
		os.Exit(3)
	}
	return a.N, nil
})

type logArgs struct {
	N       int
	Stdout  bool
	Partial string // written without a newline, then the worker exits
}

// What workers write to stderr, or to a Config.Stdout that is not a file,
// arrives one whole line at a time, from one goroutine at a time; a partial
// last line is passed on when its worker exits.
func TestWorkerOutputArrivesInWholeLines(t *testing.T) {
	for _, stdout := range []bool{false, true} {
		t.Run(fmt.Sprintf("stdout %v", stdout), func(t *testing.T) {
			var w lineWriter
			cfg := pool.Config{Workers: 2, Stderr: &w}
			if stdout {
				cfg = pool.Config{Workers: 2, Stdout: &w}
			}
			p, err := pool.New(cfg)
			require.NoError(t, err)
			a := pool.Submit(t.Context(), p, logLines, logArgs{N: 2000, Stdout: stdout})
			b := pool.Submit(t.Context(), p, logLines, logArgs{N: 2000, Stdout: stdout})
			require.NoError(t, a.Err())
			require.NoError(t, b.Err())
			// The relays pass lines on after the tasks end: the partial line
			// can only be the last write once the others are all through.
			require.Eventually(t, func() bool { return w.lines.Load() == 4000 }, 30*time.Second, time.Millisecond)
			err = pool.Submit(t.Context(), p, logLines, logArgs{Stdout: stdout, Partial: "the last words"}).Err()
			require.ErrorIs(t, err, pool.ErrWorkerDied)
			require.NoError(t, p.Close())

			require.False(t, w.overlap, "two goroutines wrote at once")
			all := strings.Join(w.writes, "")
			line := regexp.MustCompile(`^worker \d+ line \d+: x{100}y{100} end$`)
			n := 0
			for l := range strings.Lines(all) {
				l = strings.TrimSuffix(l, "\n")
				if l == "the last words" {
					continue
				}
				require.Regexp(t, line, l)
				n++
			}
			require.Equal(t, 4000, n)
			require.True(t, strings.HasSuffix(all, "the last words"), "the partial last line is passed on")
			for _, s := range w.writes[:len(w.writes)-1] {
				require.True(t, strings.HasSuffix(s, "\n"), "a write ends a line: %q", s[max(0, len(s)-20):])
			}
		})
	}
}

var (
	dieInInit = pool.NewTask("dieInInit", func(_ context.Context, _ struct{}) (struct{}, error) {
		if f, err := os.OpenFile(os.Getenv("POOL_TEST_INIT_LOG"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
			fmt.Fprintln(f, os.Getpid())
			f.Close()
		}
		os.Exit(3)
		return struct{}{}, nil
	})
)

// An initializer that kills its worker is named in the error, and breaks
// the pool after that first death: the waiting work fails with the same
// error as later work, and no worker is started for each task.
func TestInitializerThatKillsItsWorker(t *testing.T) {
	log := t.TempDir() + "/starts"
	t.Setenv("POOL_TEST_INIT_LOG", log)
	p := newPool(t, pool.Config{Workers: 1, Initializer: dieInInit, Stderr: discard{}})
	var fs []*pool.Future[int]
	for i := range 5 {
		fs = append(fs, pool.Submit(t.Context(), p, square, i))
	}
	first := fs[0].Err()
	var we *pool.WorkerError
	require.ErrorAs(t, first, &we)
	require.True(t, we.Initializer)
	require.Equal(t, "dieInInit", we.Task)
	require.Equal(t, 3, we.ExitCode)
	require.Contains(t, first.Error(), `initializer "dieInInit"`)
	require.NotContains(t, first.Error(), "pool.Main")
	for _, f := range fs[1:] {
		require.Equal(t, first.Error(), f.Err().Error())
	}
	later := pool.Submit(t.Context(), p, square, 9).Err()
	require.Equal(t, first.Error(), later.Error())
	require.ErrorIs(t, later, pool.ErrWorkerDied)

	b, err := os.ReadFile(log)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), "\n"), "one worker died in the initializer; none was started after it")
}

// The initializer's own failure gives the first future the same error as
// later ones, under both backends.
func TestInitializerErrorIsTheSameForEveryFuture(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b, Initializer: failingInit, Stderr: discard{}})
		first := pool.Submit(t.Context(), p, square, 1).Err()
		second := pool.Submit(t.Context(), p, square, 2).Err()
		require.Error(t, first)
		require.Equal(t, first.Error(), second.Error())
		var te1, te2 *pool.TaskError
		require.ErrorAs(t, first, &te1)
		require.ErrorAs(t, second, &te2)
	})
}

var (
	logStale = pool.NewTask("logStale", func(_ context.Context, _ int) (int, error) {
		fmt.Fprintln(os.Stderr, "panic: this is only a log line of an earlier task")
		fmt.Fprintln(os.Stderr, "and the task went on")
		return 0, nil
	})
	fillThenExit = pool.NewTask("fillThenExit", func(_ context.Context, n int) (int, error) {
		w := bufio.NewWriter(os.Stderr)
		for i := range n {
			fmt.Fprintf(w, "filler line %d\n", i)
		}
		w.Flush()
		os.Exit(4)
		return 0, nil
	})
)

// The headline of a WorkerError comes from the death it explains: a
// "panic:" line that an earlier task merely logged is never shown for a
// later, unrelated crash, while the runtime's own headline survives a long
// dump.
func TestCrashHeadlineComesFromThisDeath(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1, Stderr: discard{}})
	require.NoError(t, pool.Submit(t.Context(), p, logStale, 0).Err())
	err := pool.Submit(t.Context(), p, fillThenExit, 2000).Err()
	var we *pool.WorkerError
	require.ErrorAs(t, err, &we)
	require.Equal(t, 4, we.ExitCode)
	require.NotContains(t, we.Stderr, "earlier task")
	require.NotContains(t, err.Error(), "earlier task")

	// A real Go crash with a long dump keeps its headline.
	err = pool.Submit(t.Context(), p, deepPanic, 50).Err()
	require.ErrorAs(t, err, &we)
	require.True(t, strings.HasPrefix(we.Stderr, "panic: deep\n"), "headline first: %.80q", we.Stderr)
	require.Contains(t, err.Error(), "(panic: deep)")
}

// deepPanic panics in a goroutine of its own, n frames deep, so that the
// runtime's dump runs far past the tail a WorkerError keeps.
var deepPanic = pool.NewTask("deepPanic", func(_ context.Context, n int) (int, error) {
	debug.SetTraceback("all") // every goroutine's stack: a dump far past the tail
	block := make(chan struct{})
	for range 200 {
		go func() { <-block }()
	}
	var deep func(int)
	deep = func(i int) {
		if i == 0 {
			panic("deep")
		}
		deep(i - 1)
	}
	done := make(chan struct{})
	go func() { deep(n); close(done) }()
	<-done
	return 0, nil
})

// Protocol frames from a worker that breaks the protocol are refused with
// an error, never a panic: see FuzzParseFromWorker for the parser itself.
// Here a task writes garbage on the result pipe and the pool goes on.
func TestWorkerThatBreaksTheProtocol(t *testing.T) {
	var stderr lineWriter
	p := newPool(t, pool.Config{Workers: 1, Stderr: &stderr})
	err := pool.Submit(t.Context(), p, writeGarbage, 0).Err()
	var we *pool.WorkerError
	require.ErrorAs(t, err, &we)
	require.Contains(t, we.Reason, "broke the protocol")
	require.NoError(t, pool.Submit(t.Context(), p, square, 3).Err())
}

var writeGarbage = pool.NewTask("writeGarbage", func(_ context.Context, _ int) (int, error) {
	f := os.NewFile(4, "results")
	var frame bytes.Buffer
	frame.Write([]byte{0, 0, 0, 2, 'Z', 0}) // a frame of an unknown kind
	f.Write(frame.Bytes())
	time.Sleep(time.Hour)
	return 0, nil
})
