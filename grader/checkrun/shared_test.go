package checkrun

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The exercise's shared files land in $WORK beside the check's own; a name
// both use is an error that says what to do.
func TestCopyShared(t *testing.T) {
	shared := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(shared, "csv.awk"), []byte("{ n++ }\n"), 0o644))
	j := &Job{Shared: shared}

	work := t.TempDir()
	require.NoError(t, j.copyShared(work))
	got, err := os.ReadFile(filepath.Join(work, "csv.awk"))
	require.NoError(t, err)
	require.Equal(t, "{ n++ }\n", string(got))

	clash := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(clash, "csv.awk"), []byte("the check's own\n"), 0o644))
	err = j.copyShared(clash)
	require.ErrorContains(t, err, "the check has a file csv.awk, and so has "+shared+"; rename one")

	require.NoError(t, (&Job{}).copyShared(t.TempDir()), "no shared folder: nothing to do")
}
