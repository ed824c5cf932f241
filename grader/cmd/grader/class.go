package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/class"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/internal/atomicfile"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/roster"
	"github.com/poolschool/poolschool/grader/submission"
)

// classFlags are grade's flags about the class as a whole: who is in it,
// when the work was due and what lateness costs.
type classFlags struct {
	roster, deadline, penalty *string
	change                    *bool
}

func addClassFlags(fs *flag.FlagSet) classFlags {
	return classFlags{
		roster:   fs.String("roster", "", "the class list, a CSV with the columns id, name, email, sis_id (header required)"),
		deadline: fs.String("deadline", "", "grade git submissions at their last commit before this time, like 2026-12-01T23:59Z, and mark later work late; the results folder keeps it for later runs"),
		penalty:  fs.String("late-penalty", "", "with -deadline: points taken from late work, like 10%/day or 2%/hour of the points available"),
		change:   fs.Bool("change-deadline", false, "replace the deadline and late penalty the results folder keeps with -deadline and -late-penalty (none without them); the run must grade the whole class"),
	}
}

// classSettings are what the class flags set up for one grade run.
type classSettings struct {
	roster     *roster.Roster // nil without -roster
	rosterPath string
	deadline   time.Time
	rule       *deadline.Penalty
	due        class.Rule      // deadline and rule, as class.json keeps them
	changeDue  bool            // -change-deadline: the run replaces the rule the folder keeps
	lmsLate    map[string]bool // entries of a Canvas download that Canvas marked late
	staged     string          // a class folder gathered from a Canvas download; "" when none
}

// setup checks the class flags, and the adjustments file of the results
// folder out, before anything is graded; a bad flag is a usage error.
func (f classFlags) setup(out string, stderr io.Writer) (*classSettings, error) {
	c := &classSettings{}
	if _, err := adjust.ReadFile(filepath.Join(out, adjust.File)); err != nil {
		return nil, fmt.Errorf("%w; fix it and run grade again: nothing was graded", err)
	}
	if *f.roster != "" {
		ro, err := roster.ReadFile(*f.roster)
		if err != nil {
			return nil, usageErr("-roster: %v", err)
		}
		c.roster, c.rosterPath = ro, *f.roster
	}
	if *f.deadline != "" {
		d, err := deadline.Parse(*f.deadline)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		c.deadline = d
	}
	if *f.penalty != "" {
		if c.deadline.IsZero() {
			return nil, usageErr("-late-penalty needs -deadline: say when the work was due")
		}
		if _, err := deadline.ParsePenalty(*f.penalty); err != nil {
			return nil, usageErr("%v", err)
		}
	}
	given := class.Rule{Deadline: c.deadline, Penalty: *f.penalty}
	kept, ok, err := class.KeptRule(out)
	if err != nil {
		return nil, err
	}
	given.Deadline, kept.Deadline = given.Deadline.UTC(), kept.Deadline.UTC()
	switch {
	case *f.change || !ok:
		c.due, c.changeDue = given, *f.change
	case *f.deadline == "" && *f.penalty == "":
		c.due = kept // a regrade keeps to the class's deadline
		if !kept.Deadline.IsZero() {
			fmt.Fprintf(stderr, "grader: graded against the class's %s, which %s keeps\n", kept, filepath.Join(out, class.RuleFile))
		}
	case !given.Same(kept):
		return nil, usageErr("the class in %s is graded against %s (kept in %s), and every student against the same: leave out -deadline and -late-penalty to keep it, or change it for the whole class by grading the whole class folder with %s -change-deadline", out, kept, class.RuleFile, given)
	default:
		c.due = kept
	}
	c.deadline = c.due.Deadline
	if c.rule, err = c.due.LatePenalty(out); err != nil {
		return nil, err
	}
	return c, nil
}

