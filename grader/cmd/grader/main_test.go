package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/poolschool/poolschool/grader/checkrun"
	"github.com/poolschool/poolschool/grader/classreport/browsertest"
	"github.com/poolschool/poolschool/grader/internal/junitxsd"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/sandbox"
)

// cpdir copies a folder tree, without .poolschool: cpdir SRC DST.
func cpdir(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cpdir SRC DST")
		return 2
	}
	// Local state from a manual run in the test kit is not part of it.
	skip := func(rel string, _ fs.DirEntry) bool { return rel == kit.StateDir }
	if err := kit.CopyTree(args[0], args[1], skip); err != nil {
		fmt.Fprintln(os.Stderr, "cpdir:", err)
		return 1
	}
	return 0
}

// noprocs fails when a process runs as a uid in [FROM, FROM+64): noprocs FROM.
func noprocs(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: noprocs FROM-UID")
		return 2
	}
	var from int
	fmt.Sscan(args[0], &from)
	all, err := sandbox.All()
	if err != nil {
		fmt.Fprintln(os.Stderr, "noprocs:", err)
		return 1
	}
	bad := 0
	for _, p := range all {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.PID))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(l, "Uid:"); ok {
				var uid int
				fmt.Sscan(rest, &uid)
				if uid >= from && uid < from+64 {
					fmt.Printf("left behind: pid %d (%s) uid %d\n", p.PID, p.Comm, uid)
					bad++
				}
			}
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}

// ziplist prints the names and modes of a zip's entries, and fails when an
// entry's DOS date is not a valid date (month or day 0, as a zero time
// gives: "1980-00-00"): ziplist FILE.
func ziplist(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: ziplist FILE")
		return 2
	}
	zr, err := zip.OpenReader(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ziplist:", err)
		return 1
	}
	defer zr.Close()
	bad := 0
	for _, f := range zr.File {
		fmt.Printf("%s %s\n", f.Mode(), f.Name)
		d := f.ModifiedDate //nolint:staticcheck // the raw DOS date is what is checked
		if month, day := d>>5&0xf, d&0x1f; month < 1 || month > 12 || day < 1 {
			fmt.Fprintf(os.Stderr, "ziplist: %s has the invalid DOS date %d-%02d-%02d\n", f.Name, 1980+int(d>>9), month, day)
			bad++
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}

// sumof prints the SHA-256 of the files graded that a record names:
// sumof RECORD.json.
func sumof(args []string) int {
	r, err := result.ReadFile(args[0])
	if err != nil || r.Provenance == nil || r.Provenance.FilesSHA256 == "" {
		fmt.Fprintln(os.Stderr, "sumof: no files_sha256 in", args[0], err)
		return 1
	}
	fmt.Println(r.Provenance.FilesSHA256)
	return 0
}

// zipdir writes the files below a folder, named relative to it, into a
// zip: zipdir SRC FILE.
func zipdir(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: zipdir SRC FILE")
		return 2
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(args[0], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(args[0], p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.WriteFile(args[1], buf.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "zipdir:", err)
		return 1
	}
	return 0
}

// mvq renames a file to a name written with Go's escapes (\x1b, \a), so
// that a script can make names with escapes and control characters:
// mvq SRC DST.
func mvq(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mvq SRC DST")
		return 2
	}
	dst, err := strconv.Unquote(`"` + args[1] + `"`)
	if err == nil {
		err = os.Rename(args[0], dst)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mvq:", err)
		return 1
	}
	return 0
}

// unzipone prints one entry of a zip: unzipone FILE NAME.
func unzipone(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: unzipone FILE NAME")
		return 2
	}
	zr, err := zip.OpenReader(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "unzipone:", err)
		return 1
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == args[1] {
			rc, err := f.Open()
			if err != nil {
				fmt.Fprintln(os.Stderr, "unzipone:", err)
				return 1
			}
			io.Copy(os.Stdout, rc)
			rc.Close()
			return 0
		}
	}
	fmt.Fprintln(os.Stderr, "unzipone: no entry", args[1])
	return 1
}

// junitvalidate checks JUnit XML files against the rules of Jenkins' and
// Surefire's schemas (see grader/internal/junitxsd): junitvalidate FILE...
func junitvalidate(args []string) int {
	for _, name := range args {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "junitvalidate:", err)
			return 1
		}
		err = junitxsd.Validate(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "junitvalidate: %s: %v\n", name, err)
			return 1
		}
	}
	return 0
}

