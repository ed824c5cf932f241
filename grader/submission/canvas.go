package submission

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/poolschool/poolschool/grader/kit"
)

// canvasRE matches a file name of Canvas's "Download Submissions" zip:
// the student's name in lower case without spaces, "late" when Canvas
// received the work after the due date, Canvas's user id, the submission
// id, then the name the student uploaded the file under:
// "rosscarol_123_456_main.go", "rosscarol_LATE_123_456_main.go". Some
// schools' Canvas names a student by login, which may be an email
// address: "carol@uni.edu_104_9004_main.go".
var canvasRE = regexp.MustCompile(`^([a-z0-9][a-z0-9.@+-]*)_(?i:(late)_)?([0-9]+)_([0-9]+)_(.+)$`)

// CanvasFile is one file of a Canvas bulk download.
type CanvasFile struct {
	Path    string // where it is
	Student string // the name part: "rosscarol"
	UserID  string // Canvas's user id
	Late    bool   // Canvas marked the submission late
	Name    string // the name the student uploaded it under
}

// ParseCanvasName reads a file name of Canvas's bulk download.
func ParseCanvasName(name string) (CanvasFile, bool) {
	m := canvasRE.FindStringSubmatch(name)
	if m == nil {
		return CanvasFile{}, false
	}
	return CanvasFile{Student: m[1], Late: m[2] != "", UserID: m[3], Name: m[5]}, true
}

// CanvasEntry is one student's files of a Canvas bulk download, gathered
// into an entry of a class folder.
type CanvasEntry struct {
	Name  string // the entry's name: the student's name part, with the archive suffix of a lone archive
	Late  bool   // Canvas marked the submission late
	Files []CanvasFile
}

// CanvasLayout reports whether the class folder dir is an unpacked Canvas
// bulk download: it holds a regular file named as Canvas names them that
// is not an archive (no other class folder has one: a bare .go file is
// not a submission), or every visible entry is a Canvas-named regular
// file. It returns the students' entries, sorted by name, and the names
// of the folder's other entries (hidden ones included), sorted: whatever
// else sits beside the download's files never hides them.
func CanvasLayout(dir string) (entries []CanvasEntry, others []string, ok bool) {
	list, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, false
	}
	by := map[string]*CanvasEntry{}
	flat, visible := false, 0
	for _, e := range list {
		if !strings.HasPrefix(e.Name(), ".") {
			visible++
		}
		f, isCanvas := ParseCanvasName(e.Name())
		if !isCanvas || !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			others = append(others, e.Name())
			continue
		}
		flat = flat || !isArchive(f.Name)
		f.Path = filepath.Join(dir, e.Name())
		ce := by[f.Student]
		if ce == nil {
			ce = &CanvasEntry{Name: f.Student}
			by[f.Student] = ce
		}
		ce.Late = ce.Late || f.Late
		ce.Files = append(ce.Files, f)
	}
	if len(by) == 0 || !flat && countFiles(by) != visible {
		return nil, nil, false
	}
	for _, ce := range by {
		if len(ce.Files) == 1 {
			lower := strings.ToLower(ce.Files[0].Name)
			for _, suf := range []string{".zip", ".tar.gz", ".tgz"} {
				if strings.HasSuffix(lower, suf) {
					ce.Name += suf
				}
			}
		}
		entries = append(entries, *ce)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	sort.Strings(others)
	return entries, others, true
}

// isArchive reports whether an uploaded file's name is an archive a
// class folder may hold as a submission of its own.
func isArchive(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".zip") || strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz")
}

func countFiles(by map[string]*CanvasEntry) int {
	n := 0
	for _, ce := range by {
		n += len(ce.Files)
	}
	return n
}

// StageCanvas gathers the entries of a Canvas bulk download into a class
// folder at dst: a student's lone archive becomes dst/<name>.zip, other
// files dst/<name>/<uploaded name>. Two files of a student uploaded under
// one name are an error: which one counts is not the grader's to guess.
func StageCanvas(entries []CanvasEntry, dst string) error {
	for _, ce := range entries {
		if ce.Name != ce.Files[0].Student {
			if err := kit.CopyFile(ce.Files[0].Path, filepath.Join(dst, ce.Name), 0o644); err != nil {
				return err
			}
			continue
		}
		seen := map[string]bool{}
		for _, f := range ce.Files {
			if seen[f.Name] || strings.ContainsAny(f.Name, `/\`) {
				return fmt.Errorf("%s: %s uploaded two files named %s; keep one", ShowName(filepath.Base(f.Path)), ce.Name, ShowName(f.Name))
			}
			seen[f.Name] = true
			if err := os.MkdirAll(filepath.Join(dst, ce.Name), 0o755); err != nil {
				return err
			}
			if err := kit.CopyFile(f.Path, filepath.Join(dst, ce.Name, f.Name), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
