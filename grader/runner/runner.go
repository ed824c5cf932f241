// Package runner builds a student's exercise once and runs each check in a
// contained check runner: a fresh process of the grader binary ("__run-check")
// that runs one testscript file (package checkrun), in its own process
// group and, where the machine allows, its own PID namespace. Student
// programs are started through the grader's launcher ("__exec"), which
// applies the check's limits and, when the grader is root, an unprivileged
// user.
package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/poolschool/poolschool/grader/checkrun"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/sandbox"
	"github.com/poolschool/poolschool/grader/spec"
)

// Default limits for student processes and builds.
const (
	DefaultProcs    = 256
	DefaultFileSize = 64 << 20
	DefaultFiles    = 256
	BuildTimeout    = 3 * time.Minute
	buildOutput     = 64 << 10
	logCap          = 8 << 10
)

// Runner grades exercises of one working tree or one student's copy.
type Runner struct {
	Self  sandbox.Self
	User  sandbox.User // student code runs as this user when set
	Work  string       // folder for builds and check work (created)
	GoEnv []string     // GOCACHE, GOMODCACHE... for builds (see GoEnv)
	// Observer, when set, hears of each step as it happens, so that a
	// report can be shown while the checks run.
	Observer Observer
	// Passed names checks ("exercise/id") that passed in an earlier run
	// of the same work: a check that needs one of them runs without it.
	// grade -rerun sets it to re-run single checks.
	Passed map[string]bool

	uidBase int // job slot N's student code runs as uidBase+N (see New); 0: no switch
}

// Observer hears of an exercise's progress, in order, from the goroutine
// that runs Exercise.
type Observer interface {
	// Building is called before the exercise's program is built.
	Building(ex *spec.Exercise)
	// Running is called before a check runs (not for one that is skipped).
	Running(ex *spec.Exercise, c *spec.Check)
	// Finished is called with each check's record, in order.
	Finished(ex *spec.Exercise, cr result.Check)
}

// machine is shared by the checks and builds that run at the same time in
// this grader (grade -jobs N): an exclusive check takes it whole, so that
// what it measures is the student's program and not a neighbour's build.
// A waiting exclusive check holds back new checks, so it is not starved.
var machine sync.RWMutex

// hold takes the machine for a check, whole if it is exclusive, and returns
// the function that gives it back.
func hold(exclusive bool) (release func()) {
	if exclusive {
		machine.Lock()
		return machine.Unlock
	}
	machine.RLock()
	return machine.RUnlock
}

