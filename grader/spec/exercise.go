package spec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ExerciseFile is the name of the metadata file in each grader/checks/<ex>/.
const ExerciseFile = "exercise.txt"

// Exercise is one homework exercise: its metadata and its checks in order.
type Exercise struct {
	Name   string   // folder name, e.g. "primes"
	Title  string   // shown in reports
	Order  int      // exercises are listed by Order, then Name
	Binary string   // name of the built program; scripts see it as $PROG
	Build  string   // package to build, relative to exercises/<name>; "" when there is nothing to build
	Edit   []string // slash-separated globs, relative to exercises/<name>, of the files a student may edit
	File   string   // path of exercise.txt
	Checks []*Check // sorted by ID
	Shared string   // the exercise's shared/ folder: files every check finds in $WORK; "" when there is none
	Page   string   // the exercise's page for students, a kit-relative path; "" when none is declared
	// Withheld counts the hidden checks that are not in this kit (a
	// student kit): "hidden: 4 checks, 7 points", which release writes.
	Withheld       int
	WithheldPoints float64
}

// Hidden returns how many hidden checks the exercise has, and their
// points: those in the kit and those withheld from it.
func (ex *Exercise) Hidden() (n int, points float64) {
	n, points = ex.Withheld, ex.WithheldPoints
	for _, c := range ex.Checks {
		if c.Visibility == Hidden {
			n++
			points += c.Points
		}
	}
	return n, points
}

// SharedDir is the folder, next to an exercise's checks, whose files every
// check of the exercise finds in its $WORK, as if each check's archive held
// them: a helper script that several checks run, kept in one place.
const SharedDir = "shared"

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// ParseExercise parses an exercise.txt whose contents are data. The
// exercise's name is the name of the folder that holds it.
func ParseExercise(file string, data []byte) (*Exercise, error) {
	name := filepath.Base(filepath.Dir(file))
	if !nameRE.MatchString(name) {
		return nil, &SyntaxError{File: file, Msg: "the exercise folder name must be lower-case letters, digits and dashes"}
	}
	ex := &Exercise{Name: name, File: file, Binary: name, Build: "."}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, val, ok := strings.Cut(text, ":")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok {
			return nil, &SyntaxError{File: file, Line: line, Msg: fmt.Sprintf("line %q is not \"key: value\"", text)}
		}
		if prev, dup := seen[key]; dup && key != "edit" {
			return nil, &SyntaxError{File: file, Line: line, Msg: fmt.Sprintf("%s is declared twice (first at line %d); keep one", key, prev)}
		}
		seen[key] = line
		if err := ex.set(key, val); err != nil {
			return nil, &SyntaxError{File: file, Line: line, Msg: err.Error()}
		}
	}
	if ex.Title == "" {
		return nil, &SyntaxError{File: file, Line: 1, Msg: "no \"title: ...\" line; add one"}
	}
	if len(ex.Edit) == 0 {
		return nil, &SyntaxError{File: file, Line: 1, Msg: "no \"edit: GLOB\" line; list the files the student may edit, like \"edit: *.go\""}
	}
	return ex, nil
}

func (ex *Exercise) set(key, val string) error {
	switch key {
	case "title":
		ex.Title = val
	case "order":
		n, err := strconv.Atoi(val)
		if err != nil {
			return fmt.Errorf("order %q is not a whole number", val)
		}
		ex.Order = n
	case "binary":
		if !nameRE.MatchString(val) {
			return fmt.Errorf("binary %q must be lower-case letters, digits and dashes", val)
		}
		ex.Binary = val
	case "build":
		switch {
		case val == "none":
			ex.Build = ""
		case val == "." || (validRel(val) && !strings.ContainsAny(val, "*?[")):
			ex.Build = val
		default:
			return fmt.Errorf("build %q must be \".\", a relative folder inside the exercise, or \"none\"", val)
		}
	case "edit":
		if !validRel(val) {
			return fmt.Errorf("edit %q must be a relative slash-separated glob inside the exercise, without \"..\"", val)
		}
		if _, err := path.Match(val, ""); err != nil {
			return fmt.Errorf("edit %q is not a valid glob: %v", val, err)
		}
		ex.Edit = append(ex.Edit, val)
	case "page":
		if !validRel(val) {
			return fmt.Errorf("page %q must be a relative slash-separated path inside the kit, like docs/homework/primes.md", val)
		}
		ex.Page = val
	case "hidden":
		var n int
		var p float64
		if _, err := fmt.Sscanf(val, "%d checks, %g points", &n, &p); err != nil || n < 0 || p < 0 {
			return fmt.Errorf("hidden %q is not \"N checks, P points\" (release writes this line)", val)
		}
		ex.Withheld, ex.WithheldPoints = n, p
	default:
		return fmt.Errorf("unknown key %q; the keys are title, order, binary, build, edit, page, hidden", key)
	}
	return nil
}

// validRel reports whether p is a clean relative slash path inside its folder.
func validRel(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != ".." &&
		!strings.HasPrefix(p, "../") && !strings.Contains(p, "\\")
}

