package homework_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// root is the repository root, seen from here.
const root = "../.."

// build compiles the reference solutions into a temporary folder. A
// student kit has none (grader release leaves solutions/ out): there the
// test skips, so that the kit's make test passes, and the instructor's
// kit proves the samples.
func build(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "solutions")); errors.Is(err, os.ErrNotExist) {
		t.Skip("no reference solutions in this kit (a student kit): the instructor's kit checks the samples")
	}
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./solutions/primes", "./solutions/ipc", "./solutions/chunksize")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the solutions: %v\n%s", err, out)
	}
	return bin
}

// usage runs a program with a flag it does not know and returns the usage
// that its one line on standard error ends with.
func usage(t *testing.T, bin string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-no-such-flag")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("%s -no-such-flag: want exit status 2, got %v", bin, err)
	}
	_, u, ok := strings.Cut(strings.TrimSpace(stderr.String()), "usage: ")
	if !ok {
		t.Fatalf("%s printed no usage: %q", bin, stderr.String())
	}
	return u + "\n"
}

// docUsage returns the usage block of a program's package comment: the
// lines indented by a tab after "// Usage:".
func docUsage(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "// Usage:\n//\n")
	if !ok {
		t.Fatalf("%s has no Usage: block", file)
	}
	var b strings.Builder
	for line := range strings.Lines(rest) {
		l, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			break
		}
		b.WriteString(l)
	}
	return b.String()
}

// head returns the first n lines of a file of the repository: the
// reference solution's measurements, for the CSV format.
func head(t *testing.T, file string, n int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}

// ipcRun runs the ipc solution with one worker on the three files that
// docs/homework/ipc.md describes.
func ipcRun(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"notes/a.txt":    "one two three four\nfive six seven eight\nnine ten eleven twelve\n",
		"notes/blob.bin": "abcd\x00efg\n",
		"notes/b.txt":    "a b c\nd e f g\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-workers", "1", "notes/a.txt", "notes/blob.bin", "notes/b.txt")
	cmd.Dir = dir
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return string(out)
}

func TestHomeworkSamples(t *testing.T) {
	bin := build(t)
	samples := map[string]string{
		"primes-usage.txt":    usage(t, filepath.Join(bin, "primes")),
		"ipc-usage.txt":       usage(t, filepath.Join(bin, "ipc")),
		"chunksize-usage.txt": docUsage(t, "solutions/chunksize/main.go"),
		"ipc-run.txt":         ipcRun(t, filepath.Join(bin, "ipc")),
		"chunksize-csv.txt":   head(t, "solutions/chunksize/uniform.csv", 2),
	}
	dir := filepath.Join(root, "docs", "homework", "samples")
	for name, got := range samples {
		path := filepath.Join(dir, name)
		if os.Getenv("UPDATE_SAMPLES") == "1" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (UPDATE_SAMPLES=1 records it)", err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("docs/homework/samples/%s is not what the reference solution prints (-page +solution):\n%s", name, diff)
		}
	}
	// Only these samples exist, and a homework page shows each one.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, ok := samples[e.Name()]; !ok {
			t.Errorf("docs/homework/samples/%s is not made by this test", e.Name())
		}
	}
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "homework", "*.md"))
	var all strings.Builder
	for _, p := range pages {
		data, _ := os.ReadFile(p)
		all.Write(data)
	}
	for name := range samples {
		if !strings.Contains(all.String(), "<!-- output: docs/homework/samples/"+name+" -->") {
			t.Errorf("no page under docs/homework/ shows samples/%s", name)
		}
	}
}
