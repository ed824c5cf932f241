package pool_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// TestMain makes the test binary a worker when the pool starts it as one,
// and runs the helper programs that tests start as separate processes.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "nomain" {
		runHelper("nomain") // a program that forgot to call pool.Main
	}
	pool.Main()
	// Under -race every process sleeps a second at exit by default; the
	// workers this test binary starts need not.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	if name := os.Getenv(helperEnv); name != "" {
		runHelper(name)
		return
	}
	os.Exit(m.Run())
}

// Tasks shared by the tests. They are registered at package level, as the
// pool requires, so that the worker processes have them too.
var (
	square = pool.NewTask("square", func(_ context.Context, n int) (int, error) { return n * n, nil })

	whoami = pool.NewTask("whoami", func(_ context.Context, _ int) (int, error) { return os.Getpid(), nil })

	sleepTask = pool.NewTask("sleep", func(ctx context.Context, d time.Duration) (int, error) {
		select {
		case <-time.After(d):
			return os.Getpid(), nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	})

	// spin ignores its context: only killing its worker stops it.
	spin = pool.NewTask("spin", func(_ context.Context, d time.Duration) (int, error) {
		end := time.Now().Add(d)
		for time.Now().Before(end) {
		}
		return os.Getpid(), nil
	})

	divide = pool.NewTask("divide", func(_ context.Context, a divArgs) (float64, error) {
		if a.Y == 0 {
			return 0, errors.New("cannot divide by zero")
		}
		return a.X / a.Y, nil
	})

	failOn = pool.NewTask("failOn", func(_ context.Context, a failArgs) (int, error) {
		if a.N == a.Bad {
			return 0, fmt.Errorf("item %d is bad", a.N)
		}
		return a.N, nil
	})

	panicky = pool.NewTask("panicky", func(_ context.Context, msg string) (int, error) { panic(msg) })

	// exitTask ends its worker with os.Exit after an optional delay.
	exitTask = pool.NewTask("exit", func(_ context.Context, a exitArgs) (int, error) {
		time.Sleep(a.After)
		os.Exit(a.Code)
		return 0, nil
	})

	killSelf = pool.NewTask("killSelf", func(_ context.Context, sig syscall.Signal) (int, error) {
		syscall.Kill(os.Getpid(), sig)
		time.Sleep(time.Minute)
		return 0, nil
	})

	// fatalUnlock dies of a Go runtime fatal error, which no recover
	// stops: unlocking a mutex that is not locked.
	fatalUnlock = pool.NewTask("fatalUnlock", func(_ context.Context, _ int) (int, error) {
		var mu sync.Mutex
		mu.Unlock()
		return 0, nil
	})

	echoBytes = pool.NewTask("echoBytes", func(_ context.Context, b []byte) ([]byte, error) { return b, nil })

	// bigThenExit fills the result pipe with a large result while a second
	// goroutine kills the worker mid-write.
	bigThenExit = pool.NewTask("bigThenExit", func(_ context.Context, n int) ([]byte, error) {
		go func() { time.Sleep(time.Millisecond); os.Exit(7) }()
		return bytes.Repeat([]byte{'x'}, n), nil
	})

	printer = pool.NewTask("printer", func(_ context.Context, s string) (int, error) {
		fmt.Println(s)
		return len(s), nil
	})

	anyResult = pool.NewTask("anyResult", func(_ context.Context, _ int) (any, error) { return unregistered{1}, nil })

	refuseArg = pool.NewTask("refuseArg", func(_ context.Context, _ refuseDecode) (int, error) { return 1, nil })

	refuseResult = pool.NewTask("refuseResult", func(_ context.Context, _ int) (refuseDecode, error) { return refuseDecode{}, nil })
	panicResult  = pool.NewTask("panicResult", func(_ context.Context, _ int) (panicOnDecode, error) { return panicOnDecode{}, nil })
	panicArg     = pool.NewTask("panicArg", func(_ context.Context, _ panicOnEncode) (int, error) { return 1, nil })

	exitInDecode = pool.NewTask("exitInDecode", func(_ context.Context, _ exitOnDecode) (int, error) { return 1, nil })

	exitInEncode = pool.NewTask("exitInEncode", func(_ context.Context, _ int) (exitOnEncode, error) { return exitOnEncode{}, nil })

	goexitTask = pool.NewTask("goexit", func(_ context.Context, _ int) (int, error) {
		runtime.Goexit()
		return 0, nil
	})
)

type divArgs struct{ X, Y float64 }

type failArgs struct{ N, Bad int }

type exitArgs struct {
	Code  int
	After time.Duration
}

// unregistered is sent inside an interface without gob.Register: the
// worker cannot encode it.
type unregistered struct{ V int }

// refuseDecode encodes fine but never decodes.
type refuseDecode struct{}

func (refuseDecode) GobEncode() ([]byte, error) { return []byte("x"), nil }
func (*refuseDecode) GobDecode([]byte) error    { return errors.New("refusing to decode") }

// panicOnDecode encodes fine and panics when decoded: in the parent, for a
// result.
type panicOnDecode struct{}

func (panicOnDecode) GobEncode() ([]byte, error) { return []byte("x"), nil }
func (*panicOnDecode) GobDecode([]byte) error    { panic("a decoder bug") }

// panicOnEncode panics when encoded: in the parent, as an argument.
type panicOnEncode struct{}

func (panicOnEncode) GobEncode() ([]byte, error) { panic("an encoder bug") }
func (*panicOnEncode) GobDecode([]byte) error    { return nil }

// refuseEncode never encodes.
type refuseEncode struct{}

func (refuseEncode) GobEncode() ([]byte, error) { return nil, errors.New("refusing to encode") }
func (*refuseEncode) GobDecode([]byte) error    { return nil }

// exitOnDecode ends the process that decodes it: the worker.
type exitOnDecode struct{}

func (exitOnDecode) GobEncode() ([]byte, error) { return []byte("x"), nil }
func (*exitOnDecode) GobDecode([]byte) error    { os.Exit(5); return nil }

// exitOnEncode ends the process that encodes it: the worker.
type exitOnEncode struct{}

func (exitOnEncode) GobEncode() ([]byte, error) { os.Exit(6); return nil, nil }
func (*exitOnEncode) GobDecode([]byte) error    { return nil }

var refuseEncodeTask = pool.NewTask("refuseEncode", func(_ context.Context, _ refuseEncode) (int, error) { return 1, nil })

func init() { gob.Register(registered{}) }

type registered struct{ V int }

// gate is a file that waitGate tasks wait for: a test opens it when it
// wants them to finish, so that tasks end in the order the test chooses on
// any machine, however busy, and no test orders events by racing sleeps.
type gate string

// newGate returns a closed gate in the test's temporary folder.
func newGate(t testing.TB) gate { return gate(t.TempDir() + "/gate") }

// exampleGate returns a closed gate for an Example, and a function that
// removes it.
func exampleGate() (gate, func()) {
	dir, err := os.MkdirTemp("", "pool-example-")
	if err != nil {
		panic(err)
	}
	return gate(dir + "/gate"), func() { os.RemoveAll(dir) }
}

func (g gate) path() string { return string(g) }

// open lets every task waiting for the gate go on.
func (g gate) open() {
	if err := os.WriteFile(string(g), nil, 0o644); err != nil {
		panic(err)
	}
}

// waitGate waits for its gate to open (or its context to end) and returns
// its worker's pid.
var waitGate = pool.NewTask("waitGate", func(ctx context.Context, path string) (int, error) {
	for {
		if _, err := os.Stat(path); err == nil {
			return os.Getpid(), nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
})

// backends runs a subtest per backend.
func backends(t *testing.T, f func(t *testing.T, b pool.Backend)) {
	t.Helper()
	for _, b := range []pool.Backend{pool.Processes, pool.Goroutines} {
		t.Run(b.String(), func(t *testing.T) { f(t, b) })
	}
}

// newPool starts a pool for one test and, when the test ends, closes it and
// checks that no worker process and no pool goroutine is left behind.
func newPool(t *testing.T, cfg pool.Config) *pool.Pool {
	t.Helper()
	p, err := pool.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, p.Close())
		requireNoLeaks(t)
	})
	return p
}

