package checkrun

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// A process below the check runner that hogs a CPU is the check's own
// work: the kernel's accounting counts it in "ours", so a student's
// program cannot make the machine look busy to end its check "not
// measured".
func TestOwnHogIsNotOthersLoad(t *testing.T) {
	if _, ok := readClock(); !ok {
		t.Skip("no /proc/stat here")
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer devnull.Close()
	hog := exec.Command("yes")
	hog.Stdout = devnull
	require.NoError(t, hog.Start())
	defer func() { _ = hog.Process.Kill(); _ = hog.Wait() }()
	// The hog is stopped while its CPU and the clock are read, so that
	// both readings see the same ticks of it.
	stop := func() {
		require.NoError(t, hog.Process.Signal(syscall.SIGSTOP))
		require.Eventually(t, func() bool {
			p, err := sandbox.ReadProc(hog.Process.Pid)
			return err == nil && p.State == 'T'
		}, 30*time.Second, time.Millisecond, "the hog did not stop")
	}
	cont := func() { require.NoError(t, hog.Process.Signal(syscall.SIGCONT)) }

	stop()
	before, err := sandbox.ReadProc(hog.Process.Pid)
	require.NoError(t, err)
	a, ok := readClock()
	require.True(t, ok)
	cont()
	time.Sleep(time.Second)
	stop()
	b, ok := readClock()
	require.True(t, ok)
	after, err := sandbox.ReadProc(hog.Process.Pid)
	require.NoError(t, err)
	cont()

	hogged := after.CPU - before.CPU
	require.Positive(t, hogged, "the hog got no CPU at all")
	require.GreaterOrEqual(t, b.ours-a.ours, hogged,
		"the check's own CPU (%s) leaves out its hog's (%s)", b.ours-a.ours, hogged)
}

// The free-CPU measure can be faked only where the test hooks are on:
// the grader binary never turns them on.
func TestFakeFreeOnlyWithHooks(t *testing.T) {
	t.Setenv(FakeFreeVar, "0")
	testHooks.Store(false)
	_, ok := fakeFree()
	require.False(t, ok, "honoured without the test hooks")
	require.Empty(t, TestEnv(), "handed on without the test hooks")

	testHooks.Store(true)
	defer testHooks.Store(false)
	n, ok := fakeFree()
	require.True(t, ok)
	require.Equal(t, 0, n)
	require.False(t, parallelFree(1), "0 free CPUs")
	busy, _ := busyDuring(cpuClock{}, cpuClock{}, 2)
	require.True(t, busy, "0 free CPUs during the runs")
	t.Setenv(FakeFreeVar, "2")
	require.True(t, parallelFree(2), "2 free CPUs")
	busy, _ = busyDuring(cpuClock{}, cpuClock{}, 2)
	require.False(t, busy, "2 free CPUs during the runs")
	require.Equal(t, []string{FakeFreeVar + "=2"}, TestEnv())
}

// A script ends "not measured" only through the unmeasured command (or
// medians): a program that prints the words changes nothing.
func TestNotMeasuredOutcome(t *testing.T) {
	tests := []struct{ name, script, status, reason string }{
		{"command", "exec echo hi\nunmeasured 'no two free CPUs'\nexec false\n", "not measured", "no two free CPUs"},
		{"printed", "exec echo 'not measured: no two free CPUs'\nstdout 'not measured'\n", "passed", ""},
		{"failed first", "exec false\nunmeasured 'no two free CPUs'\n", "failed", ""},
		{"negated", "! unmeasured 'x'\n", "failed", ""},
		{"no reason", "unmeasured\n", "failed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			script := filepath.Join(dir, "01-x.txtar")
			require.NoError(t, os.WriteFile(script, []byte(tt.script), 0o644))
			j := &Job{}
			p := testscript.Params{
				Files: []string{script}, WorkdirRoot: t.TempDir(), Cmds: Commands(),
				Setup: func(env *testscript.Env) error { env.Values[jobKey{}] = j; return nil },
			}
			status, log := outcome(p)
			require.Equal(t, tt.status, status, "log:\n%s", log)
			if status == "not measured" {
				require.Equal(t, tt.reason, j.notMeasured)
			}
		})
	}
}
