package runner

import (
	"regexp"
	"strings"
)

// failure is what a student needs from a failing script's log.
type failure struct {
	Reason   string // "phase: message"
	Expected string
	Got      string
	Output   string // the last captured stdout and stderr
}

var (
	failRE    = regexp.MustCompile(`(?m)^FAIL: (?:.*?\.txtar):(\d+): (.*)$`)
	noMatchRE = regexp.MustCompile("^no match for `(.*)` found in (stdout|stderr)$")
	quitRE    = regexp.MustCompile(`(?ms)^SIGQUIT: quit\n.*?(\n\n|\z)`)
)

// parseFailure reads the log of a failed script. The log mixes the grader's
// own lines with the program's output; the verdict never comes from here,
// only the explanation shown to the student.
func parseFailure(log string) failure {
	log = cleanLog(log)
	var f failure
	lines := strings.Split(log, "\n")
	phase := ""
	var stdout, stderr, plus, minus []string
	var block *[]string
	inDiff := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "# "):
			phase = strings.TrimSpace(strings.TrimSuffix(l[2:], ")"))
			if i := strings.LastIndex(phase, " ("); i > 0 {
				phase = phase[:i]
			}
			block, inDiff = nil, false
		case strings.HasPrefix(l, "> "):
			block, inDiff = nil, false
		case l == "[stdout]":
			stdout, block = nil, &stdout
		case l == "[stderr]":
			stderr, block = nil, &stderr
		case strings.HasPrefix(l, "diff "):
			plus, minus, inDiff, block = nil, nil, true, nil
		case inDiff && (strings.HasPrefix(l, "+++") || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "@@")):
		case inDiff && strings.HasPrefix(l, "+"):
			plus = append(plus, l[1:])
		case inDiff && strings.HasPrefix(l, "-"):
			minus = append(minus, l[1:])
		case strings.HasPrefix(l, "FAIL: "):
			block, inDiff = nil, false
		case block != nil:
			*block = append(*block, l)
		}
	}
	msg := ""
	if m := failRE.FindAllStringSubmatch(log, -1); len(m) > 0 {
		msg = m[len(m)-1][2]
	}
	if msg == "" {
		msg = "the check failed"
	}
	if phase != "" {
		f.Reason = phase + ": " + msg
	} else {
		f.Reason = msg
	}
	f.Output = strings.TrimSpace(strings.Join(append(stdout, stderr...), "\n"))
	switch m := noMatchRE.FindStringSubmatch(msg); {
	case len(plus)+len(minus) > 0:
		f.Expected = strings.Join(plus, "\n")
		f.Got = strings.Join(minus, "\n")
	case m != nil:
		f.Expected = "output matching " + m[1]
		if m[2] == "stdout" {
			f.Got = strings.Join(stdout, "\n")
		} else {
			f.Got = strings.Join(stderr, "\n")
		}
	default:
		f.Got = tail(f.Output, 5)
	}
	f.Got = capText(strings.TrimRight(f.Got, "\n"), 2000)
	return f
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

// tail returns the last n non-empty lines of s.
func tail(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return strings.Join(out, "\n")
}
