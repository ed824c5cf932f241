package trace

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		data string
		want Summary
	}{
		{"array", `[{"ph":"M","pid":1,"tid":1,"name":"process_name"},
			{"ph":"X","pid":10,"tid":1,"name":"task","ts":1,"dur":5},
			{"ph":"X","pid":11,"tid":1,"name":"task","ts":2,"dur":5},
			{"ph":"X","pid":11,"tid":2,"name":"chunk","ts":3,"dur":5},
			{"ph":"i","pid":1,"tid":1,"name":"send","ts":4}]`,
			Summary{Processes: 2, Tracks: 3, Slices: 3, Instants: 1, ByName: map[string]int{"task": 2, "chunk": 1}, InstByName: map[string]int{"send": 1}}},
		{"object with begin and end", `{"traceEvents":[{"ph":"B","pid":5,"tid":1,"name":"a","ts":1},{"ph":"E","pid":5,"tid":1,"ts":2},{"ph":"B","pid":6,"tid":1,"name":"b","ts":1}]}`,
			Summary{Processes: 1, Tracks: 1, Slices: 1, Unclosed: 1, ByName: map[string]int{"a": 1}, InstByName: map[string]int{}}},
		{"array cut short by a kill", `[{"ph":"X","pid":1,"tid":1,"name":"t","ts":1,"dur":1},`,
			Summary{Processes: 1, Tracks: 1, Slices: 1, ByName: map[string]int{"t": 1}, InstByName: map[string]int{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.data))
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, *got), "Parse (-want +got)")
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, data := range []string{"", "hello", `[{"ph":1}]`, `{"traceEvents": 3}`} {
		_, err := Parse([]byte(data))
		require.Error(t, err, "data %q", data)
		require.True(t, errors.Is(err, ErrFormat))
	}
}

func TestMetric(t *testing.T) {
	s, err := Parse([]byte(`[{"ph":"X","pid":1,"tid":1,"name":"t","ts":1,"dur":1},{"ph":"i","pid":1,"tid":1,"name":"m","ts":1}]`))
	require.NoError(t, err)
	for name, want := range map[string]int{"processes": 1, "tracks": 1, "slices": 1, "instants": 1, "slices:t": 1, "slices:x": 0, "instants:m": 1} {
		got, err := s.Metric(name)
		require.NoError(t, err)
		require.Equal(t, want, got, name)
	}
	_, err = s.Metric("workers")
	require.Error(t, err)
	require.Equal(t, "processes 1\ntracks 1\nslices 1\ninstants 1\nslices:t 1\ninstants:m 1\n", s.String())
}
