package adjust

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	got, err := Parse(strings.NewReader("id,exercise,points,reason\nann,primes,+2,\"regraded 02-small, the check was wrong\"\n\nbob,,-1.5,late by a day\nann,,0.5,tidy code\n"), File)
	require.NoError(t, err)
	want := []Adjustment{
		{"ann", "primes", 2, "regraded 02-small, the check was wrong", 2},
		{"bob", "", -1.5, "late by a day", 4},
		{"ann", "", 0.5, "tidy code", 5},
	}
	require.Empty(t, cmp.Diff(want, got), "(-want +got)")
	mine, total := For(got, "ann")
	require.Len(t, mine, 2)
	require.Equal(t, 2.5, total)
}

func TestForEmailInAnyCase(t *testing.T) {
	all := []Adjustment{{Student: "carol@uni.edu", Points: 1, Reason: "x"}, {Student: "ann", Points: 2, Reason: "y"}}
	mine, total := For(all, "Carol@Uni.edu")
	require.Len(t, mine, 1)
	require.Equal(t, 1.0, total)
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"student,points\n":                        `adjustments.csv:1: the first row must be "id,exercise,points,reason"`,
		"id,exercise,points,reason\nann,,two,x\n": `adjustments.csv:2: points "two" is not a number`,
		"id,exercise,points,reason\n,,1,x\n":      "adjustments.csv:2: no student id",
		"id,exercise,points,reason\nann,,1,\n":    "adjustments.csv:2: no reason",
		"id,exercise,points,reason\nann,,1,a,b\n": "adjustments.csv:2: 5 fields",
		"id,exercise,points,reason\nann,,NaN,x\n": `adjustments.csv:2: points "NaN" is not a number`,
	} {
		_, err := Parse(strings.NewReader(in), File)
		require.Error(t, err, in)
		require.Contains(t, err.Error(), want)
		require.True(t, errors.Is(err, ErrSyntax))
	}
}

func TestWriteTemplateKeepsTheInstructorsFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), File)
	require.NoError(t, WriteTemplate(p))
	adjs, err := ReadFile(p)
	require.NoError(t, err)
	require.Empty(t, adjs)
	require.NoError(t, os.WriteFile(p, []byte("id,exercise,points,reason\nann,,1,x\n"), 0o644))
	require.NoError(t, WriteTemplate(p))
	adjs, err = ReadFile(p)
	require.NoError(t, err)
	require.Len(t, adjs, 1)
}
