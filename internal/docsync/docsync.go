// Package docsync keeps the code, the output and the numbers shown in the
// book (docs/) identical to the files they come from.
//
// A Markdown file marks each generated block with a comment line before it
// and an end line after it:
//
//	<!-- code: lessons/03-submit-futures/main.go -->
//	```go
//	...the whole file...
//	```
//	<!-- end -->
//
//	<!-- output: lessons/testdata/03-submit-futures.txtar want.txt -->
//	```text
//	...the section want.txt of that txtar archive...
//	```
//	<!-- end -->
//
// An output marker without a section name shows a whole file that is not a
// txtar archive (the recorded output of an erratum's Python program, say).
//
// A number that prose quotes from a run sits between an inline quote marker
// and its end, on one line:
//
//	Close took <!-- quote: lessons/testdata/runs/08-shutdown.txt `Close returned after (\S+)` -->300ms<!-- /quote -->.
//
// The pattern between backquotes is a Go regular expression in multi-line
// mode (^ and $ match at line ends; \n spans lines), matched against the
// whole source; the first group of its first match is the text the quote
// must hold.
//
// Every other fenced block must be marked as illustrative, with the reason,
// on the line before its opening fence:
//
//	<!-- illustrative: a usage line the student's program must print -->
//
// Paths are relative to the repository root. Everything between a marker
// and its end belongs to docsync: Check reports a block or quote that
// differs from its source, and a fenced block that is neither generated nor
// marked illustrative; Sync rewrites the blocks and quotes. Text outside
// them is never touched.
package docsync

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"
)

// Mismatch is a block or a quote whose text differs from what its source
// gives, or (when Problem is set) a fenced block that nothing proves.
type Mismatch struct {
	Doc  string // the Markdown file, as given
	Line int    // the line of the block's marker, from 1
	Src  string // the source named by the marker
	Got  string // the block as it is in the file
	Want string // the block as the source makes it
	// Quote is set for a number quoted in prose: Got and Want are the
	// quoted text, not a block.
	Quote bool
	// Problem, when set, says what is wrong with a fenced block that Sync
	// cannot fix: it is not generated and not marked illustrative.
	Problem string
}

func (m Mismatch) String() string {
	if m.Problem != "" {
		return fmt.Sprintf("%s:%d: %s", m.Doc, m.Line, m.Problem)
	}
	if m.Quote {
		return fmt.Sprintf("%s:%d: quote from %s is out of date (%q, the source says %q); run make docs", m.Doc, m.Line, m.Src, m.Got, m.Want)
	}
	return fmt.Sprintf("%s:%d: block from %s is out of date; run make docs", m.Doc, m.Line, m.Src)
}

var (
	markerRE       = regexp.MustCompile(`^<!-- (code|output): (\S+)(?: (\S+))? -->$`)
	endLine        = "<!-- end -->"
	illustrativeRE = regexp.MustCompile(`^\s*<!-- illustrative: \S.* -->$`)
	fenceRE        = regexp.MustCompile("^(\\s{0,3}|\\s+[-*]?\\s*)(```+|~~~+)")
	quoteRE        = regexp.MustCompile("<!-- quote: (\\S+) `([^`]+)` -->(.*?)<!-- /quote -->")
)

// block is one generated region of a document: lines [start, end) hold
// the fenced text between the marker line and the end line.
type block struct {
	line       int // marker line, from 1
	start, end int // line indexes of the body
	kind, src  string
	section    string
}

// parse finds the blocks of a document split into lines.
func parse(doc string, lines []string) ([]block, error) {
	var blocks []block
	for i := 0; i < len(lines); i++ {
		m := markerRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		b := block{line: i + 1, start: i + 1, kind: m[1], src: m[2], section: m[3]}
		if b.kind == "output" && b.section == "" && strings.HasSuffix(b.src, ".txtar") {
			return nil, fmt.Errorf("%s:%d: an output marker on a txtar file needs a section name", doc, b.line)
		}
		if b.kind == "code" && b.section != "" {
			return nil, fmt.Errorf("%s:%d: a code marker takes one file, got %q", doc, b.line, b.section)
		}
		j := i + 1
		for j < len(lines) && lines[j] != endLine {
			if markerRE.MatchString(lines[j]) {
				return nil, fmt.Errorf("%s:%d: block has no %s line before the next marker", doc, b.line, endLine)
			}
			j++
		}
		if j == len(lines) {
			return nil, fmt.Errorf("%s:%d: block has no %s line", doc, b.line, endLine)
		}
		b.end = j
		blocks = append(blocks, b)
		i = j
	}
	return blocks, nil
}

// unproven returns a Problem for every fenced block of lines outside the
// generated blocks that is not marked illustrative on the line before.
func unproven(doc string, lines []string, blocks []block) []Mismatch {
	inBlock := make([]bool, len(lines))
	for _, b := range blocks {
		for i := b.start; i < b.end; i++ {
			inBlock[i] = true
		}
	}
	var problems []Mismatch
	for i := 0; i < len(lines); i++ {
		if inBlock[i] {
			continue
		}
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if i == 0 || !illustrativeRE.MatchString(lines[i-1]) {
			problems = append(problems, Mismatch{Doc: doc, Line: i + 1,
				Problem: "fenced block is neither generated (<!-- code: --> or <!-- output: -->) nor marked <!-- illustrative: why -->"})
		}
		// Skip to the closing fence: the same characters, at least as many.
		fence := m[2]
		for i++; i < len(lines); i++ {
			if t := strings.TrimSpace(lines[i]); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				break
			}
		}
	}
	return problems
}