// GoEnv asks the go command for the build settings the grader passes on:
// the build cache and the module cache, so that builds work offline.
func GoEnv() ([]string, error) {
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("running \"go env\": %w (is Go installed and on PATH?)", err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 3 {
		return nil, fmt.Errorf("unexpected \"go env\" output %q", out)
	}
	return []string{"GOCACHE=" + f[0], "GOMODCACHE=" + f[1], "GOROOT=" + f[2]}, nil
}

// Exercise builds src/<ex>/<build> in kit (src is "exercises" or
// "solutions") and runs checks, in order, skipping those whose needs did
// not pass. It never fails: every problem becomes part of a check's record.
func (r *Runner) Exercise(ctx context.Context, kit, src string, number int, ex *spec.Exercise, checks []*spec.Check) result.Exercise {
	rec := result.Exercise{Name: ex.Name, Title: ex.Title, Page: ex.Page,
		HiddenChecks: ex.Withheld, HiddenPoints: ex.WithheldPoints}
	for _, c := range ex.Checks {
		if c.Visibility == spec.Hidden && !slices.Contains(checks, c) {
			rec.HiddenChecks++
			rec.HiddenPoints += c.Points
		}
	}
	exWork := filepath.Join(r.Work, ex.Name)
	bin := ""
	var buildErr *BuildError
	if ex.Build != "" {
		var err error
		if r.Observer != nil {
			r.Observer.Building(ex)
		}
		release := hold(false)
		bin, err = r.build(ctx, kit, src, ex, exWork)
		release()
		if err != nil && !errors.As(err, &buildErr) {
			buildErr = &BuildError{Output: err.Error()}
		}
	}
	passed := map[string]bool{}
	for k := range r.Passed {
		if name, id, ok := strings.Cut(k, "/"); ok && name == ex.Name {
			passed[id] = true
		}
	}
	for i, c := range checks {
		cr := NewRecord(ex, number, i+1, c)
		var missing []string
		for _, n := range c.Needs {
			if !passed[n] {
				missing = append(missing, n)
			}
		}
		switch {
		case len(missing) > 0:
			cr.Status = result.Skipped
			cr.Reason = "needs: " + strings.Join(slugs(ex, missing), ", ")
		case buildErr != nil:
			// Only the checks that need nothing fail; the rest are
			// skipped through their needs, so the compiler's message is
			// shown once.
			cr.Status = result.Failed
			cr.Reason = "the program does not build"
			cr.Got = buildErr.Output
			cr.GotLabel = "the compiler says"
			// a "# hint-if:" can speak to one kind of build failure
			// (a deleted or renamed exercise folder), as to any other
			cr.FailureHint = c.HintFor(cr.Reason + "\n" + cr.Got)
		default:
			if r.Observer != nil {
				r.Observer.Running(ex, c)
			}
			r.runCheck(ctx, ex, c, bin, kit, src, exWork, &cr)
		}
		if cr.Status == result.Passed {
			cr.Score = c.Points
			passed[c.ID] = true
		}
		if cr.Status == result.NotMeasured {
			cr.Unmeasured = c.Unmeasured
			if cr.Unmeasured == result.Full {
				cr.Score = c.Points
			}
		}
		rec.Checks = append(rec.Checks, cr)
		if r.Observer != nil {
			r.Observer.Finished(ex, cr)
		}
	}
	if buildErr != nil {
		rec.BuildError = buildErr.Output
	}
	return rec
}

// BuildError is a compile failure, with the compiler's output.
type BuildError struct{ Output string }

func (e *BuildError) Error() string { return "build failed: " + firstLines(e.Output, 1) }

// build compiles the exercise once with cgo off, the local toolchain only
// and no network, under a time limit and an output cap.
func (r *Runner) build(ctx context.Context, kit, src string, ex *spec.Exercise, exWork string) (string, error) {
	binDir := filepath.Join(exWork, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(binDir, ex.Binary)
	_ = os.Remove(bin)
	pkg := "./" + filepath.ToSlash(filepath.Join(src, ex.Name, ex.Build))
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is not on PATH: %w", err)
	}
	l := sandbox.Launch{Limits: sandbox.Limits{Timeout: BuildTimeout, Output: buildOutput},
		Confine: r.buildConfinement(exWork), Path: goBin, ProgramArgs: []string{"build", "-o", bin, pkg}}
	cmd := r.Self.Command(append([]string{"__exec"}, l.Args()...)...)
	cmd.Dir = kit
	home := filepath.Join(exWork, ".home")
	_ = os.MkdirAll(home, 0o755)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + home,
		"GOTOOLCHAIN=local", "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=readonly -buildvcs=false",
		"CGO_ENABLED=0", "GOWORK=off", "GONOSUMDB=", "GOPRIVATE=",
	}, append(r.GoEnv, sandbox.PassThrough()...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = sandbox.RunnerAttr()
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return "", &BuildError{Output: compilerLines(out.String(), kit)}
	}
	return bin, nil
}

// buildConfinement says where the build may write: its work folder and
// the go command's caches. The build runs no student code (cgo is off, no
// go:generate runs, the grader sets GOFLAGS), but the go command must write
// the caches that student code, later, must not.
func (r *Runner) buildConfinement(exWork string) sandbox.Confinement {
	c := sandbox.Confinement{Writable: []string{exWork}, Landlock: sandbox.LandlockABI() > 0}
	for _, kv := range r.GoEnv {
		k, v, _ := strings.Cut(kv, "=")
		if (k == "GOCACHE" || k == "GOMODCACHE") && filepath.IsAbs(v) {
			// A rule needs the folder to exist; the go command would make it.
			_ = os.MkdirAll(v, 0o755)
			c.Writable = append(c.Writable, v)
		}
	}
	return c
}

