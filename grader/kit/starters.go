package kit

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
)

// StartersFile is the manifest that Release writes into a student kit: every
// file of exercises/ as the kit was released, in one txtar archive. It lets
// validate prove the checks against the untouched starters in a kit whose
// exercises the student has long since edited.
const StartersFile = "grader/starters.txtar"

// Where Starters found the untouched starters.
const (
	FromManifest    = "manifest"     // StartersFile, in a released kit
	FromGit         = "git"          // the commit HEAD of the kit's git work tree
	FromWorkingTree = "working tree" // exercises/ as it is on disk: neither of the above
)

// Starters are the untouched starters of a kit's exercises: file paths
// relative to exercises/ (slash-separated) and their contents.
type Starters struct {
	From  string            // FromManifest, FromGit or FromWorkingTree
	Files map[string][]byte // "primes/main.go" -> contents
	// Edited lists the files of exercises/ that the working tree has
	// changed, added or removed against From (FromGit only), sorted.
	Edited []string
	// Uncommitted lists the exercises that HEAD does not hold yet
	// (FromGit only): their starters are taken from the working tree.
	Uncommitted []string
}

// Describe says in a few words where the starters came from, for a report.
func (s *Starters) Describe() string {
	switch s.From {
	case FromManifest:
		return "the starters as released (" + StartersFile + ")"
	case FromGit:
		return "the starters as committed (git HEAD)"
	}
	return "the starters in exercises/ as they are on disk"
}

// Starters returns the untouched starters: from StartersFile when the kit
// has one (a released kit), else from the commit HEAD when the kit is in a
// git work tree that has exercises/ committed, else from the working tree.
// Never from a working tree that git or a manifest can vouch for, since a
// student edits exactly those files.
func (k *Kit) Starters() (*Starters, error) {
	manifest := filepath.Join(k.Root, filepath.FromSlash(StartersFile))
	data, err := os.ReadFile(manifest)
	switch {
	case err == nil:
		return parseManifest(manifest, data)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("reading the starters: %w", err)
	}
	if s, ok := k.gitStarters(); ok {
		return s, nil
	}
	files, err := readTree(filepath.Join(k.Root, Exercises))
	if err != nil {
		return nil, fmt.Errorf("reading the starters: %w", err)
	}
	return &Starters{From: FromWorkingTree, Files: files}, nil
}

// gitStarters reads exercises/ from HEAD with git archive. It reports false
// when git is missing, the kit is not in a work tree, or HEAD holds no
// exercises/.
func (k *Kit) gitStarters() (*Starters, bool) {
	git := func(args ...string) ([]byte, error) {
		cmd := exec.Command("git", append([]string{"-C", k.Root}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
		return cmd.Output()
	}
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		return nil, false
	}
	tree := "HEAD:" + strings.TrimSpace(string(prefix)) + Exercises
	out, err := git("archive", "--format=tar", tree)
	if err != nil {
		return nil, false
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		if h.Typeflag != tar.TypeReg || !fs.ValidPath(h.Name) {
			continue // folders, links and the archive's comment
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, false
		}
		files[h.Name] = data
	}
	s := &Starters{From: FromGit, Files: files}
	if disk, err := readTree(filepath.Join(k.Root, Exercises)); err == nil {
		s.Edited = diffFiles(files, disk)
		committed := map[string]bool{}
		for name := range files {
			committed[strings.SplitN(name, "/", 2)[0]] = true
		}
		for name, data := range disk {
			ex := strings.SplitN(name, "/", 2)[0]
			if committed[ex] {
				continue
			}
			if !slices.Contains(s.Uncommitted, ex) {
				s.Uncommitted = append(s.Uncommitted, ex)
			}
			files[name] = data
		}
		sort.Strings(s.Uncommitted)
		var edited []string
		for _, name := range s.Edited {
			if !slices.Contains(s.Uncommitted, strings.SplitN(name, "/", 2)[0]) {
				edited = append(edited, name)
			}
		}
		s.Edited = edited
	}
	return s, true
}

// diffFiles lists the names whose contents differ between a and b, or that
// only one of them has.
func diffFiles(a, b map[string][]byte) []string {
	var out []string
	for name, data := range a {
		if other, ok := b[name]; !ok || !bytes.Equal(data, other) {
			out = append(out, name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// readTree reads every regular file under dir, keyed by slash path.
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	return files, err
}

// parseManifest reads a StartersFile.
func parseManifest(file string, data []byte) (*Starters, error) {
	a := txtar.Parse(data)
	files := map[string][]byte{}
	for _, f := range a.Files {
		if !fs.ValidPath(f.Name) {
			return nil, fmt.Errorf("%s: %q is not a path inside exercises/; release the kit again", file, f.Name)
		}
		files[f.Name] = f.Data
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no starter; release the kit again", file)
	}
	return &Starters{From: FromManifest, Files: files}, nil
}

// manifest encodes the starters as a StartersFile. Only text files with a
// final newline and no line that looks like a txtar file marker fit; any
// other file is an error that names it.
func manifest(files map[string][]byte) ([]byte, error) {
	a := &txtar.Archive{Comment: []byte("# The starters of exercises/ as \"grader release\" wrote this kit.\n# \"grader validate\" proves the checks against them; do not edit.\n")}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := files[name]
		switch {
		case !utf8.Valid(data):
			return nil, fmt.Errorf("exercises/%s is not text; the starters manifest holds text files only", name)
		case len(data) > 0 && data[len(data)-1] != '\n':
			return nil, fmt.Errorf("exercises/%s does not end with a newline; add one", name)
		case bytes.HasPrefix(data, []byte("-- ")) || bytes.Contains(data, []byte("\n-- ")):
			return nil, fmt.Errorf("exercises/%s has a line starting with \"-- \", which the starters manifest cannot hold", name)
		}
		a.Files = append(a.Files, txtar.File{Name: name, Data: data})
	}
	return txtar.Format(a), nil
}

// PristineCopy writes a copy of the kit to dst in which exercises/ holds
// the untouched starters, and returns them. The copy leaves out what a
// build does not need: VCS data, local state, grades and solutions.
func (k *Kit) PristineCopy(dst string) (*Starters, error) {
	s, err := k.Starters()
	if err != nil {
		return nil, err
	}
	skip := []string{".git", StateDir, "grades", Exercises, Solutions}
	err = CopyTree(k.Root, dst, func(rel string, _ fs.DirEntry) bool {
		for _, p := range skip {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, fmt.Errorf("copying the kit: %w", err)
	}
	if err := writeFiles(filepath.Join(dst, Exercises), s.Files); err != nil {
		return nil, err
	}
	return s, nil
}

// writeFiles writes files (slash paths relative to dir) under dir.
func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(path.Clean(name)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
