package pool_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// Ports test_hang_issue12364: Close waits for every accepted task.
func TestCloseWaitsForEverything(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p, err := pool.New(pool.Config{Workers: 3, Backend: b})
		require.NoError(t, err)
		var fs []*pool.Future[int]
		for range 50 {
			fs = append(fs, pool.Submit(t.Context(), p, sleepTask, time.Millisecond))
		}
		require.NoError(t, p.Close())
		for _, f := range fs {
			require.Equal(t, pool.Done, f.State())
			require.NoError(t, f.Err())
		}
		require.NoError(t, p.Close(), "Close is idempotent")
		requireNoLeaks(t)
	})
}

// Ports test_cancel_futures: CancelPending cancels what has not started;
// what runs finishes. The tasks wait for a gate that opens only once
// Shutdown has cancelled everything else, so the split between the two is
// the same on any machine: the calls running when Shutdown came finish,
// every other one is cancelled.
func TestShutdownCancelPending(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		g := newGate(t)
		var fs []*pool.Future[int]
		for range 50 {
			fs = append(fs, pool.Submit(t.Context(), p, waitGate, g.path()))
		}
		require.Eventually(t, func() bool { return fs[0].State() == pool.Running }, 30*time.Second, time.Millisecond)
		shut := make(chan error, 1)
		go func() { shut <- p.Shutdown(t.Context(), pool.ShutdownOptions{Wait: true, CancelPending: true}) }()
		var running []*pool.Future[int]
		require.Eventually(t, func() bool {
			running = running[:0]
			for _, f := range fs {
				switch f.State() {
				case pool.Running:
					running = append(running, f)
				case pool.Pending:
					return false
				}
			}
			return true
		}, 30*time.Second, time.Millisecond, "Shutdown did not cancel the calls that had not started")
		require.Contains(t, running, fs[0])
		require.LessOrEqual(t, len(running), 2, "more calls running than workers")
		g.open()
		require.NoError(t, <-shut)
		cancelled := 0
		for _, f := range fs {
			if slices.Contains(running, f) {
				require.NoError(t, f.Err(), "a call running when Shutdown came")
				continue
			}
			require.ErrorIs(t, f.Err(), context.Canceled, "a call that had not started")
			cancelled++
		}
		require.Equal(t, 50-len(running), cancelled)
	})
}

// Shutdown without Wait returns at once and the queued work still
// finishes; Close afterwards waits for it.
func TestShutdownWithoutWait(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	var fs []*pool.Future[int]
	for range 5 {
		fs = append(fs, pool.Submit(t.Context(), p, sleepTask, 20*time.Millisecond))
	}
	require.NoError(t, p.Shutdown(t.Context(), pool.ShutdownOptions{}))
	require.NotEqual(t, pool.Done, fs[4].State(), "Shutdown without Wait returned only after the queued work")
	_, err := pool.Submit(t.Context(), p, square, 1).Result()
	require.ErrorIs(t, err, pool.ErrClosed)
	require.NoError(t, p.Close())
	for _, f := range fs {
		require.NoError(t, f.Err())
	}
}

// When Shutdown's ctx ends, running tasks are killed, pending ones never
// start, and Shutdown returns the ctx's error once the workers are gone.
func TestShutdownDeadlineKills(t *testing.T) {
	p, err := pool.New(pool.Config{Workers: 1})
	require.NoError(t, err)
	running := pool.Submit(t.Context(), p, spin, time.Minute)
	queued := pool.Submit(t.Context(), p, printer, "queued task must never run")
	require.Eventually(t, func() bool { return running.State() == pool.Running }, 30*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = p.Shutdown(ctx, pool.ShutdownOptions{Wait: true})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 10*time.Second, "Shutdown waited for the running task")
	require.ErrorIs(t, running.Err(), context.DeadlineExceeded)
	require.Error(t, queued.Err())
	requireNoLeaks(t)
}

// The ctx given to Submit governs the task: pending, it is dropped; running,
// the task's own ctx is cancelled in the worker.
func TestSubmitCtxCancelsTheTask(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		// A grace of a minute: on a busy machine the default second may
		// pass before the worker answers, and the kill would be the
		// grace's doing, not the task's.
		p := newPool(t, pool.Config{Workers: 1, Backend: b, CancelGrace: time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		running := pool.Submit(ctx, p, sleepTask, time.Minute)
		pending := pool.Submit(ctx, p, printer, "pending task must never run")
		require.Eventually(t, func() bool { return running.State() == pool.Running }, 30*time.Second, time.Millisecond)
		cancel()
		require.ErrorIs(t, running.Err(), context.Canceled)
		require.ErrorIs(t, pending.Err(), context.Canceled)
		got, err := pool.Submit(t.Context(), p, square, 5).Result()
		require.NoError(t, err)
		require.Equal(t, 25, got)
		require.Equal(t, 1, p.Stats().WorkersStarted, "the task saw its ctx end: its worker was not killed and replaced")
	})
}

