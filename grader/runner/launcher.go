package runner

import (
	"context"
	"flag"
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
	var c sandbox.Confinement
	confineFlags(fs, &c)
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
		Limits: l, User: u, Stdin: stdin, Stdout: stdout, Stderr: stderr, Confine: c,
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
	uid := fs.Uint("uid", 0, "user id to become after confining the program")
	gid := fs.Uint("gid", 0, "group id to become after confining the program")
	userns := fs.Bool("userns", false, "this process is root of a user namespace of its own, whose capabilities the program must not keep")
	var c sandbox.Confinement
	confineFlags(fs, &c)
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
	// The Landlock rule set and the capabilities dropped hold for this
	// thread, which executes the program.
	runtime.LockOSThread()
	wd, _ := os.Getwd()
	if err := sandbox.Confine(c, givenPaths(fs.Args(), wd, os.Environ())); err != nil {
		fmt.Fprintf(stderr, "grader: confining the program: %v\n", err)
		return 127
	}
	become := sandbox.User{UID: uint32(*uid), GID: uint32(*gid)}
	if err := sandbox.SetLimits(l, *switched || become.IsSet()); err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 127
	}
	if *userns {
		if err := sandbox.DropCapabilities(); err != nil {
			fmt.Fprintf(stderr, "grader: %v\n", err)
			return 127
		}
	}
	if become.IsSet() {
		if err := sandbox.BecomeUser(become); err != nil {
			fmt.Fprintf(stderr, "grader: %v\n", err)
			return 127
		}
	}
	err := syscall.Exec(fs.Arg(0), fs.Args(), os.Environ())
	fmt.Fprintf(stderr, "grader: cannot run %s: %v\n", fs.Arg(0), err)
	return 127
}

// confineFlags defines the flags of sandbox.Confinement.Args on fs.
func confineFlags(fs *flag.FlagSet, c *sandbox.Confinement) {
	fs.Func("writable", "a folder the program may write below (repeatable)", func(v string) error {
		c.Writable = append(c.Writable, v)
		return nil
	})
	fs.BoolVar(&c.Landlock, "landlock", false, "enforce the writable folders with Landlock")
	fs.BoolVar(&c.PrivateTmp, "private", false, "this process has a mount namespace of its own: make /tmp, /var/tmp and /dev/shm private")
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
