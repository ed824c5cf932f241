package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Any check file is parsed into a check that keeps the header's rules, or
// refused with a one-line *SyntaxError: no panic, no hang.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("../checks/*/*.txtar")
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, p := range files {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(filepath.Base(p), data)
	}
	for _, hostile := range []string{
		"# title: t\n# points: 1e309\n# hint: h\n",
		"# title: t\n# points: NaN\n# hint: h\n",
		"# title: t\n# points: -0\n# hint: h\n",
		"# title: t\n# points: 1\n# timeout: -1s\n# hint: h\n",
		"# title: t\n# points: 1\n# timeout: 9999999999h\n# hint: h\n",
		"# title: t\n# points: 1\n# memory: 9223372036854775807 GiB\n# hint: h\n",
		"# title: t\n# points: 1\n# output: 0\n# hint: h\n",
		"# title: t\n# points: 1\n# hint-if: (a*)*b => x\n# hint: h\n",
		"# title: t\n# points: 1\n# hint-if: [ => x\n# hint: h\n",
		"# title: t\n# points: 1\n# hint-if: => x\n",
		"# title: t\r\n# points: 1\r\n# hint: h\r\n\r\nexec x\r\n",
		"# title: \xff\xfe\n# points: 1\n# hint: \x00\n",
		"# title: t\n# title: u\n# points: 1\n# hint: h\n",
		"# title: t\n# points: 0\n# ungraded: maybe\n",
		"# title: t\n# points: 1\n" + strings.Repeat("# hint: h\n", 20),
		"# title: " + strings.Repeat("x", 2<<20) + "\n# points: 1\n",
		"#",
		"",
	} {
		f.Add("02-hostile.txtar", []byte(hostile))
	}
	f.Add("../../02-x.txtar", []byte("# title: t\n# points: 1\n# hint: h\n"))
	f.Add("2-x.txtar", []byte("# title: t\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		c, err := Parse(filepath.Join("checks", "ex", name), data)
		if err != nil {
			var se *SyntaxError
			require.True(t, errors.As(err, &se), "%T is not a *SyntaxError: %v", err, err)
			require.NotContains(t, err.Error(), "\n", "the error is one line")
			return
		}
		require.Regexp(t, idRE, c.ID)
		require.NotEmpty(t, c.Title)
		require.True(t, c.Points >= 0 && c.Points <= 1000, "points %v", c.Points)
		require.True(t, c.Timeout > 0 && c.Timeout <= MaxTimeout, "timeout %v", c.Timeout)
		for _, n := range []int64{c.Output, c.Memory} {
			require.True(t, n >= 1 && n <= 64<<30, "size %d", n)
		}
		require.LessOrEqual(t, len(c.Hints), maxHints)
		require.False(t, c.Ungraded && c.Points != 0, "an ungraded check is worth points")
		require.False(t, c.Visibility == Visible && !c.Ungraded && len(c.Hints) == 0, "a visible graded check without a hint")
		require.Equal(t, data, c.Script)
	})
}
