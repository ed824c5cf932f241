package watch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func goFiles(rel string) bool { return strings.HasSuffix(rel, ".go") }

func write(t *testing.T, p, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
}

// A snapshot sees an edit that keeps the size and the time, a new file and
// a removed one, and nothing in files that do not match.
func TestSnapshotChanged(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.go"), "package main\n")
	write(t, filepath.Join(dir, "notes.txt"), "x\n")
	a := Snapshot(dir, goFiles)
	require.Equal(t, "", Changed(a, Snapshot(dir, goFiles)))

	fi, err := os.Stat(filepath.Join(dir, "main.go"))
	require.NoError(t, err)
	write(t, filepath.Join(dir, "main.go"), "package mian\n")
	require.NoError(t, os.Chtimes(filepath.Join(dir, "main.go"), fi.ModTime(), fi.ModTime()))
	b := Snapshot(dir, goFiles)
	require.Equal(t, "main.go", Changed(a, b))

	write(t, filepath.Join(dir, "notes.txt"), "changed, but not watched\n")
	require.Equal(t, "", Changed(b, Snapshot(dir, goFiles)))

	write(t, filepath.Join(dir, "sub", "extra.go"), "package main\n")
	c := Snapshot(dir, goFiles)
	require.Equal(t, "sub/extra.go", Changed(b, c))
	require.NoError(t, os.Remove(filepath.Join(dir, "sub", "extra.go")))
	require.Equal(t, "sub/extra.go", Changed(c, Snapshot(dir, goFiles)))
}

// receive waits for a change; the bound is only there so that a broken
// watcher fails the test instead of hanging it, and is never a measure.
func receive(t *testing.T, w *Watcher) string {
	t.Helper()
	select {
	case rel := <-w.C:
		return rel
	case <-time.After(30 * time.Second):
		require.FailNow(t, "no change reported in 30 s")
		return ""
	}
}

// Both ways of watching report a save of a watched file, a burst of saves
// once, and a file in a folder made after the watch began.
func TestWatcher(t *testing.T) {
	for _, pollOnly := range []bool{false, true} {
		t.Run(map[bool]string{false: "events", true: "polling"}[pollOnly], func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "main.go"), "package main\n")
			interval := time.Hour // events alone must do it
			if pollOnly {
				interval = 20 * time.Millisecond
			}
			w, err := New(dir, goFiles, interval, pollOnly)
			require.NoError(t, err)
			defer w.Close()
			if pollOnly {
				require.Equal(t, "a look every 20ms", w.Mode)
			} else {
				require.Equal(t, "file events, and a look every 1h0m0s", w.Mode)
			}
			began := time.Now()
			write(t, filepath.Join(dir, "main.go"), "package main // 1\n")
			write(t, filepath.Join(dir, "main.go"), "package main // 22\n")
			// Two saves make one burst when they come within Settle; a
			// machine that paused the test longer between them made two.
			twoBursts := time.Since(began) >= Settle
			require.Equal(t, "main.go", receive(t, w))

			write(t, filepath.Join(dir, "notes.txt"), "not watched\n")
			require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
			// the new folder is listened to once its own event has
			// arrived, which takes a moment: save until the watcher sees it
			deadline := time.Now().Add(30 * time.Second)
			for i := 0; ; i++ {
				write(t, filepath.Join(dir, "sub", "b.go"), strings.Repeat("/", i)+"package main\n")
				select {
				case rel := <-w.C:
					if rel == "main.go" && twoBursts {
						t.Logf("the two saves of main.go came more than %v apart: two bursts, two reports", Settle)
						twoBursts = false
						continue
					}
					require.Equal(t, "sub/b.go", rel)
					return
				case <-time.After(200 * time.Millisecond):
				}
				require.True(t, time.Now().Before(deadline), "a file in a new folder was never reported")
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "missing"), goFiles, time.Second, false)
	require.Error(t, err)
	_, err = New(t.TempDir(), goFiles, 0, false)
	require.ErrorContains(t, err, "interval must be positive")
}
