package class

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/similarity"
	"github.com/poolschool/poolschool/grader/spec"
)

// Submitted is the folder of the results folder out that keeps the Go
// files student handed in for exercise, as graded.
func Submitted(out, student, exercise string) string {
	return filepath.Join(out, "students", student, SubmittedDir, exercise)
}

// KeepSubmitted copies the Go files a student may edit, as graded, from
// the student's copy of the kit, copyDir, to students/<id>/submitted/,
// where every later rebuild compares them.
func KeepSubmitted(out, student, copyDir string, exs []*spec.Exercise) error {
	dst := filepath.Join(out, "students", student, SubmittedDir)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	for _, ex := range exs {
		for _, f := range EditableGo(filepath.Join(copyDir, kit.Exercises, ex.Name), ex) {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, ex.Name, f)), 0o755); err != nil {
				return err
			}
			if err := kit.CopyFile(filepath.Join(copyDir, kit.Exercises, ex.Name, f), filepath.Join(dst, ex.Name, f), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// EditableGo lists the .go files under dir that ex lets a student edit,
// as slash paths relative to dir.
func EditableGo(dir string, ex *spec.Exercise) []string {
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); ex.Editable(rel) {
			files = append(files, rel)
		}
		return nil
	})
	return files
}

// compare compares, per exercise, the Go files every student handed in,
// with the starter's, from the released kit starter, left out.
func compare(out string, all []*result.Report, exs []*spec.Exercise, starter string) []similarity.Pair {
	var pairs []similarity.Pair
	for _, ex := range exs {
		given := readGo(filepath.Join(starter, kit.Exercises, ex.Name), ex)
		var subs []similarity.Submission
		for _, r := range all {
			files := readGo(Submitted(out, r.Student, ex.Name), ex)
			if r.Error == "" && len(files) > 0 {
				subs = append(subs, similarity.Submission{Student: r.Student, Files: files})
			}
		}
		pairs = append(pairs, similarity.Compare(ex.Name, given, subs, similarity.DefaultOptions)...)
	}
	return pairs
}

func readGo(dir string, ex *spec.Exercise) []similarity.File {
	var files []similarity.File
	for _, f := range EditableGo(dir, ex) {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f))); err == nil {
			files = append(files, similarity.File{Name: f, Src: data})
		}
	}
	return files
}
