package docsync_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/internal/docsync"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

// The book in the repository is in sync with the lessons and their golden
// files. When this fails, run make docs.
func TestDocsInSync(t *testing.T) {
	docs, err := docsync.Docs(root)
	require.NoError(t, err)
	require.NotEmpty(t, docs, "no Markdown files under docs/")
	ms, err := docsync.Check(root, docs...)
	require.NoError(t, err)
	var report []string
	for _, m := range ms {
		report = append(report, fmt.Sprintf("%s\n%s", m, cmp.Diff(m.Want, m.Got)))
	}
	require.Empty(t, report, "the book is out of step with its sources; run make docs")
}

// Every lesson page shows its lesson's code and its proven output.
func TestEveryLessonPageEmbedsItsLesson(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(root, "docs", "lessons", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	for _, page := range pages {
		slug := strings.TrimSuffix(filepath.Base(page), ".md")
		data, err := os.ReadFile(page)
		require.NoError(t, err)
		require.Contains(t, string(data), "<!-- code: lessons/"+slug+"/main.go -->", page)
		require.Contains(t, string(data), "<!-- output: lessons/testdata/"+slug+".txtar ", page)
	}
}

// fixture writes a small repository: one lesson, its golden file and a
// page that embeds both, in sync.
func fixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	write("lessons/99-demo/main.go", "package main\n\nfunc main() { println(\"hi\") }\n")
	write("lessons/testdata/99-demo.txtar", "exec 99-demo\n\n-- want.txt --\nhi\n")
	write("docs/lessons/99-demo.md", `# Demo

Some prose that docsync never touches.

<!-- code: lessons/99-demo/main.go -->
<!-- end -->

It prints:

<!-- output: lessons/testdata/99-demo.txtar want.txt -->
<!-- end -->
`)
	// The empty blocks are filled by the first Sync.
	ms, err := docsync.Sync(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	return dir
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	require.NoError(t, err)
	return string(b)
}

func TestSyncFillsBlocks(t *testing.T) {
	dir := fixture(t)
	want := "# Demo\n\nSome prose that docsync never touches.\n\n" +
		"<!-- code: lessons/99-demo/main.go -->\n```go\npackage main\n\nfunc main() { println(\"hi\") }\n```\n<!-- end -->\n\n" +
		"It prints:\n\n" +
		"<!-- output: lessons/testdata/99-demo.txtar want.txt -->\n```text\nhi\n```\n<!-- end -->\n"
	require.Empty(t, cmp.Diff(want, read(t, dir, "docs/lessons/99-demo.md")), "page after Sync (-want +got)")
	ms, err := docsync.Check(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Empty(t, ms)
}

// Editing a code block by hand makes Check fail, naming the page and the
// line; Sync puts the source back.
func TestHandEditedCodeBlockFails(t *testing.T) {
	dir := fixture(t)
	page := filepath.Join(dir, "docs", "lessons", "99-demo.md")
	good := read(t, dir, "docs/lessons/99-demo.md")
	edited := strings.Replace(good, `println("hi")`, `println("hello")`, 1)
	require.NotEqual(t, good, edited)
	require.NoError(t, os.WriteFile(page, []byte(edited), 0o644))

	ms, err := docsync.Check(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, "docs/lessons/99-demo.md:5: block from lessons/99-demo/main.go is out of date; run make docs", ms[0].String())
	require.Contains(t, ms[0].Got, `"hello"`)

	_, err = docsync.Sync(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Equal(t, good, read(t, dir, "docs/lessons/99-demo.md"))
}

// Editing a shown output, or changing the golden file, is caught too.
func TestStaleOutputBlockFails(t *testing.T) {
	dir := fixture(t)
	golden := filepath.Join(dir, "lessons", "testdata", "99-demo.txtar")
	require.NoError(t, os.WriteFile(golden, []byte("exec 99-demo\n\n-- want.txt --\nhi there\n"), 0o644))
	ms, err := docsync.Check(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, "lessons/testdata/99-demo.txtar", ms[0].Src)
	require.Equal(t, "```text\nhi there\n```\n", ms[0].Want)
}

// Broken markers are errors, not silent skips.
func TestBadMarkers(t *testing.T) {
	cases := map[string]string{
		"no end":              "<!-- code: lessons/99-demo/main.go -->\n```go\n```\n",
		"output sans section": "<!-- output: lessons/testdata/99-demo.txtar -->\n<!-- end -->\n",
		"quote of nothing":    "took <!-- quote: lessons/testdata/99-demo.txtar `took (\\S+)` -->1s<!-- /quote -->\n",
		"quote sans group":    "said <!-- quote: lessons/testdata/99-demo.txtar `hi` -->hi<!-- /quote -->\n",
		"missing source":      "<!-- code: lessons/nope/main.go -->\n<!-- end -->\n",
		"missing section":     "<!-- output: lessons/testdata/99-demo.txtar nope.txt -->\n<!-- end -->\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			dir := fixture(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "bad.md"), []byte(text), 0o644))
			_, err := docsync.Check(dir, "docs/bad.md")
			require.Error(t, err)
			require.Contains(t, err.Error(), "docs/bad.md:1:")
		})
	}
}

// A page under docs/ at any depth is part of the book: homework pages too.
func TestDocsListsEveryMarkdownFile(t *testing.T) {
	dir := fixture(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs", "homework"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "homework", "hw.md"), []byte("# hw\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "index.md"), []byte("# book\n"), 0o644))
	docs, err := docsync.Docs(dir)
	require.NoError(t, err)
	require.Equal(t, []string{"docs/homework/hw.md", "docs/index.md", "docs/lessons/99-demo.md"}, docs)
}

// A fenced block that no marker generates fails the check, unless the line
// before it marks it illustrative and says why; Sync leaves it alone.
func TestUnprovenFencedBlockFails(t *testing.T) {
	dir := fixture(t)
	page := filepath.Join(dir, "docs", "homework", "hw.md")
	require.NoError(t, os.MkdirAll(filepath.Dir(page), 0o755))
	text := "# hw\n\nRun it:\n\n```sh\ngo run .\n```\n\nIndented, in a list:\n\n- it prints\n\n  ~~~\n  [1/3] a.txt\n  ~~~\n"
	require.NoError(t, os.WriteFile(page, []byte(text), 0o644))
	ms, err := docsync.Check(dir, "docs/homework/hw.md")
	require.NoError(t, err)
	var got []string
	for _, m := range ms {
		got = append(got, m.String())
	}
	require.Equal(t, []string{
		"docs/homework/hw.md:5: fenced block is neither generated (<!-- code: --> or <!-- output: -->) nor marked <!-- illustrative: why -->",
		"docs/homework/hw.md:13: fenced block is neither generated (<!-- code: --> or <!-- output: -->) nor marked <!-- illustrative: why -->",
	}, got)
	ms, err = docsync.Sync(dir, "docs/homework/hw.md")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	require.Equal(t, text, read(t, dir, "docs/homework/hw.md"))

	marked := strings.Replace(text, "```sh", "<!-- illustrative: a command to type -->\n```sh", 1)
	marked = strings.Replace(marked, "  ~~~\n  [1", "  <!-- illustrative: a sample of the student's output -->\n  ~~~\n  [1", 1)
	require.NoError(t, os.WriteFile(page, []byte(marked), 0o644))
	ms, err = docsync.Check(dir, "docs/homework/hw.md")
	require.NoError(t, err)
	require.Empty(t, ms)

	// A marker without a reason does not count.
	bare := strings.Replace(marked, "<!-- illustrative: a command to type -->", "<!-- illustrative: -->", 1)
	require.NoError(t, os.WriteFile(page, []byte(bare), 0o644))
	ms, err = docsync.Check(dir, "docs/homework/hw.md")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, 6, ms[0].Line)
}

// A number quoted in prose comes from a recorded run: editing it by hand,
// or a new run that says something else, fails the check; Sync puts the
// source's value in.
func TestQuotedNumberFails(t *testing.T) {
	dir := fixture(t)
	run := filepath.Join(dir, "lessons", "testdata", "runs", "99-demo.txt")
	require.NoError(t, os.MkdirAll(filepath.Dir(run), 0o755))
	require.NoError(t, os.WriteFile(run, []byte("start\nClose returned after 300ms\nall done after 310ms\n"), 0o644))
	page := filepath.Join(dir, "docs", "lessons", "99-demo.md")
	good := read(t, dir, "docs/lessons/99-demo.md") +
		"\nOne run: Close took <!-- quote: lessons/testdata/runs/99-demo.txt `Close returned after (\\S+)` -->300ms<!-- /quote -->" +
		" and all <!-- quote: lessons/testdata/runs/99-demo.txt `all done after (\\S+)` -->310ms<!-- /quote -->.\n"
	require.NoError(t, os.WriteFile(page, []byte(good), 0o644))
	ms, err := docsync.Check(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Empty(t, ms)

	edited := strings.Replace(good, "-->310ms<", "-->200ms<", 1)
	require.NoError(t, os.WriteFile(page, []byte(edited), 0o644))
	ms, err = docsync.Check(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, `docs/lessons/99-demo.md:21: quote from lessons/testdata/runs/99-demo.txt is out of date ("200ms", the source says "310ms"); run make docs`, ms[0].String())
	_, err = docsync.Sync(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Equal(t, good, read(t, dir, "docs/lessons/99-demo.md"))

	require.NoError(t, os.WriteFile(run, []byte("Close returned after 600ms\nall done after 610ms\n"), 0o644))
	ms, err = docsync.Check(dir, "docs/lessons/99-demo.md")
	require.NoError(t, err)
	require.Len(t, ms, 2)
}

// An output marker without a section shows a whole plain file, and a
// Python program is fenced as python.
func TestPlainFileBlocks(t *testing.T) {
	dir := fixture(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "docs", "errata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "errata", "x.py"), []byte("print(1)\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "errata", "x.out"), []byte("1\n"), 0o644))
	page := filepath.Join(dir, "docs", "errata.md")
	require.NoError(t, os.WriteFile(page, []byte("<!-- code: docs/errata/x.py -->\n<!-- end -->\n<!-- output: docs/errata/x.out -->\n<!-- end -->\n"), 0o644))
	_, err := docsync.Sync(dir, "docs/errata.md")
	require.NoError(t, err)
	require.Equal(t, "<!-- code: docs/errata/x.py -->\n```python\nprint(1)\n```\n<!-- end -->\n<!-- output: docs/errata/x.out -->\n```text\n1\n```\n<!-- end -->\n", read(t, dir, "docs/errata.md"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docs", "errata", "x.out"), []byte("2\n"), 0o644))
	ms, err := docsync.Check(dir, "docs/errata.md")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, "docs/errata/x.out", ms[0].Src)
}

// The API at a glance in docs/reference.md is a whole program: it compiles
// and prints what its comments promise.
func TestReferenceExampleRuns(t *testing.T) {
	cmd := exec.Command("go", "run", "./docs/examples/reference")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "square(7) = 49 <nil>\n1 <nil>\n4 <nil>\n9 <nil>\n16 <nil>\n25 <nil>\n", string(out))
}

// docs/performance.md shows bench/results.txt, which must be the table
// that bench/results.json makes (make docs pastes it with benchtable): a
// table edited by hand, or a new results.json without make docs, fails.
func TestPerformanceTableMatchesResults(t *testing.T) {
	cmd := exec.Command("go", "run", "./bench/cmd/benchtable", "-in", "bench/results.json")
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	want, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	got, err := os.ReadFile(filepath.Join(root, "bench", "results.txt"))
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(string(want), string(got)), "bench/results.txt is not the table of bench/results.json; run make docs (-from JSON +file)")
	page, err := os.ReadFile(filepath.Join(root, "docs", "performance.md"))
	require.NoError(t, err)
	require.Contains(t, string(page), "<!-- output: bench/results.txt -->")
}

