package runner

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"
)

// script is a check file read for the student's report: which part of it
// a line belongs to, the command that ran the program, the files it
// carries. The verdict never comes from here.
type script struct {
	lines []string          // the script part, 1-based through line()
	files map[string]string // the archive's files by name
}

func readScript(data []byte) *script {
	a := txtar.Parse(data)
	s := &script{lines: strings.Split(string(a.Comment), "\n"), files: map[string]string{}}
	for _, f := range a.Files {
		s.files[f.Name] = string(f.Data)
	}
	return s
}

func (s *script) line(n int) string {
	if n < 1 || n > len(s.lines) {
		return ""
	}
	return strings.TrimSpace(s.lines[n-1])
}

// section returns the comment above line n (the phase it belongs to), its
// "# hint: ..." lines apart, and the first line of the section. The
// header (the comment block that opens the file) is no section.
func (s *script) section(n int) (comment string, hints []string, start int) {
	if n > len(s.lines) {
		n = len(s.lines)
	}
	i := n
	for i >= 1 && !strings.HasPrefix(s.line(i), "#") {
		i--
	}
	if i < 1 {
		return "", nil, 1
	}
	end := i
	for i >= 1 && strings.HasPrefix(s.line(i), "#") {
		i--
	}
	if i < 1 {
		return "", nil, end + 1 // the header
	}
	var text []string
	for j := i + 1; j <= end; j++ {
		l := strings.TrimSpace(strings.TrimPrefix(s.line(j), "#"))
		if h, ok := strings.CutPrefix(l, "hint:"); ok {
			hints = append(hints, strings.TrimSpace(h))
			continue
		}
		text = append(text, l)
	}
	return strings.Join(text, " "), hints, i + 1
}

// programCommand finds the last command up to line n that runs the
// student's program ($PROG), in the section of line n or an earlier one
// (whose output a later section reads), and returns it as the
// student would type it, "primes -count 0 100", with the file it read on
// its standard input ("" when none).
func (s *script) programCommand(n int, binary string) (cmd, stdin string, inputs []string) {
	for i := n; i >= 1; i-- {
		words := fields(s.line(i))
		at := -1
		for k, w := range words {
			if w == "$PROG" || w == "${PROG}" {
				at = k
				break
			}
		}
		if at < 0 {
			continue
		}
		shown := append([]string{binary}, words[at+1:]...)
		for k := range shown {
			shown[k] = quoteWord(strings.ReplaceAll(strings.ReplaceAll(shown[k], "$WORK/", ""), "$PROG", binary))
		}
		if prev := s.line(i - 1); strings.HasPrefix(prev, "stdin ") {
			stdin = strings.TrimSpace(strings.TrimPrefix(prev, "stdin "))
		}
		for _, w := range words[at+1:] {
			inputs = append(inputs, s.under(w)...)
		}
		return strings.Join(shown, " "), stdin, inputs
	}
	return "", "", nil
}

// under returns the archive's files that name is, or that are inside the
// folder name, sorted.
func (s *script) under(name string) []string {
	name = path.Clean(strings.TrimPrefix(name, "$WORK/"))
	if _, ok := s.files[name]; ok {
		return []string{name}
	}
	var out []string
	for f := range s.files {
		if strings.HasPrefix(f, name+"/") {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// describeInputs shows the files a program was given: each one's name and
// first line, for at most max files.
func (s *script) describeInputs(files []string, max int) string {
	var b strings.Builder
	for i, f := range files {
		if i == max {
			fmt.Fprintf(&b, "... and %d more file(s)\n", len(files)-max)
			break
		}
		data := s.files[f]
		lines := strings.Split(strings.TrimRight(data, "\n"), "\n")
		switch {
		case data == "":
			fmt.Fprintf(&b, "%s: (empty)\n", f)
		case len(lines) == 1:
			fmt.Fprintf(&b, "%s: %s\n", f, lines[0])
		default:
			fmt.Fprintf(&b, "%s: %s ... (%d lines)\n", f, lines[0], len(lines))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// fields splits a script line into words the way testscript does for
// single quotes, which is all the checks use.
func fields(line string) []string {
	var out []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quoted && ch == '\'':
			if i+1 < len(line) && line[i+1] == '\'' {
				cur.WriteByte('\'')
				i++
			} else {
				quoted = false
			}
		case quoted:
			cur.WriteByte(ch)
		case ch == '\'':
			quoted, in = true, true
		case ch == ' ' || ch == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		case ch == '#' && !in:
			return out
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// quoteWord quotes a word for a shell when it needs it.
func quoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t'\"$*?[]{}()<>|&;\\`") {
		return w
	}
	return shellQuote(w)
}

// file returns the archive's file called name (relative to $WORK).
func (s *script) file(name string) (string, bool) {
	name = strings.TrimPrefix(name, "$WORK/")
	data, ok := s.files[path.Clean(name)]
	return data, ok
}
