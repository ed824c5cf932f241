package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "grades.csv")
	require.NoError(t, Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "old\n"); return err }))

	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("stopped")
	})
	require.EqualError(t, err, "stopped")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "old\n", string(got), "a failed write left the old file whole")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the temporary file was left behind")
}

func TestWriteRefusesWhatCannotBeAFile(t *testing.T) {
	dir := t.TempDir()
	wrote := false
	f := func(w io.Writer) error { wrote = true; return nil }

	err := Write(dir, f)
	require.EqualError(t, err, dir+" is a folder; name a file to write, such as one inside it")

	missing := filepath.Join(dir, "no", "such", "x.csv")
	err = Write(missing, f)
	require.EqualError(t, err, "cannot write "+missing+": the folder "+filepath.Join(dir, "no", "such")+" does not exist; create it first, or name a file in a folder that does")
	require.False(t, wrote)
	_, err = os.Stat(filepath.Join(dir, "no"))
	require.ErrorIs(t, err, os.ErrNotExist, "nothing was created")
}
