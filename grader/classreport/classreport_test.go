package classreport

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/classreport/browsertest"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/roster"
	"github.com/poolschool/poolschool/grader/similarity"
)

// class makes n reports of two exercises: student i passes the first i%4
// checks of "greet" (1 point each) and check "02" of "primes" when i is
// even; student 0 could not be graded.
func class(n int) []*result.Report {
	var out []*result.Report
	for i := range n {
		r := &result.Report{Student: fmt.Sprintf("s%02d", i)}
		greet := result.Exercise{Name: "greet", Title: "Greet"}
		for j := range 3 {
			c := result.Check{Exercise: "greet", ID: fmt.Sprintf("0%d", j+1), Title: "check", MaxScore: 1, Status: result.Failed, Reason: "wrong output", HintLevels: 2}
			if j < i%4 {
				c.Status, c.Score = result.Passed, 1
			}
			greet.Checks = append(greet.Checks, c)
		}
		primes := result.Exercise{Name: "primes", Title: "Primes", Checks: []result.Check{
			{Exercise: "primes", ID: "01", MaxScore: 2, Status: result.NotMeasured},
			{Exercise: "primes", ID: "02", MaxScore: 4, Status: result.Skipped, Reason: "needs builds"},
		}}
		if i%2 == 0 {
			primes.Checks[1].Status, primes.Checks[1].Score = result.Passed, 4
		}
		r.Exercises = []result.Exercise{greet, primes}
		if i == 0 {
			r.Error = "corrupt.zip is not a readable zip archive"
		}
		out = append(out, r)
	}
	return out
}

func TestHistogramsKeepUngradedApart(t *testing.T) {
	hs := histograms(class(12))
	require.Len(t, hs, 3)
	greet := hs[1]
	require.Equal(t, "Greet", greet.Title)
	require.Equal(t, 11, greet.Graded)
	require.Equal(t, 1, greet.Ungraded)
	var counts []int
	for _, b := range greet.Bins {
		counts = append(counts, b.Count)
	}
	// s01..s11: i%4 = 1,2,3,0,1,2,3,0,1,2,3 points; s00 is not a zero.
	require.Empty(t, cmp.Diff([]int{2, 3, 3, 3}, counts), "greet bins (-want +got)")
	var b bytes.Buffer
	require.NoError(t, WriteTextHistograms(&b, class(12)))
	require.Contains(t, b.String(), "Points, Greet (out of 3), 11 graded, 1 not graded (not counted as 0):\n          0 ## 2\n          1 ### 3\n")
	// primes/01 was not measured: its 2 points are out of the maximum.
	require.Contains(t, b.String(), "Points, All exercises (out of 7), 11 graded")
}

func TestCheckStatsMostFailedFirst(t *testing.T) {
	var got []string
	for _, s := range checkStats(class(12)) {
		got = append(got, fmt.Sprintf("%s %d/%d/%d/%d %q", s.Key, s.Passed, s.Failed, s.Skipped, s.NotMeasured, s.CommonReason))
	}
	want := []string{
		`greet/03 3/8/0/0 "wrong output"`,
		`greet/02 6/5/0/0 "wrong output"`,
		`greet/01 9/2/0/0 "wrong output"`,
		`primes/01 0/0/0/11 ""`,
		`primes/02 5/0/6/0 ""`,
	}
	require.Empty(t, cmp.Diff(want, got), "check outcomes (-want +got)")
}

func writeReport(t *testing.T, dir string) string {
	t.Helper()
	ro, err := roster.Parse(strings.NewReader("id,name\ns01,Ann <b>Lee</b>\nghost,Gus\n"), "roster.csv")
	require.NoError(t, err)
	in := Input{
		Reports: class(12), Roster: ro,
		Adjustments: map[string]float64{"s03": 1.5}, Penalties: map[string]float64{"s05": 1}, Late: map[string]string{"s05": "2h late"},
		Pairs: []similarity.Pair{
			{Exercise: "primes", A: "s02", B: "s06", Score: 0.93, Flagged: true, Matches: []similarity.Match{{A: similarity.Span{File: "main.go", Start: 3, End: 9}, B: similarity.Span{File: "main.go", Start: 5, End: 11}}}},
			{Exercise: "primes", A: "s02", B: "s04", Score: 0.1},
		},
		Provenance: result.Provenance{Grader: "v1.2.3", Go: "go1.26", Platform: "linux/amd64", Host: "lab", CPUs: 2, Load: "0.50 0.40 0.30", Time: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)},
	}
	p := filepath.Join(dir, "report.html")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, WriteHTML(f, in))
	require.NoError(t, f.Close())
	return p
}