// compilerLines makes the go command's output read like the student's own
// kit: paths relative to its root, as the student's editor and terminal
// open them from there (exercises/primes/main.go:10:2, not the grader's
// copy of the kit), without the "# package" line, capped.
func compilerLines(s, kit string) string {
	s = strings.ReplaceAll(s, kit+string(os.PathSeparator), "")
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if strings.HasPrefix(l, "# ") {
			continue
		}
		out = append(out, strings.TrimPrefix(l, "./"))
	}
	return capText(strings.Join(out, "\n"), logCap)
}

// slugs names checks by slug ("builds"), as the students read them.
func slugs(ex *spec.Exercise, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if c := ex.Check(id); c != nil {
			out[i] = c.Slug
		}
	}
	return out
}

var sweepMu sync.Mutex

// runCheck runs one check in a fresh check runner and fills cr.
func (r *Runner) runCheck(ctx context.Context, ex *spec.Exercise, c *spec.Check, bin, kit, src, exWork string, cr *result.Check) {
	dir := filepath.Join(exWork, c.ID)
	_ = os.RemoveAll(dir)
	binDir := filepath.Join(dir, "bin")
	wsDir := filepath.Join(dir, "ws")
	events := filepath.Join(dir, "events.jsonl")
	for _, d := range []string{binDir, wsDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			r.fail(cr, "the grader could not prepare the check: "+err.Error())
			return
		}
	}
	// The student programs of a check, every process of them, share twice
	// the memory of one process plus some slack: room for a pool's parent
	// and a worker, none for a fork bomb of memory hogs.
	cg := sandbox.NewCgroup(2*c.Memory + 512<<20)
	defer cg.Remove()
	limits := sandbox.Limits{Output: c.Output, Memory: c.Memory, Procs: DefaultProcs, FileSize: DefaultFileSize, Files: DefaultFiles,
		Cgroup: cg.Path()}
	// Without a user of its own, RLIMIT_NPROC counts everything the user
	// runs; the launcher then allows what runs now plus DefaultProcs.
	// Student code writes only below the check's workspace.
	confine := sandbox.Confining(wsDir)
	wrappers := map[string]string{}
	vars := []string{"EXERCISE=" + ex.Name, "EXDIR=" + filepath.Join(kit, src, ex.Name), "KIT=" + kit}
	prog := filepath.Join(binDir, ex.Binary)
	if bin != "" {
		l := sandbox.Launch{Limits: limits, User: r.User, Events: events, Confine: confine, Path: bin}
		if err := writeWrapper(prog, r.Self, l); err != nil {
			r.fail(cr, "the grader could not prepare the check: "+err.Error())
			return
		}
		vars = append(vars, "PROG="+prog)
		wrappers[prog] = bin
	}
	script := c.File
	j := checkrun.Job{Script: script, WorkRoot: wsDir, Timeout: c.Timeout, Vars: vars, BinDir: binDir,
		User: r.User, Limits: limits, Confine: confine, Events: events, Self: r.Self, Wrappers: wrappers, Shared: ex.Shared}
	in, _ := json.Marshal(j)
	cmd := r.Self.Command("__run-check")
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &capBuffer{b: &stderr, limit: logCap}
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir}, sandbox.PassThrough()...)
	cmd.Env = append(cmd.Env, checkrun.TestEnv()...)
	cmd.SysProcAttr = sandbox.RunnerAttr()
	cmd.WaitDelay = 2 * time.Second
	defer hold(c.Exclusive)()
	start := time.Now()
	cr.Started = start
	sweepMu.Lock()
	err := cmd.Start()
	sweepMu.Unlock()
	if err != nil {
		r.fail(cr, "the grader could not start the check: "+err.Error())
		return
	}
	hard := time.NewTimer(c.Timeout + 10*time.Second)
	defer hard.Stop()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := false
	select {
	case err = <-done:
	case <-hard.C:
		killed = true
	case <-ctx.Done():
		killed = true
	}
	if killed {
		sandbox.KillDescendants(cmd.Process.Pid)
		sandbox.KillGroup(cmd.Process.Pid)
		_ = cmd.Process.Kill()
		err = <-done
	}
	cr.Duration = time.Since(start)
	var res checkrun.Result
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil || killed {
		switch {
		case killed && ctx.Err() != nil:
			r.fail(cr, "grading was interrupted")
		case killed:
			r.fail(cr, sandbox.TimeoutMessage(cr.Duration.Round(time.Second), c.Timeout)+"; the check had to be killed")
		default:
			r.fail(cr, fmt.Sprintf("the check runner died (%v); a program may have killed it", err))
			cr.Log = capText(stderr.String(), logCap)
		}
		return
	}
	cr.Status = result.Status(res.Status)
	switch cr.Status {
	case result.Passed, result.Failed, result.Skipped:
	case result.NotMeasured:
		cr.Reason = oneLineText(res.Reason)
		if cr.Reason == "" {
			cr.Reason = "the check could not measure"
		}
		cr.Log = capText(cleanLog(res.Log), logCap)
	default:
		r.fail(cr, fmt.Sprintf("the check runner answered the unknown outcome %q", res.Status))
		return
	}
	if res.Status == "failed" {
		cr.Log = capText(cleanLog(res.Log), logCap)
		f := explain(res.Log, readScript(c.Script), ex.Binary)
		cr.Reason, cr.Phase, cr.Command, cr.Input = f.Reason, f.Phase, f.Command, f.Input
		cr.Expected, cr.ExpectedLabel, cr.Got, cr.GotLabel = f.Expected, f.ExpectedLabel, f.Got, f.GotLabel
		cr.Diff, cr.Stderr, cr.Detail = f.Diff, f.Stderr, f.Detail
		phase := ""
		if f.Phase != "" {
			phase = f.Phase + ": "
		}
		for _, e := range sandbox.ReadEvents(events) {
			switch e.Kind {
			case "timeout":
				cr.Reason = phase + "your program " + sandbox.TimeoutMessage(e.Elapsed.Round(100*time.Millisecond), e.Timeout)
			case "output":
				cr.Reason = phase + fmt.Sprintf("your program printed more than %s on %s and was stopped", size(e.Limit), e.Stream)
			}
		}
		if res.TimedOut {
			// testscript stops the script a grace period before the
			// deadline; the check used its whole limit.
			cr.Reason = phase + "your program was still running when the check " +
				sandbox.TimeoutMessage(max(res.Elapsed, c.Timeout).Round(time.Second), c.Timeout)
			cr.Expected, cr.ExpectedLabel, cr.Diff, cr.Stderr, cr.Detail = "", "", "", "", ""
			cr.Got, cr.GotLabel = cutLines(programOutput(f.Output)), "it had printed"
			if cr.Got == "" {
				cr.Got = "nothing"
			}
		}
		// The paths of the grader's copy mean nothing to the student.
		clean := strings.NewReplacer(prog, ex.Binary, bin, ex.Binary,
			filepath.Join(wsDir, "script-"+c.ID)+string(os.PathSeparator), "", kit+string(os.PathSeparator), "")
		for _, p := range []*string{&cr.Reason, &cr.Got, &cr.Stderr, &cr.Detail, &cr.Expected} {
			*p = clean.Replace(*p)
		}
		cr.FailureHint = c.HintFor(cr.Reason + "\n" + cr.Got + "\n" + cr.Stderr + "\n" + cr.Detail)
		if cr.FailureHint == "" && len(f.Hints) > 0 {
			cr.FailureHint = f.Hints[0]
		}
	}
	if res.Killed > 0 && cr.Status == result.Passed {
		cr.Log = fmt.Sprintf("note: %d process(es) left behind were killed after the check", res.Killed)
	}
}

// oneLineText puts s on one line.
func oneLineText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// programOutput leaves out of a program's captured output the lines the
// grader and testscript add to it.
func programOutput(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "[grader] ") || exitRE.MatchString(l) {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func (r *Runner) fail(cr *result.Check, reason string) {
	cr.Status = result.Failed
	cr.Reason = reason
}

// size formats a byte count the way check headers write it.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// capBuffer keeps the first limit bytes written to it.
type capBuffer struct {
	b     *bytes.Buffer
	limit int
}

func (c *capBuffer) Write(p []byte) (int, error) {
	if room := c.limit - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
