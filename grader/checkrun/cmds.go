package checkrun

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/poolschool/poolschool/grader/sandbox"
	"github.com/poolschool/poolschool/grader/trace"
)

// Commands returns the custom commands check scripts may use. Each one
// prints a usage line when its arguments are wrong:
//
//	[!] run [-t DUR] [-cap BYTES] [-status N] program [args...]
//	[!] cmpmask file1 file2 pattern
//	[!] trace file [metric op N]...
//	[!] medians [-n N] [-ratio R] [-free C] slow-program [args...] -- fast-program [args...]
//	[!] leftover [-wait DUR] N
//	[!] workers [-min CPU] N program [args...]
//	unmeasured REASON
func Commands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"run":        cmdRun,
		"cmpmask":    cmdCmpmask,
		"trace":      cmdTrace,
		"medians":    cmdMedians,
		"leftover":   cmdLeftover,
		"workers":    cmdWorkers,
		"unmeasured": cmdUnmeasured,
	}
}

func jobOf(ts *testscript.TestScript) *Job {
	j, _ := ts.Value(jobKey{}).(*Job)
	if j == nil {
		ts.Fatalf("grader: this command only works inside the grader")
	}
	return j
}

// launcherArgs returns the launcher invocation for program with the check's
// limits, a time limit and output cap of its own when given.
func launcherArgs(j *Job, timeout time.Duration, outCap int64, program string, args []string) []string {
	l := j.Limits
	if timeout > 0 {
		l.Timeout = timeout
	}
	if outCap > 0 {
		l.Output = outCap
	}
	launch := sandbox.Launch{Limits: l, User: j.User, Events: j.Events, Confine: j.Confine, Path: j.target(program), ProgramArgs: args}
	return append([]string{"__exec"}, launch.Args()...)
}

// cmdRun implements: [!] run [-t DUR] [-cap BYTES] [-status N] program [args...]
// It runs program with its own time limit and output cap; stdout and stderr
// are then available to stdout, stderr and cmp. Without -status it wants
// exit status 0 (with !, anything else); with -status it wants exactly N.
func cmdRun(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: [!] run [-t DUR] [-cap BYTES] [-status N] program [args...]"
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	timeout := fs.Duration("t", 0, "")
	outCap := fs.Int64("cap", 0, "")
	status := fs.Int("status", -1, "")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		ts.Fatalf(usage)
	}
	if neg && *status >= 0 {
		ts.Fatalf("run: use either ! or -status, not both")
	}
	j := jobOf(ts)
	err := ts.Exec(j.Self.Path, launcherArgs(j, *timeout, *outCap, fs.Arg(0), fs.Args()[1:])...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("run: %v", err)
	}
	switch {
	case *status >= 0 && got != *status:
		ts.Fatalf("exit status %d, want %d", got, *status)
	case *status < 0 && !neg && got != 0:
		ts.Fatalf("exit status %d, want 0", got)
	case neg && got == 0:
		ts.Fatalf("exit status 0, want a failure")
	}
}

// cmdCmpmask implements: [!] cmpmask file1 file2 pattern
// It compares the files after replacing every match of the regular
// expression pattern with "…" in both, so that timings or pids do not count.
func cmdCmpmask(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: [!] cmpmask file1 file2 pattern")
	}
	re, err := regexp.Compile(args[2])
	if err != nil {
		ts.Fatalf("cmpmask: bad pattern: %v", err)
	}
	a := re.ReplaceAllString(ts.ReadFile(args[0]), "…")
	b := re.ReplaceAllString(ts.ReadFile(args[1]), "…")
	switch {
	case a == b && neg:
		ts.Fatalf("%s and %s do not differ outside %s", args[0], args[1], args[2])
	case a != b && !neg:
		ts.Logf("[diff -%s +%s, matches of %s masked]\n%s", args[0], args[1], args[2], lineDiff(a, b))
		ts.Fatalf("%s and %s differ", args[0], args[1])
	}
}

// lineDiff lists lines only in a (-) and only in b (+), in order.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "-"+x, "+"+y)
		}
	}
	return strings.Join(out, "\n")
}

