package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"
)

// ErrClosed is returned (or yielded) when work is given to a pool after Close
// or Shutdown began. Create a new pool with New to run more work.
var ErrClosed = errors.New("pool: the pool is closed; create a new one with pool.New")

// ErrWorkerDied matches every *WorkerError through errors.Is: the worker
// process running a task ended (os.Exit, a signal, a Go runtime fatal error,
// the out-of-memory killer) before it sent the task's result.
var ErrWorkerDied = errors.New("pool: worker process died")

// ErrEncode is matched (errors.Is) by the error of a future whose argument
// could not be encoded with encoding/gob in the parent, or whose result could
// not be encoded in the worker, or whose encoded argument or result is larger
// than one message between the pool and a worker process carries (1 GiB).
// Only that future, or that item of a Map, fails.
var ErrEncode = errors.New("pool: cannot encode value with encoding/gob")

// ErrDecode is matched (errors.Is) by the error of a future whose argument
// the worker could not decode, or whose result the parent could not decode.
// Only that future fails.
var ErrDecode = errors.New("pool: cannot decode value with encoding/gob")

// ErrUnknownTask is matched (errors.Is) by the error of a future whose task
// name the worker process does not know. Tasks must be registered with
// NewTask at package level, so that the worker registers them too.
var ErrUnknownTask = errors.New("pool: task is not registered in the worker process")

// ErrNoMain is returned by New in a process that was started as a pool worker
// but never called Main. Without this guard the worker would run the
// program's own main function and start a pool of its own, recursively.
var ErrNoMain = errors.New("pool: this process was started as a pool worker but pool.Main was not called; " +
	"call pool.Main() as the first statement of main (and of TestMain)")

// TaskError is the error of a future whose task returned an error or
// panicked. Error returns the task's own message, as str(exc) does for an
// exception raised in a Python worker; the rest is in the fields.
type TaskError struct {
	// Task is the registered name of the task.
	Task string
	// PID is the process that ran the task: a worker's pid with the
	// Processes backend, the parent's own pid with Goroutines.
	PID int
	// Index is the input index of the failed item in Map, or 0 for Submit.
	Index int
	// Message is the text of the task's error, or the panic value.
	Message string
	// Type is the Go type of the task's error or panic value, as %T prints it.
	Type string
	// Panicked reports whether the task panicked instead of returning an error.
	Panicked bool
	// Stack is the worker's goroutine stack at the panic; empty for a
	// returned error.
	Stack string
	// Err is the task's error as the parent could rebuild it, which Unwrap
	// returns, so that errors.Is and errors.As see through the process
	// boundary: standard sentinels (io.EOF, fs.ErrNotExist,
	// context.Canceled, ...), those of RegisterError, syscall.Errno
	// values, *fs.PathError, *os.SyscallError, *os.LinkError and types
	// registered with gob arrive as themselves, anywhere in a chain of %w
	// wrappings or errors.Join; any other error arrives as its message,
	// still wrapping what could be rebuilt of its chain. With the
	// Goroutines backend it is the task's own error. Nil for a panic whose
	// value is not an error.
	Err error
}

// Unwrap returns Err.
func (e *TaskError) Unwrap() error { return e.Err }

// Error returns the task's message on one line, prefixed with "panic: " when
// the task panicked.
func (e *TaskError) Error() string {
	msg := oneLine(e.Message)
	if e.Panicked {
		return "panic: " + msg
	}
	return msg
}

