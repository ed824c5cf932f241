package submission

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestCanvasLayout(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"rosscarol_123_456_main.go", "rosscarol_123_456_util.go", "leeann_LATE_77_88_main.go", "kimbo_5_6_kit.zip", ".DS_Store"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644))
	}
	entries, ok := CanvasLayout(dir)
	require.True(t, ok)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name)
		if e.Late {
			got = append(got, "late")
		}
	}
	if d := cmp.Diff([]string{"kimbo.zip", "leeann", "late", "rosscarol"}, got); d != "" {
		t.Fatalf("entries (-want +got):\n%s", d)
	}
	dst := t.TempDir()
	require.NoError(t, StageCanvas(entries, dst))
	for p, body := range map[string]string{"rosscarol/util.go": "rosscarol_123_456_util.go", "leeann/main.go": "leeann_LATE_77_88_main.go", "kimbo.zip": "kimbo_5_6_kit.zip"} {
		data, err := os.ReadFile(filepath.Join(dst, p))
		require.NoError(t, err)
		require.Equal(t, body, string(data))
	}
	// A class folder with any other entry is not Canvas's layout.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "ada"), 0o755))
	_, ok = CanvasLayout(dir)
	require.False(t, ok)
}
