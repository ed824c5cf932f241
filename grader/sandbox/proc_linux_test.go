package sandbox

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseStat(t *testing.T) {
	p, err := parseStat([]byte("42 (a (weird) name) S 7 42 42 0 -1 4194304 100 0 0 0 250 30 0 0 20 0 1 0 100 0 0\n"))
	require.NoError(t, err)
	require.Equal(t, Proc{PID: 42, PPID: 7, State: 'S', CPU: 2800 * time.Millisecond, Comm: "a (weird) name"}, p)
	_, err = parseStat([]byte("garbage"))
	require.Error(t, err)
}

func TestDescendants(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "sleep 30 & sleep 30; wait")
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	var kids []Proc
	require.Eventually(t, func() bool {
		var err error
		kids, err = Descendants(os.Getpid())
		require.NoError(t, err)
		return len(kids) >= 3 // sh and its two sleeps
	}, 5*time.Second, 10*time.Millisecond)
	require.GreaterOrEqual(t, KillDescendants(cmd.Process.Pid), 2)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}
