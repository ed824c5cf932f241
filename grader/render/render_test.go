package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/internal/junitxsd"
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
	require.Equal(t, "````text\ncode ~~~~ and ```\n````\n", fence("code ~~~~ and ```"))
	require.Equal(t, "```text\nplain\n```\n", fence("plain\n"))
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
	require.Contains(t, plain.String(), "Greet (greet)\n")
	require.Contains(t, plain.String(), "  [#####---------------]  1/4 points\n")
	require.Contains(t, plain.String(), "Total: 1/4 points, 1 of 2 checks passed\n")
	require.Contains(t, plain.String(), "Next: greet, \"b\"\n")
}

// A failure shows what ran, what it was given, expected against got (with
// a diff when both have several lines), stderr, what the check said and
// the hint for this failure; labels say what each value is.
func TestTerminalFailure(t *testing.T) {
	r := &result.Report{Exercises: []result.Exercise{{Name: "primes", Title: "Primes", HiddenChecks: 4, HiddenPoints: 7, Page: "docs/homework/primes.md", Checks: []result.Check{{
		Exercise: "primes", Title: "small ranges", Status: result.Failed, MaxScore: 2,
		Reason: "the primes from 2 to 10: stdout is not what the check expects", Command: "primes 2 10", Input: "in.txt: 2 10",
		Expected: "2\n3\n5\n7", ExpectedLabel: "expected on stdout", Got: "2\n3\n5", GotLabel: "got on stdout",
		Diff: " 2\n 3\n 5\n-7", Stderr: "flag provided but not defined: -n", Detail: "workers: 1 busy",
		Hint: "generic", FailureHint: "both ends count", HintLevels: 2,
	}}}}}
	var b bytes.Buffer
	require.NoError(t, Terminal(&b, r, Style{HintEx: "make hint EX=%s"}))
	want := `Primes (primes)
  :( small ranges  0/2
     the primes from 2 to 10: stdout is not what the check expects
     ran: primes 2 10
     input: in.txt: 2 10
     expected on stdout:
       2
       3
       5
       7
     got on stdout:
       2
       3
       5
     diff (- expected, + got):
        2
        3
        5
       -7
     stderr: flag provided but not defined: -n
     the check says: workers: 1 busy
     hint: both ends count  (more: make hint EX=primes)
  [--------------------]  0/2 points
Total: 0/2 points, 0 of 1 checks passed; 4 hidden check(s) (7 points) run when your work is graded
Next: primes, "small ranges" (docs/homework/primes.md); stuck? make hint EX=primes
`
	require.Equal(t, want, b.String())
}

// With every visible check passed, the total says so and names the hidden
// checks still to come, instead of a bare "well done".
func TestTerminalHiddenChecks(t *testing.T) {
	r := &result.Report{Exercises: []result.Exercise{{Name: "greet", Title: "Greet", HiddenChecks: 2, HiddenPoints: 3, Checks: []result.Check{
		{Exercise: "greet", Title: "a", Status: result.Passed, Score: 2, MaxScore: 2},
	}}}}
	var b bytes.Buffer
	require.NoError(t, Terminal(&b, r, Style{}))
	require.Contains(t, b.String(), "Total: all visible checks pass, 2/2 points; 2 hidden check(s) (3 points) run when your work is graded\n")
	require.NotContains(t, b.String(), "Next:")
}

// Focus shows the first exercise that does not pass in full and only the
// check lines of the later ones, with where to see their details.
func TestTerminalFocus(t *testing.T) {
	fail := result.Check{Title: "b", Status: result.Failed, MaxScore: 1, Reason: "why b failed"}
	r := &result.Report{Exercises: []result.Exercise{
		{Name: "one", Title: "One", Checks: []result.Check{{Title: "a", Status: result.Passed, Score: 1, MaxScore: 1}}},
		{Name: "two", Title: "Two", Checks: []result.Check{fail}},
		{Name: "three", Title: "Three", Checks: []result.Check{fail}},
	}}
	var b bytes.Buffer
	require.NoError(t, Terminal(&b, r, Style{Focus: true, CheckEx: "make check EX=%s"}))
	require.Equal(t, 1, strings.Count(b.String(), "why b failed"), b.String())
	require.Contains(t, b.String(), "  [--------------------]  0/1 points  (the details: make check EX=three)\n")
	require.NotContains(t, b.String(), "EX=two)")
}

