// Package kit knows the shape of a Pool School kit: its root (go.mod next
// to grader/checks), the exercises and solutions folders, and how to copy a
// kit safely, as release and grade do.
package kit

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/spec"
)

// ErrNoKit is returned when no kit root is found.
var ErrNoKit = errors.New("not inside a Pool School kit")

// Folders of a kit, relative to its root.
const (
	Checks    = "grader/checks"
	Exercises = "exercises"
	Solutions = "solutions"
	StateDir  = ".poolschool"
)

// Kit is a kit on disk.
type Kit struct {
	Root string
}

// Find returns the kit that holds dir: the nearest folder at or above dir
// with a go.mod and a grader/checks folder.
func Find(dir string) (*Kit, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "go.mod")) && isDir(filepath.Join(d, Checks)) {
			return &Kit{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("%w: no folder at or above %s has go.mod and %s; cd into the kit or pass -kit DIR", ErrNoKit, abs, Checks)
		}
	}
}

// Exercises loads every exercise declared under grader/checks.
func (k *Kit) Exercises() ([]*spec.Exercise, error) {
	return spec.Load(filepath.Join(k.Root, Checks))
}

// Select returns the exercises named in names (all when names is empty).
func Select(all []*spec.Exercise, names []string) ([]*spec.Exercise, error) {
	if len(names) == 0 {
		return all, nil
	}
	var out []*spec.Exercise
	for _, n := range names {
		n = exerciseName(n)
		found := false
		for _, ex := range all {
			if ex.Name == n {
				out = append(out, ex)
				found = true
			}
		}
		if !found {
			var known []string
			for _, ex := range all {
				known = append(known, ex.Name)
			}
			return nil, fmt.Errorf("no exercise %q; the exercises are: %s", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// exerciseName is the exercise a name given on the command line means:
// the name itself, or the exercise's folder as a shell's completion
// writes it (exercises/primes/, ./exercises/primes).
func exerciseName(n string) string {
	clean := path.Clean(filepath.ToSlash(n))
	if rest, ok := strings.CutPrefix(clean, Exercises+"/"); ok && !strings.Contains(rest, "/") {
		return rest
	}
	return n
}

func isFile(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }
func isDir(p string) bool  { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// CopyTree copies the regular files and folders of src into dst, skipping
// any path for which skip returns true (rel is slash-separated). Symlinks
// and other special files are not followed and not copied.
func CopyTree(src, dst string, skip func(rel string, d fs.DirEntry) bool) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && skip != nil && skip(rel, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil
	})
}

// CopyFile copies one file with the given permissions.
func CopyFile(src, dst string, perm os.FileMode) error {
	if err := copyFile(src, dst); err != nil {
		return err
	}
	return os.Chmod(dst, perm)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, fi.Mode().Perm()|0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
