// Package lessons_test runs every lesson and compares its output with a
// golden file: lessons/testdata/NN-slug.txtar. Timings and pids change from
// run to run, so the output is normalised first (see normalize). Set
// UPDATE_SCRIPTS=1 to rewrite the golden sections from a fresh run.
package lessons_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// binDir holds the lesson binaries, built once by TestMain.
var binDir string

// runsDir holds one recorded run of each lesson, as it printed it, numbers
// and all: testdata/runs/NN-slug.txt. The book quotes its numbers from
// there (docsync's quote markers); the keep command proves that each file
// is a run of the lesson as it is now.
var runsDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "lessons-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	pkgs, err := lessonPackages()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// One go build for all lessons: the pool package compiles once.
	cmd := exec.Command("go", append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the lessons: %v\n%s", err, out)
		return 1
	}
	binDir = dir
	if runsDir, err = filepath.Abs(filepath.Join("testdata", "runs")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// lessonPackages lists ./NN-slug for every lesson directory.
func lessonPackages() ([]string, error) {
	entries, err := os.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, e := range entries {
		if e.IsDir() && len(e.Name()) > 3 && e.Name()[0] >= '0' && e.Name()[0] <= '9' {
			pkgs = append(pkgs, "./"+e.Name())
		}
	}
	return pkgs, nil
}

// TestLessons runs testdata/*.txtar. Each script execs a lesson by its
// directory name, normalises what it printed and compares it with want.txt.
func TestLessons(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		WorkdirRoot:         t.TempDir(),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"normalize": cmdNormalize,
			"keep":      cmdKeep,
		},
	})
}

// Every lesson has a golden test, and every golden test a lesson.
func TestEveryLessonHasAGoldenFile(t *testing.T) {
	pkgs, err := lessonPackages()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		name := strings.TrimPrefix(p, "./")
		if _, err := os.Stat(filepath.Join("testdata", name+".txtar")); err != nil {
			t.Errorf("lesson %s has no golden test: %v", name, err)
		}
	}
	scripts, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	for _, s := range scripts {
		name := strings.TrimSuffix(filepath.Base(s), ".txtar")
		if !slices.Contains(pkgs, "./"+name) {
			t.Errorf("golden test %s has no lesson", s)
		}
	}
}

// The patterns that normalize replaces everywhere.
var (
	durationRE = regexp.MustCompile(`\b(\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|us|ms|s)\b`)
	ratioRE    = regexp.MustCompile(`\b\d+(\.\d+)?x\b`)
	pidRE      = regexp.MustCompile(`\b(pid|worker) \d+`)
)

// normalize replaces what changes between runs with placeholders: Go
// durations with <dur>, ratios such as 1.9x with <x>, and the number after
// "pid" or "worker" with <pid>. Each extra regexp marks more run-dependent
// text: the parts matched by its groups (or its whole match) become <n>.
func normalize(s string, extra []*regexp.Regexp) string {
	s = durationRE.ReplaceAllString(s, "<dur>")
	s = ratioRE.ReplaceAllString(s, "<x>")
	s = pidRE.ReplaceAllString(s, "$1 <pid>")
	for _, re := range extra {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatchIndex(m)
			if len(sub) <= 2 {
				return "<n>"
			}
			var b strings.Builder
			last := 0
			for g := 2; g+1 < len(sub); g += 2 {
				if sub[g] < 0 {
					continue
				}
				b.WriteString(m[last:sub[g]])
				b.WriteString("<n>")
				last = sub[g+1]
			}
			b.WriteString(m[last:])
			return b.String()
		})
	}
	return s
}

// cmdNormalize implements: normalize [-sort] file out [regexp...]
// It writes file (or stdout/stderr) normalised to out; with -sort, its
// lines are also sorted, for output whose order is up to the scheduler.
func cmdNormalize(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! normalize")
	}
	sortLines := len(args) > 0 && args[0] == "-sort"
	if sortLines {
		args = args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: normalize [-sort] file out [regexp...]")
	}
	var extra []*regexp.Regexp
	for _, a := range args[2:] {
		re, err := regexp.Compile(a)
		ts.Check(err)
		extra = append(extra, re)
	}
	out := normalize(ts.ReadFile(args[0]), extra)
	if sortLines {
		lines := strings.SplitAfter(strings.TrimSuffix(out, "\n"), "\n")
		for i := range lines {
			lines[i] = strings.TrimSuffix(lines[i], "\n")
		}
		slices.Sort(lines)
		out = strings.Join(lines, "\n") + "\n"
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out), 0o644))
}