// Live writes what Terminal writes, as the checks finish; on a terminal a
// spinner line says what runs and is cleared before the next lines.
func TestLive(t *testing.T) {
	r := report()
	var want bytes.Buffer
	require.NoError(t, Terminal(&want, r, Style{}))
	for _, tty := range []bool{false, true} {
		var b bytes.Buffer
		l := NewLive(&b, Style{}, tty)
		clock := time.Unix(0, 0)
		l.now = func() time.Time { return clock }
		ex := &r.Exercises[0]
		l.Begin(ex.Name, ex.Title)
		l.Building(ex.Name)
		clock = clock.Add(3 * time.Second)
		l.Tick()
		for _, c := range ex.Checks {
			l.Running(c.Title)
			l.Tick()
			l.Check(c)
		}
		l.End(ex)
		l.Finish(r)
		got := b.String()
		require.Equal(t, want.String(), Plain(got), "tty %v", tty)
		if tty {
			require.Contains(t, got, "\r\x1b[K  | building greet (0s)\r\x1b[K  / building greet (3s)\r\x1b[K")
			require.Contains(t, got, "\r\x1b[K  / checking: b (0s)\r\x1b[K  :( b  0/3\n")
		} else {
			require.NotContains(t, got, "\r")
			require.Contains(t, got, "Greet (greet)\n  building greet ...\n  :) a")
		}
	}
}

// studentView is what a student may read of a results.json before the
// grades are published: the top-level output always, the other top-level
// fields when the top-level visibility is visible or unset, and every
// field of each test whose visibility is visible or unset (a test without
// one takes the top-level visibility). It returns the strings and numbers
// found there.
func studentView(t *testing.T, data []byte) (texts []string, numbers []float64) {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	shown := func(v any) bool { return v == nil || v == "visible" }
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
		case float64:
			numbers = append(numbers, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc["output"])
	top := doc["visibility"]
	for k, v := range doc {
		if k != "tests" && k != "output" && shown(top) {
			walk(v)
		}
	}
	tests, _ := doc["tests"].([]any)
	for _, tc := range tests {
		tc := tc.(map[string]any)
		vis, ok := tc["visibility"]
		if !ok {
			vis = top
		}
		if shown(vis) {
			walk(tc)
		}
	}
	return texts, numbers
}

// Before publication a student learns nothing of the hidden checks from
// results.json: not their names, not their points, not a total that
// counts them.
func TestGradescopeHidesHiddenChecks(t *testing.T) {
	r := &result.Report{Student: "s", Duration: 2 * time.Second, Exercises: []result.Exercise{{Name: "primes", Title: "Primes", Checks: []result.Check{
		{Exercise: "primes", ID: "01-small", Number: "1.1", Title: "small ranges", Status: result.Passed, Score: 1, MaxScore: 1, Visibility: "visible"},
		{Exercise: "primes", ID: "02-usage", Number: "1.2", Title: "explains its usage", Status: result.Failed, MaxScore: 3, Visibility: "visible", Reason: "no usage line"},
		{Exercise: "primes", ID: "03-secret-big", Number: "1.3", Title: "a secret big range", Status: result.Passed, Score: 7, MaxScore: 7, Visibility: "hidden"},
		{Exercise: "primes", ID: "04-secret-overflow", Number: "1.4", Title: "a secret overflow", Status: result.Failed, MaxScore: 13, Visibility: "hidden", Reason: "overflowed at 4294967296"},
	}}}}
	var b bytes.Buffer
	require.NoError(t, WriteGradescope(&b, r))
	texts, numbers := studentView(t, b.Bytes())
	require.NotEmpty(t, texts)
	// Hidden: 7 and 13 points, 7/20 earned; in all: 8/24 points.
	forbidden := map[float64]bool{7: true, 13: true, 20: true, 8: true, 24: true, 4294967296: true}
	num := regexp.MustCompile(`\d+(\.\d+)?`)
	for _, s := range texts {
		for _, word := range []string{"secret", "overflow", "03-", "04-", "1.3", "1.4"} {
			require.NotContains(t, s, word, "a student sees %q before publication", s)
		}
		for _, n := range num.FindAllString(s, -1) {
			f, err := strconv.ParseFloat(n, 64)
			require.NoError(t, err)
			numbers = append(numbers, f)
		}
	}
	for _, n := range numbers {
		require.False(t, forbidden[n], "a student sees the number %g before publication in %q", n, texts)
	}
	require.Contains(t, texts, "Visible checks: 1/4 points; the hidden checks show when the grades are published")
	// The hidden checks are still all there once published.
	g := Gradescope(r)
	require.Equal(t, 8.0, g.Score)
	require.Equal(t, "after_published", g.Visibility)
	require.Equal(t, "after_published", g.Tests[3].Visibility)
}

