package spec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	good := "# title: says hello\n# points: 2.5\n# needs: 01-builds, other\n# timeout: 5s\n# visibility: hidden\n# hint: one\n# hint: two\n# output: 64KiB\n# memory: 256MiB\n# exclusive\n# unmeasured: full\n\n# phase\nexec $PROG\n"
	c, err := Parse("x/02-hello.txtar", []byte(good))
	require.NoError(t, err)
	want := &Check{
		ID: "02-hello", Slug: "hello", File: "x/02-hello.txtar", Title: "says hello", Points: 2.5,
		Needs: []string{"01-builds", "other"}, Timeout: 5 * time.Second, Visibility: Hidden,
		Hints: []string{"one", "two"}, Output: 64 << 10, Memory: 256 << 20, Exclusive: true, Unmeasured: "full",
	}
	require.Empty(t, cmp.Diff(want, c, cmpopts.IgnoreFields(Check{}, "Script")), "Parse (-want +got)")
}

// A hint-if is the hint for the failures its pattern matches; several may
// be declared, and the first that matches wins.
func TestHintFor(t *testing.T) {
	text := "# title: t\n# points: 1\n# hint: generic\n# hint-if: seconds \"[0-9.]+ms\" => write seconds, not a Duration\n# hint-if: fields, want 4 => four fields\n# hint-if: line \\d+ => any line\n\nexec x\n"
	c, err := Parse("x/01-a.txtar", []byte(text))
	require.NoError(t, err)
	require.Len(t, c.HintsIf, 3)
	require.Equal(t, "write seconds, not a Duration", c.HintFor(`out.csv: line 2: seconds "15.28ms" is not a positive number`))
	require.Equal(t, "four fields", c.HintFor("out.csv: 3 fields, want 4"))
	require.Equal(t, "any line", c.HintFor("line 7: bad"))
	require.Equal(t, "", c.HintFor("the header is wrong"))
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, text, want string
	}{
		{"bad name", "x/hello.txtar", "# title: t\n", "x/hello.txtar: a check file must be named NN-slug.txtar"},
		{"unknown key", "x/01-a.txtar", "# title: t\n# points: 1\n# colour: red\n", "x/01-a.txtar:3: unknown header key \"colour\""},
		{"points not a number", "x/01-a.txtar", "# title: t\n# points: many\n", "x/01-a.txtar:2: points \"many\" is not a number"},
		{"negative points", "x/01-a.txtar", "# title: t\n# points: -1\n", "x/01-a.txtar:2: points \"-1\""},
		{"bad timeout", "x/01-a.txtar", "# title: t\n# points: 1\n# timeout: soon\n", "x/01-a.txtar:3: timeout \"soon\""},
		{"bad visibility", "x/01-a.txtar", "# title: t\n# points: 1\n# visibility: secret\n", "x/01-a.txtar:3: visibility \"secret\""},
		{"duplicate", "x/01-a.txtar", "# title: t\n# title: u\n", "x/01-a.txtar:2: title is declared twice (first at line 1)"},
		{"no title", "x/01-a.txtar", "# points: 1\n\nexec x\n", "x/01-a.txtar:1: the header has no \"title\" line"},
		{"no hint", "x/01-a.txtar", "# title: t\n# points: 1\n\nexec x\n", "x/01-a.txtar:1: a visible graded check needs at least one"},
		{"not key value", "x/01-a.txtar", "# title: t\n# builds the program\n", "x/01-a.txtar:2: header line \"# builds the program\" is not"},
		{"bad size", "x/01-a.txtar", "# title: t\n# points: 1\n# output: lots\n", "x/01-a.txtar:3: output \"lots\""},
		{"bad ungraded", "x/01-a.txtar", "# title: t\n# points: 1\n# ungraded: maybe\n", "x/01-a.txtar:3: ungraded takes no value"},
		{"bad exclusive", "x/01-a.txtar", "# title: t\n# points: 1\n# exclusive: alone\n", "x/01-a.txtar:3: exclusive takes no value"},
		{"bad unmeasured", "x/01-a.txtar", "# title: t\n# points: 1\n# unmeasured: half\n", "x/01-a.txtar:3: unmeasured \"half\" is not excluded, full or zero"},
		{"empty unmeasured", "x/01-a.txtar", "# title: t\n# points: 1\n# unmeasured:\n", "x/01-a.txtar:3: unmeasured \"\" is not excluded, full or zero"},
		{"hint-if without =>", "x/01-a.txtar", "# title: t\n# points: 1\n# hint-if: seconds\n", "x/01-a.txtar:3: hint-if \"seconds\" is not \"REGEXP => hint\""},
		{"hint-if bad pattern", "x/01-a.txtar", "# title: t\n# points: 1\n# hint-if: ( => x\n", "x/01-a.txtar:3: hint-if pattern \"(\":"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.text))
			require.Error(t, err)
			require.ErrorIs(t, err, ErrSyntax)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func writeExercise(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "greet")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, text := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	return dir
}