// gsvalidate checks a results.json against Gradescope's specification:
// known fields only, a score, tests with score, max_score, name, number,
// status passed|failed and a known visibility. It prints the test count
// and the score.
func gsvalidate(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: gsvalidate FILE")
		return 2
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gsvalidate:", err)
		return 1
	}
	var doc struct {
		Score            *float64 `json:"score"`
		ExecutionTime    *int     `json:"execution_time"` // whole seconds
		Output           string   `json:"output"`
		OutputFormat     string   `json:"output_format"`
		TestOutputFormat string   `json:"test_output_format"`
		Visibility       string   `json:"visibility"`
		StdoutVisibility string   `json:"stdout_visibility"`
		Tests            []struct {
			Score      *float64 `json:"score"`
			MaxScore   *float64 `json:"max_score"`
			Status     string   `json:"status"`
			Name       string   `json:"name"`
			NameFormat string   `json:"name_format"`
			Number     string   `json:"number"`
			Output     string   `json:"output"`
			Tags       []string `json:"tags"`
			Visibility string   `json:"visibility"`
		} `json:"tests"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		fmt.Fprintln(os.Stderr, "gsvalidate:", err)
		return 1
	}
	vis := map[string]bool{"hidden": true, "after_due_date": true, "after_published": true, "visible": true}
	formats := map[string]bool{"text": true, "html": true, "simple_format": true, "md": true, "ansi": true}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "gsvalidate: "+format+"\n", a...)
		return 1
	}
	if doc.Score == nil {
		return bad("no top-level score")
	}
	if !vis[doc.Visibility] || !vis[doc.StdoutVisibility] || !formats[doc.OutputFormat] || !formats[doc.TestOutputFormat] {
		return bad("bad visibility or format")
	}
	sum := 0.0
	for i, t := range doc.Tests {
		if t.Score == nil || t.MaxScore == nil || t.Name == "" || t.Number == "" || !vis[t.Visibility] {
			return bad("test %d lacks score, max_score, name, number or a known visibility", i)
		}
		if t.NameFormat != "" && !formats[t.NameFormat] {
			return bad("test %d has name_format %q", i, t.NameFormat)
		}
		if t.Status != "passed" && t.Status != "failed" {
			return bad("test %d has status %q", i, t.Status)
		}
		if *t.Score > *t.MaxScore {
			return bad("test %d scores more than its maximum", i)
		}
		sum += *t.Score
	}
	if sum != *doc.Score {
		return bad("score %g is not the sum of the tests (%g)", *doc.Score, sum)
	}
	fmt.Printf("tests %d, score %g\n", len(doc.Tests), *doc.Score)
	return 0
}

// yamlcheck parses a YAML file and prints its top-level keys: yamlcheck FILE.
func yamlcheck(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: yamlcheck FILE")
		return 2
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamlcheck:", err)
		return 1
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fmt.Fprintln(os.Stderr, "yamlcheck:", err)
		return 1
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(strings.Join(keys, " "))
	return 0
}

// mutate makes a hand-made mistake in a copy of a solution: it replaces
// the text of each OLD file in FILE with the text of the NEW file after
// it, and fails unless OLD occurs exactly once, so that a mistake that no
// longer fits the solution is noticed: mutate FILE OLD NEW [OLD NEW ...].
func mutate(args []string) int {
	if len(args) < 3 || len(args)%2 == 0 {
		fmt.Fprintln(os.Stderr, "usage: mutate FILE OLD NEW [OLD NEW ...]")
		return 2
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		return 1
	}
	text := string(data)
	for i := 1; i < len(args); i += 2 {
		old, err1 := os.ReadFile(args[i])
		repl, err2 := os.ReadFile(args[i+1])
		if err := errors.Join(err1, err2); err != nil {
			fmt.Fprintln(os.Stderr, "mutate:", err)
			return 1
		}
		if n := strings.Count(text, string(old)); n != 1 {
			fmt.Fprintf(os.Stderr, "mutate: the text of %s occurs %d times in %s, want once; update it to the solution\n", args[i], n, args[0])
			return 1
		}
		text = strings.Replace(text, string(old), string(repl), 1)
	}
	if err := os.WriteFile(args[0], []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		return 1
	}
	return 0
}

// nooverlap fails when a check with the given ID ran while any other check
// of the graded class ran, by the start times and durations in the
// students' records: nooverlap GRADES CHECK-ID. A start is wall-clock time
// and a duration is monotonic, so overlaps under a few milliseconds (the
// clock being slewed) do not count; without the exclusive lock the checks
// overlap by seconds.
func nooverlap(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: nooverlap GRADES CHECK-ID")
		return 2
	}
	type span struct {
		who        string
		start, end time.Time
	}
	var alone, all []span
	records, _ := filepath.Glob(filepath.Join(args[0], "students", "*", "record.json"))
	for _, path := range records {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "nooverlap:", err)
			return 1
		}
		var rec result.Report
		if err := json.Unmarshal(data, &rec); err != nil {
			fmt.Fprintln(os.Stderr, "nooverlap:", path, err)
			return 1
		}
		for _, ex := range rec.Exercises {
			for _, c := range ex.Checks {
				if c.Started.IsZero() {
					continue // not run: skipped, or the build failed
				}
				s := span{who: rec.Student + " " + c.ID, start: c.Started, end: c.Started.Add(c.Duration)}
				all = append(all, s)
				if c.ID == args[1] {
					alone = append(alone, s)
				}
			}
		}
	}
	if len(alone) < 2 {
		fmt.Fprintf(os.Stderr, "nooverlap: %d runs of %s in %d records; want at least 2\n", len(alone), args[1], len(records))
		return 1
	}
	const slack = 5 * time.Millisecond
	bad := 0
	for _, a := range alone {
		for _, o := range all {
			if o != a && o.start.Add(slack).Before(a.end) && a.start.Add(slack).Before(o.end) {
				fmt.Printf("%s ran while %s ran\n", a.who, o.who)
				bad++
			}
		}
	}
	fmt.Printf("%d runs of %s, %d checks in all\n", len(alone), args[1], len(all))
	if bad > 0 {
		return 1
	}
	return 0
}

// txtarput replaces (or adds) one file of a txtar archive with the
// contents of another file: txtarput ARCHIVE NAME SRC.
func txtarput(args []string) int {
	if len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: txtarput ARCHIVE NAME SRC")
		return 2
	}
	a, err := txtar.ParseFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "txtarput:", err)
		return 1
	}
	data, err := os.ReadFile(args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "txtarput:", err)
		return 1
	}
	found := false
	for i := range a.Files {
		if a.Files[i].Name == args[1] {
			a.Files[i].Data, found = data, true
		}
	}
	if !found {
		a.Files = append(a.Files, txtar.File{Name: args[1], Data: data})
	}
	if err := os.WriteFile(args[0], txtar.Format(a), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "txtarput:", err)
		return 1
	}
	return 0
}

// watchdrive runs "grader watch ARGS..." as a student would use it: once
// the first run is over (its "Watching" line), it copies SRC over DST (a
// save), waits for a run that prints a line matching UNTIL (an editor may
// save in steps, each a run), and quits with q. It prints what watch
// printed: watchdrive SRC DST UNTIL ARGS...
func watchdrive(args []string) int {
	if len(args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: watchdrive SRC DST UNTIL [ARGS...]")
		return 2
	}
	until, err := regexp.Compile(args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "watchdrive:", err)
		return 2
	}
	cmd := exec.Command("grader", append([]string{"watch"}, args[3:]...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "watchdrive:", err)
		return 1
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "watchdrive:", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "watchdrive:", err)
		return 1
	}
	// A bound for a broken watch, never a measure.
	timer := time.AfterFunc(90*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	saved, seen, quit := false, false, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		fmt.Println(line)
		if saved && until.MatchString(line) {
			seen = true
		}
		if !strings.HasPrefix(line, "Watching ") {
			continue
		}
		switch {
		case !saved:
			data, err := os.ReadFile(args[0])
			if err == nil {
				err = os.WriteFile(args[1], data, 0o644)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "watchdrive:", err)
				cmd.Process.Kill()
			}
			saved = true
		case seen && !quit:
			fmt.Fprintln(in, "q")
			quit = true
		}
	}
	if err := cmd.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, "watchdrive: grader watch:", err)
		return 1
	}
	return 0
}

func TestMain(m *testing.M) {
	// The tests may fake the free-CPU measure (checkrun.FakeFreeVar);
	// the grader binary never can.
	checkrun.EnableTestHooks()
	// A -race build sleeps a second at exit by default; the grader starts
	// many short helper processes of itself.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	testscript.Main(m, map[string]func(){
		"grader":        func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"mksubs":        func() { os.Exit(mksubs(os.Args[1:])) },
		"cpdir":         func() { os.Exit(cpdir(os.Args[1:])) },
		"noprocs":       func() { os.Exit(noprocs(os.Args[1:])) },
		"ziplist":       func() { os.Exit(ziplist(os.Args[1:])) },
		"yamlcheck":     func() { os.Exit(yamlcheck(os.Args[1:])) },
		"unzipone":      func() { os.Exit(unzipone(os.Args[1:])) },
		"zipdir":        func() { os.Exit(zipdir(os.Args[1:])) },
		"mvq":           func() { os.Exit(mvq(os.Args[1:])) },
		"gsvalidate":    func() { os.Exit(gsvalidate(os.Args[1:])) },
		"junitvalidate": func() { os.Exit(junitvalidate(os.Args[1:])) },
		"nooverlap":     func() { os.Exit(nooverlap(os.Args[1:])) },
		"mutate":        func() { os.Exit(mutate(os.Args[1:])) },
		"txtarput":      func() { os.Exit(txtarput(os.Args[1:])) },
		"watchdrive":    func() { os.Exit(watchdrive(os.Args[1:])) },
		"browsercheck":  func() { os.Exit(browsercheck(os.Args[1:])) },
		"sumof":         func() { os.Exit(sumof(os.Args[1:])) },
	})
}

// TestScripts runs grader/testdata/script/*.txtar against the real grader
// binary. UPDATE_SCRIPTS=1 rewrites the golden files in them.
func TestScripts(t *testing.T) {
	kitDir, err := filepath.Abs("../../testdata/kit")
	require.NoError(t, err)
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		WorkdirRoot:         t.TempDir(),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("MINIKIT", kitDir)
			return setupGraderEnv(env)
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "browser":
				_, err := browsertest.Find()
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// setupGraderEnv gives a script a home of its own, no colour, and the go
// command's caches and settings of the test run, so that the grader it runs
// builds from the same module cache without the network.
func setupGraderEnv(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, ".home")
	env.Setenv("HOME", home)
	env.Setenv("NO_COLOR", "")
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOFLAGS", "GOTOOLCHAIN", "GOPROXY", "POOLSCHOOL_SCREENSHOTS"} {
		if v := os.Getenv(k); v != "" {
			env.Setenv(k, v)
		}
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE"} {
		if os.Getenv(k) == "" {
			out, err := exec.Command("go", "env", k).Output()
			if err == nil {
				env.Setenv(k, strings.TrimSpace(string(out)))
			}
		}
	}
	return os.MkdirAll(home, 0o755)
}

// Programs for the greet exercise, honest and hostile.
var programs = map[string]string{
	"good": `package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: greet NAME")
		os.Exit(2)
	}
	fmt.Printf("hello, %s!\n", os.Args[1])
}
`,
	"partial": `package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		os.Exit(1)
	}
	fmt.Printf("hello, %s!\n", os.Args[1])
}
`,
	"nobuild": `package main