// Gradescope's execution_time is whole seconds, as its specification shows.
func TestGradescopeExecutionTime(t *testing.T) {
	r := report()
	r.Duration = 2600 * time.Millisecond
	var b bytes.Buffer
	require.NoError(t, WriteGradescope(&b, r))
	require.Contains(t, b.String(), "\n  \"execution_time\": 3,\n")
}

// junit.xml follows the rules Jenkins' and Surefire's schemas enforce,
// for one check and for a report with every outcome, timed and stable.
func TestJUnitSchema(t *testing.T) {
	one := &result.Report{Student: "s", Exercises: []result.Exercise{{Name: "greet", Title: "Greet", Checks: []result.Check{
		{Exercise: "greet", ID: "01-a", Title: "a", Status: result.Passed, Score: 1, MaxScore: 1, Visibility: "visible",
			Started: time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC), Duration: 1234567 * time.Microsecond},
	}}}}
	all := report()
	all.Exercises[0].Checks = append(all.Exercises[0].Checks,
		result.Check{Exercise: "greet", ID: "03-c", Title: "c", Status: result.Error, MaxScore: 1, Reason: "timed out"},
		result.Check{Exercise: "greet", ID: "04-d", Title: "d", Status: result.Skipped, MaxScore: 1, Reason: "needs 02-b", Visibility: "hidden"})
	for _, reports := range [][]*result.Report{{one}, {all, one}} {
		for _, stable := range []bool{false, true} {
			var b bytes.Buffer
			require.NoError(t, JUnit(&b, "poolschool", reports, stable))
			require.NoError(t, junitxsd.Validate(&b), "stable %v:\n%s", stable, b.String())
		}
	}
	var b bytes.Buffer
	require.NoError(t, JUnit(&b, "poolschool", []*result.Report{one}, false))
	require.Contains(t, b.String(), `<testsuite name="s/greet" tests="1" failures="0" errors="0" skipped="0" time="1.235" timestamp="2026-12-02T18:00:00Z">`)
	require.Contains(t, b.String(), "<system-out>points: 1/1&#xA;visibility: visible&#xA;</system-out>")
}

// jsonKind is the JSON type a field of results.json has in Gradescope's
// autograder specification
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/), with
// the values it allows when it is one of a few strings.
type jsonKind struct {
	kind  string // "number", "integer", "string", "array of strings", "array of objects"
	oneOf []string
}

var (
	gsVisibility = []string{"hidden", "after_due_date", "after_published", "visible"}
	gsFormat     = []string{"text", "html", "simple_format", "md", "ansi"}
	gsTop        = map[string]jsonKind{
		"score": {kind: "number"}, "execution_time": {kind: "integer"}, "output": {kind: "string"},
		"output_format": {kind: "string", oneOf: gsFormat}, "test_output_format": {kind: "string", oneOf: gsFormat},
		"visibility": {kind: "string", oneOf: gsVisibility}, "stdout_visibility": {kind: "string", oneOf: gsVisibility},
		"tests": {kind: "array of objects"},
	}
	gsTest = map[string]jsonKind{
		"score": {kind: "number"}, "max_score": {kind: "number"}, "status": {kind: "string", oneOf: []string{"passed", "failed"}},
		"name": {kind: "string"}, "name_format": {kind: "string", oneOf: gsFormat}, "number": {kind: "string"},
		"output": {kind: "string"}, "tags": {kind: "array of strings"}, "visibility": {kind: "string", oneOf: gsVisibility},
	}
)

