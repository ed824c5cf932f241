package render

import (
	"fmt"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// gradedFields lists what a record says was graded, label and value: the
// commit, the working copy's changes left out, the files' SHA-256.
func gradedFields(p *result.Provenance) [][2]string {
	var f [][2]string
	if p.Commit != "" {
		f = append(f, [2]string{"commit graded", p.Commit})
	}
	if len(p.Uncommitted) > 0 {
		f = append(f, [2]string{"not committed, not graded", strings.Join(p.Uncommitted, ", ")})
	}
	if p.FilesSHA256 != "" {
		f = append(f, [2]string{"files graded, SHA-256", p.FilesSHA256})
	}
	return f
}

// provenanceFields lists what a record says of its own making, label and
// value, in the order a reader checks them: what was graded, then by what,
// when and where.
func provenanceFields(p *result.Provenance) [][2]string {
	machine := fmt.Sprintf("%s, %s, %d CPUs", p.Host, p.Platform, p.CPUs)
	if p.Load != "" {
		machine += ", load " + p.Load
	}
	return append(gradedFields(p),
		[2]string{"grader", p.Grader + ", " + p.Go},
		[2]string{"graded at", p.Time.UTC().Format("2006-01-02 15:04:05 UTC")},
		[2]string{"machine", machine})
}

// ProvenanceLines is the terminal's account of what was graded, by which
// grader, when and where: one "label: value" line each.
func ProvenanceLines(p *result.Provenance) string {
	var b strings.Builder
	b.WriteString("\nGraded:\n")
	for _, f := range provenanceFields(p) {
		fmt.Fprintf(&b, "  %s: %s\n", f[0], f[1])
	}
	return b.String()
}

// provenanceMarkdown is feedback.md's closing section: what was graded,
// as a list. When and where it was graded is the instructor's to read, in
// the record and with grader report; the student's file says what they
// can check against their own work.
func provenanceMarkdown(p *result.Provenance) string {
	f := gradedFields(p)
	if len(f) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## What was graded\n\n")
	for _, f := range f {
		fmt.Fprintf(&b, "- %s: %s\n", strings.ToUpper(f[0][:1])+f[0][1:], mdText(f[1]))
	}
	return b.String()
}
