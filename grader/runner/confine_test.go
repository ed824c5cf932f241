package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// escapeTargets are the folders a hostile program tries to write into,
// with whether the confinement c keeps it out of each.
func escapeTargets(t *testing.T, c sandbox.Confinement) map[string]bool {
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE").Output()
	require.NoError(t, err)
	caches := strings.Fields(string(out))
	require.Len(t, caches, 2)
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	targets := map[string]bool{}
	for _, d := range []string{
		"/tmp", "/var/tmp", "/dev/shm", home, caches[0], caches[1],
		t.TempDir(), // the grader's out dir
		t.TempDir(), // the kit
	} {
		// Without Landlock, a private /tmp still keeps out everything
		// below the shared folders: what the program was given from them
		// it sees read-only.
		targets[d] = c.Landlock || (c.PrivateTmp && belowShared(d))
	}
	return targets
}

func belowShared(d string) bool {
	for _, s := range []string{"/tmp", "/var/tmp", "/dev/shm"} {
		if d == s || strings.HasPrefix(d, s+"/") {
			return true
		}
	}
	return false
}

// A program run through the launcher (as the grader's user, so no file
// permission stands in the way) tries to write a file into each of the
// machine's shared folders, the home folder, the Go caches and the
// grader's own folders. Afterwards the real paths are looked at: what the
// confinement promises to keep out is not there. A file in the work folder
// lands, so the program did run.
func TestConfinementKeepsWritesInTheWorkFolder(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("confinement is Linux's (Landlock, mount namespaces)")
	}
	full := sandbox.Confining()
	if !full.Landlock && !full.PrivateTmp {
		t.Skip("this kernel offers neither Landlock nor mount namespaces: there is no confinement to test (the record says \"none\")")
	}
	variants := map[string]sandbox.Confinement{}
	if full.Landlock {
		variants["landlock"] = sandbox.Confinement{Landlock: true}
	}
	if full.PrivateTmp {
		variants["mountns"] = sandbox.Confinement{PrivateTmp: true}
	}
	if full.Landlock && full.PrivateTmp {
		variants["landlock+mountns"] = full
	}
	self, err := sandbox.CurrentSelf()
	require.NoError(t, err)
	for name, c := range variants {
		t.Run(name, func(t *testing.T) {
			work := t.TempDir()
			c.Writable = []string{work}
			targets := escapeTargets(t, c)
			marker := "poolschool-escaped-" + strings.ReplaceAll(t.Name(), "/", "-")
			script := `for d; do echo escaped > "$d/` + marker + `" 2>/dev/null; mkdir "$d/` + marker + `.d" 2>/dev/null; done; echo inside > "$PWD/` + marker + `"`
			var dirs []string
			for d := range targets {
				dirs = append(dirs, d)
				t.Cleanup(func() { os.Remove(filepath.Join(d, marker)); os.Remove(filepath.Join(d, marker+".d")) })
			}
			l := sandbox.Launch{Confine: c, Path: "/bin/sh", ProgramArgs: append([]string{"-c", script, "sh"}, dirs...)}
			cmd := self.Command(append([]string{"__exec"}, l.Args()...)...)
			cmd.Dir = work
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)

			landed := map[string]bool{}
			for _, d := range dirs {
				_, errFile := os.Lstat(filepath.Join(d, marker))
				_, errDir := os.Lstat(filepath.Join(d, marker+".d"))
				landed[d] = errFile == nil || errDir == nil
			}
			want := map[string]bool{}
			for d, kept := range targets {
				want[d] = !kept
			}
			require.Empty(t, cmp.Diff(want, landed), "which folders the program's files landed in (-promised +found)")
			require.FileExists(t, filepath.Join(work, marker), "the program ran and wrote in its work folder")
			if c.PrivateTmp {
				require.FileExists(t, filepath.Join(work, sandbox.PrivateTmpDir, "tmp", marker), "its /tmp is below the work folder")
			}
		})
	}
}

// A grader that is not root (a student's own "make check") confines
// through a user namespace of its own: run as another user, the launcher
// keeps the program's writes out of the shared folders and out of a folder
// that user owns, and the program holds no capability of the namespace,
// so it cannot undo the mounts.
func TestConfinementOfAnUnprivilegedGrader(t *testing.T) {
	if runtime.GOOS != "linux" || !sandbox.Root() {
		t.Skip("needs Linux and root, to run the launcher as another user")
	}
	if sandbox.LandlockABI() == 0 {
		t.Skip("this kernel has no Landlock")
	}
	const uid = 63050
	exe, err := os.Executable()
	require.NoError(t, err)
	// The other user must reach the launcher and own its folders.
	top, err := os.MkdirTemp("", "poolschool-confine-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(top) })
	require.NoError(t, os.Chmod(top, 0o755))
	launcher := filepath.Join(top, "grader")
	data, err := os.ReadFile(exe)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(launcher, data, 0o755))
	work, own := filepath.Join(top, "work"), filepath.Join(top, "own")
	for _, d := range []string{work, own} {
		require.NoError(t, os.Mkdir(d, 0o755))
		require.NoError(t, os.Chown(d, uid, uid))
	}
	probe := exec.Command("unshare", "--user", "--map-root-user", "--mount", "/bin/true")
	probe.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid, Groups: []uint32{}}}
	if probe.Run() != nil {
		t.Skip("this machine refuses user namespaces to unprivileged users (or has no unshare command to ask)")
	}

	c := sandbox.Confinement{Writable: []string{work}, Landlock: true, PrivateTmp: true}
	marker := "poolschool-escaped-unprivileged"
	dirs := []string{"/tmp", "/var/tmp", "/dev/shm", own}
	for _, d := range dirs {
		t.Cleanup(func() { os.Remove(filepath.Join(d, marker)) })
	}
	script := `for d; do echo escaped > "$d/` + marker + `" 2>/dev/null; done; grep CapEff /proc/self/status > caps`
	l := sandbox.Launch{Confine: c, Path: "/bin/sh", ProgramArgs: append([]string{"-c", script, "sh"}, dirs...)}
	cmd := exec.Command(launcher, append([]string{"__exec"}, l.Args()...)...)
	cmd.Dir = work
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid, Groups: []uint32{}}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, d := range dirs {
		require.NoFileExists(t, filepath.Join(d, marker), "the program wrote outside its work folder")
	}
	caps, err := os.ReadFile(filepath.Join(work, "caps"))
	require.NoError(t, err, "the program ran and wrote in its work folder")
	require.Equal(t, "CapEff:\t0000000000000000\n", string(caps), "the program holds no capability")
}