// checkKinds requires every field of obj to be one the specification
// names, of the type it gives.
func checkKinds(t *testing.T, where string, obj map[string]json.RawMessage, spec map[string]jsonKind) {
	t.Helper()
	for k, raw := range obj {
		want, ok := spec[k]
		require.True(t, ok, "%s: field %q is not in Gradescope's specification", where, k)
		var v any
		require.NoError(t, json.Unmarshal(raw, &v))
		switch want.kind {
		case "number":
			require.IsType(t, 0.0, v, "%s.%s = %s is not a number", where, k, raw)
		case "integer":
			require.Regexp(t, `^-?[0-9]+$`, string(raw), "%s.%s is not an integer", where, k)
		case "string":
			require.IsType(t, "", v, "%s.%s = %s is not a string", where, k, raw)
			if want.oneOf != nil {
				require.Contains(t, want.oneOf, v, "%s.%s", where, k)
			}
		case "array of strings":
			var a []string
			require.NoError(t, json.Unmarshal(raw, &a), "%s.%s = %s is not an array of strings", where, k, raw)
		case "array of objects":
			var a []map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(raw, &a), "%s.%s = %s is not an array of objects", where, k, raw)
		}
	}
}

// Every field of results.json has the JSON type Gradescope's specification
// gives it, for a report with every outcome and for one not graded.
func TestGradescopeFieldTypes(t *testing.T) {
	all := report()
	all.Duration = 1500 * time.Millisecond
	all.Exercises[0].Checks = append(all.Exercises[0].Checks,
		result.Check{Exercise: "greet", ID: "03-c", Number: "1.3", Title: "c", Status: result.Error, MaxScore: 0.5, Reason: "timed out", Visibility: "visible"},
		result.Check{Exercise: "greet", ID: "04-d", Number: "1.4", Title: "d", Status: result.Skipped, MaxScore: 1, Reason: "needs 02-b", Visibility: "hidden"})
	broken := &result.Report{Student: "x", Error: "corrupt.zip is not a readable zip archive"}
	for _, r := range []*result.Report{all, broken} {
		var b bytes.Buffer
		require.NoError(t, WriteGradescope(&b, r))
		var top map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b.Bytes(), &top))
		for _, k := range []string{"score", "execution_time", "output", "visibility", "tests"} {
			require.Contains(t, top, k)
		}
		checkKinds(t, "results", top, gsTop)
		var tests []map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(top["tests"], &tests))
		for i, tc := range tests {
			checkKinds(t, fmt.Sprintf("tests[%d]", i), tc, gsTest)
			for _, k := range []string{"score", "max_score", "status", "name", "name_format", "output", "visibility"} {
				require.Contains(t, tc, k, "tests[%d]", i)
			}
		}
	}
}

// The transcripts of results.json and junit.xml leave out the check's
// hint lines: a student gets the first level (shown with the details) and
// asks for the next, never the whole ladder at once.
func TestTranscriptHintLadder(t *testing.T) {
	r := report()
	c := &r.Exercises[0].Checks[1]
	c.Hint, c.HintLevels = "first level", 3
	c.Log = "# title: b\n# points: 3\n# hint: first level\n# hint: second level\n# hint-if: x => third level\n\n# greets Ada (0.010s)\n> exec $PROG Ada\nFAIL: 02-b.txtar:9: no match\n"
	var gs, ju bytes.Buffer
	require.NoError(t, WriteGradescope(&gs, r))
	require.NoError(t, JUnit(&ju, "poolschool", []*result.Report{r}, true))
	want := "failed: no\nhint: first level\n\ntranscript:\n# title: b\n# points: 3\n\n# greets Ada (0.010s)\n> exec $PROG Ada\nFAIL: 02-b.txtar:9: no match\n"
	got := Gradescope(r).Tests[1].Output
	require.Empty(t, cmp.Diff(want, got), "results.json output (-want +got)")
	for _, out := range []string{gs.String(), ju.String()} {
		require.Equal(t, 1, strings.Count(out, "first level"), out)
		require.NotContains(t, out, "second level")
		require.NotContains(t, out, "third level")
	}
}

