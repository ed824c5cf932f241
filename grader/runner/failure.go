package runner

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// failure is what a student needs from a failing script: what ran, what it
// was given, what was expected and what came out. The verdict never comes
// from here, only the explanation.
type failure struct {
	Reason        string // "phase: what went wrong", one line
	Phase         string // the comment of the failing part of the check
	Hints         []string
	Command       string // "primes 2 10"
	Input         string // what the program got on stdin
	Expected      string
	ExpectedLabel string
	Got           string
	GotLabel      string
	Diff          string // "-" expected, "+" got, " " both
	Stderr        string // the program's stderr, when Got is not it
	Detail        string // what the check's own commands said
	Output        string // the program's stdout and stderr, for timeouts
}

// step is one command of the failing section as testscript logged it.
type step struct {
	line           string // the command, variables unexpanded
	stdout, stderr string
	exit           string // "exit status 1", "signal: killed"; "" for success
	said           []string
}

var (
	failRE      = regexp.MustCompile(`(?m)^FAIL: (?:.*?\.txtar):(\d+): (.*)$`)
	noMatchRE   = regexp.MustCompile("^no match for `(.*)` found in (stdout|stderr|.+)$")
	unexpMatch  = regexp.MustCompile("^unexpected match for `(.*)` found in (stdout|stderr|[^:]+): (.*)$")
	countRE     = regexp.MustCompile("^have (\\d+) matches for `(.*)`, want (\\d+)$")
	runStatusRE = regexp.MustCompile(`^exit status (\d+), want (\d+|a failure)$`)
	exitRE      = regexp.MustCompile(`^\[(exit status \d+|signal: .*|.*deadline exceeded.*)\]$`)
	quitRE      = regexp.MustCompile(`(?ms)^SIGQUIT: quit\n.*?(\n\n|\z)`)
)

// parseSteps splits the log of a failed script into the commands of its
// failing section.
func parseSteps(log string) []*step {
	var steps []*step
	var cur *step
	// Each step's output is gathered in a builder, not by adding every
	// line to a string: a program's output may be a megabyte of short
	// lines, and copying it again for each line took half a minute.
	var out, errs strings.Builder
	var block *strings.Builder
	done := func() {
		if cur != nil {
			cur.stdout, cur.stderr = out.String(), errs.String()
		}
		out, errs = strings.Builder{}, strings.Builder{}
	}
	for _, l := range strings.Split(log, "\n") {
		switch {
		case strings.HasPrefix(l, "> "):
			done()
			cur = &step{line: strings.TrimSpace(l[2:])}
			steps = append(steps, cur)
			block = nil
		case cur == nil:
		case l == "[stdout]":
			block = &out
		case l == "[stderr]":
			block = &errs
		case exitRE.MatchString(l):
			cur.exit = strings.Trim(l, "[]")
			block = nil
		case strings.HasPrefix(l, "FAIL: "):
			block = nil
		case block != nil:
			block.WriteString(l)
			block.WriteByte('\n')
		case l != "":
			cur.said = append(cur.said, l)
		}
	}
	done()
	return steps
}

