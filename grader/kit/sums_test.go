package kit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/spec"
)

// The sums of a tree leave out the sums file itself, survive being written
// and read back, and a damaged line is an error that names it.
func TestSums(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "grader"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "grader", "a.txt"), nil, 0o644))
	require.NoError(t, WriteSums(dir))
	require.NoError(t, WriteSums(dir), "writing again does not hash the old sums file")

	got, err := ReadSums(filepath.Join(dir, SumsFile))
	require.NoError(t, err)
	want := Sums{ // as sha256sum prints them
		"go.mod":       "fc4a3fdfa1b8230e721b7eaada825923cc3b4219dee283230bcec3f6be74c274",
		"grader/a.txt": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}
	require.Empty(t, cmp.Diff(want, got))

	bad := filepath.Join(dir, "bad.sha256")
	require.NoError(t, os.WriteFile(bad, []byte(got.Encode()[:10]), 0o644))
	_, err = ReadSums(bad)
	require.EqualError(t, err, bad+":1: not a \"SHA256  path\" line; write the file again with grader release")
}

// The digest of the files graded is what the shell pipeline the doc
// comment gives prints, so an instructor can check a record by hand; it
// covers the named exercises only, and changes with any byte of them.
func TestGradedSHA256(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"exercises/primes/main.go":       "package main\n",
		"exercises/primes/sub/helper.go": "package sub\n",
		"exercises/primes/testdata/in":   "1 2\n",
		"exercises/ipc/main.go":          "package main // not graded\n",
		"grader/x.txt":                   "not an exercise\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	primes := []*spec.Exercise{{Name: "primes"}}
	got, err := GradedSHA256(dir, primes)
	require.NoError(t, err)
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sh", "-c", "find exercises/primes -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum")
		cmd.Dir = dir
		out, err := cmd.Output()
		require.NoError(t, err)
		require.Equal(t, strings.Fields(string(out))[0], got, "the shell pipeline of the doc comment")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "exercises", "ipc", "main.go"), []byte("changed"), 0o644))
	same, err := GradedSHA256(dir, primes)
	require.NoError(t, err)
	require.Equal(t, got, same, "an exercise not graded does not count")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "exercises", "primes", "testdata", "in"), []byte("1 3\n"), 0o644))
	changed, err := GradedSHA256(dir, primes)
	require.NoError(t, err)
	require.NotEqual(t, got, changed)
}
