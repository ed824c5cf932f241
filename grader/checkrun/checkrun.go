// Package checkrun is the check runner: the grader process ("__run-check")
// that runs one check script with testscript, in the process group and,
// where the machine allows, the PID namespace that package runner starts it
// in, with the custom commands check scripts may use (run, cmpmask, trace,
// medians, leftover, workers), and kills whatever the script left behind.
// Package runner hands it a Job and reads its Result.
package checkrun

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// DefaultDisk bounds what one check may write in its work folder, where
// the check runner can give it a disk of its own (as root on Linux).
const DefaultDisk = 256 << 20

// Job is what the grader hands a check runner, as JSON on its stdin.
type Job struct {
	Script   string              `json:"script"`    // the check file (kept where student code cannot reach it)
	WorkRoot string              `json:"work_root"` // testscript's WorkdirRoot
	Timeout  time.Duration       `json:"timeout"`
	Vars     []string            `json:"vars"`    // extra variables: PROG, EXDIR, EXERCISE...
	BinDir   string              `json:"bin_dir"` // goes first on PATH
	User     sandbox.User        `json:"user"`
	Limits   sandbox.Limits      `json:"limits"` // for the custom commands' programs
	Confine  sandbox.Confinement `json:"confine"`
	Events   string              `json:"events"`
	Self     sandbox.Self        `json:"self"`
	Wrappers map[string]string   `json:"wrappers"` // $PROG wrapper -> the binary it runs
	Shared   string              `json:"shared"`   // the exercise's shared files, copied into $WORK

	notMeasured string // why the check could not measure (set by its commands only)
}

// target returns the program a custom command should start: the student
// binary itself when prog names a $PROG wrapper (the command's launcher
// applies the limits), prog otherwise.
func (j *Job) target(prog string) string {
	for w, bin := range j.Wrappers {
		if prog == w || prog == filepath.Base(w) {
			return bin
		}
	}
	return prog
}

// Result is what a check runner answers, as JSON on its stdout.
type Result struct {
	Status   string        `json:"status"`           // passed, failed, skipped or "not measured"
	Reason   string        `json:"reason,omitempty"` // why it was not measured`
	Log      string        `json:"log"`
	TimedOut bool          `json:"timed_out"`
	Elapsed  time.Duration `json:"elapsed"`
	Killed   int           `json:"killed"` // processes left behind and killed at the end
}

// Main implements the internal "__run-check" command: it reads a job
// on stdin, runs its one script, kills whatever the script left behind, and
// writes the result on stdout.
func Main(stdin io.Reader, stdout, stderr io.Writer) int {
	var j Job
	if err := json.NewDecoder(stdin).Decode(&j); err != nil {
		fmt.Fprintf(stderr, "grader: bad check job: %v\n", err)
		return 2
	}
	if err := sandbox.PrivateProc(); err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
	}
	if err := sandbox.PrivateDisk(j.WorkRoot, DefaultDisk); err != nil {
		fmt.Fprintf(stderr, "grader: %v\n", err)
	}
	_ = sandbox.BecomeSubreaper()
	_ = sandbox.NotDumpable()
	start := time.Now()
	deadline := start.Add(j.Timeout)
	grace := max(100*time.Millisecond, j.Timeout/20)
	p := testscript.Params{
		Files:               []string{j.Script},
		WorkdirRoot:         j.WorkRoot,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Deadline:            deadline,
		Setup:               j.setup,
		Cmds:                Commands(),
		Condition:           condition,
	}
	status, log := outcome(p)
	res := Result{Status: status, Log: log, Elapsed: time.Since(start)}
	if status == "not measured" {
		res.Reason = j.notMeasured
	}
	if status == "failed" && !time.Now().Before(deadline.Add(-2*grace)) {
		res.TimedOut = true
	}
	res.Killed = sandbox.KillDescendants(sandbox.SelfPID())
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}

