package sandbox

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"
)

// Launch is one start of a student program through the grader's launcher:
// everything its internal commands take on their command line. "__exec"
// (check scripts reach it through $PROG and the custom commands) reads all
// of it but Switched and UserNS, and starts "__limit", the helper that
// confines itself, sets the limits and executes the program in its
// place, with the Launch that Helper returns. Args writes a Launch as that
// command line and ParseLaunch reads it back: nothing else builds or reads
// it.
type Launch struct {
	Limits  Limits
	User    User   // the program runs as this user; zero: the grader's own
	Events  string // file the launcher records timeouts and output caps in; "" for none
	Confine Confinement
	// Switched tells the helper that it already runs as User (the
	// launcher switched when it started it), so it need not switch itself.
	Switched bool
	// UserNS tells the helper that it is root of a user namespace of its
	// own, whose capabilities it must give up before it executes the
	// program.
	UserNS      bool
	Path        string   // the program
	ProgramArgs []string // its arguments
}

// Helper returns the Launch that the launcher gives its helper for l: the
// limits the helper applies itself (not the time limit, output cap or
// events, which stay with the launcher), the confinement, and how it was
// started (see helperAttr).
func (l Launch) Helper() Launch {
	h := l
	h.Limits.Timeout, h.Limits.Output, h.Events = 0, 0, ""
	h.Switched = l.User.IsSet() && !l.Confine.PrivateTmp
	h.UserNS = l.Confine.PrivateTmp && !Root()
	return h
}

// Args writes l as the command line of "__exec" or "__limit" (without the
// command's name): flags for the fields that are set, then "--", the
// program and its arguments.
func (l Launch) Args() []string {
	var a []string
	str := func(flag, v string) {
		if v != "" {
			a = append(a, flag, v)
		}
	}
	num := func(flag string, v int64) {
		if v > 0 {
			a = append(a, flag, strconv.FormatInt(v, 10))
		}
	}
	boolean := func(flag string, v bool) {
		if v {
			a = append(a, flag)
		}
	}
	if l.Limits.Timeout > 0 {
		a = append(a, "-t", l.Limits.Timeout.String())
	}
	num("-cap", l.Limits.Output)
	num("-mem", l.Limits.Memory)
	num("-nproc", int64(l.Limits.Procs))
	num("-fsize", l.Limits.FileSize)
	num("-nofile", int64(l.Limits.Files))
	str("-cgroup", l.Limits.Cgroup)
	if l.User.IsSet() {
		a = append(a, "-uid", strconv.FormatUint(uint64(l.User.UID), 10), "-gid", strconv.FormatUint(uint64(l.User.GID), 10))
	}
	str("-events", l.Events)
	for _, w := range l.Confine.Writable {
		a = append(a, "-writable", w)
	}
	boolean("-landlock", l.Confine.Landlock)
	boolean("-private", l.Confine.PrivateTmp)
	boolean("-switched", l.Switched)
	boolean("-userns", l.UserNS)
	return append(append(a, "--", l.Path), l.ProgramArgs...)
}

// ErrNoProgram is returned by ParseLaunch for a command line that names no
// program to run.
var ErrNoProgram = errors.New("no program to run: the command line ends before \"-- program [args...]\"")

// ParseLaunch reads a command line that Args wrote. A flag it does not
// know, a malformed or negative number, a writable folder that is not
// absolute, or no program is an error that says which.
func ParseLaunch(args []string) (Launch, error) {
	var l Launch
	fs := flag.NewFlagSet("launch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	nonNegative := func(name string, into func(int64)) {
		fs.Func(name, "", func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("want a whole number of at least 0, not %q", v)
			}
			into(n)
			return nil
		})
	}
	fs.Func("t", "", func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration of at least 0, such as 2s, not %q", v)
		}
		l.Limits.Timeout = d
		return nil
	})
	nonNegative("cap", func(n int64) { l.Limits.Output = n })
	nonNegative("mem", func(n int64) { l.Limits.Memory = n })
	nonNegative("nproc", func(n int64) { l.Limits.Procs = int(n) })
	nonNegative("fsize", func(n int64) { l.Limits.FileSize = n })
	nonNegative("nofile", func(n int64) { l.Limits.Files = int(n) })
	fs.StringVar(&l.Limits.Cgroup, "cgroup", "", "")
	id := func(name string, into *uint32) {
		fs.Func(name, "", func(v string) error {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return fmt.Errorf("want a user or group id, not %q", v)
			}
			*into = uint32(n)
			return nil
		})
	}
	id("uid", &l.User.UID)
	id("gid", &l.User.GID)
	fs.StringVar(&l.Events, "events", "", "")
	fs.Func("writable", "", func(v string) error {
		if !filepath.IsAbs(v) {
			return fmt.Errorf("want an absolute folder, not %q", v)
		}
		l.Confine.Writable = append(l.Confine.Writable, v)
		return nil
	})
	fs.BoolVar(&l.Confine.Landlock, "landlock", false, "")
	fs.BoolVar(&l.Confine.PrivateTmp, "private", false, "")
	fs.BoolVar(&l.Switched, "switched", false, "")
	fs.BoolVar(&l.UserNS, "userns", false, "")
	if err := fs.Parse(args); err != nil {
		return Launch{}, err
	}
	if fs.NArg() == 0 {
		return Launch{}, ErrNoProgram
	}
	l.Path, l.ProgramArgs = fs.Arg(0), fs.Args()[1:]
	if !l.User.IsSet() {
		l.User = User{} // a gid alone switches nothing
	}
	return l, nil
}
