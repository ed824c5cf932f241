package kit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
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
