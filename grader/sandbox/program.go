package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Program is one student program to run contained.
type Program struct {
	Path   string
	Args   []string
	Dir    string
	Env    []string
	Limits Limits
	User   User
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Helper is the command line of a helper that sets the limits on itself
	// and then executes the program in its place (the grader's "__limit"),
	// with HelperArg0 as its os.Args[0]. Limits other than Timeout and
	// Output apply only with a helper.
	Helper     []string
	HelperArg0 string
	// Confine says where the program may write; the helper applies it,
	// so it holds only with a helper.
	Confine Confinement
}

// Outcome says how a contained program ended.
type Outcome struct {
	ExitCode int            // as a shell reports it: 128+signal when killed
	Signal   syscall.Signal // the signal that ended it, or 0
	TimedOut bool           // its time limit ran out
	Capped   string         // "stdout" or "stderr" when that stream passed the cap
	Elapsed  time.Duration
}

// Event is what the launcher records, in a file the program cannot write,
// when it had to stop a program. Reports read reasons from these events,
// never from the program's own output.
type Event struct {
	Kind    string        `json:"kind"` // "timeout" or "output"
	Stream  string        `json:"stream,omitempty"`
	Limit   int64         `json:"limit,omitempty"`
	Elapsed time.Duration `json:"elapsed,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"`
}

// Run starts the program in its own process group as p.User, applies
// p.Limits, and waits for it. When ctx ends, the time limit runs out or an
// output stream passes its cap, the whole group is killed. Run returns once
// the program exited and its output was copied; descendants that keep the
// output open are cut off after a short delay.
func (p *Program) Run(ctx context.Context) (Outcome, error) {
	var out Outcome
	cmd := exec.Command(p.Path, p.Args...)
	if len(p.Helper) > 0 {
		l := Launch{Limits: p.Limits, User: p.User, Confine: p.Confine, Path: p.Path, ProgramArgs: p.Args}
		argv := append(append([]string{}, p.Helper[1:]...), l.Helper().Args()...)
		cmd = exec.Command(p.Helper[0], argv...)
		cmd.Args[0] = p.HelperArg0
		cmd.SysProcAttr = helperAttr(p.User, p.Confine)
	} else {
		cmd.SysProcAttr = ProgramAttr(p.User)
	}
	cmd.Dir, cmd.Env, cmd.Stdin = p.Dir, p.Env, p.Stdin
	cmd.WaitDelay = 500 * time.Millisecond

	var mu sync.Mutex
	var pgid int
	kill := func() {
		mu.Lock()
		defer mu.Unlock()
		KillGroup(pgid)
	}
	var capOnce sync.Once
	stdout := &capWriter{w: p.Stdout, limit: p.Limits.Output}
	stderr := &capWriter{w: p.Stderr, limit: p.Limits.Output}
	stdout.full = func() { capOnce.Do(func() { out.Capped = "stdout"; kill() }) }
	stderr.full = func() { capOnce.Do(func() { out.Capped = "stderr"; kill() }) }
	cmd.Stdout, cmd.Stderr = stdout, stderr

	start := time.Now()
	mu.Lock()
	err := cmd.Start()
	if err != nil {
		mu.Unlock()
		return out, fmt.Errorf("starting %s: %w", p.Path, err)
	}
	pgid = cmd.Process.Pid
	mu.Unlock()
	if err := AddToCgroup(p.Limits.Cgroup, cmd.Process.Pid); err != nil {
		kill()
		cmd.Wait()
		return out, err
	}

	var timer <-chan time.Time
	if p.Limits.Timeout > 0 {
		t := time.NewTimer(p.Limits.Timeout)
		defer t.Stop()
		timer = t.C
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-timer:
		out.TimedOut = true
		kill()
		err = <-done
	case <-ctx.Done():
		kill()
		err = <-done
	}
	out.Elapsed = time.Since(start)
	if out.Capped != "" || out.TimedOut {
		kill() // what is left of the group
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			out.Signal = ws.Signal()
			out.ExitCode = 128 + int(ws.Signal())
		} else {
			out.ExitCode = exitErr.ExitCode()
		}
	case errors.Is(err, exec.ErrWaitDelay):
		// The program exited but a descendant kept its output open.
	default:
		return out, fmt.Errorf("waiting for %s: %w", p.Path, err)
	}
	return out, nil
}

// capWriter passes through at most limit bytes, then calls full once and
// drops the rest.
type capWriter struct {
	w     io.Writer
	limit int64
	n     int64
	full  func()
}

func (c *capWriter) Write(b []byte) (int, error) {
	if c.limit > 0 && c.n+int64(len(b)) > c.limit {
		keep := c.limit - c.n
		if keep > 0 {
			_, _ = c.w.Write(b[:keep])
			c.n += keep
		}
		c.full()
		return len(b), nil
	}
	c.n += int64(len(b))
	_, _ = c.w.Write(b)
	return len(b), nil
}

// AppendEvent adds one event to the file at path (created 0600).
func AppendEvent(path string, e Event) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("recording event: %w", err)
	}
	defer f.Close()
	data, _ := json.Marshal(e)
	_, err = f.Write(append(data, '\n'))
	return err
}

// ReadEvents reads the events appended to path; a missing file means none.
func ReadEvents(path string) []Event {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var evs []Event
	dec := json.NewDecoder(bytesReader(data))
	for {
		var e Event
		if dec.Decode(&e) != nil {
			return evs
		}
		evs = append(evs, e)
	}
}