// Editable reports whether rel (slash-separated, relative to the exercise
// folder) is a file the student may edit.
func (ex *Exercise) Editable(rel string) bool {
	for _, g := range ex.Edit {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// Check returns the check with the given ID or slug, or nil.
func (ex *Exercise) Check(id string) *Check {
	for _, c := range ex.Checks {
		if c.ID == id || c.Slug == id {
			return c
		}
	}
	return nil
}

// MaxPoints is the sum of the points of the given visibility ("" for all).
func (ex *Exercise) MaxPoints(v Visibility) float64 {
	total := 0.0
	for _, c := range ex.Checks {
		if v == "" || c.Visibility == v {
			total += c.Points
		}
	}
	return total
}

// LoadExercise reads dir/exercise.txt, every dir/NN-slug.txtar and the
// optional dir/shared folder, and validates the needs graph. Other files in
// dir are an error, so that a misnamed check is not silently ignored.
func LoadExercise(dir string) (*Exercise, error) {
	file := filepath.Join(dir, ExerciseFile)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading exercise metadata: %w", err)
	}
	ex, err := ParseExercise(file, data)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading checks: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == ExerciseFile, name == "README.md":
			continue
		case name == SharedDir && e.IsDir():
			if err := checkShared(filepath.Join(dir, name)); err != nil {
				return nil, err
			}
			ex.Shared = filepath.Join(dir, name)
			continue
		case !e.Type().IsRegular() || !strings.HasSuffix(name, ".txtar"):
			return nil, &SyntaxError{File: filepath.Join(dir, name), Msg: "unexpected file among the checks; checks are NN-slug.txtar files, remove or rename it"}
		}
		c, err := ParseFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ex.Checks = append(ex.Checks, c)
	}
	if len(ex.Checks) == 0 {
		return nil, &SyntaxError{File: file, Msg: "the exercise has no checks; add NN-slug.txtar files next to exercise.txt"}
	}
	sort.Slice(ex.Checks, func(i, j int) bool { return ex.Checks[i].ID < ex.Checks[j].ID })
	if err := resolveNeeds(ex); err != nil {
		return nil, err
	}
	return ex, nil
}

// checkShared accepts a shared/ folder of plain files only.
func checkShared(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading shared files: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			return &SyntaxError{File: filepath.Join(dir, e.Name()), Msg: "shared/ holds plain files only (no folders, links or hidden files); move it out"}
		}
	}
	return nil
}

// resolveNeeds maps each needs entry (an ID or a slug) to an ID and rejects
// unknown names, self references and cycles.
func resolveNeeds(ex *Exercise) error {
	bySlug := map[string]*Check{}
	for _, c := range ex.Checks {
		if prev, ok := bySlug[c.Slug]; ok {
			return &SyntaxError{File: c.File, Msg: fmt.Sprintf("slug %q is also used by %s; give each check its own slug", c.Slug, filepath.Base(prev.File))}
		}
		bySlug[c.Slug] = c
	}
	for _, c := range ex.Checks {
		for i, n := range c.Needs {
			dep := ex.Check(n)
			if dep == nil {
				return &NeedsError{File: c.File, Line: c.needsLine(), Msg: fmt.Sprintf("needs %q names no check of exercise %s", n, ex.Name)}
			}
			if dep == c {
				return &NeedsError{File: c.File, Line: c.needsLine(), Msg: "a check cannot need itself"}
			}
			c.Needs[i] = dep.ID
		}
	}
	// Depth-first search for a cycle; report it as a path.
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	var stack []string
	var visit func(c *Check) error
	visit = func(c *Check) error {
		colour[c.ID] = grey
		stack = append(stack, c.ID)
		for _, n := range c.Needs {
			switch colour[n] {
			case grey:
				i := len(stack) - 1
				for stack[i] != n {
					i--
				}
				cycle := append(append([]string{}, stack[i:]...), n)
				return &NeedsError{File: c.File, Line: c.needsLine(), Msg: "needs form a cycle: " + strings.Join(cycle, " -> ")}
			case white:
				if err := visit(ex.Check(n)); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		colour[c.ID] = black
		return nil
	}
	for _, c := range ex.Checks {
		if colour[c.ID] == white {
			if err := visit(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// needsLine finds the line of the needs header.
func (c *Check) needsLine() int {
	for i, l := range strings.Split(string(c.Script), "\n") {
		if m := headerRE.FindStringSubmatch(l); m != nil && strings.EqualFold(m[1], "needs") {
			return i + 1
		}
	}
	return 1
}

// Load reads every exercise under checksDir (grader/checks), sorted by Order
// then Name. A folder without exercise.txt is an error.
func Load(checksDir string) ([]*Exercise, error) {
	entries, err := os.ReadDir(checksDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no checks folder %s: run the grader from the kit's root or pass -kit DIR", checksDir)
	}
	if err != nil {
		return nil, fmt.Errorf("reading checks: %w", err)
	}
	var exs []*Exercise
	for _, e := range entries {
		if !e.IsDir() {
			if e.Name() == "README.md" || e.Name() == "doc.go" {
				continue
			}
			return nil, &SyntaxError{File: filepath.Join(checksDir, e.Name()), Msg: "unexpected file; grader/checks holds one folder per exercise"}
		}
		ex, err := LoadExercise(filepath.Join(checksDir, e.Name()))
		if err != nil {
			return nil, err
		}
		exs = append(exs, ex)
	}
	sort.SliceStable(exs, func(i, j int) bool {
		if exs[i].Order != exs[j].Order {
			return exs[i].Order < exs[j].Order
		}
		return exs[i].Name < exs[j].Name
	})
	return exs, nil
}

// WithNeeds returns the IDs of c and of every check it needs, directly or
// not.
func (ex *Exercise) WithNeeds(c *Check) map[string]bool {
	keep := map[string]bool{}
	var visit func(c *Check)
	visit = func(c *Check) {
		if keep[c.ID] {
			return
		}
		keep[c.ID] = true
		for _, n := range c.Needs {
			visit(ex.Check(n))
		}
	}
	visit(c)
	return keep
}
