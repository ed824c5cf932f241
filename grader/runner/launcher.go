package runner

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// ExecMain implements the internal "__exec" command: it runs one program
// contained and exits with the program's status. Check scripts reach it
// through $PROG and the custom commands; nobody types it.
func ExecMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("__exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var l sandbox.Limits
	var u sandbox.User
	var events string
	fs.DurationVar(&l.Timeout, "t", 0, "time limit")
	fs.Int64Var(&l.Output, "cap", 0, "output cap per stream in bytes")
	fs.Int64Var(&l.Memory, "mem", 0, "address-space limit in bytes")
	fs.IntVar(&l.Procs, "nproc", 0, "process limit")
	fs.Int64Var(&l.FileSize, "fsize", 0, "file size limit in bytes")
	fs.IntVar(&l.Files, "nofile", 0, "open file limit")
	fs.StringVar(&l.Cgroup, "cgroup", "", "memory cgroup to put the program in")
	uid := fs.Uint("uid", 0, "user id to run as")
	gid := fs.Uint("gid", 0, "group id to run as")
	fs.StringVar(&events, "events", "", "file to record timeouts and output caps in")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: grader __exec [limits] -- program [args...]")
		return 2
	}
	u.UID, u.GID = uint32(*uid), uint32(*gid)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGHUP)
	defer stop()
	wd, _ := os.Getwd()
	p := &sandbox.Program{
		Path: fs.Arg(0), Args: fs.Args()[1:], Dir: wd, Env: os.Environ(),
		Limits: l, User: u, Stdin: stdin, Stdout: stdout, Stderr: stderr,
	}
	if self, err := CurrentSelf(); err == nil {
		p.Helper, p.HelperArg0 = []string{self.Path, "__limit"}, self.Arg0
	}
	out, err := p.Run(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 127
	}
	_ = sandbox.AppendEvent(events, sandbox.Event{Kind: "exit", Elapsed: out.Elapsed})
	if out.TimedOut {
		fmt.Fprintf(stderr, "\n[grader] %s\n", sandbox.TimeoutMessage(out.Elapsed, l.Timeout))
		_ = sandbox.AppendEvent(events, sandbox.Event{Kind: "timeout", Elapsed: out.Elapsed, Timeout: l.Timeout})
		return 124
	}
	if out.Capped != "" {
		fmt.Fprintf(stderr, "\n[grader] the program printed more than %d bytes on %s and was stopped\n", l.Output, out.Capped)
		_ = sandbox.AppendEvent(events, sandbox.Event{Kind: "output", Stream: out.Capped, Limit: l.Output})
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

// LimitMain implements the internal "__limit" command: it sets resource
// limits on itself and executes the program in its place.
func LimitMain(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("__limit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var l sandbox.Limits
	fs.Int64Var(&l.Memory, "mem", 0, "memory limit in bytes")
	fs.IntVar(&l.Procs, "nproc", 0, "process limit")
	fs.Int64Var(&l.FileSize, "fsize", 0, "file size limit in bytes")
	fs.IntVar(&l.Files, "nofile", 0, "open file limit")
	fs.StringVar(&l.Cgroup, "cgroup", "", "memory cgroup the launcher puts this process in")
	switched := fs.Bool("switched", false, "the program runs as a grading user of its own")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: grader __limit [limits] -- program [args...]")
		return 2
	}
	// The launcher moves this process into the check's cgroup once it has
	// started; the program must not run (and fork) before that.
	if err := sandbox.WaitForCgroup(l.Cgroup, 5*time.Second); err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 127
	}
	if err := sandbox.SetLimits(l, *switched); err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 127
	}
	err := syscall.Exec(fs.Arg(0), fs.Args(), os.Environ())
	fmt.Fprintf(stderr, "grader: cannot run %s: %v\n", fs.Arg(0), err)
	return 127
}
