package checkrun

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// cmdWorkers implements: [!] workers [-min CPU] N program [args...]
// It runs program (contained, like run) and, while it runs, samples the
// kernel's view of its process tree in /proc every 10ms. A worker is a
// process below the program's main process; it counts when it used at least
// CPU (default 50ms) of processor time. The command wants at least N such
// workers. Idle decoy processes and a forged trace file do not count. The
// program's output is available to stdout and stderr afterwards.
func cmdWorkers(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: [!] workers [-min CPU] N program [args...]"
	fs := flag.NewFlagSet("workers", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	minCPU := fs.Duration("min", 50*time.Millisecond, "")
	if err := fs.Parse(args); err != nil || fs.NArg() < 2 {
		ts.Fatalf(usage)
	}
	want, err := strconv.Atoi(fs.Arg(0))
	if err != nil || want < 0 {
		ts.Fatalf(usage)
	}
	if _, err := sandbox.Descendants(sandbox.SelfPID()); err != nil {
		ts.Fatalf("workers: the kernel's process view needs Linux /proc: %v", err)
	}
	j := jobOf(ts)
	cmd := j.Self.Command(launcherArgs(j, 0, 0, fs.Arg(1), fs.Args()[2:])...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts, j)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		ts.Fatalf("workers: %v", err)
	}
	launcher := cmd.Process.Pid
	seen := map[int]sandbox.Proc{}
	var mu sync.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if procs, err := sandbox.Descendants(launcher); err == nil {
				mu.Lock()
				for _, p := range procs {
					if old, ok := seen[p.PID]; !ok || p.CPU >= old.CPU {
						seen[p.PID] = p
					}
				}
				mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	err = cmd.Wait()
	cancel()
	wg.Wait()
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	if err != nil {
		ts.Fatalf("workers: %s failed: %v", fs.Arg(1), err)
	}
	// The launcher's child is the program's main process; workers are below it.
	mainPID := 0
	for _, p := range seen {
		if p.PPID == launcher {
			mainPID = p.PID
		}
	}
	var busy, idle []sandbox.Proc
	for _, p := range seen {
		if p.PID == mainPID || p.PPID == launcher {
			continue
		}
		if p.CPU >= *minCPU {
			busy = append(busy, p)
		} else {
			idle = append(idle, p)
		}
	}
	sort.Slice(busy, func(a, b int) bool { return busy[a].PID < busy[b].PID })
	ts.Logf("workers: %d busy (at least %s of CPU each), %d idle", len(busy), *minCPU, len(idle))
	switch {
	case len(busy) < want && !neg:
		ts.Fatalf("the kernel saw %d worker process(es) doing work (at least %s of CPU each), want at least %d", len(busy), *minCPU, want)
	case len(busy) >= want && neg:
		ts.Fatalf("the kernel saw %d worker process(es) doing work, want fewer than %d", len(busy), want)
	}
}

// scriptEnv rebuilds the script's environment for commands the grader
// starts itself.
func scriptEnv(ts *testscript.TestScript, j *Job) []string {
	names := []string{"WORK", "PATH", "HOME", "TMPDIR", "GOTRACEBACK", "LANG", "POOLSCHOOL_TRACE", "GORACE"}
	for _, v := range j.Vars {
		if k, _, ok := strings.Cut(v, "="); ok {
			names = append(names, k)
		}
	}
	var env []string
	for _, k := range names {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}