func TestReportIsSelfContained(t *testing.T) {
	data, err := os.ReadFile(writeReport(t, t.TempDir()))
	require.NoError(t, err)
	page := string(data)
	for _, bad := range []string{"http://", "https://", "<script src", "<link", "@import", "url("} {
		require.NotContains(t, page, bad)
	}
	for _, want := range []string{
		"<svg", "not graded", "s02 and s06", "main.go:3-9 ↔ main.go:5-11", "Ann &lt;b&gt;Lee&lt;/b&gt;",
		"On the roster with no submission: ghost (Gus).", "Grader v1.2.3, go1.26 on linux/amd64, host lab (2 CPUs, load 0.50 0.40 0.30), at 2026-12-02 09:00:00 UTC.",
		`href="students/s01/feedback.md"`,
	} {
		require.Contains(t, page, want)
	}
	require.NotContains(t, page, "s02 and s04", "an unflagged pair is not shown")
}

// rowsRE finds the students of the table in the order the DOM has them.
var rowsRE = regexp.MustCompile(`<tr data-student="([^"]+)"`)

func TestReportInChromium(t *testing.T) {
	bin, err := browsertest.Find()
	if err != nil {
		t.Skipf("skipping the browser test: %v", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	p := writeReport(t, dir)
	page, err := browsertest.Load(ctx, bin, p, "sort=-final")
	require.NoError(t, err)
	require.Empty(t, page.Errors, "console errors")
	require.True(t, strings.Contains(page.DOM, `data-ready="yes"`), "the page's script ran to its end")
	require.False(t, strings.Contains(page.DOM, `data-js-errors="`), "an error in the page's script")
	require.True(t, strings.Contains(page.DOM, `aria-sort="descending"`), "a heading marked sorted, descending")
	var order []string
	for _, m := range rowsRE.FindAllStringSubmatch(page.DOM, -1) {
		order = append(order, m[1])
	}
	// final = total + adjustment - penalty; ties keep the table's
	// order; the submission not graded comes last, not as a 0.
	want := []string{"s02", "s06", "s10", "s03", "s04", "s08", "s07", "s11", "s01", "s09", "s05", "s00"}
	require.Empty(t, cmp.Diff(want, order), "students sorted by final, descending (-want +got)")
	// A click on a heading sorts by it, ascending: the submission not
	// graded first, then by total.
	page, err = browsertest.Load(ctx, bin, p, "click=total")
	require.NoError(t, err)
	require.Empty(t, page.Errors, "console errors")
	require.True(t, strings.Contains(page.DOM, `data-col="total" aria-sort="ascending"`), "Total marked sorted, ascending, after the click")
	order = nil
	for _, m := range rowsRE.FindAllStringSubmatch(page.DOM, -1) {
		order = append(order, m[1])
	}
	want = []string{"s00", "s01", "s05", "s09", "s03", "s07", "s11", "s04", "s08", "s02", "s06", "s10"}
	require.Empty(t, cmp.Diff(want, order), "students after a click on Total (-want +got)")
	png := filepath.Join(dir, "report.png")
	require.NoError(t, browsertest.Screenshot(ctx, bin, p, png))
	data, err := os.ReadFile(png)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("\x89PNG")))
	// For a person to look at: POOLSCHOOL_SCREENSHOTS=dir keeps a copy,
	// since the test's temp folder goes with the test.
	if keep := os.Getenv("POOLSCHOOL_SCREENSHOTS"); keep != "" {
		require.NoError(t, os.WriteFile(filepath.Join(keep, "report.png"), data, 0o644))
	}
	t.Logf("screenshot: %s", png)
}
