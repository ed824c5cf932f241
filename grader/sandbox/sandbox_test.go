package sandbox

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTimeoutMessage(t *testing.T) {
	require.Equal(t, "timed out after 2 s (limit 2 s)", TimeoutMessage(2*time.Second, 2*time.Second))
	require.Equal(t, "timed out after 2.5 s (limit 2 s)", TimeoutMessage(2500*time.Millisecond, 2*time.Second))
}

func TestRunTimeoutKillsGroup(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	var out bytes.Buffer
	// The shell starts a grandchild that would keep the pipe open for a
	// minute; the time limit kills the whole group.
	// A limit of 3 s leaves a busy machine time to print "started".
	p := &Program{Path: "/bin/sh", Args: []string{"-c", "sleep 60 & echo started; wait"}, Limits: Limits{Timeout: 3 * time.Second}, Stdout: &out, Stderr: &out}
	start := time.Now()
	o, err := p.Run(context.Background())
	require.NoError(t, err)
	require.True(t, o.TimedOut)
	require.Less(t, time.Since(start), 30*time.Second, "the run waited for the grandchild's minute")
	require.Equal(t, "started\n", out.String())
}

func TestRunOutputCap(t *testing.T) {
	var out bytes.Buffer
	p := &Program{Path: "/bin/sh", Args: []string{"-c", "yes spam"}, Limits: Limits{Output: 1000, Timeout: 10 * time.Second}, Stdout: &out, Stderr: &out}
	o, err := p.Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, "stdout", o.Capped)
	require.False(t, o.TimedOut)
	require.Equal(t, 1000, out.Len())
}

func TestRunExitStatus(t *testing.T) {
	var out bytes.Buffer
	p := &Program{Path: "/bin/sh", Args: []string{"-c", "exit 3"}, Stdout: &out, Stderr: &out}
	o, err := p.Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, o.ExitCode)
	p = &Program{Path: "/bin/sh", Args: []string{"-c", "kill -9 $$"}, Stdout: &out, Stderr: &out}
	o, err = p.Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, 137, o.ExitCode)
}

func TestEvents(t *testing.T) {
	f := t.TempDir() + "/events"
	require.Empty(t, ReadEvents(f))
	require.NoError(t, AppendEvent(f, Event{Kind: "timeout", Timeout: time.Second}))
	require.NoError(t, AppendEvent(f, Event{Kind: "output", Stream: "stdout", Limit: 5}))
	require.Equal(t, []Event{{Kind: "timeout", Timeout: time.Second}, {Kind: "output", Stream: "stdout", Limit: 5}}, ReadEvents(f))
}
