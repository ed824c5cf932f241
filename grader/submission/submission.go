// Package submission reads what students hand in — a folder, a git
// repository, a .zip or a .tar.gz — without trusting any of it: paths with
// "..", absolute paths, symlinks, hard links, devices and FIFOs are
// refused, size and file-count limits stop archive and git bombs, nothing
// is written outside the destination folder, and a git repository is read
// without its configuration, hooks or filters.
package submission

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// ErrRefused matches every error about a submission that cannot be read.
var ErrRefused = errors.New("submission refused")

// Limits bound what one submission may unpack to.
type Limits struct {
	Files    int   // regular files
	Bytes    int64 // total size of all files
	FileSize int64 // size of one file
	Depth    int   // folders deep
}

// DefaultLimits are generous for homework and small for a bomb.
var DefaultLimits = Limits{Files: 2000, Bytes: 64 << 20, FileSize: 16 << 20, Depth: 24}

// Kind is the form of a submission.
type Kind string

// The forms a submission may take.
const (
	Folder Kind = "folder"
	Git    Kind = "git"
	Zip    Kind = "zip"
	TarGz  Kind = "tar.gz"
)

// Submission is one student's hand-in found in a class folder.
type Submission struct {
	ID   string // sanitised student id
	Path string
	Kind Kind
	// Before, when set, makes a git submission graded at its last
	// commit whose committer time is not after it (the first commit when
	// every commit is later); the zero time grades HEAD.
	Before time.Time
}

// Extracted is a submission unpacked into a folder the grader owns.
type Extracted struct {
	Dir     string   // the unpacked files
	Refused []string // entries that were skipped, with the reason
	// Commit is the graded commit of a git submission, Committed its
	// committer time, and Newer whether HEAD has commits after it (left
	// out by Submission.Before).
	Commit    string
	Committed time.Time
	Newer     bool
	// Uncommitted lists the files of a git working copy that differ from
	// its HEAD: never committed, so never graded.
	Uncommitted []string
}

// refuse records an entry that is skipped.
func (x *Extracted) refuse(name, why string) {
	if len(x.Refused) < 50 {
		x.Refused = append(x.Refused, fmt.Sprintf("%s: %s", clip(name), why))
	}
}

// clip keeps names in messages short and printable.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// writer puts files below dir, enforcing the limits.
type writer struct {
	dir   string
	lim   Limits
	files int
	bytes int64
	x     *Extracted
}

// cleanName checks an entry name from an archive or a folder walk and
// returns it as a clean slash path, or an error saying why it is refused.
func cleanName(name string, lim Limits) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty name")
	}
	if strings.ContainsRune(name, 0) || strings.Contains(name, "\\") {
		return "", fmt.Errorf("name contains a NUL or a backslash")
	}
	if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return "", fmt.Errorf("absolute path")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", fmt.Errorf("path with ..")
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", fmt.Errorf("empty name")
	}
	if strings.Count(clean, "/") >= lim.Depth {
		return "", fmt.Errorf("more than %d folders deep", lim.Depth)
	}
	return clean, nil
}

// create opens a new file for the entry name (already clean), checking
// that the declared size fits the limits.
func (w *writer) create(name string, size int64) (*os.File, error) {
	if w.files+1 > w.lim.Files {
		return nil, fmt.Errorf("%w: more than %d files (limit)", ErrRefused, w.lim.Files)
	}
	if size > w.lim.FileSize {
		return nil, fmt.Errorf("%w: %s is larger than %s (limit)", ErrRefused, clip(name), mib(w.lim.FileSize))
	}
	if w.bytes+size > w.lim.Bytes {
		return nil, fmt.Errorf("%w: more than %s in all (limit)", ErrRefused, mib(w.lim.Bytes))
	}
	target := filepath.Join(w.dir, filepath.FromSlash(name))
	if !strings.HasPrefix(target, w.dir+string(os.PathSeparator)) {
		return nil, fmt.Errorf("%w: %s leaves the folder", ErrRefused, clip(name))
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrRefused, clip(name), err)
	}
	// O_EXCL: an entry never replaces another, and never follows a link.
	f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			w.x.refuse(name, "duplicate entry")
			return nil, nil
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrRefused, clip(name), err)
	}
	w.files++
	return f, nil
}

// copyLimited copies r into f, counting against the limits; a file that
// turns out larger than declared is caught here.
func (w *writer) copyLimited(f *os.File, name string, r io.Reader) error {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += int64(k)
			w.bytes += int64(k)
			if n > w.lim.FileSize {
				f.Close()
				return fmt.Errorf("%w: %s is larger than %s (limit)", ErrRefused, clip(name), mib(w.lim.FileSize))
			}
			if w.bytes > w.lim.Bytes {
				f.Close()
				return fmt.Errorf("%w: more than %s in all (limit)", ErrRefused, mib(w.lim.Bytes))
			}
			if _, werr := f.Write(buf[:k]); werr != nil {
				f.Close()
				return fmt.Errorf("%w: writing %s: %v", ErrRefused, clip(name), werr)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return f.Close()
			}
			f.Close()
			return fmt.Errorf("%w: %s is corrupt: %v", ErrRefused, clip(name), err)
		}
	}
}

// Extract unpacks s into dst (which must not exist yet).
func Extract(s Submission, dst string, lim Limits) (*Extracted, error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dst)
	if err != nil {
		return nil, err
	}
	x := &Extracted{Dir: abs}
	w := &writer{dir: abs, lim: lim, x: x}
	switch s.Kind {
	case Zip:
		err = extractZip(s.Path, w)
	case TarGz:
		err = extractTarGz(s.Path, w)
	case Git:
		err = extractGit(s.Path, s.Before, w)
	case Folder:
		err = extractFolder(s.Path, w)
	default:
		err = fmt.Errorf("%w: unknown kind %q", ErrRefused, s.Kind)
	}
	if err != nil {
		return x, err
	}
	if w.files == 0 && len(x.Refused) > 0 {
		// Not "empty": the student handed in files (links, say, from a
		// folder they zipped), and needs to know which and why.
		shown := x.Refused[:min(3, len(x.Refused))]
		more := ""
		if n := len(x.Refused) - len(shown); n > 0 {
			more = fmt.Sprintf(", and %d more", n)
		}
		return x, fmt.Errorf("%w: every file was refused (%s%s); hand in plain files, inside the submission", ErrRefused, strings.Join(shown, "; "), more)
	}
	if w.files == 0 {
		return x, fmt.Errorf("%w: the submission is empty", ErrRefused)
	}
	return x, nil
}

// mib formats a limit in MiB.
func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }
