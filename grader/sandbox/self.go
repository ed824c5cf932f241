package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// PassThrough returns the variables the grader hands on to its own helper
// processes: only GORACE, so that a grader built with -race (as in the
// grader's tests) does not sleep a second at every exit. It carries no
// secret.
func PassThrough() []string {
	if v, ok := os.LookupEnv("GORACE"); ok {
		return []string{"GORACE=" + v}
	}
	return nil
}
