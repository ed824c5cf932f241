package kit

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
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
	HiddenChecks []string  // exercise/ID of each hidden check left out
	LeftOut      []string  // top-level paths left out that existed
	Starters     *Starters // the exercises/ released: the untouched starters
	// Dangling lists the links of the released Markdown files to files the
	// student kit does not hold, as "README.md: docs/instructor.md".
	Dangling []string
}

// Release writes the student kit to dst: the kit without solutions/, hidden
// checks, instructor docs or the grader's own tests; its exercises/ holds
// the untouched starters (k.Starters: committed, not as edited), with the starters
// manifest (StartersFile) that lets the kit's validate prove its checks
// whatever the student has edited since. Markdown files lose their
// instructor-only blocks and gain their student-only ones (see
// StudentMarkdown). dst must not exist or be empty. With keepChecks false,
// grader/checks is left out entirely (the grader keeps its pristine copy
// elsewhere while grading); with it true, the kit's files are recorded in
// SumsFile.
//
// A release that fails leaves dst as it found it (absent, or empty): a
// kit cut short, without its sums or its starters, must not pass for one.
func (k *Kit) Release(dst string, exs []*spec.Exercise, keepChecks bool) (*ReleaseInfo, error) {
	if err := k.checkOutside(dst); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dst)
	if err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty; release writes into a new or empty folder", dst)
	}
	existed := err == nil
	info, err := k.release(dst, exs, keepChecks)
	if err != nil {
		if !existed {
			os.RemoveAll(dst)
		} else if written, rerr := os.ReadDir(dst); rerr == nil {
			for _, e := range written {
				os.RemoveAll(filepath.Join(dst, e.Name()))
			}
		}
		return nil, err
	}
	return info, nil
}

// release writes the student kit into dst, which is new or empty.
func (k *Kit) release(dst string, exs []*spec.Exercise, keepChecks bool) (*ReleaseInfo, error) {
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
	local := map[string]bool{}
	if names, ok := k.untracked(); ok {
		for _, n := range names {
			if n == ".git" || slices.Contains(releaseSkip, n) {
				continue // left out anyway, and named above
			}
			local[n] = true
			info.LeftOut = append(info.LeftOut, n+" (not committed)")
		}
	}
	st, err := k.Starters()
	if err != nil {
		return nil, err
	}
	info.Starters = st
	err = CopyTree(k.Root, dst, func(rel string, d fs.DirEntry) bool {
		if local[rel] {
			return true
		}
		if rel == Exercises || strings.HasPrefix(rel, Exercises+"/") {
			return true // written from the starters below
		}
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
		if hidden[rel] || rel == StartersFile || rel == SumsFile {
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
	if keepChecks {
		if err := withheld(dst, exs); err != nil {
			return nil, fmt.Errorf("writing the student kit: %w", err)
		}
	}
	if err := writeFiles(filepath.Join(dst, Exercises), st.Files); err != nil {
		return nil, fmt.Errorf("writing the student kit: %w", err)
	}
	info.Files += len(st.Files)
	if err := writeStarters(dst); err != nil {
		return nil, err
	}
	info.Files++
	dangling, err := studentDocs(dst)
	if err != nil {
		return nil, fmt.Errorf("writing the student kit: %w", err)
	}
	info.Dangling = dangling
	if keepChecks {
		// Last, so that it covers every file the kit holds.
		if err := WriteSums(dst); err != nil {
			return nil, err
		}
		info.Files++
	}
	return info, nil
}

// writeStarters records the kit's exercises/ as released in StartersFile.
func writeStarters(dst string) error {
	files, err := readTree(filepath.Join(dst, Exercises))
	if err != nil {
		return fmt.Errorf("reading the released starters: %w", err)
	}
	data, err := manifest(files)
	if err != nil {
		return fmt.Errorf("writing %s: %w", StartersFile, err)
	}
	p := filepath.Join(dst, filepath.FromSlash(StartersFile))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// withheld notes in each released exercise.txt how many hidden checks
// (and points) the student kit leaves out, so that its report can say so.
func withheld(dst string, exs []*spec.Exercise) error {
	for _, ex := range exs {
		n, points := ex.Hidden()
		if n == 0 {
			continue
		}
		p := filepath.Join(dst, filepath.FromSlash(Checks), ex.Name, spec.ExerciseFile)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var kept []string
		for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "hidden:") {
				kept = append(kept, l)
			}
		}
		kept = append(kept, "# Written by grader release: the hidden checks this kit leaves out.",
			fmt.Sprintf("hidden: %d checks, %s points", n, strconv.FormatFloat(points, 'g', -1, 64)))
		if err := os.WriteFile(p, []byte(strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}
