package class

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/grader/deadline"
	"github.com/stretchr/testify/require"
)

var due = time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC)

// The rule is said as the flags that give it, so that an instructor told
// the class's rule can type it back; a deadline given in another zone is
// said in UTC, as class.json compares it.
func TestRuleString(t *testing.T) {
	for _, tc := range []struct {
		rule Rule
		want string
	}{
		{Rule{}, "no deadline"},
		{Rule{Deadline: due}, "-deadline 2026-12-01T23:59Z"},
		{Rule{Deadline: due.In(time.FixedZone("CET", 3600))}, "-deadline 2026-12-01T23:59Z"},
		{Rule{Deadline: due, Penalty: "10%/day"}, "-deadline 2026-12-01T23:59Z -late-penalty 10%/day"},
	} {
		require.Empty(t, cmp.Diff(tc.want, tc.rule.String()), "%#v", tc.rule)
	}
}

// -deadline takes seconds too (deadline.Parse reads RFC 3339): a rule
// said without them names another deadline, and the refusal of a
// different -deadline would read "graded against -deadline X ... change
// it with -deadline X".
func TestRuleStringKeepsSeconds(t *testing.T) {
	d, err := deadline.Parse("2026-12-01T23:59:30Z")
	require.NoError(t, err)
	said := Rule{Deadline: d}.String()
	require.Empty(t, cmp.Diff("-deadline 2026-12-01T23:59:30Z", said))
	back, err := deadline.Parse(said[len("-deadline "):])
	require.NoError(t, err)
	require.True(t, back.Equal(d), "%s read back as %s", said, back)
}

func TestKeepThenKeptRule(t *testing.T) {
	out := t.TempDir()
	want := Rule{Deadline: due, Penalty: "10%/day"}
	require.NoError(t, want.Keep(out))
	got, ok, err := KeptRule(out)
	require.NoError(t, err)
	require.True(t, ok)
	require.Empty(t, cmp.Diff(want, got))
}

// A rule without a deadline is kept too: the class was graded without
// one, and a regrade must not be given one.
func TestKeepNoDeadline(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, Rule{}.Keep(out))
	got, ok, err := KeptRule(out)
	require.NoError(t, err)
	require.True(t, ok)
	require.Empty(t, cmp.Diff(Rule{}, got))
}

// A folder that has graded no one has no rule: the first run sets it.
func TestKeptRuleEmptyFolder(t *testing.T) {
	got, ok, err := KeptRule(t.TempDir())
	require.NoError(t, err)
	require.False(t, ok)
	require.Empty(t, cmp.Diff(Rule{}, got))
}

// A damaged class.json stops the run with the file to repair and the way
// out, rather than grading against no deadline.
func TestKeptRuleDamaged(t *testing.T) {
	out := t.TempDir()
	path := filepath.Join(out, RuleFile)
	require.NoError(t, os.WriteFile(path, []byte(`{"deadline": "the first of December"}`), 0o644))
	_, ok, err := KeptRule(out)
	require.Error(t, err)
	require.False(t, ok)
	require.Contains(t, err.Error(), path+" is not a class's deadline")
	require.Contains(t, err.Error(), "repair it, or grade the whole class again with -change-deadline")
}

// A folder written before class.json was kept has the rule in its
// students' deadline.json: the first student graded against a deadline
// gives it, a student with none (a submission that could not be read) is
// passed over.
func TestKeptRuleFromDeadlineStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule *deadline.Penalty
		want Rule
	}{
		{"per day", &deadline.Penalty{Percent: 10, Per: 24 * time.Hour}, Rule{Deadline: due, Penalty: "10%/day"}},
		{"per hour", &deadline.Penalty{Percent: 2.5, Per: time.Hour}, Rule{Deadline: due, Penalty: "2.5%/hour"}},
		{"no penalty", nil, Rule{Deadline: due}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			writeRecords(t, out, graded("ann", 5, 5), graded("bob", 4, 5))
			writeStatus(t, out, "bob", deadline.Status{Deadline: due, Commit: "0123456789abcdef", Late: time.Hour, Rule: tc.rule})
			got, ok, err := KeptRule(out)
			require.NoError(t, err)
			require.True(t, ok)
			require.Empty(t, cmp.Diff(tc.want, got))
			// what the old folder gives is a rule grade can read back
			p, err := got.LatePenalty(out)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tc.rule, p))
		})
	}
}

// A folder written before class.json, whose students were graded without
// a deadline, was graded against none: ok, and no deadline.
func TestKeptRuleOldFolderWithoutDeadline(t *testing.T) {
	out := t.TempDir()
	writeRecords(t, out, graded("ann", 5, 5))
	got, ok, err := KeptRule(out)
	require.NoError(t, err)
	require.True(t, ok)
	require.Empty(t, cmp.Diff(Rule{}, got))
}

func TestLatePenalty(t *testing.T) {
	out := t.TempDir()
	p, err := Rule{Deadline: due}.LatePenalty(out)
	require.NoError(t, err)
	require.Nil(t, p)
	p, err = Rule{Deadline: due, Penalty: "10%/day"}.LatePenalty(out)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(&deadline.Penalty{Percent: 10, Per: 24 * time.Hour}, p))
}

// A penalty that cannot be read came from the folder's class.json (grade
// checks the flag before keeping it): the error names the file.
func TestLatePenaltyUnparsable(t *testing.T) {
	out := t.TempDir()
	_, err := Rule{Deadline: due, Penalty: "10%/week"}.LatePenalty(out)
	require.Error(t, err)
	require.Contains(t, err.Error(), filepath.Join(out, RuleFile)+": -late-penalty \"10%/week\" is not a rule")
	require.Contains(t, err.Error(), "-change-deadline")
}

// A regrade's flags that say the class's rule in other words are the same
// rule: "10.0%/day" is "10%/day", and 18:59-05:00 is 23:59Z.
func TestRuleSame(t *testing.T) {
	d := time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC)
	kept := Rule{Deadline: d, Penalty: "10%/day"}
	require.True(t, kept.Same(Rule{Deadline: d.In(time.FixedZone("", -5*3600)), Penalty: "10.0%/day"}))
	require.False(t, kept.Same(Rule{Deadline: d, Penalty: "10%/hour"}))
	require.False(t, kept.Same(Rule{Deadline: d, Penalty: "5%/day"}))
	require.False(t, kept.Same(Rule{Deadline: d}))
	require.False(t, kept.Same(Rule{Deadline: d.Add(time.Minute), Penalty: "10%/day"}))
}