// explain reads the log of a failed check. s is the check's script (for
// the failing line's phase, the program's command line and the files the
// check compares with); binary is the program's name, which $PROG stands for.
func explain(log string, s *script, binary string) failure {
	log = cleanLog(log)
	var f failure
	msg, line := "the check failed", 0
	if m := failRE.FindAllStringSubmatch(log, -1); len(m) > 0 {
		line, _ = strconv.Atoi(m[len(m)-1][1])
		msg = m[len(m)-1][2]
	}
	steps := parseSteps(log)
	var last, prog *step
	if len(steps) > 0 {
		last = steps[len(steps)-1]
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if strings.Contains(steps[i].line, "$PROG") {
			prog = steps[i]
			break
		}
	}
	if s != nil && line > 0 {
		f.Phase, f.Hints, _ = s.section(line)
		var stdin string
		var inputs []string
		f.Command, stdin, inputs = s.programCommand(line, binary)
		switch data, ok := s.file(stdin); {
		case stdin != "" && ok:
			f.Input = data
		case stdin != "":
			f.Input = "the file " + stdin
		case len(inputs) > 0:
			f.Input = s.describeInputs(inputs, 5)
		}
	}
	if prog != nil {
		f.Output = strings.TrimSpace(prog.stdout + prog.stderr)
		if prog.exit != "" {
			f.Output = strings.TrimSpace(f.Output + "\n[" + prog.exit + "]")
		}
	}
	isProg := last != nil && last == prog
	got := func(stream string) {
		if prog == nil {
			return
		}
		switch stream {
		case "stdout":
			f.Got, f.GotLabel = prog.stdout, "got on stdout"
			f.Stderr = prog.stderr
		case "stderr":
			f.Got, f.GotLabel = prog.stderr, "got on stderr"
		}
		if f.Got == "" {
			f.Got = "nothing"
		}
	}
	switch m := match(msg); {
	case msg == "unexpected command failure" && isProg:
		msg = "your program " + exitWords(prog.exit) + ", want status 0 (success)"
		f.Got, f.GotLabel, f.Stderr = prog.stdout, "its stdout", prog.stderr
	case msg == "unexpected command success" && isProg:
		msg = "your program exited with status 0 (success), want a failure"
		f.Got, f.GotLabel, f.Stderr = prog.stdout, "its stdout", prog.stderr
	case m.runStatus != nil && isProg:
		want := m.runStatus[2]
		if want != "a failure" {
			want = "status " + want
		}
		msg = "your program exited with status " + m.runStatus[1] + ", want " + want
		f.Got, f.GotLabel, f.Stderr = prog.stdout, "its stdout", prog.stderr
	case m.noMatch != nil:
		stream := m.noMatch[2]
		f.Expected, f.ExpectedLabel = m.noMatch[1], "expected on "+stream+" a line matching"
		msg = "no line on " + stream + " matches what the check expects"
		if stream == "stdout" || stream == "stderr" {
			got(stream)
		}
	case m.unexpected != nil:
		stream := m.unexpected[2]
		f.Expected, f.ExpectedLabel = m.unexpected[1], "expected on "+stream+" no line matching"
		msg = "a line on " + stream + " should not be there: " + unexpectedLine(prog, stream, m.unexpected[1], m.unexpected[3])
		got(stream)
	case m.count != nil:
		stream := "stdout"
		if last != nil && strings.HasPrefix(last.line, "stderr") {
			stream = "stderr"
		}
		f.Expected = m.count[2]
		f.ExpectedLabel = fmt.Sprintf("expected on %s %s line(s) matching", stream, m.count[3])
		msg = fmt.Sprintf("%s has %s line(s) matching, want %s", stream, m.count[1], m.count[3])
		got(stream)
	case strings.HasSuffix(msg, " differ") && last != nil:
		f.compared(last, prog, s)
		msg = strings.TrimPrefix(strings.TrimPrefix(f.GotLabel, "got on "), "got in ") + " is not what the check expects"
		if f.GotLabel == "" {
			msg = strings.TrimSuffix(msg, " differ") + " differ"
		}
	case last != nil && !isProg:
		// A command of the check's own (awk, trace, workers, a helper)
		// said what is wrong: its words are the explanation.
		said := strings.TrimSpace(strings.Join(last.said, "\n") + "\n" + last.stdout + last.stderr)
		if said != "" && (msg == "unexpected command failure" || msg == "unexpected command success") {
			msg = firstLines(said, 1)
		}
		f.Detail = said
		if prog != nil {
			got("stdout")
		}
	default:
		if prog != nil {
			f.Detail = strings.TrimSpace(strings.Join(prog.said, "\n"))
			got("stdout")
		}
	}
	if f.Phase != "" {
		f.Reason = f.Phase + ": " + msg
	} else {
		f.Reason = msg
	}
	f.Got = cutLines(strings.TrimRight(f.Got, "\n"))
	f.Stderr = cutLines(strings.TrimRight(f.Stderr, "\n"))
	f.Detail = cutLines(f.Detail)
	f.Input = cutLines(strings.TrimRight(f.Input, "\n"))
	f.Expected = cutLines(strings.TrimRight(f.Expected, "\n"))
	if f.Detail == f.Got || f.Detail == f.Stderr {
		f.Detail = ""
	}
	return f
}

type matched struct{ noMatch, unexpected, count, runStatus []string }

func match(msg string) matched {
	return matched{
		noMatch:    noMatchRE.FindStringSubmatch(msg),
		unexpected: unexpMatch.FindStringSubmatch(msg),
		count:      countRE.FindStringSubmatch(msg),
		runStatus:  runStatusRE.FindStringSubmatch(msg),
	}
}

