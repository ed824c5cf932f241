// Package docsync keeps the code and the output shown in the book (docs/)
// identical to the files they come from.
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
// Paths are relative to the repository root. Everything between the marker
// and the end line belongs to docsync: Check reports a block that differs
// from its source, and Sync rewrites it. Text outside the blocks is never
// touched.
package docsync

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"
)

// Mismatch is a block whose text differs from what its source gives.
type Mismatch struct {
	Doc  string // the Markdown file, as given
	Line int    // the line of the block's marker, from 1
	Src  string // the source named by the marker
	Got  string // the block as it is in the file
	Want string // the block as the source makes it
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s:%d: block from %s is out of date; run make docs", m.Doc, m.Line, m.Src)
}

var (
	markerRE = regexp.MustCompile(`^<!-- (code|output): (\S+)(?: (\S+))? -->$`)
	endLine  = "<!-- end -->"
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
		if b.kind == "output" && b.section == "" {
			return nil, fmt.Errorf("%s:%d: an output marker needs a txtar file and a section name", doc, b.line)
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
		if strings.HasSuffix(b.src, ".go") {
			lang = "go"
		}
	case "output":
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
	var mismatches []Mismatch
	var out []string
	last := 0
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
		out = append(out, lines[last:b.start]...)
		out = append(out, strings.Split(strings.TrimSuffix(want, "\n"), "\n")...)
		last = b.end
	}
	out = append(out, lines[last:]...)
	if write && len(mismatches) > 0 {
		newData := []byte(strings.Join(out, "\n"))
		if !bytes.Equal(newData, data) {
			if err := os.WriteFile(path, newData, 0o644); err != nil {
				return nil, err
			}
		}
	}
	return mismatches, nil
}

// Check reports every block of the docs that differs from its source.
// Paths of docs are relative to root (or absolute).
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

// Sync rewrites every out-of-date block of the docs from its source and
// returns the blocks it rewrote.
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

// Docs lists the Markdown files of the book under root: docs/*.md and
// docs/lessons/*.md, relative to root.
func Docs(root string) ([]string, error) {
	var docs []string
	for _, pattern := range []string{"docs/*.md", "docs/lessons/*.md"} {
		matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return nil, err
			}
			docs = append(docs, filepath.ToSlash(rel))
		}
	}
	return docs, nil
}
