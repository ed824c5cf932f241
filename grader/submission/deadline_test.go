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

// A working copy's changes that were never committed are listed as not
// graded: a changed file, a deleted one and a new one; what .gitignore
// names and the kit's local state do not count, and a clean working copy
// lists nothing.
func TestGitUncommittedChanges(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	repo := t.TempDir()
	out, err := exec.Command("git", "init", "-q", repo).CombinedOutput()
	require.NoError(t, err, "%s", out)
	write := func(name, body string) {
		p := filepath.Join(repo, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write(".gitignore", "*.out\n")
	write("gone.go", "package main\n")
	write("sub/keep.go", "package sub\n")
	cmd := exec.Command("git", "add", ".gitignore", "gone.go", "sub/keep.go")
	cmd.Dir = repo
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	commitAt(t, repo, "committed", time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	read := func() *Extracted {
		x, err := Extract(Submission{Path: repo, Kind: Git}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
		require.NoError(t, err)
		return x
	}
	require.Empty(t, read().Uncommitted, "a clean working copy")

	// A filter the student's config defines for their attributes would
	// run a command as git compares the files: the grader's git must
	// never read that config.
	marker := filepath.Join(t.TempDir(), "filter-ran")
	config, err := os.OpenFile(filepath.Join(repo, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = config.WriteString("[filter \"evil\"]\n\tclean = touch " + marker + "; cat\n")
	require.NoError(t, err)
	require.NoError(t, config.Close())
	write(".git/info/attributes", "* filter=evil\n")
	write("main.go", "changed, not committed")
	require.NoError(t, os.Remove(filepath.Join(repo, "gone.go")))
	write("sub/new.go", "package sub // new")
	write("build.out", "ignored")
	write(".poolschool/last-check.json", "{}")
	x := read()
	require.Equal(t, []string{"gone.go", "main.go", "sub/new.go"}, x.Uncommitted)
	data, err := os.ReadFile(filepath.Join(x.Dir, "main.go"))
	require.NoError(t, err)
	require.Equal(t, "committed", string(data), "the commit is graded, not the working copy")
	require.NoFileExists(t, marker, "a filter of the student's repository ran")
}