// render returns the fenced text a block must hold, read from under root.
func render(root string, b block) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.src)))
	if err != nil {
		return "", err
	}
	lang := "text"
	body := string(data)
	switch b.kind {
	case "code":
		switch filepath.Ext(b.src) {
		case ".go":
			lang = "go"
		case ".py":
			lang = "python"
		}
	case "output":
		if b.section == "" {
			break
		}
		body = ""
		found := false
		for _, f := range txtar.Parse(data).Files {
			if f.Name == b.section {
				body, found = string(f.Data), true
			}
		}
		if !found {
			return "", fmt.Errorf("%s has no section %q", b.src, b.section)
		}
	}
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	return fence + lang + "\n" + body + fence + "\n", nil
}

// quoted returns the first group of the first match of pattern (in
// multi-line mode) in the file src under root.
func quoted(root, src, pattern string) (string, error) {
	re, err := regexp.Compile("(?m)" + pattern)
	if err != nil {
		return "", err
	}
	if re.NumSubexp() < 1 {
		return "", fmt.Errorf("quote pattern %q has no group", pattern)
	}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(src)))
	if err != nil {
		return "", err
	}
	if m := re.FindStringSubmatch(string(data)); m != nil {
		return m[1], nil
	}
	return "", fmt.Errorf("nothing in %s matches %q", src, pattern)
}

// quotes checks or rewrites the quote markers of one line (outside blocks).
func quotes(root, doc string, n int, line string) (string, []Mismatch, error) {
	var mismatches []Mismatch
	var firstErr error
	out := quoteRE.ReplaceAllStringFunc(line, func(q string) string {
		m := quoteRE.FindStringSubmatch(q)
		want, err := quoted(root, m[1], m[2])
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s:%d: %w", doc, n, err)
			}
			return q
		}
		if m[3] != want {
			mismatches = append(mismatches, Mismatch{Doc: doc, Line: n, Src: m[1], Got: m[3], Want: want, Quote: true})
		}
		return strings.Replace(q, "-->"+m[3]+"<!-- /quote -->", "-->"+want+"<!-- /quote -->", 1)
	})
	return out, mismatches, firstErr
}

// process checks or rewrites one document and returns its mismatches
// (before any rewrite).
func process(root, doc string, write bool) ([]Mismatch, error) {
	path := doc
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, doc)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(data), "\n")
	blocks, err := parse(doc, lines)
	if err != nil {
		return nil, err
	}
	mismatches := unproven(doc, lines, blocks)
	var out []string
	last := 0
	prose := func(upto int) error {
		for i := last; i < upto; i++ {
			line, ms, err := quotes(root, doc, i+1, lines[i])
			if err != nil {
				return err
			}
			mismatches = append(mismatches, ms...)
			out = append(out, line)
		}
		return nil
	}
	for _, b := range blocks {
		want, err := render(root, b)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", doc, b.line, err)
		}
		got := ""
		if b.end > b.start {
			got = strings.Join(lines[b.start:b.end], "\n") + "\n"
		}
		if got != want {
			mismatches = append(mismatches, Mismatch{Doc: doc, Line: b.line, Src: b.src, Got: got, Want: want})
		}
		if err := prose(b.start); err != nil {
			return nil, err
		}
		out = append(out, strings.Split(strings.TrimSuffix(want, "\n"), "\n")...)
		last = b.end
	}
	if err := prose(len(lines)); err != nil {
		return nil, err
	}
	if write {
		newData := []byte(strings.Join(out, "\n"))
		if !bytes.Equal(newData, data) {
			if err := os.WriteFile(path, newData, 0o644); err != nil {
				return nil, err
			}
		}
	}
	return mismatches, nil
}

// Check reports every block and quote of the docs that differs from its
// source, and every fenced block that is neither generated nor marked
// illustrative. Paths of docs are relative to root (or absolute).
func Check(root string, docs ...string) ([]Mismatch, error) {
	var all []Mismatch
	for _, d := range docs {
		ms, err := process(root, d, false)
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	return all, nil
}

// Sync rewrites every out-of-date block and quote of the docs from its
// source and returns what it found, as Check does: the unproven fenced
// blocks among them stay as they are, for a person to fix.
func Sync(root string, docs ...string) ([]Mismatch, error) {
	var all []Mismatch
	for _, d := range docs {
		ms, err := process(root, d, true)
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	return all, nil
}

// Docs lists every Markdown file under root's docs/ folder, at any depth,
// relative to root and in lexical order.
func Docs(root string) ([]string, error) {
	var docs []string
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			docs = append(docs, filepath.ToSlash(rel))
		}
		return nil
	})
	return docs, err
}
