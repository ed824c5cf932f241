package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/adjust"
	"github.com/poolschool/poolschool/grader/classreport"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/roster"
	"github.com/poolschool/poolschool/grader/similarity"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/submission"
)

// The files of a results folder that the class view keeps.
const (
	rosterFile     = "roster.csv"     // a copy of the -roster file, used by every later rebuild
	similarityFile = "similarity.csv" // pairs of unusually alike submissions
	reportFile     = "report.html"    // the class report
	submittedDir   = "submitted"      // students/<id>/submitted/<exercise>/: the Go files graded, for similarity
	classFile      = "class.json"     // the deadline and late penalty the class is graded against
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

// dueRule is the deadline and late-penalty rule of a class, as the
// results folder keeps them in class.json: every run over the folder,
// a regrade of one student too, grades against them.
type dueRule struct {
	Deadline time.Time `json:"deadline,omitzero"`
	Penalty  string    `json:"late_penalty,omitempty"` // the rule as -late-penalty writes it: "10%/day"
}

func (d dueRule) String() string {
	if d.Deadline.IsZero() {
		return "no deadline"
	}
	s := "-deadline " + d.Deadline.UTC().Format("2006-01-02T15:04Z")
	if d.Penalty != "" {
		s += " -late-penalty " + d.Penalty
	}
	return s
}

// keptRule reads the rule the results folder out keeps. A folder written
// before class.json was kept has it in its students' deadline.json. ok is
// false when the folder has graded no one yet.
func keptRule(out string) (d dueRule, ok bool, err error) {
	path := filepath.Join(out, classFile)
	data, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(data, &d); err != nil {
			return d, false, fmt.Errorf("%s is not a class's deadline (%v); repair it, or grade the whole class again with -change-deadline", path, err)
		}
		return d, true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return d, false, err
	}
	records, _ := filepath.Glob(filepath.Join(out, "students", "*", "record.json"))
	if len(records) == 0 {
		return d, false, nil
	}
	slices.Sort(records)
	for _, r := range records {
		st, err := deadline.ReadFile(filepath.Join(filepath.Dir(r), deadline.File))
		if err != nil || st.Deadline.IsZero() {
			continue
		}
		d.Deadline = st.Deadline
		if st.Rule != nil {
			unit := "hour"
			if st.Rule.Per == 24*time.Hour {
				unit = "day"
			}
			d.Penalty = fmt.Sprintf("%g%%/%s", st.Rule.Percent, unit)
		}
		break
	}
	return d, true, nil
}

// recordedStudents lists the students the results folder out has graded.
func recordedStudents(out string) []string {
	records, _ := filepath.Glob(filepath.Join(out, "students", "*", "record.json"))
	var ids []string
	for _, r := range records {
		ids = append(ids, filepath.Base(filepath.Dir(r)))
	}
	slices.Sort(ids)
	return ids
}

// class is what the class flags set up for one grade run.
type class struct {
	roster     *roster.Roster // nil without -roster
	rosterPath string
	deadline   time.Time
	rule       *deadline.Penalty
	due        dueRule         // deadline and rule, as class.json keeps them
	changeDue  bool            // -change-deadline: the run replaces the rule the folder keeps
	lmsLate    map[string]bool // entries of a Canvas download that Canvas marked late
	staged     string          // a class folder gathered from a Canvas download; "" when none
	stderr     io.Writer       // for warnings about adjustments.csv
	// finals are the students' final points, as the gradebook has them,
	// for the table at the end of the run; nil when the gradebook has no
	// final column.
	finals map[string]render.Final
}

// setup checks the class flags, and the adjustments file of the results
// folder out, before anything is graded; a bad flag is a usage error.
func (f classFlags) setup(out string, stderr io.Writer) (*class, error) {
	c := &class{stderr: stderr}
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
	given := dueRule{Deadline: c.deadline, Penalty: *f.penalty}
	kept, ok, err := keptRule(out)
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
			fmt.Fprintf(stderr, "grader: graded against the class's %s, which %s keeps\n", kept, filepath.Join(out, classFile))
		}
	case given != kept:
		return nil, usageErr("the class in %s is graded against %s (kept in %s), and every student against the same: leave out -deadline and -late-penalty to keep it, or change it for the whole class by grading the whole class folder with %s -change-deadline", out, kept, classFile, given)
	default:
		c.due = kept
	}
	c.deadline = c.due.Deadline
	if c.due.Penalty != "" {
		p, err := deadline.ParsePenalty(c.due.Penalty)
		if err != nil {
			return nil, fmt.Errorf("%s: %v; repair it, or grade the whole class again with -change-deadline", filepath.Join(out, classFile), err)
		}
		c.rule = &p
	}
	return c, nil
}

