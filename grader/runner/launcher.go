package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// ExecMain implements the internal "__exec" command: it runs one program
// contained and exits with the program's status. Check scripts reach it
// through $PROG and the custom commands; nobody types it. Its command line
// is a sandbox.Launch.
func ExecMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	l, err := sandbox.ParseLaunch(args)
	if err != nil {
		fmt.Fprintf(stderr, "grader __exec: %v\nusage: grader __exec [limits] -- program [args...]\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGHUP)
	defer stop()
	wd, _ := os.Getwd()
	p := &sandbox.Program{
		Path: l.Path, Args: l.ProgramArgs, Dir: wd, Env: os.Environ(),
		Limits: l.Limits, User: l.User, Stdin: stdin, Stdout: stdout, Stderr: stderr, Confine: l.Confine,
	}
	if self, err := sandbox.CurrentSelf(); err == nil {
		p.Helper, p.HelperArg0 = []string{self.Path, "__limit"}, self.Arg0
	}
	out, err := p.Run(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 127
	}
	events := l.Events
	_ = sandbox.AppendEvent(events, sandbox.Event{Kind: "exit", Elapsed: out.Elapsed})
	if out.TimedOut {
		fmt.Fprintf(stderr, "\n[grader] %s\n", sandbox.TimeoutMessage(out.Elapsed, l.Limits.Timeout))
		_ = sandbox.AppendEvent(events, sandbox.Event{Kind: "timeout", Elapsed: out.Elapsed, Timeout: l.Limits.Timeout})
		return 124
	}
	if out.Capped != "" {
		fmt.Fprintf(stderr, "\n[grader] the program printed more than %d bytes on %s and was stopped\n", l.Limits.Output, out.Capped)
		_ = sandbox.AppendEvent(events, sandbox.Event{Kind: "output", Stream: out.Capped, Limit: l.Limits.Output})
		return 125
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "[grader] the check's time limit ran out; the program was stopped")
		return 128 + int(syscall.SIGKILL)
	}
	if out.Signal != 0 {
		fmt.Fprintf(stderr, "[grader] the program was killed by signal %d (%v)\n", int(out.Signal), out.Signal)
	}
	return out.ExitCode
}

// LimitMain implements the internal "__limit" command: it confines
// itself, sets resource limits on itself, becomes the student's user when
// the launcher did not start it as that user, and executes the program in
// its place. Its command line is the sandbox.Launch that Launch.Helper
// gives.
func LimitMain(args []string, stderr io.Writer) int {
	l, err := sandbox.ParseLaunch(args)
	if err != nil {
		fmt.Fprintf(stderr, "grader __limit: %v\nusage: grader __limit [limits] -- program [args...]\n", err)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 127
	}
	// The launcher moves this process into the check's cgroup once it has
	// started; the program must not run (and fork) before that.
	if err := sandbox.WaitForCgroup(l.Limits.Cgroup, 5*time.Second); err != nil {
		return fail(err)
	}
	// The Landlock rule set and the capabilities dropped hold for this
	// thread, which executes the program.
	runtime.LockOSThread()
	wd, _ := os.Getwd()
	if err := sandbox.Confine(l.Confine, givenPaths(append([]string{l.Path}, l.ProgramArgs...), wd, os.Environ())); err != nil {
		return fail(fmt.Errorf("confining the program: %w", err))
	}
	if err := sandbox.SetLimits(l.Limits, l.User.IsSet()); err != nil {
		return fail(err)
	}
	if l.UserNS {
		if err := sandbox.DropCapabilities(); err != nil {
			return fail(err)
		}
	}
	if l.User.IsSet() && !l.Switched {
		if err := sandbox.BecomeUser(l.User); err != nil {
			return fail(err)
		}
	}
	err = syscall.Exec(l.Path, append([]string{l.Path}, l.ProgramArgs...), os.Environ())
	return fail(fmt.Errorf("cannot run %s: %w", l.Path, err))
}

// givenPaths lists the absolute paths a program is given: its command line,
// its folder, and its environment's values (split at ':', as PATH is).
func givenPaths(argv []string, wd string, env []string) []string {
	paths := []string{wd}
	for _, a := range argv {
		if filepath.IsAbs(a) {
			paths = append(paths, a)
		}
	}
	for _, kv := range env {
		_, v, _ := strings.Cut(kv, "=")
		for _, p := range strings.Split(v, ":") {
			if filepath.IsAbs(p) {
				paths = append(paths, p)
			}
		}
	}
	return paths
}
