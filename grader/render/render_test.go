package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/result"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"\x1b]0;title\x07after", "after"},
		{"bell\x07nul\x00", "bell^Gnul^@"},
		{"::set-output name=x::1", ":\u200b:set-output name=x::1"},
		{"ok\n  ::error::x", "ok\n  :\u200b:error::x"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"bidi \u202e", "bidi \uFFFD"},
		{"cr\r\n", "cr\n"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Text(tt.in), "Text(%q)", tt.in)
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "alice": "alice", "a\nb": "a b", "": "",
	} {
		require.Equal(t, want, Cell(in), "Cell(%q)", in)
	}
}

func TestXMLText(t *testing.T) {
	require.Equal(t, "a^Hb", XMLText("a\x08b"))
	require.Equal(t, "a\uFFFDb", XMLText("a\uFFFEb"))
}

func TestFence(t *testing.T) {
	got := fence("code ~~~~ and ```")
	require.True(t, strings.HasPrefix(got, "~~~~~text\n"), got)
}

func report() *result.Report {
	return &result.Report{Student: "s", Exercises: []result.Exercise{{Name: "greet", Title: "Greet", Checks: []result.Check{
		{Exercise: "greet", ID: "01-a", Title: "a", Status: result.Passed, Score: 1, MaxScore: 1},
		{Exercise: "greet", ID: "02-b", Title: "b", Status: result.Failed, MaxScore: 3, Reason: "no", Hint: "try", HintLevels: 1},
	}}}}
}

func TestTerminalColour(t *testing.T) {
	var plain, colour bytes.Buffer
	require.NoError(t, Terminal(&plain, report(), Style{}))
	require.NoError(t, Terminal(&colour, report(), Style{Color: true}))
	require.NotContains(t, plain.String(), "\x1b[")
	require.Contains(t, colour.String(), "\x1b[32m:)\x1b[0m")
	require.Contains(t, colour.String(), "\x1b[31m:(\x1b[0m")
	require.Contains(t, plain.String(), "Greet (greet)  [#####---------------]  1/4 points\n")
	require.Contains(t, plain.String(), "Total: 1/4 points, 1 of 2 checks passed\n")
}
