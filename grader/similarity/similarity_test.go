package similarity

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// disguise is what a student who copies does to hide it: every name of
// the solution's own renamed, comments removed, messages reworded, blank
// lines added and one function moved to the end.
func disguise(t *testing.T, src []byte) []byte {
	t.Helper()
	s := string(src)
	for old, new := range map[string]string{
		"primesIn": "findPrimes", "blocks": "ranges", "blockSize": "size", "block": "span",
		"usageError": "badInput", "options": "config", "parse": "readArgs", "number": "toInt",
		"out": "buf", "total": "sum", "primes": "found", "o": "cfg", "b": "sp", "err": "e",
	} {
		s = regexp.MustCompile(`\b`+old+`\b`).ReplaceAllString(s, new)
	}
	s = regexp.MustCompile(`(?m)^\s*//.*\n`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`//.*`).ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, `"found:"`, `"error:"`)
	s = strings.ReplaceAll(s, "\n\treturn", "\n\n\treturn")
	start := strings.Index(s, "func toInt(")
	require.GreaterOrEqual(t, start, 0, "the solution has no func number to move")
	end := start + strings.Index(s[start:], "\n}\n") + 3
	s = s[:start] + s[end:] + "\n" + s[start:end]
	require.NotEqual(t, string(src), s)
	return []byte(s)
}

func files(src []byte) []File { return []File{{Name: "main.go", Src: src}} }

func TestCompare(t *testing.T) {
	starter := read(t, "../../exercises/primes/main.go")
	solution := read(t, "../../solutions/primes/main.go")
	subs := []Submission{
		{Student: "ann", Files: files(solution)},
		{Student: "ben", Files: files(disguise(t, solution))},
		{Student: "cid", Files: files(read(t, "testdata/independent.go"))},
		{Student: "dot", Files: files(starter)},
	}
	pairs := Compare("primes", files(starter), subs, DefaultOptions)
	score := map[string]float64{}
	var flagged []string
	for _, p := range pairs {
		score[p.A+"-"+p.B] = p.Score
		if p.Flagged {
			flagged = append(flagged, p.A+"-"+p.B)
		}
	}
	t.Logf("scores: %v", score)
	require.Greater(t, score["ann-ben"], 0.7, "the disguised copy")
	require.Less(t, score["ann-cid"], 0.2, "two independent solutions")
	require.Less(t, score["ben-cid"], 0.2, "two independent solutions")
	for _, other := range []string{"ann-dot", "ben-dot", "cid-dot"} {
		require.Zero(t, score[other], "%s: the starter alone shares nothing", other)
	}
	require.Empty(t, cmp.Diff([]string{"ann-ben"}, flagged), "flagged pairs (-want +got)")
	// The shared stretches point at the copied code in each file: the
	// number function, moved to the end of ben's file, is matched there.
	top := pairs[0]
	require.NotEmpty(t, top.Matches)
	lastA, lastB := 0, 0
	for _, m := range top.Matches {
		lastA, lastB = max(lastA, m.A.End), max(lastB, m.B.End)
	}
	require.Greater(t, lastB, bytes.Count(disguise(t, solution), []byte("\n"))-20, "a match in ben's last lines, where number moved")
	require.Greater(t, lastA, 100)
}

func TestStarterNeverCounts(t *testing.T) {
	starter := read(t, "../../exercises/primes/main.go")
	// Two students who only reformatted the starter and renamed its
	// names share nothing of their own.
	pairs := Compare("primes", files(starter), []Submission{
		{Student: "a", Files: files(starter)},
		{Student: "b", Files: files(disguise(t, append(starter, []byte("\nfunc number(s string) int {\n\treturn len(s)\n}\n")...)))},
	}, DefaultOptions)
	require.Empty(t, pairs)
}

func TestTokensIgnoreNamesCommentsAndLayout(t *testing.T) {
	a := Tokens([]byte("package p\n// c\nfunc f(x int) int { return x + 1 }\n"))
	b := Tokens([]byte("package q\n\nfunc g(\n\ty int,\n) int {\n\t/* other */ return y +\n\t\t2\n}\n"))
	text := func(ts []Token) (s []string) {
		for _, t := range ts {
			s = append(s, t.Text)
		}
		return s
	}
	want := []string{"package", "ID", "func", "ID", "(", "ID", "int", ")", "int", "{", "return", "ID", "+", "INT", "}"}
	require.Empty(t, cmp.Diff(want, text(a)), "tokens (-want +got)")
	require.Equal(t, append(want[:7:7], append([]string{","}, want[7:]...)...), text(b))
	require.Equal(t, 6, b[11].Line, "the line of a token")
}

func TestWinnowKeepsTheRightmostMinimumOfEachWindow(t *testing.T) {
	var hs []Fingerprint
	for i, h := range []uint64{77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98} {
		hs = append(hs, Fingerprint{Hash: h, Start: i, End: i})
	}
	// The example of Schleimer, Wilkerson and Aiken (2003), figure 2,
	// window 4: {17, 17, 8, 39, 17}.
	var got []uint64
	for _, fp := range Winnow(hs, 4) {
		got = append(got, fp.Hash)
	}
	require.Empty(t, cmp.Diff([]uint64{17, 17, 8, 39, 17}, got), "winnowed (-want +got)")
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, []Pair{
		{Exercise: "primes", A: "ann", B: "ben", Score: 0.912, Shared: 30, Flagged: true,
			Matches: []Match{{A: Span{"main.go", 3, 9}, B: Span{"main.go", 4, 4}}, {A: Span{"a.go", 1, 2}, B: Span{"b.go", 5, 6}}}},
		{Exercise: "primes", A: "ann", B: "cid", Score: 0.1, Shared: 2},
		{Exercise: "primes", A: "dot", B: "eve", Score: 0.7, Shared: 9, Flagged: true,
			Matches: []Match{{A: Span{"=cmd.go", 1, 3}, B: Span{"main.go", 1, 3}}}},
	}))
	want := "exercise,student_a,student_b,score,shared_fingerprints,lines_a,lines_b\n" +
		"primes,ann,ben,0.91,30,main.go:3-9 a.go:1-2,main.go:4 b.go:5-6\n" +
		"primes,dot,eve,0.70,9,'=cmd.go:1-3,main.go:1-3\n"
	require.Empty(t, cmp.Diff(want, b.String()), "similarity.csv (-want +got)")
}
