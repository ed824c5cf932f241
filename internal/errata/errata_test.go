package errata_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dir holds the programs and their recorded outputs, seen from here.
const dir = "../../docs/errata"

// masks hide what changes from run to run, in every program's output.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b\d+\.\d+s\b`), "<t>s"},
	{regexp.MustCompile(`0x[0-9a-f]+`), "<addr>"},
}

// timingLines are lines whose content depends on the timing of the run
// (how many queued calls a cancel or a failure still catches): the page
// says so next to them, and the test masks what follows the colon.
var timingLines = map[string]*regexp.Regexp{
	"shutdown_nowait": regexp.MustCompile(`(?m)^(with cancel_futures=True:).*$`),
	"map_queued":      regexp.MustCompile(`(?m)^(items that ran:).*$`),
}

func mask(name, s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	if re := timingLines[name]; re != nil {
		s = re.ReplaceAllString(s, "$1 <depends on timing>")
	}
	return s
}

// shorten replaces the frames of every traceback with "  ...", keeping the
// Traceback line, the exception line and the exception's message.
func shorten(s string) string {
	var b strings.Builder
	inFrames := false
	for line := range strings.Lines(s) {
		switch {
		case strings.HasPrefix(line, "Traceback (most recent call last):"):
			b.WriteString(line)
			b.WriteString("  ...\n")
			inFrames = true
		case inFrames && strings.HasPrefix(line, " "):
			// a frame, or its source line
		default:
			inFrames = false
			b.WriteString(line)
		}
	}
	return b.String()
}

// run is one recorded output: the program, its argument (or none) and the
// file it was recorded in.
type run struct {
	name, arg, out string
}

func runs(t *testing.T) []run {
	t.Helper()
	programs, err := filepath.Glob(filepath.Join(dir, "*.py"))
	if err != nil || len(programs) == 0 {
		t.Fatalf("no programs in %s: %v", dir, err)
	}
	var all []run
	for _, p := range programs {
		name := strings.TrimSuffix(filepath.Base(p), ".py")
		outs, _ := filepath.Glob(filepath.Join(dir, name+".*out"))
		found := 0
		for _, o := range outs {
			rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(o), name), ".out")
			if rest != "" && !strings.HasPrefix(rest, ".") {
				continue // another program's, whose name starts with this one
			}
			all = append(all, run{name: name, arg: strings.TrimPrefix(rest, "."), out: o})
			found++
		}
		if found == 0 && os.Getenv("UPDATE_ERRATA") == "1" {
			all = append(all, run{name: name, out: filepath.Join(dir, name+".out")})
			found++
		}
		if found == 0 {
			t.Errorf("%s has no recorded output %s.out (UPDATE_ERRATA=1 records one)", p, name)
		}
	}
	return all
}

// Every recorded output belongs to a program.
func TestEveryOutputHasAProgram(t *testing.T) {
	outs, _ := filepath.Glob(filepath.Join(dir, "*.out"))
	for _, o := range outs {
		name, _, _ := strings.Cut(filepath.Base(o), ".")
		if _, err := os.Stat(filepath.Join(dir, name+".py")); err != nil {
			t.Errorf("%s has no program %s.py", o, name)
		}
	}
}

func TestErrataPrograms(t *testing.T) {
	all := runs(t)
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("skipped: python3 is not on PATH, so the errata's Python programs cannot be run")
	}
	want, err := os.ReadFile(filepath.Join(dir, "python-version.txt"))
	if err != nil {
		t.Fatal(err)
	}
	version, err := exec.Command(python, "--version").Output()
	if err != nil {
		t.Fatalf("python3 --version: %v", err)
	}
	if v := strings.TrimSpace(string(version)); v != strings.TrimSpace(string(want)) {
		t.Skipf("skipped: the errata's outputs were recorded with %s, and python3 here is %s", strings.TrimSpace(string(want)), v)
	}
	for _, r := range all {
		label := r.name
		if r.arg != "" {
			label += "_" + r.arg
		}
		t.Run(label, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			args := []string{r.name + ".py"}
			if r.arg != "" {
				args = append(args, r.arg)
			}
			cmd := exec.CommandContext(ctx, python, args...)
			cmd.Dir = dir
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil && ctx.Err() != nil {
				t.Fatalf("python3 %s did not finish: %v\n%s", strings.Join(args, " "), err, out.String())
			}
			got := shorten(out.String())
			if os.Getenv("UPDATE_ERRATA") == "1" {
				if err := os.WriteFile(r.out, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			recorded, err := os.ReadFile(r.out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(mask(r.name, string(recorded)), mask(r.name, got)); diff != "" {
				t.Errorf("python3 %s no longer prints what the errata page shows (%s) (-page +now, masked):\n%s",
					strings.Join(args, " "), filepath.Base(r.out), diff)
			}
		})
	}
}

func TestShorten(t *testing.T) {
	in := "before\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    f()\nRuntimeError:\n        a message\n        on two lines\nafter\n"
	want := "before\nTraceback (most recent call last):\n  ...\nRuntimeError:\n        a message\n        on two lines\nafter\n"
	if got := shorten(in); got != want {
		t.Errorf("shorten:\n%s\nwant:\n%s", got, want)
	}
}
