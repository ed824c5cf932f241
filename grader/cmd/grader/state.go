package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
)

// The student's state lives in the kit's .poolschool/ folder (git ignores
// it, so it survives a git pull; deleting it loses nothing but the hint
// levels and the last report):
//
//	last-check.json  the record of the last "grader check" (or watch run),
//	                 which hint reads to know the check to help with
//	hints.json       the hint level shown so far, per exercise and check
//	progress.json    each exercise's latest and best points, for progress
//	bin/grader       the grader that make's student targets run
const (
	lastCheckFile = "last-check.json"
	hintsFile     = "hints.json"
)

// saveLast keeps the last check report for hint, watch and the next run.
func saveLast(root string, rep *result.Report) error {
	dir := filepath.Join(root, kit.StateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return rep.WriteFile(filepath.Join(dir, lastCheckFile))
}

// loadLast reads the last check report; nil when there is none.
func loadLast(root string) *result.Report {
	r, err := result.ReadFile(filepath.Join(root, kit.StateDir, lastCheckFile))
	if err != nil {
		return nil
	}
	return r
}

// exerciseHere names the exercise whose folder (exercises/NAME, or a
// folder inside it) holds the working directory, or "".
func exerciseHere(k *kit.Kit, all []*spec.Exercise) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if resolved, err := filepath.EvalSymlinks(wd); err == nil {
		wd = resolved
	}
	root := k.Root
	if resolved, err := filepath.EvalSymlinks(root); err == nil {
		root = resolved
	}
	rel, err := filepath.Rel(filepath.Join(root, kit.Exercises), wd)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return ""
	}
	name := strings.Split(filepath.ToSlash(rel), "/")[0]
	for _, ex := range all {
		if ex.Name == name {
			return name
		}
	}
	return ""
}

// unfinished names the first exercise that did not pass every check in
// the last run, or "".
func unfinished(last *result.Report) string {
	if last == nil {
		return ""
	}
	for _, ex := range last.Exercises {
		for _, c := range ex.Checks {
			if c.Status != result.Passed {
				return ex.Name
			}
		}
	}
	return ""
}

// hintLevel is the hint level of a check shown so far (0: none).
func hintLevel(k *kit.Kit, exercise, check string) int {
	data, err := os.ReadFile(filepath.Join(k.Root, kit.StateDir, hintsFile))
	if err != nil {
		return 0
	}
	var st hintState
	if json.Unmarshal(data, &st) != nil {
		return 0
	}
	return st[exercise][check]
}

// progressFile is .poolschool/progress.json: each exercise's points in its
// latest full check and its best so far.
const progressFile = "progress.json"

// score is one exercise's entry in progress.json.
type score struct {
	Last float64 `json:"last"`
	Best float64 `json:"best"`
	Max  float64 `json:"max"`
}

func loadProgress(root string) map[string]score {
	p := map[string]score{}
	data, err := os.ReadFile(filepath.Join(root, kit.StateDir, progressFile))
	if err == nil && json.Unmarshal(data, &p) != nil {
		p = map[string]score{} // a damaged file only forgets the scores
	}
	return p
}

// saveProgress records the exercises of rep, when their every visible
// check ran (full).
func saveProgress(root string, rep *result.Report, full bool) error {
	if !full {
		return nil
	}
	p := loadProgress(root)
	for i := range rep.Exercises {
		got, max := rep.Exercises[i].Score()
		old, seen := p[rep.Exercises[i].Name]
		s := score{Last: got, Best: got, Max: max}
		if seen && old.Best > got {
			s.Best = old.Best
		}
		p[rep.Exercises[i].Name] = s
	}
	data, _ := json.MarshalIndent(p, "", "  ")
	if err := os.MkdirAll(filepath.Join(root, kit.StateDir), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, kit.StateDir, progressFile), append(data, '\n'), 0o644)
}
