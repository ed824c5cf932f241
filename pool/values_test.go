package pool_test

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// Values and errors cross the process boundary faithfully, and the
// Goroutines backend with CheckValues fails the way processes do: each test
// runs on processes, on goroutines, and on goroutines with CheckValues.

// backendsChecked runs a subtest per backend, and one more on goroutines
// with Config.CheckValues.
func backendsChecked(t *testing.T, f func(t *testing.T, cfg pool.Config)) {
	t.Helper()
	for _, c := range []struct {
		name string
		cfg  pool.Config
	}{
		{"processes", pool.Config{Backend: pool.Processes}},
		{"goroutines", pool.Config{Backend: pool.Goroutines}},
		{"goroutines checked", pool.Config{Backend: pool.Goroutines, CheckValues: true}},
	} {
		t.Run(c.name, func(t *testing.T) { f(t, c.cfg) })
	}
}

type user struct{ Name string }

var (
	findUser = pool.NewTask("findUser", func(_ context.Context, name string) (*user, error) {
		if name == "" {
			return nil, nil // the usual "not found"
		}
		return &user{Name: name}, nil
	})
	greet = pool.NewTask("greet", func(_ context.Context, u *user) (string, error) {
		if u == nil {
			return "nobody", nil
		}
		return "hello " + u.Name, nil
	})
)

// A nil pointer travels as nil, as an argument and as a result.
func TestNilPointersTravel(t *testing.T) {
	backendsChecked(t, func(t *testing.T, cfg pool.Config) {
		cfg.Workers = 1
		p := newPool(t, cfg)
		u, err := pool.Submit(t.Context(), p, findUser, "").Result()
		require.NoError(t, err)
		require.Nil(t, u)
		u, err = pool.Submit(t.Context(), p, findUser, "ada").Result()
		require.NoError(t, err)
		require.Equal(t, &user{Name: "ada"}, u)
		s, err := pool.Submit(t.Context(), p, greet, (*user)(nil)).Result()
		require.NoError(t, err)
		require.Equal(t, "nobody", s)
	})
}

// NewTask refuses an argument or result type with a channel or a function
// in it, naming the field: gob would drop it silently.
func TestNewTaskRefusesWhatGobDrops(t *testing.T) {
	type events struct {
		Name   string
		Events chan int
	}
	type nested struct{ Inner events }
	type callback struct{ Done func() }
	cases := []struct {
		name string
		reg  func()
		want string
	}{
		{"channel field", func() {
			pool.NewTask("refused1", func(context.Context, events) (int, error) { return 0, nil })
		}, "field Events (chan int) is a channel, which encoding/gob silently drops"},
		{"nested channel field", func() {
			pool.NewTask("refused2", func(context.Context, int) (nested, error) { return nested{}, nil })
		}, "the result type pool_test.nested cannot cross to a worker process whole: its field Inner.Events (chan int) is a channel"},
		{"function field", func() {
			pool.NewTask("refused3", func(context.Context, []callback) (int, error) { return 0, nil })
		}, "field Done (func()) is a function"},
		{"channel argument", func() {
			pool.NewTask("refused4", func(context.Context, chan int) (int, error) { return 0, nil })
		}, "chan int is a channel, which encoding/gob cannot send"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := panicMessage(c.reg)
			require.Contains(t, msg, c.want)
			require.True(t, strings.HasPrefix(msg, "pool: NewTask("), msg)
		})
	}
}

func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

type hidden struct{ Payload any }

type stream struct{ Ch chan int }

func init() { gob.Register(stream{}) }

var takeHidden = pool.NewTask("takeHidden", func(_ context.Context, h hidden) (int, error) { return 1, nil })

