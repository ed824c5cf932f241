package pool_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

type traceFile struct {
	TraceEvents []struct {
		Name string         `json:"name"`
		Ph   string         `json:"ph"`
		TS   float64        `json:"ts"`
		Dur  float64        `json:"dur"`
		PID  int            `json:"pid"`
		TID  int            `json:"tid"`
		Args map[string]any `json:"args"`
	} `json:"traceEvents"`
}

func parseTrace(t *testing.T, b []byte) traceFile {
	t.Helper()
	var tf traceFile
	require.NoError(t, json.Unmarshal(b, &tf), "the trace must be valid JSON")
	return tf
}

// The trace has a track per worker process, a slice per call with its
// input range, instants for starts and crashes, and no two slices overlap
// on one track: a worker runs one call at a time.
func TestTraceTracksAndSlices(t *testing.T) {
	var buf bytes.Buffer
	p, err := pool.New(pool.Config{Workers: 2, Trace: &buf, Stderr: discard{}})
	require.NoError(t, err)
	in := make([]int, 40)
	for range pool.Map(t.Context(), p, square, slices.Values(in), pool.Chunksize(5)) {
	}
	require.ErrorIs(t, pool.Submit(t.Context(), p, exitTask, exitArgs{Code: 3}).Err(), pool.ErrWorkerDied)
	require.NoError(t, p.Close())
	requireNoLeaks(t)

	tf := parseTrace(t, buf.Bytes())
	type span struct{ from, to float64 }
	byTrack := map[[2]int][]span{}
	firsts := map[float64]bool{}
	instants := map[string]int{}
	named := map[int]bool{}
	for _, e := range tf.TraceEvents {
		switch e.Ph {
		case "X":
			require.Equal(t, e.PID, e.TID, "a worker process is its own track")
			byTrack[[2]int{e.PID, e.TID}] = append(byTrack[[2]int{e.PID, e.TID}], span{e.TS, e.TS + e.Dur})
			if e.Name == "square" {
				require.Equal(t, 5.0, e.Args["count"])
				require.Equal(t, "done", e.Args["outcome"])
				firsts[e.Args["first"].(float64)] = true
			} else {
				require.Equal(t, "exit", e.Name)
				require.Equal(t, "worker died", e.Args["outcome"])
			}
		case "i":
			instants[e.Name]++
		case "M":
			named[e.PID] = true
		}
	}
	require.Len(t, firsts, 8, "one slice per chunk of 5 over 40 inputs")
	require.GreaterOrEqual(t, len(byTrack), 1)
	require.LessOrEqual(t, len(byTrack), 3, "two workers plus the replacement of the dead one at most")
	for track, spans := range byTrack {
		require.True(t, named[track[0]], "every track is named")
		sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
		for i := 1; i < len(spans); i++ {
			require.LessOrEqual(t, spans[i-1].to, spans[i].from+1, "slices overlap on track %v", track)
		}
	}
	require.GreaterOrEqual(t, instants["worker start"], 1)
	require.Equal(t, 1, instants["worker crash"])
	require.GreaterOrEqual(t, instants["worker exit"], 1)
}

// POOLSCHOOL_TRACE traces every pool of a program into one file, without
// code changes.
func TestTraceFromTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.json")
	out, err := helperCommand(t, "twopools", "POOLSCHOOL_TRACE="+path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	pools := map[float64]bool{}
	for _, e := range parseTrace(t, b).TraceEvents {
		if e.Ph == "X" {
			pools[e.Args["pool"].(float64)] = true
		}
	}
	require.Len(t, pools, 2)

	out, err = helperCommand(t, "twopools", "POOLSCHOOL_TRACE=/nonexistent/dir/trace.json").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "POOLSCHOOL_TRACE")
}
