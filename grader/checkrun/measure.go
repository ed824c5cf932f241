package checkrun

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// errNotMeasured unwinds a script that cannot measure what it grades, as
// errFailNow unwinds one that failed; the reason is in the Job, where no
// program's output can put it.
var errNotMeasured = errors.New("runner: not measured")

// FakeFreeVar names the variable that, in the grader's own tests only,
// stands in for the free-CPU measure: "0" makes every [parallel:N] false
// and every short medians ratio "not measured"; "N" makes the machine look
// N CPUs free and idle. Only a binary that called EnableTestHooks honours
// it: the grader built from grader/cmd/grader never does, so neither the
// environment a grade runs in nor a student's program (whose environment is
// the script's, and which cannot change the grader's) can fake a busy or
// an idle machine.
const FakeFreeVar = "POOLSCHOOL_TEST_FREE_CPUS"

var testHooks atomic.Bool

// EnableTestHooks lets this binary honour FakeFreeVar. Only test binaries
// call it, in TestMain.
func EnableTestHooks() { testHooks.Store(true) }

// TestEnv returns FakeFreeVar=value, for the environment of a check
// runner, when the test hooks are on and the variable is set; nil
// otherwise.
func TestEnv() []string {
	if v, ok := os.LookupEnv(FakeFreeVar); ok && testHooks.Load() {
		return []string{FakeFreeVar + "=" + v}
	}
	return nil
}

// fakeFree returns the free CPUs the tests set, when they set them.
func fakeFree() (int, bool) {
	if !testHooks.Load() {
		return 0, false
	}
	v, ok := os.LookupEnv(FakeFreeVar)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// parallelFree reports whether n CPUs are free enough right now to run n
// programs at full speed: this machine has them, and n threads spinning
// together get at least 3/4 of n times what one gets alone.
func parallelFree(n int) bool {
	if f, ok := fakeFree(); ok {
		return f >= n
	}
	return runtime.NumCPU() >= n && parallelEfficiency(n) >= 0.75
}

// cmdUnmeasured implements: unmeasured REASON
// It ends the check as "not measured" with REASON: neither passed nor
// failed, scored by the check's "# unmeasured:" rule. A check uses it
// behind a condition, before any student program runs:
//
//	[!parallel:2] unmeasured 'the grader has no two free CPUs now'
func cmdUnmeasured(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		ts.Fatalf("usage: unmeasured REASON")
	}
	notMeasured(ts, args[0])
}

// notMeasured ends the script as not measured, for reason.
func notMeasured(ts *testscript.TestScript, reason string) {
	j := jobOf(ts)
	j.notMeasured = reason
	ts.Logf("not measured: %s", reason)
	panic(errNotMeasured)
}

// cpuClock is the kernel's CPU accounting at one moment: the whole
// machine's busy time (steal included: a hypervisor's other guests), and
// what this check used: the check runner itself, every program it waited
// for, and those still below it (their own time and their reaped
// children's).
type cpuClock struct {
	at         time.Time
	busy, ours time.Duration
}

// readClock reads the kernel's accounting now; ok is false where there is
// no /proc/stat.
func readClock() (c cpuClock, ok bool) {
	c.at = time.Now()
	busy, err := machineBusy()
	if err != nil {
		return c, false
	}
	c.busy = busy
	var self, kids syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil || syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) != nil {
		return c, false
	}
	c.ours = tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
	procs, err := sandbox.Descendants(sandbox.SelfPID())
	if err != nil {
		return c, false
	}
	for _, p := range procs {
		c.ours += p.CPU + p.Reaped
	}
	return c, true
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

// machineBusy reads the first line of /proc/stat: the time every CPU of
// the machine spent on anything but idling and waiting for the disk.
func machineBusy() (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	// cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %v", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// othersLoad is how many CPUs, on average between a and b, the kernel saw
// busy with work that was not this check's: other programs, other graders,
// a hypervisor's other guests. Student programs run below the check
// runner, so their work, hogs and leftovers included, is the check's own
// and never makes the machine look busy.
func othersLoad(a, b cpuClock) float64 {
	wall := b.at.Sub(a.at)
	if wall <= 0 {
		return 0
	}
	others := (b.busy - a.busy) - (b.ours - a.ours)
	return max(0, float64(others)/float64(wall))
}

// busyDuring reports whether, between a and b, the machine lacked free
// CPUs for the free a measure wanted: the CPUs left to the check, on
// average, by everything that was not it, were fewer than free less a
// quarter of one. ok is false when the kernel's accounting could not be
// read; the grader then measures free CPUs again instead.
func busyDuring(a, b cpuClock, free int) (busy bool, load float64) {
	if f, ok := fakeFree(); ok {
		return f < free, float64(max(0, runtime.NumCPU()-f))
	}
	load = othersLoad(a, b)
	return float64(runtime.NumCPU())-load < float64(free)-0.25, load
}
