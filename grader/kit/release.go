package kit

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/poolschool/poolschool/grader/spec"
)

// Left out of every student kit: the solutions, instructor material, the
// grader's own tests (their fixtures hold solutions), local state and VCS
// data.
var releaseSkip = []string{
	Solutions, ".git", StateDir, "docs/instructor.md", "grader/testdata", "grades",
}

// ReleaseInfo says what Release left out.
type ReleaseInfo struct {
	Files        int
	HiddenChecks []string // exercise/ID of each hidden check left out
	LeftOut      []string // top-level paths left out that existed
}

// Release writes the student kit to dst: the kit without solutions/, hidden
// checks, instructor docs or the grader's own tests. dst must not exist or
// be empty. With keepChecks false, grader/checks is left out entirely (the
// grader keeps its pristine copy elsewhere while grading).
func (k *Kit) Release(dst string, exs []*spec.Exercise, keepChecks bool) (*ReleaseInfo, error) {
	if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty; release writes into a new or empty folder", dst)
	}
	hidden := map[string]bool{}
	info := &ReleaseInfo{}
	for _, ex := range exs {
		for _, c := range ex.Checks {
			if c.Visibility == spec.Hidden {
				hidden[path.Join(Checks, ex.Name, c.ID+".txtar")] = true
				info.HiddenChecks = append(info.HiddenChecks, ex.Name+"/"+c.ID)
			}
		}
	}
	for _, s := range releaseSkip {
		if _, err := os.Stat(k.Root + "/" + s); err == nil {
			info.LeftOut = append(info.LeftOut, s)
		}
	}
	err := CopyTree(k.Root, dst, func(rel string, d fs.DirEntry) bool {
		for _, s := range releaseSkip {
			if rel == s || strings.HasPrefix(rel, s+"/") {
				return true
			}
		}
		if !keepChecks && (rel == Checks || strings.HasPrefix(rel, Checks+"/")) {
			return true
		}
		if strings.HasPrefix(rel, "grader/") && strings.HasSuffix(rel, "_test.go") {
			return true
		}
		if hidden[rel] {
			return true
		}
		if !d.IsDir() {
			info.Files++
		}
		return false
	})
	if err != nil {
		return nil, fmt.Errorf("writing the student kit: %w", err)
	}
	return info, nil
}