// cmdKeep implements: keep file NAME [regexp...]
// It checks that testdata/runs/NAME, normalised with the same extra
// regexps, equals file (usually stdout) normalised: the recorded run the
// book quotes is a run of this lesson as it is now. With UPDATE_SCRIPTS=1
// it first records file there, as printed.
func cmdKeep(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! keep")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: keep file NAME [regexp...]")
	}
	var extra []*regexp.Regexp
	for _, a := range args[2:] {
		re, err := regexp.Compile(a)
		ts.Check(err)
		extra = append(extra, re)
	}
	got := ts.ReadFile(args[0])
	path := filepath.Join(runsDir, args[1])
	if os.Getenv("UPDATE_SCRIPTS") == "1" {
		ts.Check(os.MkdirAll(runsDir, 0o755))
		ts.Check(os.WriteFile(path, []byte(got), 0o644))
	}
	kept, err := os.ReadFile(path)
	if err != nil {
		ts.Fatalf("no recorded run: %v (make golden records it)", err)
	}
	if normalize(string(kept), extra) != normalize(got, extra) {
		ts.Logf("recorded run, normalised:\n%s", normalize(string(kept), extra))
		ts.Fatalf("testdata/runs/%s is not a run of this lesson as it is now; make golden records a new one", args[1])
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Execution time: 17ms", "Execution time: <dur>"},
		{"took 1.193s and 300µs, then 1m2.5s", "took <dur> and <dur>, then <dur>"},
		{"(1.9x faster)", "(<x> faster)"},
		{"pool: worker 22141 died; [pid 7] and pid 12", "pool: worker <pid> died; [pid <pid>] and pid <pid>"},
		{"4 workers x 100 lines, 8 slices, sum 50005000", "4 workers x 100 lines, 8 slices, sum 50005000"},
	}
	for _, c := range cases {
		if got := normalize(c.in, nil); got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	re := regexp.MustCompile(`counter in the parent: (\d+)`)
	if got := normalize("counter in the parent: 993\n", []*regexp.Regexp{re}); got != "counter in the parent: <n>\n" {
		t.Errorf("extra regexp: got %q", got)
	}
}

// TestRaceReport builds lesson 13 with the race detector, runs it on the
// goroutine backend and checks the report against the recorded one that
// docs/lessons/13-shared-state.md shows (testdata/runs/13-race.txt). The
// report is abridged to its first race and the lesson's own stack frames,
// so a change inside pool/ does not change it; addresses, goroutine
// numbers, the kinds of the two accesses, the final count and the number
// of races change from run to run and are masked for the comparison only.
// UPDATE_SCRIPTS=1 records a new one.
func TestRaceReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the lesson with -race: skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "13-race")
	build := exec.Command("go", "build", "-race", "-trimpath", "-o", bin, "./13-shared-state")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -race: %v\n%s", err, out)
	}
	// The detector sees a race only when two tasks happen to touch the
	// counter with nothing ordering them, which a loaded machine can make
	// rare: the lesson gets five runs to show one.
	var out []byte
	var exit *exec.ExitError
	for try := 1; ; try++ {
		var err error
		out, err = exec.Command(bin, "-backend", "goroutines").CombinedOutput()
		if errors.As(err, &exit) {
			break
		}
		if try == 5 {
			t.Fatalf("in 5 runs the race detector found nothing, or the lesson did not run: err = %v\n%s", err, out)
		}
		t.Logf("run %d: no race reported; trying again", try)
	}
	got := abridgeRace(string(out)) + fmt.Sprintf("exit status %d\n", exit.ExitCode())
	path := filepath.Join(runsDir, "13-race.txt")
	if os.Getenv("UPDATE_SCRIPTS") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kept, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no recorded race report: %v (make golden records it)", err)
	}
	if diff := cmp.Diff(maskRace(string(kept)), maskRace(got)); diff != "" {
		t.Errorf("the race report differs from testdata/runs/13-race.txt (-recorded +now, masked):\n%s\nfull output:\n%s", diff, out)
	}
}