// A channel behind an interface is refused when the value is sent, with
// ErrEncode and the field named; the plain Goroutines backend passes it as
// it is.
func TestChannelBehindAnInterfaceIsRefused(t *testing.T) {
	backendsChecked(t, func(t *testing.T, cfg pool.Config) {
		cfg.Workers = 1
		p := newPool(t, cfg)
		err := pool.Submit(t.Context(), p, takeHidden, hidden{Payload: stream{Ch: make(chan int)}}).Err()
		if cfg.Backend == pool.Goroutines && !cfg.CheckValues {
			require.NoError(t, err)
			return
		}
		require.ErrorIs(t, err, pool.ErrEncode)
		require.ErrorContains(t, err, "field Payload holds a pool_test.stream: its field Ch (chan int) is a channel")
	})
}

// A value missing from gob's registry fails with what to register, and
// where; and gob's own prefix is not doubled.
func TestMissingRegisterSaysWhatToDo(t *testing.T) {
	backendsChecked(t, func(t *testing.T, cfg pool.Config) {
		cfg.Workers = 1
		p := newPool(t, cfg)
		_, err := pool.Submit(t.Context(), p, anyResult, 0).Result()
		if cfg.Backend == pool.Goroutines && !cfg.CheckValues {
			require.NoError(t, err)
			return
		}
		require.ErrorIs(t, err, pool.ErrEncode)
		require.ErrorContains(t, err, "gob.Register(pool_test.unregistered{})")
		require.ErrorContains(t, err, "every process of the program, the workers too")
		require.NotContains(t, err.Error(), "gob: gob:")
	})
}

type secret struct {
	Shown  string
	hidden string
}

var (
	echoSecret = pool.NewTask("echoSecret", func(_ context.Context, s secret) (secret, error) { return s, nil })
	seeSecret  = pool.NewTask("seeSecret", func(_ context.Context, s secret) (string, error) { return s.hidden, nil })
)

// CheckValues makes goroutines drop unexported fields, as processes do.
func TestCheckValuesDropsUnexportedFields(t *testing.T) {
	backendsChecked(t, func(t *testing.T, cfg pool.Config) {
		cfg.Workers = 1
		p := newPool(t, cfg)
		got, err := pool.Submit(t.Context(), p, echoSecret, secret{Shown: "a", hidden: "b"}).Result()
		require.NoError(t, err)
		want := secret{Shown: "a"}
		if cfg.Backend == pool.Goroutines && !cfg.CheckValues {
			want.hidden = "b"
		}
		require.Equal(t, want, got)
		seen, err := pool.Submit(t.Context(), p, seeSecret, secret{hidden: "b"}).Result()
		require.NoError(t, err)
		require.Equal(t, want.hidden, seen, "what the task itself sees of its argument")
	})
}

// ErrNotFound is a program's own sentinel, registered where it is declared.
var ErrNotFound = pool.RegisterError(errors.New("not found"))

// codeError is a program's own error type, registered with gob.
type codeError struct {
	Code int
	Why  string
}

func (e *codeError) Error() string { return fmt.Sprintf("code %d: %s", e.Code, e.Why) }

func init() { gob.Register(&codeError{}) }

// plainError is an error type nobody registered.
type plainError struct{ N int }

func (e plainError) Error() string { return fmt.Sprintf("plain %d", e.N) }

// failWith returns the error its argument names, built in the worker.
var failWith = pool.NewTask("failWith", func(_ context.Context, name string) (int, error) {
	return 0, namedError(name)
})

func namedError(name string) error {
	switch name {
	case "eof":
		return io.EOF
	case "unexpected eof":
		return fmt.Errorf("reading header: %w", io.ErrUnexpectedEOF)
	case "not exist":
		_, err := os.Open("/nonexistent/file")
		return err
	case "exist":
		return fmt.Errorf("create: %w", fs.ErrExist)
	case "permission":
		return fs.ErrPermission
	case "canceled":
		return context.Canceled
	case "deadline":
		return context.DeadlineExceeded
	case "os deadline":
		return fmt.Errorf("read: %w", os.ErrDeadlineExceeded)
	case "errno":
		return fmt.Errorf("dial: %w", syscall.ECONNREFUSED)
	case "syscall":
		return os.NewSyscallError("connect", syscall.ETIMEDOUT)
	case "link":
		return &os.LinkError{Op: "rename", Old: "/a", New: "/b", Err: syscall.EXDEV}
	case "deep":
		return fmt.Errorf("one: %w", fmt.Errorf("two: %w", fmt.Errorf("three: %w", io.EOF)))
	case "join":
		return errors.Join(errors.New("first"), fmt.Errorf("second: %w", fs.ErrNotExist))
	case "sentinel":
		return fmt.Errorf("lookup ada: %w", ErrNotFound)
	case "registered type":
		return fmt.Errorf("call: %w", &codeError{Code: 7, Why: "busy"})
	case "plain type":
		return plainError{N: 3}
	}
	return errors.New("unknown case " + name)
}