// checkChange refuses a -change-deadline run that leaves some of the
// class's students out: they would stay graded against the old deadline.
func (c *classSettings) checkChange(out string, subs []submission.Submission) error {
	if !c.changeDue {
		return nil
	}
	graded := map[string]bool{}
	for _, s := range subs {
		graded[s.ID] = true
	}
	var left []string
	for _, id := range class.Students(out) {
		if !graded[id] {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		return usageErr("-change-deadline changes the deadline of the whole class, but this run leaves out %s, graded in %s; grade the whole class folder", strings.Join(left, ", "), out)
	}
	return nil
}

// stage reads the class folder p as an unpacked Canvas bulk download when
// it is one: the students' files are gathered into one entry per student
// in a folder of its own, and the download's other entries stay where
// they are. It returns the entries to grade, and a line for each entry
// skipped; entries is nil when p is not a Canvas download.
func (c *classSettings) stage(p string) (entries, problems []string, err error) {
	if fi, err := os.Stat(filepath.Join(p, kit.Exercises)); err == nil && fi.IsDir() {
		return nil, nil, nil // one student's kit
	}
	students, others, ok := submission.CanvasLayout(p)
	if !ok {
		return nil, nil, nil
	}
	dir, err := os.MkdirTemp("", "poolschool-canvas-")
	if err != nil {
		return nil, nil, err
	}
	c.staged = dir
	if err := submission.StageCanvas(students, dir); err != nil {
		return nil, nil, err
	}
	c.lmsLate = map[string]bool{}
	named := map[string]bool{}
	for _, e := range students {
		c.lmsLate[e.Name] = e.Late
		named[e.Name] = true
		entries = append(entries, filepath.Join(dir, e.Name))
	}
	for _, n := range others {
		path := filepath.Join(p, n)
		fi, err := os.Lstat(path)
		switch {
		case err != nil:
			return nil, nil, err
		case named[n]:
			problems = append(problems, fmt.Sprintf("%s: skipped, the Canvas files of a student are graded under that name; rename it to grade it too", submission.ShowName(n)))
			continue
		case !strings.HasPrefix(n, ".") && fi.Mode().IsRegular():
			if _, err := submission.KindOf(path); err != nil {
				problems = append(problems, fmt.Sprintf("%s: skipped, neither a student's file of the Canvas download (named like rosscarol_123_456_main.go) nor a submission (a folder, a git repository, a .zip or a .tar.gz); move it out of the folder if it is not a student's work, or rename it", submission.ShowName(n)))
				continue
			}
		}
		entries = append(entries, path)
	}
	return entries, problems, nil
}

func (c *classSettings) cleanup() {
	if c.staged != "" {
		_ = os.RemoveAll(c.staged)
	}
}

// assign gives every submission whose entry the roster knows (by id,
// email or sis_id) the roster's id, records it in ids, and sets the
// deadline a git submission is graded at. It returns one line per entry
// it could not assign.
func (c *classSettings) assign(subs []submission.Submission, ids *submission.IDMap) (problems []string) {
	taken := map[string]string{}
	for i := range subs {
		subs[i].Before = c.deadline
		entry := filepath.Base(subs[i].Path)
		s, ok := c.roster.Lookup(strings.ToLower(submission.ID(entry)))
		if !ok {
			s, ok = c.roster.Lookup(entry)
		}
		if !ok {
			continue
		}
		if other, dup := taken[s.ID]; dup {
			problems = append(problems, fmt.Sprintf("%s and %s are both %s on the roster; %s is graded as %q", submission.ShowName(other), submission.ShowName(entry), s.ID, submission.ShowName(entry), subs[i].ID))
			continue
		}
		taken[s.ID] = entry
		subs[i].ID = s.ID
		ids.Set(entry, s.ID)
	}
	return problems
}

// cmdExport writes a results folder's final points as the grade import
// file of an LMS.
func cmdExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export", "-format canvas|moodle|csv -out FILE [-results DIR] [-assignment NAME]", stderr)
	format := fs.String("format", "", "canvas, moodle or csv")
	outFile := fs.String("out", "", "the file to write")
	results := fs.String("results", "grades", "the results folder grade wrote")
	assignment := fs.String("assignment", "Pool School", "the assignment's column name, as the LMS names it")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitCode(err, stderr)
	}
	if *format != "" && !slices.Contains(roster.Formats, *format) {
		return exitCode(usageErr("unknown -format %q; formats: %s", *format, strings.Join(roster.Formats, ", ")), stderr)
	}
	if *format == "" || *outFile == "" || fs.NArg() != 0 {
		return exitCode(usageErr("name a format and a file, like \"grader export -format canvas -out canvas.csv\"; formats: %s", strings.Join(roster.Formats, ", ")), stderr)
	}
	all, err := class.Records(*results)
	if err != nil {
		return exitCode(err, stderr)
	}
	if len(all) == 0 {
		return exitCode(usageErr("%s holds no graded students; run grade first, or name the results folder with -results", *results), stderr)
	}
	ro, err := class.ReadRoster(*results)
	if err != nil {
		return exitCode(err, stderr)
	}
	grades, err := class.Grades(*results, all)
	if err != nil {
		return exitCode(err, stderr)
	}
	if lines := roster.Unmatched(*format, ro, grades); len(lines) > 0 {
		for _, l := range lines {
			fmt.Fprintf(stderr, "grader: export: %s\n", render.Text(l))
		}
		return exitCode(fmt.Errorf("nothing was written: %s could not match %d of %d student(s) (above); add what they lack to your roster file and grade again with -roster, or edit %s, then export again", *format, len(lines), len(grades), filepath.Join(*results, class.RosterFile)), stderr)
	}
	err = atomicfile.Write(*outFile, func(w io.Writer) error { return roster.Export(w, *format, *assignment, ro, grades) })
	if err != nil {
		return exitCode(err, stderr)
	}
	fmt.Fprintf(stdout, "wrote %d student(s) to %s for %s\n", len(grades), *outFile, *format)
	return 0
}