// cmdTrace implements: [!] trace file [metric op N]...
// It reads a Chrome trace-event file (POOLSCHOOL_TRACE), prints its summary
// on stdout, and checks each "metric op N" triple, where metric is
// processes, tracks, slices or instants (or slices:NAME, instants:NAME for
// one event name) and op is one of == != >= <= > <.
func cmdTrace(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: [!] trace file [metric op N]... (metrics: processes tracks slices instants slices:NAME instants:NAME)"
	if len(args) == 0 || (len(args)-1)%3 != 0 {
		ts.Fatalf(usage)
	}
	s, err := trace.Parse([]byte(ts.ReadFile(args[0])))
	if err != nil {
		ts.Fatalf("trace: %s: %v", args[0], err)
	}
	fmt.Fprint(ts.Stdout(), s.String())
	ok := true
	for i := 1; i < len(args); i += 3 {
		got, err := s.Metric(args[i])
		if err != nil {
			ts.Fatalf("trace: %v; %s", err, usage)
		}
		want, err := strconv.Atoi(args[i+2])
		if err != nil {
			ts.Fatalf("trace: %q is not a whole number", args[i+2])
		}
		holds, err := compare(got, args[i+1], want)
		if err != nil {
			ts.Fatalf("trace: %v", err)
		}
		if !holds {
			ts.Logf("trace: %s is %d, want %s %d", args[i], got, args[i+1], want)
			ok = false
		}
	}
	switch {
	case !ok && !neg:
		ts.Fatalf("the trace does not show what the check expects")
	case ok && neg && len(args) > 1:
		ts.Fatalf("the trace unexpectedly shows what the check rules out")
	}
}

func compare(got int, op string, want int) (bool, error) {
	switch op {
	case "==":
		return got == want, nil
	case "!=":
		return got != want, nil
	case ">=":
		return got >= want, nil
	case "<=":
		return got <= want, nil
	case ">":
		return got > want, nil
	case "<":
		return got < want, nil
	}
	return false, fmt.Errorf("unknown comparison %q (use == != >= <= > <)", op)
}