// feedback.md reads as plain text: only what would change the rendering
// is escaped, and a program's output sits in a fence longer than any run
// of backticks in it.
func TestFeedbackPlainText(t *testing.T) {
	r := &result.Report{Student: "ada_l", Notes: []string{"files that are not part of an exercise were ignored: main_test.go, notes.txt"},
		Exercises: []result.Exercise{{Name: "primes", Title: "Primes #1", Checks: []result.Check{
			{Exercise: "primes", ID: "01-small", Number: "1.1", Title: "small ranges | edges", Status: result.Failed, MaxScore: 2, Visibility: "visible",
				Reason:   "the primes from 2 to 10 (limit 2 s): *stdout* is not `want.txt` <b>; see [docs] & _more_ &amp;",
				Expected: "2\n3", Got: "```go\n2\n````", Hint: "Both ends count: a_b isn't \\emphasis\\.", HintLevels: 2},
		}}}}
	var b bytes.Buffer
	require.NoError(t, Feedback(&b, r))
	want := "# Feedback for ada_l\n\n" +
		"**Total: 0 / 2 points**\n\n" +
		"- Note: files that are not part of an exercise were ignored: main_test.go, notes.txt\n\n" +
		"## Primes #1 (0/2 points)\n\n" +
		"| # | Check | Result | Points |\n|---|---|---|---|\n" +
		"| 1.1 | small ranges \\| edges | failed | 0/2 |\n\n" +
		"### 1.1 small ranges | edges\n\n" +
		"Failed: the primes from 2 to 10 (limit 2 s): \\*stdout\\* is not \\`want.txt\\` \\<b>; see \\[docs] & \\_more\\_ \\&amp;\n\n" +
		"Expected:\n\n```text\n2\n3\n```\n\n" +
		"Got:\n\n`````text\n```go\n2\n````\n`````\n\n" +
		"Hint: Both ends count: a_b isn't \\emphasis\\\\.\n\n"
	require.Empty(t, cmp.Diff(want, b.String()), "feedback.md (-want +got)")
}

// A submission that could not be read says so once, at the top; its
// checks are listed as not run, with no section each repeating the error.
func TestFeedbackNotGraded(t *testing.T) {
	checks := []result.Check{
		{Exercise: "greet", ID: "01-builds", Number: "1.1", Title: "builds", Status: result.Error, Visibility: "visible", Reason: "not run: the submission could not be graded", Hint: "h"},
		{Exercise: "greet", ID: "02-hello", Number: "1.2", Title: "greets by name", Status: result.Error, MaxScore: 2, Visibility: "visible", Reason: "not run: the submission could not be graded", Hint: "h"},
	}
	r := &result.Report{Student: "bob", Error: "submission refused: bob.zip is not a readable zip archive (zip: not a valid zip file)",
		Exercises: []result.Exercise{{Name: "greet", Title: "Greet", Checks: checks}}}
	var b bytes.Buffer
	require.NoError(t, Feedback(&b, r))
	want := `# Feedback for bob

**Total: 0 / 2 points**

Your submission could not be graded, so none of the checks ran: submission refused: bob.zip is not a readable zip archive (zip: not a valid zip file)

Fix this and submit again.

## Greet (0/2 points)

| # | Check | Result | Points |
|---|---|---|---|
| 1.1 | builds | not run | 0/0 |
| 1.2 | greets by name | not run | 0/2 |

`
	require.Empty(t, cmp.Diff(want, b.String()), "feedback.md (-want +got)")
	var gs bytes.Buffer
	require.NoError(t, WriteGradescope(&gs, r))
	require.Equal(t, 1, strings.Count(gs.String(), "not a readable zip archive"), gs.String())
	var ju bytes.Buffer
	require.NoError(t, JUnit(&ju, "poolschool", []*result.Report{r}, true))
	require.Equal(t, 1, strings.Count(ju.String(), "not a readable zip archive"), "junit.xml says why, once:\n%s", ju.String())
	require.Contains(t, ju.String(), `<property name="not_graded" value="submission refused: bob.zip is not a readable zip archive`)
	require.NoError(t, junitxsd.Validate(bytes.NewReader(ju.Bytes())), "junit.xml with the reason is still valid")
}

