package grading

import (
	"path/filepath"
	"regexp"
)

// relativeTo returns what turns the paths of the grader's work folder for
// one submission, dir (inside the run's work folder, work), into the
// paths the student knows: a file of the student's kit copy or unpacked
// submission becomes relative to the submission ("exercises/primes/main.go"),
// the built program becomes its bare name, and the folder a check ran in
// goes away, as testscript's $WORK would. Whatever else lies in the work
// folder is named relative to it.
func relativeTo(dir, work string) func(string) string {
	d := regexp.QuoteMeta(filepath.ToSlash(dir))
	seg := `[^/\s]+`
	re := regexp.MustCompile(d + `/run/` + seg + `/` + seg + `/ws/` + seg + `/?` +
		`|` + d + `/run/` + seg + `/(?:` + seg + `/)?bin/` +
		`|` + d + `/(?:kit|raw)/` +
		`|` + d + `/` +
		`|` + regexp.QuoteMeta(filepath.ToSlash(work)) + `/`)
	return func(s string) string { return re.ReplaceAllString(s, "") }
}