// setup gives the script a clean environment and, when student code runs
// as another user, the permissions that keep the check's own files out of
// its reach: $WORK is sticky and world-writable (the program may create
// files, not replace the check's), the check's files are readable by root
// only, except those under in/, which are the program's inputs.
func (j *Job) setup(env *testscript.Env) error {
	work := env.WorkDir
	home := filepath.Join(work, ".home")
	tmp := filepath.Join(work, ".tmp")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	path := j.BinDir + string(os.PathListSeparator) + "/usr/local/bin:/usr/bin:/bin"
	env.Vars = []string{
		"WORK=" + work,
		"PATH=" + path,
		"HOME=" + home,
		"TMPDIR=" + tmp,
		"GOTRACEBACK=single",
		"LANG=C.UTF-8",
		"devnull=" + os.DevNull,
		"/=/", ":=:", "$=$", "exe=",
	}
	env.Vars = append(env.Vars, j.Vars...)
	env.Vars = append(env.Vars, sandbox.PassThrough()...)
	env.Values[jobKey{}] = j
	if err := j.copyShared(work); err != nil {
		return err
	}
	if !j.User.IsSet() {
		return nil
	}
	uid, gid := int(j.User.UID), int(j.User.GID)
	err := filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(work, p)
		switch {
		case rel == ".":
			return os.Chmod(p, 0o777|os.ModeSticky)
		case rel == ".home" || rel == ".tmp":
			return os.Lchown(p, uid, gid)
		case rel == "in" || strings.HasPrefix(rel, "in"+string(os.PathSeparator)):
			if d.IsDir() {
				return os.Chmod(p, 0o755)
			}
			return os.Chmod(p, 0o644)
		case d.IsDir():
			return os.Chmod(p, 0o700)
		default:
			return os.Chmod(p, 0o600)
		}
	})
	if err != nil {
		return fmt.Errorf("protecting the check's files: %w", err)
	}
	// Every folder above $WORK must let the student's user through.
	for d := filepath.Dir(work); d != j.WorkRoot && d != "/" && d != "."; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o711)
	}
	return os.Chmod(j.WorkRoot, 0o711)
}

type jobKey struct{}

// copyShared puts the exercise's shared files into $WORK next to the
// check's own. A check file of the same name is an error, not a silent
// choice between the two.
func (j *Job) copyShared(work string) error {
	if j.Shared == "" {
		return nil
	}
	entries, err := os.ReadDir(j.Shared)
	if err != nil {
		return fmt.Errorf("reading the exercise's shared files: %w", err)
	}
	for _, e := range entries {
		dst := filepath.Join(work, e.Name())
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("the check has a file %s, and so has %s; rename one", e.Name(), j.Shared)
		}
		data, err := os.ReadFile(filepath.Join(j.Shared, e.Name()))
		if err != nil {
			return fmt.Errorf("reading the exercise's shared files: %w", err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// condition implements the grader's script conditions: [cpus:N] holds when
// this machine gives the grader at least N CPUs, [parallel:N] when N of them
// are free enough right now to run N programs at full speed (a busy machine
// cannot show a speed-up, and a check must neither fail nor pass a student
// for that: it says "unmeasured"), [root] when the grader runs as root.
func condition(cond string) (bool, error) {
	if n, ok := strings.CutPrefix(cond, "cpus:"); ok {
		want, err := strconv.Atoi(n)
		if err != nil {
			return false, fmt.Errorf("cpus:N needs a number, not %q", n)
		}
		return runtime.NumCPU() >= want, nil
	}
	if n, ok := strings.CutPrefix(cond, "parallel:"); ok {
		want, err := strconv.Atoi(n)
		if err != nil || want < 1 {
			return false, fmt.Errorf("parallel:N needs a positive number, not %q", n)
		}
		return parallelFree(want), nil
	}
	if cond == "root" {
		return sandbox.Root(), nil
	}
	return false, fmt.Errorf("unknown condition %q (the grader knows cpus:N, parallel:N and root)", cond)
}

// parallelEfficiency measures how much of n CPUs the grader gets now: the
// work n threads spinning together do in a fixed time, against n times the
// work of one thread alone. Each side keeps its best of three tries, so one
// unlucky moment does not decide.
func parallelEfficiency(n int) float64 {
	const slot = 100 * time.Millisecond
	spin := func() int64 {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var count int64
		for end := time.Now().Add(slot); time.Now().Before(end); {
			for range 1000 {
				count++
			}
		}
		return count
	}
	var alone, together int64
	for range 3 {
		alone = max(alone, spin())
		counts := make([]int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { counts[i] = spin() })
		}
		wg.Wait()
		var sum int64
		for _, c := range counts {
			sum += c
		}
		together = max(together, sum)
	}
	return float64(together) / float64(int64(n)*max(alone, 1))
}