const meta = "# greet\ntitle: Greet\nedit: *.go\nedit: NOTES.md\n"

func chk(needs string) string {
	s := "# title: t\n# points: 1\n# hint: h\n"
	if needs != "" {
		s += "# needs: " + needs + "\n"
	}
	return s + "\nexec true\n"
}

func TestLoadExercise(t *testing.T) {
	dir := writeExercise(t, map[string]string{
		ExerciseFile: meta, "01-builds.txtar": chk(""), "02-hello.txtar": chk("builds"), "03-more.txtar": chk("01-builds 02-hello"),
		"shared/lines.awk": "{ n++ }\n",
	})
	ex, err := LoadExercise(dir)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, SharedDir), ex.Shared)
	require.Equal(t, "greet", ex.Name)
	require.Equal(t, []string{"01-builds"}, ex.Check("hello").Needs, "slugs resolve to IDs")
	require.Equal(t, 3.0, ex.MaxPoints(""))
	require.True(t, ex.Editable("main.go"))
	require.True(t, ex.Editable("NOTES.md"))
	require.False(t, ex.Editable("sub/main.go"))
	require.False(t, ex.Editable("go.mod"))
}

func TestLoadExerciseErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		is    error
		want  string
	}{
		{"unknown need", map[string]string{ExerciseFile: meta, "01-a.txtar": chk("nothing")}, ErrNeeds, "01-a.txtar:4: needs \"nothing\" names no check"},
		{"self", map[string]string{ExerciseFile: meta, "01-a.txtar": chk("a")}, ErrNeeds, "cannot need itself"},
		{"cycle", map[string]string{ExerciseFile: meta, "01-a.txtar": chk("c"), "02-b.txtar": chk("a"), "03-c.txtar": chk("b")}, ErrNeeds, "needs form a cycle: 01-a -> 03-c -> 02-b -> 01-a"},
		{"stray file", map[string]string{ExerciseFile: meta, "01-a.txtar": chk(""), "notes.txt": "x"}, ErrSyntax, "notes.txt: unexpected file among the checks"},
		{"no checks", map[string]string{ExerciseFile: meta}, ErrSyntax, "has no checks"},
		{"folder in shared", map[string]string{ExerciseFile: meta, "01-a.txtar": chk(""), "shared/lib/x.awk": "x"}, ErrSyntax, "shared/lib: shared/ holds plain files only"},
		{"meta unknown key", map[string]string{ExerciseFile: "title: t\nedit: *.go\ncolour: red\n", "01-a.txtar": chk("")}, ErrSyntax, "exercise.txt:3: unknown key \"colour\""},
		{"meta no edit", map[string]string{ExerciseFile: "title: t\n", "01-a.txtar": chk("")}, ErrSyntax, "exercise.txt:1: no \"edit: GLOB\" line"},
		{"meta escaping edit", map[string]string{ExerciseFile: "title: t\nedit: ../go.mod\n", "01-a.txtar": chk("")}, ErrSyntax, "exercise.txt:2: edit \"../go.mod\""},
		{"meta not key value", map[string]string{ExerciseFile: "title t\n", "01-a.txtar": chk("")}, ErrSyntax, "exercise.txt:1: line \"title t\""},
		{"same slug", map[string]string{ExerciseFile: meta, "01-a.txtar": chk(""), "02-a.txtar": chk("")}, ErrSyntax, "slug \"a\" is also used by 01-a.txtar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadExercise(writeExercise(t, tt.files))
			require.Error(t, err)
			require.True(t, errors.Is(err, tt.is), "error %v is not %v", err, tt.is)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}