// errors.Is and errors.As see through the process boundary for what the
// standard library returns and programs branch on, and for a program's own
// registered sentinels and types; other errors keep their message and type
// name.
func TestErrorsCrossAsThemselves(t *testing.T) {
	backendsChecked(t, func(t *testing.T, cfg pool.Config) {
		cfg.Workers = 1
		p := newPool(t, cfg)
		fail := func(name string) error {
			t.Helper()
			err := pool.Submit(t.Context(), p, failWith, name).Err()
			var te *pool.TaskError
			require.ErrorAs(t, err, &te)
			require.Equal(t, namedError(name).Error(), te.Message, "the message is the task's own")
			return err
		}
		for name, target := range map[string]error{
			"eof": io.EOF, "unexpected eof": io.ErrUnexpectedEOF, "not exist": fs.ErrNotExist,
			"exist": fs.ErrExist, "permission": fs.ErrPermission, "canceled": context.Canceled,
			"deadline": context.DeadlineExceeded, "os deadline": os.ErrDeadlineExceeded,
			"errno": syscall.ECONNREFUSED, "deep": io.EOF, "sentinel": ErrNotFound,
		} {
			require.ErrorIs(t, fail(name), target, name)
		}
		var pe *fs.PathError
		require.ErrorAs(t, fail("not exist"), &pe)
		require.Equal(t, "open", pe.Op)
		require.Equal(t, "/nonexistent/file", pe.Path)
		require.ErrorIs(t, pe.Err, syscall.ENOENT)

		var se *os.SyscallError
		require.ErrorAs(t, fail("syscall"), &se)
		require.Equal(t, "connect", se.Syscall)
		require.ErrorIs(t, se, syscall.ETIMEDOUT)

		var le *os.LinkError
		require.ErrorAs(t, fail("link"), &le)
		require.Equal(t, os.LinkError{Op: "rename", Old: "/a", New: "/b", Err: syscall.EXDEV}, *le)

		joined := fail("join")
		require.ErrorIs(t, joined, fs.ErrNotExist)
		require.NotErrorIs(t, joined, io.EOF)

		var ce *codeError
		require.ErrorAs(t, fail("registered type"), &ce)
		require.Equal(t, codeError{Code: 7, Why: "busy"}, *ce)

		plain := fail("plain type")
		var te *pool.TaskError
		require.ErrorAs(t, plain, &te)
		require.Equal(t, "pool_test.plainError", te.Type)
		var pl plainError
		if cfg.Backend == pool.Goroutines && !cfg.CheckValues {
			require.ErrorAs(t, plain, &pl, "on goroutines the task's own error is kept")
		} else {
			require.False(t, errors.As(plain, &pl), "an unregistered type arrives as text")
		}
	})
}

// The default worker count is the CPUs this process may use:
// GOMAXPROCS, which follows the affinity mask and a CPU quota.
func TestDefaultWorkersFollowGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Backend: b})
		require.Equal(t, 1, p.Workers())
	})
}

