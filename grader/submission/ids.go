package submission

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ID turns a submission's file or folder name into a student id: the
// archive suffix is dropped, letters are lower-cased, anything but letters,
// digits, dots, dashes and underscores becomes a dash, and the result is at
// most 64 characters. A name with nothing usable becomes "student".
func ID(name string) string {
	for _, suf := range []string{".tar.gz", ".tgz", ".zip", ".git"} {
		if strings.HasSuffix(strings.ToLower(name), suf) {
			name = name[:len(name)-len(suf)]
			break
		}
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	id := strings.Trim(b.String(), "-._")
	for strings.Contains(id, "--") {
		id = strings.ReplaceAll(id, "--", "-")
	}
	if len(id) > 64 {
		id = strings.TrimRight(id[:64], "-._")
	}
	if id == "" {
		id = "student"
	}
	return id
}

// KindOf says what form the submission at p takes, or an error saying why
// it is not one.
func KindOf(p string) (Kind, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	lower := strings.ToLower(p)
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return "", fmt.Errorf("a symlink; submissions must be real files or folders")
	case fi.IsDir():
		if _, ok := gitDir(p); ok {
			return Git, nil
		}
		return Folder, nil
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("not a regular file or folder")
	case strings.HasSuffix(lower, ".zip"):
		if fi.Size() == 0 {
			return "", fmt.Errorf("an empty archive")
		}
		return Zip, nil
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		if fi.Size() == 0 {
			return "", fmt.Errorf("an empty archive")
		}
		return TarGz, nil
	}
	return "", fmt.Errorf("not a submission (expected a folder, a git repository, a .zip or a .tar.gz)")
}

// Scan lists the submissions in a class folder. Entries that are not
// submissions (stray files, symlinks, empty archives) are returned as
// problems, one line each; two entries with the same id are both kept,
// the later one with a "-2" (then "-3"...) suffix, and reported.
func Scan(dir string) (subs []Submission, problems []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the class folder: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	taken := map[string]string{}
	for _, n := range names {
		if strings.HasPrefix(n, ".") {
			problems = append(problems, fmt.Sprintf("%s: skipped, hidden entry", clip(n)))
			continue
		}
		p := filepath.Join(dir, n)
		kind, err := KindOf(p)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: skipped, %v", clip(n), err))
			continue
		}
		id := ID(n)
		if prev, dup := taken[id]; dup {
			base := id
			for i := 2; taken[id] != ""; i++ {
				id = fmt.Sprintf("%s-%d", base, i)
			}
			problems = append(problems, fmt.Sprintf("%s and %s both map to id %q; graded separately as %q and %q", clip(prev), clip(n), base, base, id))
		}
		taken[id] = n
		subs = append(subs, Submission{ID: id, Path: p, Kind: kind})
	}
	return subs, problems, nil
}