// A running task that ignores its cancelled ctx is killed after
// CancelGrace; a task on another worker is untouched.
func TestCancelGraceKillsATaskThatIgnoresCtx(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2, CancelGrace: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	other := pool.Submit(t.Context(), p, sleepTask, 400*time.Millisecond)
	stuck := pool.Submit(ctx, p, spin, time.Minute)
	start := time.Now()
	require.ErrorIs(t, stuck.Err(), context.DeadlineExceeded)
	elapsed := time.Since(start)
	require.Less(t, elapsed, 10*time.Second, "the task ignoring its ctx was not stopped")
	t.Logf("a task ignoring its ctx was stopped %v after Submit (deadline 50ms + grace 100ms)", elapsed.Round(time.Millisecond))
	require.NoError(t, other.Err())
}

// Ports test_saturation: never more processes than Workers.
func TestSaturation(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 3})
	var fs []*pool.Future[int]
	for range 15 * 3 {
		fs = append(fs, pool.Submit(t.Context(), p, sleepTask, 5*time.Millisecond))
	}
	pids := map[int]bool{}
	for _, f := range fs {
		pid, err := f.Result()
		require.NoError(t, err)
		pids[pid] = true
	}
	require.LessOrEqual(t, len(pids), 3)
	require.LessOrEqual(t, len(childProcesses()), 3)
}

func TestIdleWorkerIsReused(t *testing.T) {
	q := newPool(t, pool.Config{Workers: 4})
	seen := map[int]bool{}
	for range 10 {
		pid, err := pool.Submit(t.Context(), q, whoami, 0).Result()
		require.NoError(t, err)
		seen[pid] = true
	}
	require.Len(t, seen, 1, "sequential submit and result must reuse one idle worker (test_idle_process_reuse_one)")
}

// A task's fmt.Println reaches the parent's stdout, as a Python worker's
// print does, and never corrupts the protocol.
func TestTaskStdoutReachesTheParent(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	p, err := pool.New(pool.Config{Workers: 2, Stdout: w})
	require.NoError(t, err)
	for i := range 20 {
		got, err := pool.Submit(t.Context(), p, printer, "line "+strconv.Itoa(i)).Result()
		require.NoError(t, err)
		require.Equal(t, len("line ")+len(strconv.Itoa(i)), got)
	}
	require.NoError(t, p.Close())
	w.Close()
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.Len(t, lines, 20)
	require.Equal(t, "line 0", lines[0])
	requireNoLeaks(t)
}

// A task name the worker does not know fails that future with a message
// that says to register tasks at package level.
func TestUnknownTaskInTheWorker(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	_, err := pool.Submit(t.Context(), p, parentOnlyTask, 1).Result()
	require.ErrorIs(t, err, pool.ErrUnknownTask)
	require.ErrorContains(t, err, "register tasks at package level")
}

// parentOnlyTask is registered in the test process but not in its workers,
// which see POOL_TEST_WORKER_SKIP at init.
var parentOnlyTask = func() *pool.Task[int, int] {
	if os.Getenv("POOLSCHOOL_WORKER") != "" {
		return nil
	}
	return pool.NewTask("parentOnly", func(_ context.Context, n int) (int, error) { return n, nil })
}()

// Registration mistakes panic with a message that names the fix.
func TestRegistrationMistakesPanic(t *testing.T) {
	for name, want := range map[string]string{
		"duplicate": `a task named "square" is already registered`,
		"late":      "register tasks at package level",
	} {
		t.Run(name, func(t *testing.T) {
			out, err := helperCommand(t, name).CombinedOutput()
			require.Error(t, err)
			require.Contains(t, string(out), want)
		})
	}
}

// A process started as a worker that never calls Main gets ErrNoMain from
// New instead of starting workers of its own; its parent sees a startup
// failure that names the fix.
func TestMissingMainGuard(t *testing.T) {
	out, err := helperCommand(t, "nomain", "POOLSCHOOL_WORKER=1").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "pool.Main was not called")

	out, err = helperCommand(t, "nomain-parent").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "died before it started serving")
	require.Contains(t, string(out), "is pool.Main() the first call in main?")
}

// Workers exit when their parent dies, even by SIGKILL.
func TestWorkersDieWithTheirParent(t *testing.T) {
	cmd := helperCommand(t, "orphan")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var pids []int
	sc := bufio.NewScanner(out)
	for len(pids) < 2 && sc.Scan() {
		pid, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
		require.NoError(t, err)
		pids = append(pids, pid)
	}
	require.Len(t, pids, 2)
	require.NoError(t, cmd.Process.Kill())
	cmd.Wait()
	require.Eventually(t, func() bool {
		for _, pid := range pids {
			if syscall.Kill(pid, 0) == nil && !isZombie(pid) {
				return false
			}
		}
		return true
	}, 5*time.Second, 10*time.Millisecond, "workers %v outlived their parent", pids)
}

func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	return len(fields) > 0 && fields[0] == "Z"
}

// Ctrl+C in a terminal reaches the parent's process group only: the workers
// are in a group of their own and print no stack dump.
func TestCtrlCReachesOnlyTheParent(t *testing.T) {
	cmd := helperCommand(t, "orphan")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(out)
	require.True(t, sc.Scan())
	require.True(t, sc.Scan())
	// What the terminal does on Ctrl+C: SIGINT to the foreground group.
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGINT))
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.NotContains(t, stderr.String(), "goroutine ")
}
