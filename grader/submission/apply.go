package submission

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/spec"
)

// findRoot returns the shallowest folder under dir that holds an
// exercises/ folder: students hand in their whole kit, often inside one
// extra top-level folder.
func findRoot(dir string) (string, error) {
	queue := []string{dir}
	for depth := 0; depth < 4 && len(queue) > 0; depth++ {
		var next []string
		for _, d := range queue {
			if isDirNoLink(filepath.Join(d, "exercises")) {
				return d, nil
			}
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				if e.IsDir() {
					next = append(next, filepath.Join(d, e.Name()))
				}
			}
		}
		sort.Strings(next)
		queue = next
	}
	return "", fmt.Errorf("%w: no exercises/ folder in the submission; hand in your copy of the kit or its exercises/ folder", ErrRefused)
}

// Apply copies, for each exercise, only the files the student may edit
// from the unpacked submission into kitDir (a fresh copy of the released
// kit). Changes to any other file change nothing; they are returned as
// notes, as are files refused while unpacking. A file counts as changed
// when it differs from the student kit as released: from pristine, its
// sums (kit.SumsFile), or where pristine is nil from the file in kitDir.
//
// When the submission has no exercises/ folder and only is not nil, its
// files are taken as the files of that one exercise: Gradescope hands the
// autograder just the files a student uploaded.
func Apply(x *Extracted, kitDir string, exs []*spec.Exercise, only *spec.Exercise, pristine kit.Sums) (notes []string, err error) {
	root, err := findRoot(x.Dir)
	prefix := ""
	if err != nil {
		if only == nil {
			return nil, err
		}
		root, prefix = x.Dir, "exercises/"+only.Name+"/"
	}
	byName := map[string]*spec.Exercise{}
	for _, ex := range exs {
		byName[ex.Name] = ex
	}
	var protected, ignored []string
	copied := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = prefix + filepath.ToSlash(rel)
		// Local state, and the sums, which the grader never reads from
		// a submission.
		if strings.HasPrefix(rel, ".poolschool/") || rel == kit.SumsFile {
			return nil
		}
		if rest, ok := strings.CutPrefix(rel, "exercises/"); ok {
			name, sub, _ := strings.Cut(rest, "/")
			if ex := byName[name]; ex != nil && sub != "" && ex.Editable(sub) {
				target := filepath.Join(kitDir, "exercises", name, filepath.FromSlash(sub))
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
					return err
				}
				copied++
				return os.WriteFile(target, data, 0o644)
			}
		}
		inKit := filepath.Join(kitDir, filepath.FromSlash(rel))
		if pristine != nil {
			sum, released := pristine[rel]
			switch {
			case released && sum == fileSum(p):
			case released || strings.HasPrefix(rel, "grader/"):
				protected = append(protected, rel)
			default:
				ignored = append(ignored, rel)
			}
			return nil
		}
		if differs(p, inKit) {
			if _, err := os.Stat(inKit); err == nil || strings.HasPrefix(rel, "grader/") {
				protected = append(protected, rel)
			} else {
				ignored = append(ignored, rel)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("applying the submission: %w", err)
	}
	if copied == 0 {
		notes = append(notes, "the submission holds no file you may edit; the untouched starter was graded")
	}
	if len(protected) > 0 {
		notes = append(notes, "changes to files you may not edit were ignored: "+list(protected))
	}
	if len(ignored) > 0 {
		notes = append(notes, "files that are not part of an exercise were ignored: "+list(ignored))
	}
	for _, r := range x.Refused {
		notes = append(notes, "refused: "+r)
	}
	return notes, nil
}

// differs reports whether the files at a and b differ (b missing counts).
func differs(a, b string) bool {
	x, err1 := os.ReadFile(a)
	y, err2 := os.ReadFile(b)
	return err1 != nil || err2 != nil || !bytes.Equal(x, y)
}

// fileSum is the SHA-256 of the file at p, "" when it cannot be read
// (which no sum matches).
func fileSum(p string) string {
	sum, _ := kit.SumFile(p)
	return sum
}

func list(names []string) string {
	sort.Strings(names)
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	return strings.Join(names, ", ")
}
