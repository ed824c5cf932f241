package kit

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Markers of the Markdown blocks that differ between the instructor's kit
// and the student kit. Each marker stands alone on its line.
//
//	<!-- instructor-only -->
//	text that release leaves out of the student kit
//	<!-- end instructor-only -->
//
//	<!-- student-only
//	text that only the student kit shows (an HTML comment elsewhere)
//	-->
const (
	instructorBegin = "<!-- instructor-only -->"
	instructorEnd   = "<!-- end instructor-only -->"
	studentBegin    = "<!-- student-only"
	studentEnd      = "-->"
)

// StudentMarkdown returns the student kit's version of a Markdown file:
// without its instructor-only blocks, with its student-only blocks
// uncommented. An unclosed block is an error that names its line.
func StudentMarkdown(data []byte) ([]byte, error) {
	var out bytes.Buffer
	state, opened := "", 0
	for i, line := range strings.SplitAfter(string(data), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case state == "" && t == instructorBegin:
			state, opened = "instructor", i+1
		case state == "" && t == studentBegin:
			state, opened = "student", i+1
		case state == "instructor" && t == instructorEnd:
			state = ""
		case state == "student" && t == studentEnd:
			state = ""
		case state == "instructor":
		default:
			out.WriteString(line)
		}
	}
	if state != "" {
		block, end := "an instructor-only", instructorEnd
		if state == "student" {
			block, end = "a student-only", studentEnd
		}
		return nil, fmt.Errorf("line %d opens %s block that is never closed; end it with a line %q", opened, block, end)
	}
	return out.Bytes(), nil
}

var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// studentDocs rewrites every Markdown file under dst with StudentMarkdown
// and returns the relative links that point to files dst does not hold.
func studentDocs(dst string) ([]string, error) {
	var dangling []string
	err := filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		rel, _ := filepath.Rel(dst, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out, err := StudentMarkdown(data)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		if !bytes.Equal(out, data) {
			if err := os.WriteFile(p, out, 0o644); err != nil {
				return err
			}
		}
		for _, m := range linkRE.FindAllStringSubmatch(prose(out), -1) {
			target := m[1]
			if i := strings.IndexByte(target, '#'); i >= 0 {
				target = target[:i]
			}
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "/") {
				continue
			}
			full := path.Join(path.Dir(rel), target)
			if _, err := os.Stat(filepath.Join(dst, filepath.FromSlash(full))); err != nil && !slices.Contains(dangling, rel+": "+full) {
				dangling = append(dangling, rel+": "+full)
			}
		}
		return nil
	})
	sort.Strings(dangling)
	return dangling, err
}

// prose returns the Markdown text outside fenced code blocks, where a
// "](x)" is code and not a link.
func prose(md []byte) string {
	var b strings.Builder
	fenced := false
	for _, line := range strings.SplitAfter(string(md), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			b.WriteString(line)
		}
	}
	return b.String()
}