// checkChange refuses a -change-deadline run that leaves some of the
// class's students out: they would stay graded against the old deadline.
func (c *class) checkChange(out string, subs []submission.Submission) error {
	if !c.changeDue {
		return nil
	}
	graded := map[string]bool{}
	for _, s := range subs {
		graded[s.ID] = true
	}
	var left []string
	for _, id := range recordedStudents(out) {
		if !graded[id] {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		return usageErr("-change-deadline changes the deadline of the whole class, but this run leaves out %s, graded in %s; grade the whole class folder", strings.Join(left, ", "), out)
	}
	return nil
}

// keepRule writes the deadline and rule the class is graded against to
// the results folder out.
func (c *class) keepRule(out string) error {
	data, err := json.MarshalIndent(c.due, "", "  ")
	if err != nil {
		return err
	}
	return writeWith(filepath.Join(out, classFile), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// stage reads the class folder p as an unpacked Canvas bulk download when
// it is one: the students' files are gathered into one entry per student
// in a folder of its own, and the download's other entries stay where
// they are. It returns the entries to grade, and a line for each entry
// skipped; entries is nil when p is not a Canvas download.
func (c *class) stage(p string) (entries, problems []string, err error) {
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

func (c *class) cleanup() {
	if c.staged != "" {
		_ = os.RemoveAll(c.staged)
	}
}

// assign gives every submission whose entry the roster knows (by id,
// email or sis_id) the roster's id, records it in ids, and sets the
// deadline a git submission is graded at. It returns one line per entry
// it could not assign.
func (c *class) assign(subs []submission.Submission, ids *submission.IDMap) (problems []string) {
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

// graded records when a submission's graded work was made, against the
// deadline, in the student's deadline.json, and says so in the record.
func (c *class) graded(out string, s submission.Submission, x *submission.Extracted, rep *result.Report) error {
	st := deadline.Status{Deadline: c.deadline, Commit: x.Commit, Committed: x.Committed, Newer: x.Newer, Rule: c.rule,
		LMSLate: c.lmsLate[filepath.Base(s.Path)]}
	if !c.deadline.IsZero() && !x.Committed.IsZero() && x.Committed.After(c.deadline) {
		st.Late = x.Committed.Sub(c.deadline)
	}
	if x.Commit != "" && !c.deadline.IsZero() {
		note := fmt.Sprintf("graded commit %.12s, committed %s", x.Commit, x.Committed.Format(time.RFC3339))
		if st.Newer {
			note += "; later commits, after the deadline, were not graded"
		}
		rep.Notes = append(rep.Notes, note)
	}
	if d := st.Describe(); d != "" {
		rep.Notes = append(rep.Notes, "late: "+d)
	}
	dir := filepath.Join(out, "students", rep.Student)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return st.WriteFile(filepath.Join(dir, deadline.File))
}

// keep copies the Go files a student may edit, as graded, from the
// student's copy of the kit to students/<id>/submitted/, where every
// later rebuild compares them.
func (c *class) keep(out, student, copyDir string, exs []*spec.Exercise) error {
	dst := filepath.Join(out, "students", student, submittedDir)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	for _, ex := range exs {
		for _, f := range editableGo(filepath.Join(copyDir, kit.Exercises, ex.Name), ex) {
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

// editableGo lists the .go files under dir that ex lets a student edit,
// as slash paths relative to dir.
func editableGo(dir string, ex *spec.Exercise) []string {
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

// standing is one student's points after the instructor's adjustments
// and the late penalty.
type standing struct {
	adjustments []adjust.Adjustment
	adjust      float64
	penalty     float64
	final       float64
	status      deadline.Status
	// outOfRange says, when the adjustments take the points above the
	// maximum or below zero, by how much; "" when they do not.
	outOfRange string
}

// standings reads the adjustments and deadline statuses of a results
// folder and works out every student's final points. Adjustments for
// students or exercises the folder does not have are returned as
// warnings: they are kept in the file, for a later run may grade them.
func standings(out string, all []*result.Report) (map[string]standing, []string, error) {
	adjs, err := adjust.ReadFile(filepath.Join(out, adjust.File))
	if err != nil {
		return nil, nil, fmt.Errorf("%w; fix it and run grade again: no record is lost", err)
	}
	st := map[string]standing{}
	graded := map[string]bool{} // lower-case ids: adjustments name them in any case
	exercises := map[string]bool{}
	for _, r := range all {
		s := standing{}
		s.adjustments, s.adjust = adjust.For(adjs, r.Student)
		if s.status, err = deadline.ReadFile(filepath.Join(out, "students", r.Student, deadline.File)); err != nil {
			return nil, nil, err
		}
		got, most := r.Score()
		s.penalty = s.status.Penalty(got, most)
		raw := got + s.adjust - s.penalty
		s.final = max(0, raw)
		switch {
		case raw > most:
			s.outOfRange = fmt.Sprintf("%s's final, %s, is above the %s points available (total %s, adjustments %+g): check its rows if that is not meant", r.Student, result.Points(s.final), result.Points(most), result.Points(got), s.adjust)
		case raw < 0:
			s.outOfRange = fmt.Sprintf("%s's points come to %s, below zero (total %s, adjustments %+g, late penalty %s); the final is 0: check its rows if that is not meant", r.Student, result.Points(raw), result.Points(got), s.adjust, result.Points(s.penalty))
		}
		st[r.Student] = s
		graded[strings.ToLower(r.Student)] = true
		for _, e := range r.Exercises {
			exercises[e.Name] = true
		}
	}
	var warnings []string
	for _, r := range all {
		if o := st[r.Student].outOfRange; o != "" {
			warnings = append(warnings, adjust.File+": "+o)
		}
	}
	for _, a := range adjs {
		if !graded[strings.ToLower(a.Student)] {
			warnings = append(warnings, fmt.Sprintf("%s:%d: no student %q has been graded; the adjustment waits for one", adjust.File, a.Line, a.Student))
		} else if a.Exercise != "" && !exercises[a.Exercise] {
			warnings = append(warnings, fmt.Sprintf("%s:%d: no exercise %q has been graded; the adjustment still counts in the total", adjust.File, a.Line, a.Exercise))
		}
	}
	return st, warnings, nil
}

// rebuild writes the class view over the class files writeClass has just
// rebuilt from all: the gradebook gains the roster's columns, the
// adjustments, the late penalty and the final points; every feedback.md
// its adjustments; summary.txt the histograms and the roster's gaps; and
// similarity.csv and report.html are written afresh.
func (c *class) rebuild(out string, all []*result.Report, exs []*spec.Exercise, base string) error {
	rosterPath := filepath.Join(out, rosterFile)
	if c.rosterPath != "" {
		if err := kit.CopyFile(c.rosterPath, rosterPath, 0o644); err != nil {
			return fmt.Errorf("keeping the roster: %w", err)
		}
	}
	ro, err := readRoster(rosterPath)
	if err != nil {
		return err
	}
	if err := adjust.WriteTemplate(filepath.Join(out, adjust.File)); err != nil {
		return err
	}
	st, warnings, err := standings(out, all)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(c.stderr, "grader: %s\n", w)
	}
	if err := extendGradebook(filepath.Join(out, "gradebook.csv"), ro, st); err != nil {
		return err
	}
	if hasFinal(st) {
		c.finals = map[string]render.Final{}
		for _, r := range all {
			s := st[r.Student]
			got, _ := r.Score()
			var why []string
			if s.adjust != 0 {
				why = append(why, fmt.Sprintf("adjustments %+g", s.adjust))
			}
			if s.penalty != 0 {
				why = append(why, fmt.Sprintf("late penalty -%s", result.Points(s.penalty)))
			}
			if s.final != got && s.final == 0 {
				why = append(why, "not below 0")
			}
			f := render.Final{Points: s.final}
			if s.final != got {
				f.Why = strings.Join(why, ", ")
			}
			c.finals[r.Student] = f
		}
	}
	for _, r := range all {
		if err := writeWith(filepath.Join(out, "students", r.Student, "feedback.md"), func(w io.Writer) error { return feedback(w, r, st[r.Student]) }); err != nil {
			return err
		}
	}
	pairs := compareClass(out, all, exs, base)
	if err := writeWith(filepath.Join(out, similarityFile), func(w io.Writer) error { return similarity.WriteCSV(w, pairs) }); err != nil {
		return err
	}
	if err := appendSummary(filepath.Join(out, "summary.txt"), all, ro, st); err != nil {
		return err
	}
	in := classreport.Input{Reports: all, Roster: ro, Pairs: pairs, Provenance: result.Here(time.Now()),
		Adjustments: map[string]float64{}, Penalties: map[string]float64{}, Late: map[string]string{}}
	for id, s := range st {
		in.Adjustments[id], in.Penalties[id], in.Late[id] = s.adjust, s.penalty, s.status.Describe()
	}
	return writeWith(filepath.Join(out, reportFile), func(w io.Writer) error { return classreport.WriteHTML(w, in) })
}

// readRoster reads the results folder's roster; nil when it has none.
func readRoster(path string) (*roster.Roster, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	ro, err := roster.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w; fix it or grade again with -roster", err)
	}
	return ro, nil
}

// extendGradebook adds to gradebook.csv the roster's name, email and
// sis_id after the student column when there is a roster, and
// adjustment, late_penalty, final and late after max when any student
// has an adjustment or was graded against a deadline: a class without
// either keeps the gradebook it always had.
func extendGradebook(path string, ro *roster.Roster, st map[string]standing) error {
	changed := hasFinal(st)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) == 0 {
		return fmt.Errorf("reading %s back: %v", path, err)
	}
	maxCol := slices.Index(rows[0], "max")
	if maxCol < 0 {
		return fmt.Errorf("%s has no max column", path)
	}
	for i, row := range rows {
		var who, after []string
		if i == 0 {
			who, after = []string{"name", "email", "sis_id"}, []string{"adjustment", "late_penalty", "final", "late"}
		} else {
			s, known := st[row[0]]
			p, _ := ro.Student(row[0])
			who = []string{render.Cell(p.Name), render.Cell(p.Email), render.Cell(p.SISID)}
			after = []string{"", "", "", ""}
			if known {
				after = []string{result.Points(s.adjust), result.Points(s.penalty), result.Points(s.final), render.Cell(s.status.Describe())}
			}
		}
		if ro == nil {
			who = nil
		}
		if !changed {
			after = nil
		}
		out := append(append([]string{row[0]}, who...), row[1:maxCol+1]...)
		rows[i] = append(append(out, after...), row[maxCol+1:]...)
	}
	return writeWith(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.WriteAll(rows); err != nil {
			return fmt.Errorf("writing the gradebook: %w", err)
		}
		return nil
	})
}

// hasFinal reports whether the gradebook has the columns adjustment,
// late_penalty, final and late: whether any student has an adjustment or
// was graded against a deadline.
func hasFinal(st map[string]standing) bool {
	for _, s := range st {
		if len(s.adjustments) > 0 || !s.status.Deadline.IsZero() || s.status.LMSLate {
			return true
		}
	}
	return false
}

// feedback writes a student's feedback.md: the record's, then one line
// per adjustment and the late penalty, with the final points.
func feedback(w io.Writer, r *result.Report, s standing) error {
	if err := render.Feedback(w, r); err != nil {
		return err
	}
	if len(s.adjustments) == 0 && s.penalty == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\n## Adjustments\n\n")
	for _, a := range s.adjustments {
		what := "your total"
		if a.Exercise != "" {
			what = a.Exercise
		}
		fmt.Fprintf(&b, "- %+g points (%s): %s\n", a.Points, render.Text(what), render.Text(a.Reason))
	}
	if s.penalty > 0 {
		fmt.Fprintf(&b, "- %+g points, late: %s\n", -s.penalty, s.status.Describe())
	}
	_, most := r.Score()
	fmt.Fprintf(&b, "\nFinal: %s of %s points.\n", result.Points(s.final), result.Points(most))
	_, err := io.WriteString(w, b.String())
	return err
}

// compareClass compares, per exercise, the Go files every student handed
// in, with the starter's left out.
func compareClass(out string, all []*result.Report, exs []*spec.Exercise, base string) []similarity.Pair {
	var pairs []similarity.Pair
	for _, ex := range exs {
		starter := readGo(filepath.Join(base, kit.Exercises, ex.Name), ex)
		var subs []similarity.Submission
		for _, r := range all {
			files := readGo(filepath.Join(out, "students", r.Student, submittedDir, ex.Name), ex)
			if r.Error == "" && len(files) > 0 {
				subs = append(subs, similarity.Submission{Student: r.Student, Files: files})
			}
		}
		pairs = append(pairs, similarity.Compare(ex.Name, starter, subs, similarity.DefaultOptions)...)
	}
	return pairs
}

func readGo(dir string, ex *spec.Exercise) []similarity.File {
	var files []similarity.File
	for _, f := range editableGo(dir, ex) {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f))); err == nil {
			files = append(files, similarity.File{Name: f, Src: data})
		}
	}
	return files
}

// appendSummary adds the histograms, the finals that adjustments take
// out of range and the roster's gaps to summary.txt.
func appendSummary(path string, all []*result.Report, ro *roster.Roster, st map[string]standing) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	werr := classreport.WriteTextHistograms(f, all)
	var outOfRange []string
	for _, r := range all {
		if o := st[r.Student].outOfRange; o != "" {
			outOfRange = append(outOfRange, "  "+render.Text(o)+"\n")
		}
	}
	if werr == nil && len(outOfRange) > 0 {
		_, werr = fmt.Fprintf(f, "\nAdjustments out of range (%s):\n%s", adjust.File, strings.Join(outOfRange, ""))
	}
	if werr == nil && ro != nil {
		var ids []string
		for _, r := range all {
			ids = append(ids, r.Student)
		}
		g := ro.Gaps(ids)
		var missing []string
		for _, s := range g.NoSubmission {
			missing = append(missing, s.ID)
		}
		_, werr = fmt.Fprintf(f, "\nRoster: %d with no submission: %s\nNot on the roster: %s\n", len(missing), render.Text(orNone(missing)), render.Text(orNone(g.NotOnRoster)))
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	return werr
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
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
	if !slices.Contains(roster.Formats, *format) || *outFile == "" || fs.NArg() != 0 {
		return exitCode(usageErr("name a format and a file, like \"grader export -format canvas -out canvas.csv\"; formats: %s", strings.Join(roster.Formats, ", ")), stderr)
	}
	files, _ := filepath.Glob(filepath.Join(*results, "students", "*", "record.json"))
	if len(files) == 0 {
		return exitCode(usageErr("%s holds no graded students; run grade first, or name the results folder with -results", *results), stderr)
	}
	slices.Sort(files)
	var all []*result.Report
	for _, f := range files {
		r, err := result.ReadFile(f)
		if err != nil {
			return exitCode(err, stderr)
		}
		all = append(all, r)
	}
	ro, err := readRoster(filepath.Join(*results, rosterFile))
	if err != nil {
		return exitCode(err, stderr)
	}
	st, _, err := standings(*results, all)
	if err != nil {
		return exitCode(err, stderr)
	}
	var grades []roster.Grade
	for _, r := range all {
		grades = append(grades, roster.Grade{Student: r.Student, Points: st[r.Student].final})
	}
	if lines := roster.Unmatched(*format, ro, grades); len(lines) > 0 {
		for _, l := range lines {
			fmt.Fprintf(stderr, "grader: export: %s\n", render.Text(l))
		}
		return exitCode(fmt.Errorf("nothing was written: %s could not match %d of %d student(s) (above); add what they lack to your roster file and grade again with -roster, or edit %s, then export again", *format, len(lines), len(grades), filepath.Join(*results, rosterFile)), stderr)
	}
	err = writeWith(*outFile, func(w io.Writer) error { return roster.Export(w, *format, *assignment, ro, grades) })
	if err != nil {
		return exitCode(err, stderr)
	}
	fmt.Fprintf(stdout, "wrote %d student(s) to %s for %s\n", len(grades), *outFile, *format)
	return 0
}
