package runner

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/sandbox"
)

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeWrapper writes an executable script at path that runs l (its
// program with its arguments, then the script's) through the grader's
// launcher.
func writeWrapper(path string, self sandbox.Self, l sandbox.Launch) error {
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
