package submission

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// emailRE matches the email addresses an id may be: letters, digits and
// ".", "_", "+", "-" before the "@", a dotted domain after it.
var emailRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(\.[a-z0-9-]+)+$`)

// ID turns a submission's file or folder name into a student id: escape
// sequences and control characters are dropped, then the archive suffix,
// letters are lower-cased, anything but letters, digits, dots, dashes and
// underscores becomes a dash, and the result is at most 64 characters. A
// name with nothing usable becomes "entry" (not "student", a column
// heading of every table of students; Scan numbers a second "entry-2"). A name that is an email
// address (carol@uni.edu), which is how many schools name their students,
// is kept as it is, lower-cased.
func ID(name string) string {
	if s := strings.ToLower(stem(name)); len(s) <= 64 && emailRE.MatchString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToLower(stem(name)) {
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
		id = "entry"
	}
	return id
}

// ValidID reports whether id can be a student id as it is: what ID
// leaves unchanged, or an email address with capitals, kept as written
// (a roster's "Carol@Uni.edu"): ID only lower-cases it, and every lookup
// of a student compares ids in lower case.
func ValidID(id string) bool {
	return id != "" && (ID(id) == id || ID(id) == strings.ToLower(id) && emailRE.MatchString(strings.ToLower(id)))
}

// KindOf says what form the submission at p takes, or an error saying why
// it is not one.
func KindOf(p string) (Kind, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	lower := strings.ToLower(visible(filepath.Base(p)))
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
		// Even empty: a student whose upload failed gets a row that says
		// so (Extract refuses it), not a line in the class notes alone.
		return Zip, nil
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		return TarGz, nil
	}
	return "", fmt.Errorf("not a submission (expected a folder, a git repository, a .zip or a .tar.gz)")
}

// Scan lists the submissions in a class folder and gives each its
// student id. An entry that known maps gets its id from there; every other
// entry gets ID(name), with a "-2" (then "-3"...) suffix when an entry of
// this run or of known already holds that id, and the clash is reported.
// The ids given are recorded in known. Entries that are not submissions
// (stray files, symlinks) are returned as problems, one
// line each, and so is every entry whose name is not an id as it is
// (escapes, control characters, spaces), with the id it is graded under.
// Names in these lines are quoted where they would not print as they are.
func Scan(dir string, known *IDMap) (subs []Submission, problems []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the class folder: %w", err)
	}
	paths := make([]string, 0, len(entries))
	for _, e := range entries {
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	return ScanPaths(paths, known)
}

// ScanPaths is Scan over a list of entries, which may sit in different
// folders (a Canvas download's students gathered elsewhere, and the
// download's other entries where they are); no two may have the same
// name.
func ScanPaths(paths []string, known *IDMap) (subs []Submission, problems []string, err error) {
	at := map[string]string{} // entry name → its path
	names := make([]string, 0, len(paths))
	for _, p := range paths {
		n := filepath.Base(p)
		if _, dup := at[n]; dup {
			return nil, nil, fmt.Errorf("two entries are named %s: %s and %s", ShowName(n), at[n], p)
		}
		at[n] = p
		names = append(names, n)
	}
	sort.Strings(names)
	said := map[string]string{} // entry → the problem with it
	var found []Submission
	for _, n := range names {
		if strings.HasPrefix(n, ".") {
			said[n] = fmt.Sprintf("%s: skipped, hidden entry", ShowName(n))
			continue
		}
		p := at[n]
		kind, err := KindOf(p)
		if err != nil {
			said[n] = fmt.Sprintf("%s: skipped, %v", ShowName(n), err)
			continue
		}
		found = append(found, Submission{Path: p, Kind: kind})
	}
	// The entries known keep their ids; the others may take only ids
	// that no entry holds.
	taken := map[string]string{} // id → the entry graded under it in this run
	for i := range found {
		n := filepath.Base(found[i].Path)
		if id, ok := known.Lookup(n); ok && taken[id] == "" {
			found[i].ID, taken[id] = id, n
		}
	}
	free := func(id, n string) bool {
		if taken[id] != "" {
			return false
		}
		for _, h := range known.Holders(id) {
			if h != n {
				return false
			}
		}
		return true
	}
	for i := range found {
		if found[i].ID != "" {
			continue
		}
		n := filepath.Base(found[i].Path)
		base := ID(n)
		id := base
		for k := 2; !free(id, n); k++ {
			id = fmt.Sprintf("%s-%d", base, k)
		}
		found[i].ID, taken[id] = id, n
		known.Set(n, id)
	}
	renamed := map[string]string{} // entry → the note that says its id
	for _, s := range found {
		n := filepath.Base(s.Path)
		base := ID(n)
		if visible(n) != n || base != strings.ToLower(stem(n)) {
			renamed[n] = fmt.Sprintf("%q is graded as %q: its name is not an id as it is", n, s.ID)
		}
		if s.ID == base {
			continue
		}
		if holder := taken[base]; holder != "" {
			said[n] = fmt.Sprintf("%s and %s both map to id %q; graded separately as %q and %q", ShowName(holder), ShowName(n), base, base, s.ID)
		} else if h := known.Holders(base); len(h) > 0 {
			said[n] = fmt.Sprintf("%s maps to id %q, which an earlier run gave to %s; graded as %q", ShowName(n), base, ShowName(h[0]), s.ID)
		}
	}
	for _, n := range names {
		if p, ok := said[n]; ok {
			problems = append(problems, p)
		}
		if p, ok := renamed[n]; ok {
			problems = append(problems, p)
		}
	}
	return found, problems, nil
}
