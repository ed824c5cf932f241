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
	for _, n := range []string{"rosscarol_123_456_main.go", "rosscarol_123_456_util.go", "leeann_LATE_77_88_main.go", "kimbo_5_6_kit.zip", "carol@uni.edu_104_9004_main.go", ".DS_Store"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644))
	}
	entries, others, ok := CanvasLayout(dir)
	require.True(t, ok)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name)
		if e.Late {
			got = append(got, "late")
		}
	}
	want := []string{"carol@uni.edu", "kimbo.zip", "leeann", "late", "rosscarol"}
	require.Empty(t, cmp.Diff(want, got), "entries (-want +got)")
	require.Empty(t, cmp.Diff([]string{".DS_Store"}, others), "others (-want +got)")
	dst := t.TempDir()
	require.NoError(t, StageCanvas(entries, dst))
	for p, body := range map[string]string{"rosscarol/util.go": "rosscarol_123_456_util.go", "leeann/main.go": "leeann_LATE_77_88_main.go", "kimbo.zip": "kimbo_5_6_kit.zip", "carol@uni.edu/main.go": "carol@uni.edu_104_9004_main.go"} {
		data, err := os.ReadFile(filepath.Join(dst, p))
		require.NoError(t, err)
		require.Equal(t, body, string(data))
	}
	// Whatever else sits beside the download's files is returned apart,
	// and the students' files are still gathered.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "ada"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hi"), 0o644))
	entries, others, ok = CanvasLayout(dir)
	require.True(t, ok)
	require.Len(t, entries, 4)
	require.Empty(t, cmp.Diff([]string{".DS_Store", "ada", "notes.txt"}, others), "others (-want +got)")
}

func TestCanvasLayoutArchivesOnly(t *testing.T) {
	// A folder of archives is a Canvas download only when every entry is
	// named as Canvas names them: an ordinary class folder may hold a zip
	// whose name happens to look like one.
	dir := t.TempDir()
	for _, n := range []string{"kimbo_5_6_kit.zip", "ann.zip"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644))
	}
	_, _, ok := CanvasLayout(dir)
	require.False(t, ok)
	require.NoError(t, os.Remove(filepath.Join(dir, "ann.zip")))
	_, _, ok = CanvasLayout(dir)
	require.True(t, ok)
}