// A task that runs past its Timeout fails with a TimeoutError, which
// matches context.DeadlineExceeded; one that ignores its context is
// stopped; in Map only the slow item fails; waiting for a worker does not
// count.
func TestTimeout(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b, CancelGrace: 50 * time.Millisecond})
		// 10 s stands for "never": the tasks end at their 20 ms timeout.
		err := pool.Submit(t.Context(), p, sleepTask, 10*time.Second, pool.Timeout(20*time.Millisecond)).Err()
		var te *pool.TimeoutError
		require.ErrorAs(t, err, &te)
		require.Equal(t, "sleep", te.Task)
		require.Equal(t, 20*time.Millisecond, te.Timeout)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Equal(t, `pool: task "sleep" ran longer than its timeout of 20ms`, err.Error())

		err = pool.Submit(t.Context(), p, spin, 2*time.Second, pool.Timeout(20*time.Millisecond)).Err()
		require.ErrorAs(t, err, &te, "a task that ignores its context is stopped too")

		in := []time.Duration{0, 10 * time.Second, 0}
		var errs []error
		for _, err := range pool.Map(t.Context(), p, sleepTask, slices.Values(in), pool.Timeout(time.Second)) {
			errs = append(errs, err)
		}
		require.NoError(t, errs[0])
		require.ErrorAs(t, errs[1], &te)
		require.NoError(t, errs[2])

		g := newGate(t)
		running := pool.Submit(t.Context(), p, waitGate, g.path())
		waitState(t, running, pool.Running)
		queued := pool.Submit(t.Context(), p, square, 3, pool.Timeout(time.Second))
		time.Sleep(1500 * time.Millisecond) // longer than its timeout, spent waiting
		g.open()
		require.NoError(t, running.Err())
		require.NoError(t, queued.Err(), "time spent waiting for a worker does not count")

		_, err = pool.Submit(t.Context(), p, square, 3, pool.Timeout(-time.Second)).Result()
		require.ErrorContains(t, err, "pool: Timeout(-1s): a timeout cannot be negative")
	})
}

// Collect returns every result in order, or the first failed input's
// index and error with the rest cancelled, or why Map stopped.
func TestCollect(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		got, err := pool.Collect(t.Context(), p, square, slices.Values([]int{1, 2, 3}), pool.Chunksize(2))
		require.NoError(t, err)
		require.Equal(t, []int{1, 4, 9}, got)

		in := []failArgs{{N: 0, Bad: 2}, {N: 1, Bad: 2}, {N: 2, Bad: 2}, {N: 3, Bad: 2}}
		got, err = pool.Collect(t.Context(), p, failOn, slices.Values(in))
		require.Nil(t, got)
		var ie *pool.ItemError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, 2, ie.Index)
		require.EqualError(t, ie.Err, "item 2 is bad")
		require.Equal(t, "pool: input 2: item 2 is bad", err.Error())

		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		got, err = pool.Collect(ctx, p, square, slices.Values([]int{1}))
		require.Nil(t, got)
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, errors.As(err, &ie), "the end of ctx belongs to no input")

		got, err = pool.Collect(t.Context(), p, square, slices.Values([]int(nil)))
		require.NoError(t, err)
		require.Empty(t, got)
	})
}

// With MaxQueued, Submit waits while that many calls wait for a worker,
// honouring its context.
func TestMaxQueuedMakesSubmitWait(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b, MaxQueued: 2})
		g := newGate(t)
		running := pool.Submit(t.Context(), p, waitGate, g.path())
		waitState(t, running, pool.Running)
		// A process worker holds one call beyond the one it runs.
		var held []*pool.Future[int]
		for p.Stats().QueueDepth < 2 {
			held = append(held, pool.Submit(t.Context(), p, square, len(held)))
		}

		ctx, cancel := context.WithCancel(t.Context())
		returned := make(chan *pool.Future[int])
		go func() { returned <- pool.Submit(ctx, p, square, 10) }()
		select {
		case <-returned:
			require.Fail(t, "Submit returned while the queue was full")
		case <-time.After(50 * time.Millisecond):
		}
		cancel()
		require.ErrorIs(t, (<-returned).Err(), context.Canceled)

		go func() { returned <- pool.Submit(t.Context(), p, square, 11) }()
		g.open()
		n, err := (<-returned).Result()
		require.NoError(t, err)
		require.Equal(t, 121, n)
		for _, f := range held {
			require.NoError(t, f.Err())
		}
		_, err = pool.New(pool.Config{MaxQueued: -1})
		require.ErrorContains(t, err, "Config.MaxQueued is -1")
	})
}