// WorkerError is the error of a future whose worker process died while it
// ran the future's task or chunk. It matches ErrWorkerDied.
type WorkerError struct {
	// PID is the pid of the worker that died.
	PID int
	// ExitCode is the worker's exit status, or -1 when a signal ended it.
	// Go's runtime fatal errors (concurrent map writes, stack overflow,
	// out of memory) exit with status 2.
	ExitCode int
	// Signal is the signal that ended the worker, or 0 when it exited.
	Signal syscall.Signal
	// Task is the name of the task the worker was running; empty when it
	// died before it started serving.
	Task string
	// Index is the input index of the item (Map), or the first index of the
	// chunk the worker was running; 0 for Submit.
	Index int
	// Count is the number of items in that chunk: 1 for Submit.
	Count int
	// Stderr is the tail of what the worker wrote to its standard error,
	// which holds the Go runtime's report of a fatal error.
	Stderr string
	// Startup reports that the worker died before it started serving tasks,
	// which usually means pool.Main is not the first call in main.
	Startup bool
	// Initializer reports that the worker died while it ran
	// Config.Initializer, whose name is then in Task.
	Initializer bool
	// Reason says why the pool killed the worker, when it did so for a
	// reason of its own: "it closed its pipes to the pool but was still
	// running 1s later", "it did not answer a request to give back a call
	// within 5s". Empty when the worker died by itself.
	Reason string
	// Err is the error that kept the worker process from starting at all,
	// such as one from os/exec; nil once it started.
	Err error
	// Attempts is how many times the task ran and lost its worker: more
	// than 1 when it was retried (see Retry).
	Attempts int
}

// Error describes the death in one sentence.
func (e *WorkerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pool: worker %d", e.PID)
	switch {
	case e.Err != nil:
		fmt.Fprintf(&b, " could not start: %v", e.Err)
		return b.String()
	case e.Initializer:
		fmt.Fprintf(&b, " died running the initializer %q", e.Task)
	case e.Startup:
		b.WriteString(" died before it started serving")
	case e.Task != "" && e.Count > 1:
		fmt.Fprintf(&b, " died running task %q on items %d to %d", e.Task, e.Index, e.Index+e.Count-1)
	case e.Task != "":
		fmt.Fprintf(&b, " died running task %q", e.Task)
	default:
		b.WriteString(" died")
	}
	if e.Signal != 0 {
		fmt.Fprintf(&b, ": killed by signal %d (%v)", int(e.Signal), e.Signal)
	} else {
		fmt.Fprintf(&b, ": exit status %d", e.ExitCode)
	}
	if line := fatalLine(e.Stderr); line != "" {
		fmt.Fprintf(&b, " (%s)", line)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, "; the pool killed it because %s", e.Reason)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", after %d attempts", e.Attempts)
	}
	if e.Startup && e.Reason == "" {
		b.WriteString("; is pool.Main() the first call in main?")
	}
	return b.String()
}

// Unwrap returns ErrWorkerDied, so that errors.Is(err, ErrWorkerDied) holds,
// and Err when the worker could not start.
func (e *WorkerError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrWorkerDied, e.Err}
	}
	return []error{ErrWorkerDied}
}

// TimeoutError is the error of a task that ran longer than its Timeout. It
// matches context.DeadlineExceeded through errors.Is.
type TimeoutError struct {
	// Task is the registered name of the task.
	Task string
	// Timeout is the time the task (or its Map chunk) was given.
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("pool: task %q ran longer than its timeout of %v", e.Task, e.Timeout)
}

// Is reports whether target is context.DeadlineExceeded.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// ItemError is the error Collect returns for the first input whose task
// failed: its index in the input sequence, and the item's own error.
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("pool: input %d: %v", e.Index, e.Err) }

// Unwrap returns Err.
func (e *ItemError) Unwrap() error { return e.Err }

// oneLine folds a message onto one line: errors print on one line, and the
// full text stays in the fields.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// fatalLine picks the line of a worker's stderr that says why it died: the Go
// runtime's "fatal error:" or "panic:" line, or the last line otherwise.
func fatalLine(stderr string) string {
	var last string
	for line := range strings.Lines(stderr) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "fatal error:") || strings.HasPrefix(line, "panic:") ||
			strings.HasPrefix(line, "runtime: out of memory") {
			return line
		}
		if line != "" && !strings.HasPrefix(line, "goroutine ") && !strings.HasPrefix(line, "\t") {
			last = line
		}
	}
	if strings.Contains(stderr, "\ngoroutine ") {
		return "" // a stack dump without a headline: no useful single line
	}
	return last
}
