package docsync

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A lesson is the folder lessons/NN-slug with a main.go; its number is NN.
// When lessons are split or renumbered, every place that names one must
// follow: its page, its golden file, the course map, and the links and hints
// that name a lesson by number. LessonRefs checks them.

var (
	// lessons/NN-slug anywhere in a file: the slug must be a lesson.
	lessonPathRE = regexp.MustCompile(`lessons/(\d\d-[a-z0-9-]+)`)
	// A number shown next to a link to a lesson page, in three forms:
	// [5. Chunksize](../lessons/05-chunksize.md), [Lesson 12](12-tracing.md)
	// and a grader hint's "lesson 7 (docs/lessons/07-errors.md)".
	numberedLinkREs = []*regexp.Regexp{
		regexp.MustCompile(`\[(\d+)\. [^\]]*\]\([^)]*?(\d\d)-[a-z0-9-]+\.md\)`),
		regexp.MustCompile(`(?i)\[lesson (\d+)\]\([^)]*?(\d\d)-[a-z0-9-]+\.md\)`),
		regexp.MustCompile(`(?i)\blesson (\d+) \((?:docs/)?lessons/(\d\d)-[a-z0-9-]+`),
	}
	// A row of the course map in docs/README.md.
	mapRowRE = regexp.MustCompile(`(?m)^\| (\d+) \| \[[^\]]*\]\(lessons/(\d\d-[a-z0-9-]+)\.md\)`)
)

// Lessons lists the lesson folders under root/lessons, as NN-slug, in order.
func Lessons(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "lessons"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && regexp.MustCompile(`^\d\d-`).MatchString(e.Name()) {
			if _, err := os.Stat(filepath.Join(root, "lessons", e.Name(), "main.go")); err == nil {
				out = append(out, e.Name())
			}
		}
	}
	return out, nil
}

// RefFiles lists the files, relative to root, that may name a lesson: the
// book, the README, the lessons' programs, the make fragment, the
// exercises' programs and the grader's checks and test scripts.
func RefFiles(root string) ([]string, error) {
	files, err := Docs(root)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"README.md", "mk/lessons.mk"} {
		if _, err := os.Stat(filepath.Join(root, f)); err == nil {
			files = append(files, f)
		}
	}
	walk := func(dir, suffix string) error {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, suffix) {
				rel, err := filepath.Rel(root, path)
				if err != nil {
					return err
				}
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		})
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	for _, w := range []struct{ dir, suffix string }{
		{"lessons", "main.go"}, {"exercises", ".go"}, {"grader/checks", ".txtar"}, {"grader/testdata", ".txtar"},
	} {
		if err := walk(w.dir, w.suffix); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// LessonRefs checks that the lessons are numbered alike everywhere. For
// every lesson NN-slug: docs/lessons/NN-slug.md exists and its title starts
// with "# N. ", its main.go starts with "// Lesson N:", its golden file
// lessons/testdata/NN-slug.txtar starts with "# Lesson N", and the course
// map in docs/README.md lists the lessons in order, numbered 1, 2, ....
// In the files given (relative to root), every lessons/NN-slug must name a
// lesson, and a number shown with a link to a lesson page must be that
// page's number. It returns one line per problem, "file:line: what".
func LessonRefs(root string, files ...string) ([]string, error) {
	lessons, err := Lessons(root)
	if err != nil {
		return nil, err
	}
	var problems []string
	report := func(file string, line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	firstLine := func(path string) (string, error) {
		data, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			return "", err
		}
		line, _, _ := strings.Cut(string(data), "\n")
		return line, nil
	}
	for _, l := range lessons {
		n, _ := strconv.Atoi(l[:2])
		for _, f := range []struct{ path, prefix string }{
			{"docs/lessons/" + l + ".md", fmt.Sprintf("# %d. ", n)},
			{"lessons/" + l + "/main.go", fmt.Sprintf("// Lesson %d:", n)},
			{"lessons/testdata/" + l + ".txtar", fmt.Sprintf("# Lesson %d", n)},
		} {
			line, err := firstLine(f.path)
			if err != nil {
				report(f.path, 0, "lesson %s has no such file", l)
				continue
			}
			// "# Lesson 1" must not pass for "# Lesson 12".
			rest, ok := strings.CutPrefix(line, f.prefix)
			if !ok || (rest != "" && rest[0] >= '0' && rest[0] <= '9') {
				report(f.path, 1, "should start with %q, not %q", f.prefix, line)
			}
		}
	}

	if data, err := os.ReadFile(filepath.Join(root, "docs", "README.md")); err == nil {
		var listed []string
		for i, m := range mapRowRE.FindAllStringSubmatchIndex(string(data), -1) {
			text := string(data)
			num, slug := text[m[2]:m[3]], text[m[4]:m[5]]
			listed = append(listed, slug)
			if want := strconv.Itoa(i + 1); num != want {
				report("docs/README.md", lineOf(text, m[0]), "course map row %s should be numbered %s", num, want)
			}
			if n, _ := strconv.Atoi(slug[:2]); strconv.Itoa(n) != num {
				report("docs/README.md", lineOf(text, m[0]), "course map row %s links to lesson %s", num, slug)
			}
		}
		if !slices.Equal(listed, lessons) {
			report("docs/README.md", 0, "the course map lists %v; the lessons are %v", listed, lessons)
		}
	}

	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return nil, err
		}
		text := string(data)
		for _, m := range lessonPathRE.FindAllStringSubmatchIndex(text, -1) {
			if slug := text[m[2]:m[3]]; !slices.Contains(lessons, slug) {
				report(f, lineOf(text, m[0]), "lessons/%s is not a lesson", slug)
			}
		}
		for _, re := range numberedLinkREs {
			for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
				said, _ := strconv.Atoi(text[m[2]:m[3]])
				is, _ := strconv.Atoi(text[m[4]:m[5]])
				if said != is {
					report(f, lineOf(text, m[0]), "%q says lesson %d of lesson %d", text[m[0]:m[1]], said, is)
				}
			}
		}
	}
	return problems, nil
}

// lineOf is the line, from 1, of byte offset off in text.
func lineOf(text string, off int) int { return strings.Count(text[:off], "\n") + 1 }
