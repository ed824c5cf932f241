package kit

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
)

// untracked lists the entries of the kit's root folder that git tracks
// no file in, when the kit is in a git work tree (ok is false otherwise,
// or when git tracks nothing there at all). Those are what the
// instructor's commands wrote into the kit, since the guide runs them
// from its root: results folders with the class's names, grades and code,
// LMS import files, Gradescope packages with the hidden checks. None of
// them belongs in a student kit.
func (k *Kit) untracked() (names []string, ok bool) {
	cmd := exec.Command("git", "-C", k.Root, "ls-files", "-z")
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	out, err := cmd.Output()
	if err != nil || len(out) == 0 {
		return nil, false
	}
	tracked := map[string]bool{}
	for _, p := range bytes.Split(bytes.TrimSuffix(out, []byte{0}), []byte{0}) {
		tracked[strings.SplitN(string(p), "/", 2)[0]] = true
	}
	entries, err := os.ReadDir(k.Root)
	if err != nil {
		return nil, false
	}
	for _, e := range entries {
		if !tracked[e.Name()] {
			names = append(names, e.Name())
		}
	}
	return names, true
}