func main() { this is not Go }
`,
	"loop": `package main

func main() {
	for {
	}
}
`,
	"forkbomb": `package main

import (
	"os"
	"os/exec"
	"time"
)

func main() {
	for i := 0; i < 100000; i++ {
		exec.Command(os.Args[0], os.Args[1:]...).Start()
		time.Sleep(time.Millisecond)
	}
}
`,
	"escape": `package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// It prints the right answer, and leaves a process behind in a session of
// its own that outlives the check unless the grader kills it.
func main() {
	if len(os.Args) == 3 && os.Args[2] == "child" {
		time.Sleep(time.Hour)
	}
	cmd := exec.Command(os.Args[0], "x", "child")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Start()
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: greet NAME")
		os.Exit(2)
	}
	fmt.Printf("hello, %s!\n", os.Args[1])
}
`,
	"gigabyte": `package main

import (
	"bytes"
	"os"
)

func main() {
	line := bytes.Repeat([]byte("spam "), 20000)
	for i := 0; i < 10000; i++ {
		os.Stdout.Write(line)
	}
}
`,
	"killer": `package main

import (
	"fmt"
	"os"
	"syscall"
)

// It signals its parent and its group; it signals every process it may
// only when it runs as one of the grading uids the tests use, where that
// cannot reach the grader.
func main() {
	syscall.Kill(os.Getppid(), syscall.SIGKILL)
	if uid := os.Getuid(); uid >= 63000 && uid < 63064 {
		syscall.Kill(-1, syscall.SIGKILL)
	}
	syscall.Kill(0, syscall.SIGSTOP)
	fmt.Println("hello, Ada!")
}
`,
	"deleter": `package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// It tries to delete and forge the check's files and the kit, then answers.