// cmdMedians implements:
//
//	[!] medians [-n N] [-ratio R] [-free C] slow-program [args...] -- fast-program [args...]
//
// It runs both programs N times (default 3), alternating, and wants the
// median time of the first to be at least R (default 1.5) times the median
// of the second. Both must succeed every time. It prints the medians.
// With -free C, a ratio that falls short while the machine did not leave
// the check C free CPUs is neither failed nor passed: the check ends "not
// measured". Whether the machine was busy is read from the kernel's CPU
// accounting over the runs (/proc/stat, less everything the check's own
// processes used, so a program that hogs CPUs or leaves hogs behind only
// slows itself), or, where there is none, measured again as [parallel:C]
// does once the program's leftovers are killed. A ratio that is reached is
// a pass however busy the machine was.
func cmdMedians(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: [!] medians [-n N] [-ratio R] [-free C] slow-program [args...] -- fast-program [args...]"
	fs := flag.NewFlagSet("medians", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("n", 3, "")
	ratio := fs.Float64("ratio", 1.5, "")
	free := fs.Int("free", 0, "")
	if err := fs.Parse(args); err != nil || *n < 1 || *n > 50 || *ratio <= 0 || *free < 0 {
		ts.Fatalf(usage)
	}
	if neg && *free > 0 {
		ts.Fatalf("medians: use either ! or -free, not both")
	}
	rest := fs.Args()
	i := slices.Index(rest, "--")
	if i < 1 || i == len(rest)-1 {
		ts.Fatalf(usage)
	}
	slow, fast := rest[:i], rest[i+1:]
	j := jobOf(ts)
	var ts1, ts2 []time.Duration
	begin, clockOK := readClock()
	for k := 0; k < *n; k++ {
		for _, c := range []struct {
			argv []string
			into *[]time.Duration
		}{{slow, &ts1}, {fast, &ts2}} {
			start := time.Now()
			before := len(sandbox.ReadEvents(j.Events))
			if err := ts.Exec(j.Self.Path, launcherArgs(j, 0, 0, c.argv[0], c.argv[1:])...); err != nil {
				ts.Fatalf("medians: %s failed: %v", c.argv[0], err)
			}
			elapsed := time.Since(start)
			// Prefer the launcher's own measure of the program alone,
			// without the launcher's start-up.
			if evs := sandbox.ReadEvents(j.Events); len(evs) > before && evs[len(evs)-1].Kind == "exit" {
				elapsed = evs[len(evs)-1].Elapsed
			}
			*c.into = append(*c.into, elapsed)
		}
	}
	end, endOK := readClock()
	m1, m2 := median(ts1), median(ts2)
	got := float64(m1) / float64(max(m2, time.Microsecond))
	fmt.Fprintf(ts.Stdout(), "median %s: %s\nmedian %s: %s\nratio: %.2f (want at least %.2f)\n",
		slow[0], m1.Round(time.Millisecond), fast[0], m2.Round(time.Millisecond), got, *ratio)
	if got < *ratio && !neg && *free > 0 {
		var busy bool
		var why string
		if runtime.NumCPU() < *free {
			busy, why = true, fmt.Sprintf("this machine has %d CPU(s), fewer than the %d a speed-up needs", runtime.NumCPU(), *free)
		} else if clockOK && endOK {
			var load float64
			busy, load = busyDuring(begin, end, *free)
			why = fmt.Sprintf("other work kept %.1f of the machine's %d CPUs busy during the runs, so %d were not free", load, runtime.NumCPU(), *free)
		} else {
			killLeftovers(ts)
			busy = !parallelFree(*free)
			why = fmt.Sprintf("fewer than %d CPUs are free now: the machine got busy during the runs", *free)
		}
		if busy {
			fmt.Fprintf(ts.Stdout(), "%s, so the speed-up was not measured\n", why)
			notMeasured(ts, why+"; the speed-up was not measured")
		}
	}
	switch {
	case got < *ratio && !neg:
		ts.Fatalf("the second program is only %.2f times as fast as the first, want at least %.2f", got, *ratio)
	case got >= *ratio && neg:
		ts.Fatalf("the second program is %.2f times as fast as the first, want less than %.2f", got, *ratio)
	}
}

// killLeftovers kills what the check's programs left running (not the
// script's own background commands), so that a measure that follows sees
// the machine without them.
func killLeftovers(ts *testscript.TestScript) {
	left, err := leftovers(ts)
	if err != nil {
		return
	}
	for _, p := range left {
		sandbox.KillDescendants(p.PID)
		_ = syscall.Kill(p.PID, syscall.SIGKILL)
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// cmdLeftover implements: [!] leftover [-wait DUR] N
// It counts the live processes the check's programs left behind (everything
// below the check runner except the script's own background commands) and
// wants at most N, waiting up to DUR (default 1s) for stragglers to exit.
func cmdLeftover(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: [!] leftover [-wait DUR] N"
	fs := flag.NewFlagSet("leftover", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	wait := fs.Duration("wait", time.Second, "")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf(usage)
	}
	want, err := strconv.Atoi(fs.Arg(0))
	if err != nil || want < 0 {
		ts.Fatalf(usage)
	}
	deadline := time.Now().Add(*wait)
	var left []sandbox.Proc
	for {
		left, err = leftovers(ts)
		if err != nil {
			ts.Fatalf("leftover: %v", err)
		}
		if len(left) <= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range left {
		fmt.Fprintf(ts.Stdout(), "left behind: pid %d (%s)\n", p.PID, p.Comm)
	}
	switch {
	case len(left) > want && !neg:
		ts.Fatalf("%d process(es) left behind, want at most %d", len(left), want)
	case len(left) <= want && neg:
		ts.Fatalf("%d process(es) left behind, want more than %d", len(left), want)
	}
}

func leftovers(ts *testscript.TestScript) ([]sandbox.Proc, error) {
	procs, err := sandbox.Descendants(sandbox.SelfPID())
	if err != nil {
		return nil, err
	}
	skip := map[int]bool{}
	for _, c := range ts.BackgroundCmds() {
		if c.Process != nil {
			skip[c.Process.Pid] = true
		}
	}
	var out []sandbox.Proc
	for _, p := range procs {
		if skip[p.PPID] {
			skip[p.PID] = true
			continue
		}
		if skip[p.PID] || p.State == 'Z' {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
