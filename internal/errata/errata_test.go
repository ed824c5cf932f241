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

// sameClaim is the page's sentence that two other CPython versions print
// what the recorded one did. It either opens a program's output ("Output
// (3.12.1 and 3.13.0 print the same):") and is about the output below it, or
// follows an output and is about that one, with its timing lines masked.
var sameClaim = regexp.MustCompile(`(?m)^(Output \()?.*?([0-9]+\.[0-9]+\.[0-9]+) and ([0-9]+\.[0-9]+\.[0-9]+) print the same`)

// outputMarker is docsync's marker for a recorded output on the page.
var outputMarker = regexp.MustCompile(`<!-- output: docs/errata/([a-z_]+)(?:\.([a-z]+))?\.out -->`)

// claimed is one program's output that the page says a CPython version
// prints too.
type claimed struct {
	name, arg, version string
}

// sameClaims reads the page's claims, each tied to its output.
func sameClaims(t *testing.T, page string) []claimed {
	t.Helper()
	var all []claimed
	for _, c := range sameClaim.FindAllStringSubmatchIndex(page, -1) {
		var m []int
		if c[2] >= 0 { // "Output (…)": the output below
			m = outputMarker.FindStringSubmatchIndex(page[c[1]:])
			if m != nil && m[0] > 4 {
				m = nil // not right below it
			}
			for i := range m {
				if m[i] >= 0 {
					m[i] += c[1]
				}
			}
		} else { // after an output: the last one above
			above := outputMarker.FindAllStringSubmatchIndex(page[:c[0]], -1)
			if len(above) > 0 {
				m = above[len(above)-1]
			}
		}
		line := 1 + strings.Count(page[:c[0]], "\n")
		if m == nil {
			t.Errorf("errata.md:%d says other versions print the same, and no output is next to it", line)
			continue
		}
		name, arg := page[m[2]:m[3]], ""
		if m[4] >= 0 {
			arg = page[m[4]:m[5]]
		}
		for _, v := range []string{page[c[4]:c[5]], page[c[6]:c[7]]} {
			all = append(all, claimed{name: name, arg: arg, version: v})
		}
	}
	return all
}

// exitNoise is a traceback that CPython 3.12.1 sometimes prints as the
// interpreter exits after a ProcessPoolExecutor shut down without waiting,
// on a busy machine: its threading module's shutdown meets a pipe the
// executor already closed. It is about the interpreter's exit, not about
// what the page shows, and the page says the test leaves it out.
var exitNoise = regexp.MustCompile(`(?m)^Exception ignored in: <module 'threading' from '[^']*'>\nTraceback \(most recent call last\):\n  \.\.\.\nOSError: \[Errno 9\] Bad file descriptor\n`)

// interpreter finds CPython version v: a pyenv install, or pythonX.Y on
// PATH when it is that exact version.
func interpreter(v string) (string, bool) {
	var candidates []string
	root := os.Getenv("PYENV_ROOT")
	if home, err := os.UserHomeDir(); root == "" && err == nil {
		root = filepath.Join(home, ".pyenv")
	}
	if root != "" {
		candidates = append(candidates, filepath.Join(root, "versions", v, "bin", "python3"))
	}
	if major, _, ok := strings.Cut(v[strings.Index(v, ".")+1:], "."); ok {
		if p, err := exec.LookPath("python3." + major); err == nil {
			candidates = append(candidates, p)
		}
	}
	for _, c := range candidates {
		out, err := exec.Command(c, "--version").Output()
		if err == nil && strings.TrimSpace(string(out)) == "Python "+v {
			return c, true
		}
	}
	return "", false
}

// Where the page says that other CPython versions print the same, they do:
// each such program runs under each version named, when that version is
// installed, and its output (masked as above) must equal the recorded one.
func TestOtherVersionsPrintTheSame(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(dir, "..", "errata.md"))
	if err != nil {
		t.Fatal(err)
	}
	claims := sameClaims(t, string(page))
	if len(claims) == 0 {
		t.Fatalf("the page no longer says that other versions print the same (%s matches nothing): fix the pattern or delete this test", sameClaim)
	}
	for _, c := range claims {
		name, arg, v := c.name, c.arg, c.version
		out := name + ".out"
		if arg != "" {
			out = name + "." + arg + ".out"
		}
		{
			t.Run(name+"/"+v, func(t *testing.T) {
				t.Parallel()
				python, ok := interpreter(v)
				if !ok {
					t.Skipf("skipped: CPython %s is not installed (neither $PYENV_ROOT/versions/%s nor python3.x on PATH), so the page's claim that it prints the same is not checked here", v, v)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				args := []string{name + ".py"}
				if arg != "" {
					args = append(args, arg)
				}
				cmd := exec.CommandContext(ctx, python, args...)
				cmd.Dir = dir
				var got bytes.Buffer
				cmd.Stdout, cmd.Stderr = &got, &got
				if err := cmd.Run(); err != nil && ctx.Err() != nil {
					t.Fatalf("python %s %s did not finish: %v\n%s", v, strings.Join(args, " "), err, got.String())
				}
				recorded, err := os.ReadFile(filepath.Join(dir, out))
				if err != nil {
					t.Fatal(err)
				}
				now := exitNoise.ReplaceAllString(shorten(got.String()), "")
				if diff := cmp.Diff(mask(name, string(recorded)), mask(name, now)); diff != "" {
					t.Errorf("the page says CPython %s prints what %s shows, and it does not (-page +%s, masked):\n%s", v, out, v, diff)
				}
			})
		}
	}
}

// The exit traceback that the other versions' runs leave out is that one
// alone: another traceback, or another error, stays and fails the test.
func TestExitNoise(t *testing.T) {
	noise := "a\nException ignored in: <module 'threading' from '/x/threading.py'>\nTraceback (most recent call last):\n  File \"x\", line 1\n    y\nOSError: [Errno 9] Bad file descriptor\nb\n"
	if got := exitNoise.ReplaceAllString(shorten(noise), ""); got != "a\nb\n" {
		t.Errorf("the exit traceback was not left out: %q", got)
	}
	for _, other := range []string{
		"a\nException ignored in: <module 'threading' from 'x'>\nTraceback (most recent call last):\n  File \"x\", line 1\nValueError: other\n",
		"a\nTraceback (most recent call last):\n  File \"x\", line 1\nOSError: [Errno 9] Bad file descriptor\n",
	} {
		if got := exitNoise.ReplaceAllString(shorten(other), ""); got != shorten(other) {
			t.Errorf("another traceback was left out: %q", got)
		}
	}
}
