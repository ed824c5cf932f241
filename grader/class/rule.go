package class

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/poolschool/poolschool/grader/internal/atomicfile"
)

// Rule is the deadline and late-penalty rule of a class, as the results
// folder keeps them in class.json: every run over the folder, a regrade
// of one student too, grades against them.
type Rule struct {
	Deadline time.Time `json:"deadline,omitzero"`
	Penalty  string    `json:"late_penalty,omitempty"` // the rule as -late-penalty writes it: "10%/day"
}

// String is the rule as grade's flags say it.
func (r Rule) String() string {
	if r.Deadline.IsZero() {
		return "no deadline"
	}
	// Seconds only when the deadline has them, as -deadline takes them:
	// said without, the rule names another deadline than it keeps.
	d := r.Deadline.UTC()
	layout := "2006-01-02T15:04Z"
	if d.Second() != 0 || d.Nanosecond() != 0 {
		layout = time.RFC3339Nano
	}
	s := "-deadline " + d.Format(layout)
	if r.Penalty != "" {
		s += " -late-penalty " + r.Penalty
	}
	return s
}

// KeptRule reads the rule the results folder out keeps. A folder written
// before class.json was kept has it in its students' deadline.json. ok is
// false when the folder has graded no one yet.
func KeptRule(out string) (r Rule, ok bool, err error) {
	path := filepath.Join(out, RuleFile)
	data, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(data, &r); err != nil {
			return r, false, fmt.Errorf("%s is not a class's deadline (%v); repair it, or grade the whole class again with -change-deadline", path, err)
		}
		return r, true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return r, false, err
	}
	records := recordFiles(out)
	if len(records) == 0 {
		return r, false, nil
	}
	for _, rec := range records {
		st, err := deadline.ReadFile(filepath.Join(filepath.Dir(rec), deadline.File))
		if err != nil || st.Deadline.IsZero() {
			continue
		}
		r.Deadline = st.Deadline
		if st.Rule != nil {
			unit := "hour"
			if st.Rule.Per == 24*time.Hour {
				unit = "day"
			}
			r.Penalty = fmt.Sprintf("%g%%/%s", st.Rule.Percent, unit)
		}
		break
	}
	return r, true, nil
}

// LatePenalty is the rule's late penalty; nil when it has none. A rule
// kept in out that cannot be read is an error about the results folder.
func (r Rule) LatePenalty(out string) (*deadline.Penalty, error) {
	if r.Penalty == "" {
		return nil, nil
	}
	p, err := deadline.ParsePenalty(r.Penalty)
	if err != nil {
		return nil, fmt.Errorf("%s: %v; repair it, or grade the whole class again with -change-deadline", filepath.Join(out, RuleFile), err)
	}
	return &p, nil
}

// Keep writes the rule to the results folder out, for every later run.
func (r Rule) Keep(out string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(out, RuleFile), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// Same reports whether o is the same rule as r in any words: the same
// instant in any zone, and a late penalty that takes the same share per
// the same time ("10.0%/day" is "10%/day"). An instructor who types the
// class's rule back on a regrade is not told it differs.
func (r Rule) Same(o Rule) bool {
	if !r.Deadline.Equal(o.Deadline) {
		return false
	}
	if r.Penalty == o.Penalty {
		return true
	}
	a, errA := deadline.ParsePenalty(r.Penalty)
	b, errB := deadline.ParsePenalty(o.Penalty)
	return errA == nil && errB == nil && a == b
}