// abridgeRace keeps the first race report of out, with only the frames in
// the lesson's own file (every other run of frames becomes "  ..."),
// then whatever follows the last report.
func abridgeRace(out string) string {
	const sep = "=================="
	reports := strings.Split(out, sep+"\n")
	// reports[0] is what came before the first report, then each report,
	// then the rest after the last separator.
	if len(reports) < 3 {
		return out
	}
	var b strings.Builder
	b.WriteString(reports[0] + sep + "\n")
	lines := strings.Split(strings.TrimSuffix(reports[1], "\n"), "\n")
	dots := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "      ") { // a function line; its file line follows
			if i+1 < len(lines) && strings.Contains(lines[i+1], "/lessons/") {
				b.WriteString(l + "\n" + lines[i+1] + "\n")
				dots = false
			} else if !dots {
				b.WriteString("  ...\n")
				dots = true
			}
			i++
			continue
		}
		b.WriteString(l + "\n")
		dots = false
	}
	b.WriteString(sep + "\n")
	b.WriteString(reports[len(reports)-1])
	return b.String()
}

var raceMasks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`0x[0-9a-f]+`), "<addr>"},
	{regexp.MustCompile(`([Gg]oroutine) \d+`), "$1 <n>"},
	{regexp.MustCompile(`\((running|finished)\)`), "(<state>)"},
	{regexp.MustCompile(`(?m)^(Read|Write) at`), "<access> at"},
	{regexp.MustCompile(`(?m)^Previous (read|write) at`), "Previous <access> at"},
	{regexp.MustCompile(`counter in the parent: \d+`), "counter in the parent: <n>"},
	{regexp.MustCompile(`Found \d+ data race`), "Found <n> data race"},
}

// maskRace hides what changes from one race report to the next.
func maskRace(s string) string {
	for _, m := range raceMasks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

// A claim a lesson prints is checked, not masked: the lesson edited in a
// copy (through go build -overlay, so the tree is untouched) prints
// something its golden file does not accept.
func TestEditedLessonFailsItsGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("builds edited lessons; skipped under -short")
	}
	edits := []struct {
		lesson, old, new string
		shows            string // a line the edited lesson prints, which the golden lacks
	}{
		{"08-shutdown", "pool.ShutdownOptions{Wait: false}", "pool.ShutdownOptions{Wait: true}",
			"Shutdown returned before the tasks finished: no"},
		{"08-shutdown", "const napTime = 300 * time.Millisecond", "const napTime = 200 * time.Millisecond",
			"3 tasks of 200 ms"},
	}
	for _, e := range edits {
		t.Run(e.lesson+": "+e.new, func(t *testing.T) {
			src := filepath.Join(e.lesson, "main.go")
			orig, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(orig), e.old) {
				t.Fatalf("%s no longer holds %q; update this test", src, e.old)
			}
			dir := t.TempDir()
			edited := filepath.Join(dir, "main.go")
			if err := os.WriteFile(edited, []byte(strings.Replace(string(orig), e.old, e.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs(src)
			overlay := filepath.Join(dir, "overlay.json")
			b, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: edited}})
			if err := os.WriteFile(overlay, b, 0o644); err != nil {
				t.Fatal(err)
			}
			bin := filepath.Join(dir, e.lesson)
			if out, err := exec.Command("go", "build", "-overlay", overlay, "-o", bin, "./"+e.lesson).CombinedOutput(); err != nil {
				t.Fatalf("building the edited lesson: %v\n%s", err, out)
			}
			out, err := exec.Command(bin).Output()
			if err != nil {
				t.Fatalf("running the edited lesson: %v", err)
			}
			got := normalize(string(out), nil)
			ar, err := txtar.ParseFile(filepath.Join("testdata", e.lesson+".txtar"))
			if err != nil {
				t.Fatal(err)
			}
			var want string
			for _, f := range ar.Files {
				if f.Name == "want.txt" {
					want = string(f.Data)
				}
			}
			if want == "" {
				t.Fatal("the golden file has no want.txt")
			}
			if got == want {
				t.Fatalf("the edited lesson still matches its golden file")
			}
			if !strings.Contains(got, e.shows) || strings.Contains(want, e.shows) {
				t.Errorf("the edited lesson should print %q, which the golden lacks; it printed:\n%s", e.shows, got)
			}
		})
	}
}