func main() {
	wd, _ := os.Getwd()
	os.Remove(filepath.Join(wd, "want.txt"))
	os.WriteFile(filepath.Join(wd, "want.txt"), []byte("forged\n"), 0o644)
	os.RemoveAll(os.Getenv("HOME"))
	os.RemoveAll(os.Getenv("EXDIR"))
	os.RemoveAll(os.Getenv("KIT"))
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: greet NAME")
		os.Exit(2)
	}
	fmt.Printf("hello, %s!\n", os.Args[1])
}
`,
}

// testmainExit is a test file that calls os.Exit(0) in TestMain: a trick
// against graders that trust "go test"; here it changes nothing.
const testmainExit = `package main

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(0) }
`

// mksubs writes a class folder of submissions for the greet exercise:
// mksubs KITDIR CLASSDIR.
func mksubs(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mksubs KITDIR CLASSDIR")
		return 2
	}
	kitDir, class := args[0], args[1]
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "mksubs:", err)
			os.Exit(1)
		}
	}
	must(os.MkdirAll(class, 0o755))
	starter, err := os.ReadFile(filepath.Join(kitDir, "exercises/greet/main.go"))
	must(err)
	goMod, err := os.ReadFile(filepath.Join(kitDir, "go.mod"))
	must(err)
	files := func(prog string) map[string]string {
		return map[string]string{"go.mod": string(goMod), "exercises/greet/main.go": prog}
	}
	// Folders.
	for _, name := range []string{"loop", "forkbomb", "escape", "gigabyte", "killer", "deleter"} {
		writeTree(must, filepath.Join(class, name), files(programs[name]))
	}
	writeTree(must, filepath.Join(class, "starter-only"), files(string(starter)))
	tampered := files(programs["good"])
	tampered["go.mod"] = string(goMod) + "\n// edited\n"
	tampered["grader/checks/greet/02-hello.txtar"] = "# title: always passes\n# points: 100\n# hint: none\n\nexists go.mod\n"
	tampered["exercises/greet/main_test.go"] = testmainExit
	tampered["exercises/greet/notes.txt"] = "=cmd|' /C calc'!A0\n"
	writeTree(must, filepath.Join(class, "Tampered Tess"), tampered)
	// Archives.
	must(os.WriteFile(filepath.Join(class, "ada.zip"), zipOf(must, "ada-kit/", files(programs["good"]), nil), 0o644))
	must(os.WriteFile(filepath.Join(class, "bob.tar.gz"), tgzOf(must, files(programs["partial"]), nil), 0o644))
	must(os.WriteFile(filepath.Join(class, "carol.zip"), zipOf(must, "", files(programs["nobuild"]), nil), 0o644))
	must(os.WriteFile(filepath.Join(class, "slip.zip"), zipOf(must, "", files(programs["good"]), []hostile{
		{name: "../../escaped.txt", body: "x"}, {name: "/etc/evil", body: "x"}, {name: "exercises/greet/link.go", link: "/etc/passwd"},
	}), 0o644))
	must(os.WriteFile(filepath.Join(class, "slip2.tar.gz"), tgzOf(must, files(programs["good"]), []hostile{
		{name: "../escaped.txt", body: "x"}, {name: "exercises/greet/hard.go", hard: "go.mod"},
		{name: "exercises/greet/fifo", fifo: true}, {name: "exercises/greet/dev", dev: true},
		{name: "exercises/greet/sym.go", link: "../../../../etc/passwd"},
	}), 0o644))
	must(os.WriteFile(filepath.Join(class, "bomb.zip"), bombZip(must), 0o644))
	must(os.WriteFile(filepath.Join(class, "corrupt.zip"), []byte("PK\x03\x04 this is not really a zip archive"), 0o644))
	must(os.WriteFile(filepath.Join(class, "empty.zip"), nil, 0o644))
	must(os.WriteFile(filepath.Join(class, "notes.txt"), []byte("not a submission\n"), 0o644))
	must(os.Symlink("ada.zip", filepath.Join(class, "link.zip")))
	// Two names for one id.
	writeTree(must, filepath.Join(class, "Ada"), files(programs["partial"]))
	// A git repository whose config, hooks and attributes try to run code.
	gitRepo(must, filepath.Join(class, "dave"), files(programs["good"]))
	return 0
}

func writeTree(must func(error), dir string, files map[string]string) {
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.WriteFile(p, []byte(body), 0o644))
	}
}

type hostile struct {
	name, body, link, hard string
	fifo, dev              bool
}

func zipOf(must func(error), prefix string, files map[string]string, bad []hostile) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(prefix + name)
		must(err)
		_, err = w.Write([]byte(body))
		must(err)
	}
	for _, h := range bad {
		fh := &zip.FileHeader{Name: h.name, Method: zip.Deflate}
		body := h.body
		if h.link != "" {
			fh.SetMode(os.ModeSymlink | 0o777)
			body = h.link
		}
		w, err := zw.CreateHeader(fh)
		must(err)
		_, err = w.Write([]byte(body))
		must(err)
	}
	must(zw.Close())
	return buf.Bytes()
}

func tgzOf(must func(error), files map[string]string, bad []hostile) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		must(tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(body))
		must(err)
	}
	for _, h := range bad {
		hd := &tar.Header{Name: h.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(h.body))}
		switch {
		case h.link != "":
			hd.Typeflag, hd.Linkname, hd.Size = tar.TypeSymlink, h.link, 0
		case h.hard != "":
			hd.Typeflag, hd.Linkname, hd.Size = tar.TypeLink, h.hard, 0
		case h.fifo:
			hd.Typeflag, hd.Size = tar.TypeFifo, 0
		case h.dev:
			hd.Typeflag, hd.Size, hd.Devmajor, hd.Devminor = tar.TypeChar, 0, 1, 3
		}
		must(tw.WriteHeader(hd))
		if hd.Size > 0 {
			_, err := tw.Write([]byte(h.body))
			must(err)
		}
	}
	must(tw.Close())
	must(gz.Close())
	return buf.Bytes()
}

// bombZip holds one file of zeros far larger than the per-file limit.
func bombZip(must func(error)) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("exercises/greet/main.go")
	must(err)
	zero := make([]byte, 1<<20)
	for i := 0; i < 40; i++ {
		_, err := w.Write(zero)
		must(err)
	}
	must(zw.Close())
	return buf.Bytes()
}

// gitRepo commits files in a new repository and then plants a config,
// a hook and attributes that would run a command if git honoured them.
func gitRepo(must func(error), dir string, files map[string]string) {
	writeTree(must, dir, files)
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			must(fmt.Errorf("git %v: %v: %s", args, err, out))
		}
	}
	git("init", "-q")
	writeTree(must, dir, map[string]string{".gitattributes": "*.go filter=pwn\n"})
	git("add", ".")
	git("commit", "-q", "-m", "homework")
	marker := filepath.Join(dir, "..", "PWNED-by-dave")
	cfg := fmt.Sprintf("[filter \"pwn\"]\n\tsmudge = touch %s\n\tclean = touch %s\n[core]\n\tfsmonitor = touch %s\n\thooksPath = hooks\n", marker, marker, marker)
	f, err := os.OpenFile(filepath.Join(dir, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	must(err)
	_, err = f.WriteString(cfg)
	must(err)
	must(f.Close())
	writeTree(must, dir, map[string]string{"hooks/post-checkout": "#!/bin/sh\ntouch " + marker + "\n"})
	must(os.Chmod(filepath.Join(dir, "hooks/post-checkout"), 0o755))
}
