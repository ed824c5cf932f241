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
// "rosscarol_123_456_main.go", "rosscarol_LATE_123_456_main.go".
var canvasRE = regexp.MustCompile(`^([a-z][a-z0-9-]*)_(?i:(late)_)?([0-9]+)_([0-9]+)_(.+)$`)

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
// bulk download: flat, every visible entry a regular file named as Canvas
// names them. It returns the students' entries, sorted by name.
func CanvasLayout(dir string) ([]CanvasEntry, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, false
	}
	by := map[string]*CanvasEntry{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		f, ok := ParseCanvasName(e.Name())
		if !ok || !e.Type().IsRegular() {
			return nil, false
		}
		f.Path = filepath.Join(dir, e.Name())
		ce := by[f.Student]
		if ce == nil {
			ce = &CanvasEntry{Name: f.Student}
			by[f.Student] = ce
		}
		ce.Late = ce.Late || f.Late
		ce.Files = append(ce.Files, f)
	}
	if len(by) == 0 {
		return nil, false
	}
	var out []CanvasEntry
	for _, ce := range by {
		if len(ce.Files) == 1 {
			lower := strings.ToLower(ce.Files[0].Name)
			for _, suf := range []string{".zip", ".tar.gz", ".tgz"} {
				if strings.HasSuffix(lower, suf) {
					ce.Name += suf
				}
			}
		}
		out = append(out, *ce)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, true
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