// requireClosesWithin fails the test, saying why, when p.Close has not
// returned within d: a Close that hangs would otherwise hang the test.
func requireClosesWithin(t *testing.T, p *pool.Pool, d time.Duration, why string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(d):
		require.FailNow(t, why)
	}
}

// requireNoLeaks fails the test when a child process of the test binary
// (zombies included) or a goroutine running pool code is still there.
func requireNoLeaks(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		kids, gs := childProcesses(), poolGoroutines()
		if len(kids) == 0 && len(gs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			require.Failf(t, "left behind", "child processes %v, pool goroutines:\n%s", kids, strings.Join(gs, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// childProcesses lists the pids whose parent is this process.
func childProcesses() []int {
	var kids []int
	entries, _ := os.ReadDir("/proc")
	me := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The command name may hold spaces; the fields after ") " are fixed.
		rest := string(stat[bytes.LastIndexByte(stat, ')')+2:])
		fields := strings.Fields(rest)
		if len(fields) > 1 && fields[1] == strconv.Itoa(me) {
			kids = append(kids, pid)
		}
	}
	return kids
}

// poolGoroutines returns the stacks of goroutines that run pool code.
func poolGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "poolschool/pool.") && !strings.Contains(g, "poolschool/pool_test.") {
			out = append(out, g)
		}
	}
	return out
}

