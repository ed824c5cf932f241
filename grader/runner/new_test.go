package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// New makes the work folder and Close removes it; a root grader whose work
// folder other users reach runs job slot N as UIDBase+N, through a copy of
// the grader kept in the work folder, and an ordinary one switches no user.
func TestNew(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	require.NoError(t, os.Chmod(os.Getenv("TMPDIR"), 0o755))
	r, err := New(Options{Prefix: "poolschool-test-", UIDBase: 64000, Reachable: true})
	require.NoError(t, err)
	require.DirExists(t, r.Work)
	require.Contains(t, r.GoEnv[0], "GOCACHE=")
	slot := r.Slot(2, filepath.Join(r.Work, "s"))
	require.Equal(t, filepath.Join(r.Work, "s"), slot.Work)
	if sandbox.Root() {
		require.Equal(t, sandbox.User{UID: 64000, GID: 64000}, r.User)
		require.Equal(t, sandbox.User{UID: 64002, GID: 64002}, slot.User)
		require.Equal(t, filepath.Join(r.Work, "bin", "grader"), r.Self.Path)
		require.FileExists(t, r.Self.Path)
	} else {
		require.Equal(t, sandbox.User{}, slot.User)
	}
	require.NoError(t, r.Close())
	require.NoDirExists(t, r.Work)
}