// The lessons are numbered alike in the repository: titles, first lines,
// the course map, and every link or hint that names a lesson by number.
func TestLessonNumbers(t *testing.T) {
	files, err := docsync.RefFiles(root)
	require.NoError(t, err)
	problems, err := docsync.LessonRefs(root, files...)
	require.NoError(t, err)
	require.Empty(t, problems, "lessons numbered unalike")
}

// Each kind of numbering mistake is reported, with its file and line.
func TestLessonNumbersReportMistakes(t *testing.T) {
	dir := fixture(t)
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("lessons/99-demo/main.go", "// Lesson 99: demo.\npackage main\n")
	write("lessons/testdata/99-demo.txtar", "# Lesson 99: its output.\nexec 99-demo\n")
	write("docs/README.md", "| # | Lesson |\n|---|---|\n| 1 | [Demo](lessons/99-demo.md) |\n")
	page, err := os.ReadFile(filepath.Join(dir, "docs/lessons/99-demo.md"))
	require.NoError(t, err)
	write("docs/lessons/99-demo.md", strings.Replace(string(page), "# Demo", "# 9. Demo", 1))
	write("docs/hw.md", "Read [99. Demo](lessons/99-demo.md), [lesson 98](lessons/99-demo.md) and lessons/98-gone.\n")
	write("grader/checks/x/01.txtar", "# hint: lesson 99 (docs/lessons/99-demo.md) is right; Lesson 9 (docs/lessons/99-demo.md) is not.\n")
	files, err := docsync.RefFiles(dir)
	require.NoError(t, err)
	problems, err := docsync.LessonRefs(dir, files...)
	require.NoError(t, err)
	require.Equal(t, []string{
		`docs/lessons/99-demo.md:1: should start with "# 99. ", not "# 9. Demo"`,
		"docs/README.md:3: course map row 1 links to lesson 99-demo",
		`docs/hw.md:1: lessons/98-gone is not a lesson`,
		`docs/hw.md:1: "[lesson 98](lessons/99-demo.md)" says lesson 98 of lesson 99`,
		`grader/checks/x/01.txtar:1: "Lesson 9 (docs/lessons/99-demo" says lesson 9 of lesson 99`,
	}, problems)
}
