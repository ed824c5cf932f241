package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/runner"
	"github.com/poolschool/poolschool/grader/spec"
)

// busyTestVar turns on TestSpeedupOnBusyMachine: it takes about a minute
// on two cores, so plain "go test" skips it and "make test" sets it.
const busyTestVar = "POOLSCHOOL_BUSY_TEST"

// The reference solution of primes, graded ten times on its speed-up
// check while CPU hogs (one "yes > /dev/null" per CPU, children of this
// test, not of the check) keep the machine busy: from before the check on
// even runs, from its measuring runs on odd ones. The check may pass or be
// "not measured" (and then out of the total), never fail, and never score
// while not measured. Nothing is timed: the outcome is asserted.
func TestSpeedupOnBusyMachine(t *testing.T) {
	if os.Getenv(busyTestVar) == "" {
		t.Skipf("takes about a minute; %s=1 (which make test sets) runs it", busyTestVar)
	}
	if runtime.GOOS != "linux" {
		t.Skip("the grader's CPU accounting reads Linux /proc")
	}
	if _, err := exec.LookPath("yes"); err != nil {
		t.Skip("no yes command to hog the CPUs with")
	}
	k, exs, err := openExercises("../../..", "primes")
	require.NoError(t, err)
	if !isDir(filepath.Join(k.Root, kit.Solutions, "primes")) {
		t.Skip("a student kit has no solutions to grade")
	}
	ex := exs[0]
	c := ex.Check("speedup")
	require.NotNil(t, c, "primes has no speedup check")
	r, err := runner.New(runner.Options{Prefix: "poolschool-busy-", UIDBase: checkUID})
	require.NoError(t, err)
	defer r.Close()
	// The checks the speed-up needs are taken as passed: only it runs.
	r.Passed = map[string]bool{}
	for id := range ex.WithNeeds(c) {
		if id != c.ID {
			r.Passed[ex.Name+"/"+id] = true
		}
	}
	outcomes := map[result.Status]int{}
	for i := range 10 {
		delay := time.Duration(0)
		if i%2 == 1 {
			// after the build, the free-CPU measure and the first run
			delay = 2500 * time.Millisecond
		}
		stop := hogCPUs(t, delay)
		rec := r.Exercise(context.Background(), k.Root, "solutions", 1, ex, []*spec.Check{c})
		stop()
		require.Len(t, rec.Checks, 1)
		cr := rec.Checks[0]
		outcomes[cr.Status]++
		t.Logf("run %d (hogs after %s): %s %s/%s %s", i+1, delay, cr.Status, result.Points(cr.Score), result.Points(cr.MaxScore), cr.Reason)
		switch cr.Status {
		case result.Passed:
			require.Equal(t, c.Points, cr.Score, "run %d: passed without its points", i+1)
		case result.NotMeasured:
			require.Equal(t, result.Excluded, cr.Unmeasured, "run %d", i+1)
			require.Zero(t, cr.Score, "run %d: points while not measured", i+1)
			require.False(t, cr.Counted(), "run %d: counted in the total while not measured", i+1)
			got, most := rec.Score()
			require.Zero(t, got+most, "run %d: the exercise's total holds a check not measured", i+1)
		default:
			require.FailNowf(t, "a failed speed-up on a busy machine", "run %d: the solution's speed-up check ended %s: %s\n%s", i+1, cr.Status, cr.Reason, cr.Log)
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

// hogCPUs starts, after delay, one "yes > /dev/null" per CPU, and returns
// the function that kills them.
func hogCPUs(t *testing.T, delay time.Duration) (stop func()) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	done := make(chan struct{})
	started := make(chan []*exec.Cmd, 1)
	go func() {
		var hogs []*exec.Cmd
		defer func() { started <- hogs }()
		select {
		case <-done:
			return
		case <-time.After(delay):
		}
		for range runtime.NumCPU() {
			h := exec.Command("yes")
			h.Stdout = devnull
			if h.Start() == nil {
				hogs = append(hogs, h)
			}
		}
	}()
	return func() {
		close(done)
		for _, h := range <-started {
			_ = h.Process.Kill()
			_ = h.Wait()
		}
		devnull.Close()
	}
}