// helperEnv names the helper program a test starts as a separate process.
const helperEnv = "POOL_TEST_HELPER"

// helperCommand runs this test binary as the named helper program.
func helperCommand(t *testing.T, name string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), helperEnv+"="+name), env...)
	return cmd
}

func runHelper(name string) {
	switch name {
	case "duplicate":
		pool.NewTask("square", func(_ context.Context, n int) (int, error) { return n, nil })
	case "late":
		p, err := pool.New(pool.Config{Workers: 1})
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		defer p.Close()
		pool.NewTask("late", func(_ context.Context, n int) (int, error) { return n, nil })
	case "nomain":
		// Started with the worker marker but never calls Main.
		_, err := pool.New(pool.Config{})
		fmt.Println(err)
		os.Exit(1)
	case "nomain-parent":
		// Starts workers whose Main is skipped, as a program that forgot it.
		os.Setenv(helperEnv, "nomain")
		p, err := pool.New(pool.Config{Workers: 2, Stderr: io.Discard})
		if err != nil {
			panic(err)
		}
		_, err = pool.Submit(context.Background(), p, square, 2).Result()
		fmt.Println(err)
		p.Close()
	case "twopools":
		for range 2 {
			p, err := pool.New(pool.Config{Workers: 1})
			if err != nil {
				fmt.Println(err)
				os.Exit(1)
			}
			pool.Submit(context.Background(), p, square, 3).Result()
			p.Close()
		}
	case "orphan":
		// Prints the pids of two busy workers, then waits to be killed.
		// A shell starts background jobs with SIGINT ignored, and children
		// inherit that; take the default back, as an interactive program has.
		signal.Notify(make(chan os.Signal, 1), os.Interrupt)
		signal.Reset(os.Interrupt)
		p, err := pool.New(pool.Config{Workers: 2})
		if err != nil {
			panic(err)
		}
		a := pool.Submit(context.Background(), p, sleepTask, time.Hour)
		b := pool.Submit(context.Background(), p, sleepTask, time.Hour)
		for a.State() != pool.Running || b.State() != pool.Running {
			time.Sleep(time.Millisecond)
		}
		for _, pid := range childProcesses() {
			fmt.Println(pid)
		}
		time.Sleep(time.Hour)
	default:
		fmt.Fprintf(os.Stderr, "unknown helper %q\n", name)
		os.Exit(3)
	}
	os.Exit(0)
}