// compared fills Expected, Got and Diff for a failed cmp (or cmpmask) of
// the program's output, or of a file, with a file of the check.
func (f *failure) compared(last, prog *step, s *script) {
	words := fields(last.line)
	if len(words) > 0 && words[0] == "!" {
		words = words[1:]
	}
	if len(words) < 3 {
		return
	}
	a, b := words[1], words[2]
	// Which side is the check's own file: the expected one.
	want, have := b, a
	if s != nil {
		if _, ok := s.file(a); ok {
			if _, ok := s.file(b); !ok {
				want, have = a, b
			}
		}
	}
	if s != nil {
		if data, ok := s.file(want); ok {
			f.Expected = data
		}
	}
	f.ExpectedLabel = "expected"
	switch {
	case prog != nil && (have == "stdout" || have == "stderr"):
		f.ExpectedLabel = "expected on " + have
		if have == "stdout" {
			f.Got, f.Stderr = prog.stdout, prog.stderr
		} else {
			f.Got = prog.stderr
		}
		f.GotLabel = "got on " + have
		if f.Got == "" {
			f.Got = "nothing"
		}
	default:
		f.ExpectedLabel = "expected in " + strings.TrimPrefix(have, "$WORK/")
		f.GotLabel = "got in " + strings.TrimPrefix(have, "$WORK/")
	}
	f.Diff = diffOf(last.said, want == a)
}

// diffOf turns testscript's unified diff ("-" first file, "+" second) into
// one with "-" for the expected side and "+" for what the program did.
func diffOf(said []string, firstIsExpected bool) string {
	var out, minus, plus []string
	flush := func() {
		out = append(append(out, minus...), plus...)
		minus, plus = nil, nil
	}
	in := false
	for _, l := range said {
		switch {
		case strings.HasPrefix(l, "diff ") || strings.HasPrefix(l, "[diff "):
			in = true
		case !in, strings.HasPrefix(l, "--- "), strings.HasPrefix(l, "+++ "):
		case strings.HasPrefix(l, "@@"):
			flush()
			if len(out) > 0 {
				out = append(out, "  ...")
			}
		case strings.HasPrefix(l, "-"), strings.HasPrefix(l, "+"):
			if (l[0] == '-') == firstIsExpected {
				minus = append(minus, "-"+l[1:])
			} else {
				plus = append(plus, "+"+l[1:])
			}
		default:
			flush()
			out = append(out, l)
		}
	}
	flush()
	return cutLines(strings.Join(out, "\n"))
}

// exitWords says how a program ended, for a student.
func exitWords(exit string) string {
	switch {
	case strings.HasPrefix(exit, "exit status "):
		return "exited with status " + strings.TrimPrefix(exit, "exit status ")
	case strings.HasPrefix(exit, "signal: "):
		return "was killed by a signal (" + strings.TrimPrefix(exit, "signal: ") + ")"
	case exit == "":
		return "exited with status 0"
	}
	return "stopped: " + exit
}

// cleanLog removes goroutine dumps that testscript's SIGQUIT provokes and
// the absolute path of the check file.
func cleanLog(log string) string {
	log = quitRE.ReplaceAllString(log, "[goroutine dump removed]\n")
	return failRE.ReplaceAllStringFunc(log, func(s string) string {
		if i := strings.Index(s, ".txtar:"); i >= 0 {
			start := strings.LastIndex(s[:i], "/")
			return "FAIL: " + s[start+1:]
		}
		return s
	})
}

// Long output keeps its first and last lines, the most telling ones (a
// usage error comes first, a summary last).
const (
	headLines = 8
	tailLines = 4
	lineWidth = 200
)

// cutLines keeps the first headLines and the last tailLines lines of s,
// with "... N lines ..." between, and cuts overlong lines.
func cutLines(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if r := []rune(l); len(r) > lineWidth {
			lines[i] = string(r[:lineWidth-1]) + "…"
		}
	}
	if len(lines) > headLines+tailLines+1 {
		cut := len(lines) - headLines - tailLines
		lines = append(append(lines[:headLines:headLines], fmt.Sprintf("... %d lines ...", cut)), lines[len(lines)-tailLines:]...)
	}
	return strings.Join(lines, "\n")
}

// capText keeps at most n bytes of s, cut at a line break when possible.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, '\n'); i > n/2 {
		cut = cut[:i]
	}
	return cut + "\n[... cut]"
}

// firstLines returns the first n non-empty lines of s.
func firstLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		out = append(out, l)
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, "\n")
}

// unexpectedLine is the line of the program's stream that pattern matched
// (testscript's log names the match alone, "d" for the pattern "."), or
// the match when the stream is not the program's; cut as long lines are.
func unexpectedLine(prog *step, stream, pattern, match string) string {
	var text string
	switch {
	case prog == nil:
		return match
	case stream == "stdout":
		text = prog.stdout
	case stream == "stderr":
		text = prog.stderr
	default:
		return match
	}
	re, err := regexp.Compile("(?m)" + pattern)
	if err != nil {
		return match
	}
	loc := re.FindStringIndex(text)
	if loc == nil {
		return match
	}
	start := strings.LastIndexByte(text[:loc[0]], '\n') + 1
	end := len(text)
	if i := strings.IndexByte(text[loc[0]:], '\n'); i >= 0 {
		end = loc[0] + i
	}
	return cutLines(text[start:end])
}