func TestMarkdownHeading(t *testing.T) {
	require.Equal(t, `C\#`, mdHeading("C#"))
	require.Equal(t, `a \| b`, mdCell("a | b"))
}

// The progress line fits the terminal: what does not fit is left out from
// the end, the last student first, then what runs is cut with an ellipsis.
func TestProgressLine(t *testing.T) {
	p := ClassProgress{Total: 20, Done: 5, Elapsed: 50 * time.Second,
		Now: []string{"ada: checking finds the primes in small ranges (3s)", "bob: building primes (1s)"}, Last: "carol 4/5 points"}
	for width, want := range map[int]string{
		200: "[#####---------------] 5/20, ETA 2m30s  ada: checking finds the primes in small ranges (3s); bob: building primes (1s)  last: carol 4/5 points",
		80:  "[##-------] 5/20, ETA 2m30s  ada: checking finds the primes in small ranges (3…",
		40:  "[#----] 5/20, ETA 2m30s  ada: checking…",
	} {
		got := ProgressLine(p, width)
		require.Equal(t, want, got, "width %d", width)
		require.LessOrEqual(t, utf8.RuneCountInString(got), width-1)
	}
	require.Equal(t, "preparing the grader's checks and the kit... (2s)", ProgressLine(ClassProgress{Elapsed: 2500 * time.Millisecond}, 80))
	require.Equal(t, "preparing the grader'…", ProgressLine(ClassProgress{Elapsed: time.Second}, 23))
}

// The class table is aligned and no row is wider than the terminal; notes
// that do not fit end in an ellipsis.
func TestClassTable(t *testing.T) {
	reports := []*result.Report{
		{Student: "ada", Exercises: report().Exercises},
		nil,
		{Student: "bomb-with-a-very-long-student-id", Error: "submission refused: exercises/greet/main.go is larger than 16 MiB (limit)"},
		{Student: "tess", Notes: []string{"changes to files you may not edit were ignored: go.mod", "files that are not part of an exercise were ignored: notes.txt"}},
	}
	var b bytes.Buffer
	require.NoError(t, ClassTable(&b, reports, 80))
	want := `student               points    max  notes
ada                        1      4
bomb-with-a-very-lo…       0      0  not graded: submission refused: exercises/…
tess                       0      0  changes to files you may not edit were ign…
`
	require.Empty(t, cmp.Diff(want, b.String()))
	for _, l := range strings.Split(b.String(), "\n") {
		require.LessOrEqual(t, utf8.RuneCountInString(l), 80, l)
	}
}

// The gradebook gives each exercise a subtotal after its checks, so an
// assignment's points can be read without adding columns; a student with
// no record of an exercise has an empty subtotal, not a 0.
func TestGradebookSubtotals(t *testing.T) {
	two := &result.Report{Student: "ann", Exercises: []result.Exercise{
		{Name: "ipc", Checks: []result.Check{
			{Exercise: "ipc", ID: "01-a", Status: result.Passed, Score: 2, MaxScore: 2},
		}},
		{Name: "primes", Checks: []result.Check{
			{Exercise: "primes", ID: "01-a", Status: result.Passed, Score: 1, MaxScore: 1},
			{Exercise: "primes", ID: "02-b", Status: result.Passed, Score: 3, MaxScore: 3},
		}},
	}}
	one := &result.Report{Student: "ben", Exercises: []result.Exercise{
		{Name: "primes", Checks: []result.Check{
			{Exercise: "primes", ID: "01-a", Status: result.Passed, Score: 1, MaxScore: 1},
			{Exercise: "primes", ID: "02-b", Status: result.Failed, MaxScore: 3},
		}},
	}}
	var b bytes.Buffer
	require.NoError(t, Gradebook(&b, []*result.Report{one, two}))
	want := `student,source,ipc/01-a,ipc/total,primes/01-a,primes/02-b,primes/total,total,max,notes
ann,,2,2,1,3,4,6,6,
ben,,,,1,0,1,1,4,
`
	require.Empty(t, cmp.Diff(want, b.String()))
}
