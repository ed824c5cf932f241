// Package runner builds a student's exercise once and runs each check in a
// contained check runner: a fresh process of the grader binary ("__run-check")
// that runs one testscript file with testscript.RunT, in its own process
// group and, where the machine allows, its own PID namespace. Student
// programs are started through the grader's launcher ("__exec"), which
// applies the check's limits and, when the grader is root, an unprivileged
// user.
package runner

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// Self says how to start the grader binary again. Path is absolute; Arg0 is
// what the binary expects in os.Args[0] (tests dispatch on it).
type Self struct {
	Path string
	Arg0 string
}

// CurrentSelf finds the running grader binary.
func CurrentSelf() (Self, error) {
	arg0 := os.Args[0]
	path := arg0
	if !strings.Contains(arg0, string(os.PathSeparator)) {
		p, err := exec.LookPath(arg0)
		if err != nil {
			exe, err2 := os.Executable()
			if err2 != nil {
				return Self{}, fmt.Errorf("finding the grader binary: %w", err)
			}
			p = exe
		}
		path = p
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Self{}, fmt.Errorf("finding the grader binary: %w", err)
	}
	return Self{Path: abs, Arg0: abs}, nil
}

// Command returns a command that runs the grader with args.
func (s Self) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(s.Path, args...)
	cmd.Args[0] = s.Arg0
	return cmd
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeWrapper writes an executable script at path that runs l (its
// program with its arguments, then the script's) through the grader's
// launcher.
func writeWrapper(path string, self Self, l sandbox.Launch) error {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by the Pool School grader: runs the program contained.\nexec")
	for _, a := range append([]string{self.Path, "__exec"}, l.Args()...) {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString(" \"$@\"\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o755)
}
