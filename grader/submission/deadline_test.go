package submission

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// commitAt commits the file main.go with body in repo, committed at when.
func commitAt(t *testing.T, repo, body string, when time.Time) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(repo, "main.go"), []byte(body), 0o644))
	for _, args := range [][]string{{"add", "main.go"}, {"commit", "-q", "-m", body}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		stamp := when.Format(time.RFC3339)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=s", "GIT_AUTHOR_EMAIL=s@x", "GIT_COMMITTER_NAME=s",
			"GIT_COMMITTER_EMAIL=s@x", "GIT_AUTHOR_DATE="+stamp, "GIT_COMMITTER_DATE="+stamp)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
}

func TestGitBeforeDeadline(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	repo := t.TempDir()
	out, err := exec.Command("git", "init", "-q", repo).CombinedOutput()
	require.NoError(t, err, "%s", out)
	deadline := time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC)
	commitAt(t, repo, "first", deadline.Add(-48*time.Hour))
	commitAt(t, repo, "on time", deadline.Add(-time.Hour))
	commitAt(t, repo, "late", deadline.Add(2*time.Hour))
	read := func(before time.Time) (*Extracted, string) {
		x, err := Extract(Submission{Path: repo, Kind: Git, Before: before}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
		require.NoError(t, err)
		data, err := os.ReadFile(filepath.Join(x.Dir, "main.go"))
		require.NoError(t, err)
		return x, string(data)
	}
	x, body := read(deadline)
	require.Equal(t, "on time", body)
	require.Equal(t, deadline.Add(-time.Hour), x.Committed)
	require.True(t, x.Newer)
	require.Regexp(t, `^[0-9a-f]{40}$`, x.Commit)
	x, body = read(time.Time{})
	require.Equal(t, "late", body, "no deadline: HEAD")
	require.False(t, x.Newer)
	x, body = read(deadline.Add(-100 * time.Hour))
	require.Equal(t, "first", body, "every commit late: the earliest")
	require.Equal(t, deadline.Add(-48*time.Hour), x.Committed)
}
