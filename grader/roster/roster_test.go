package roster

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	ro, err := Parse(strings.NewReader("\ufeffName,id,Email,sis_id\n"+
		"\"Ross, Carol\",carol@uni.edu,carol@uni.edu,S1\n"+
		"\n"+
		"Ann Lee, ann ,ANN@uni.edu,\n"), "roster.csv")
	require.NoError(t, err)
	want := []Student{
		{ID: "carol@uni.edu", Name: "Ross, Carol", Email: "carol@uni.edu", SISID: "S1"},
		{ID: "ann", Name: "Ann Lee", Email: "ANN@uni.edu"},
	}
	require.Empty(t, cmp.Diff(want, ro.Students), "students (-want +got)")
	for entry, id := range map[string]string{"carol@uni.edu": "carol@uni.edu", "s1": "carol@uni.edu", "ann@uni.edu": "ann", "ANN": "ann"} {
		s, ok := ro.Lookup(entry)
		require.True(t, ok, entry)
		require.Equal(t, id, s.ID, entry)
	}
	_, ok := ro.Lookup("bob")
	require.False(t, ok)
	g := ro.Gaps([]string{"ann", "zed", "bob"})
	require.Empty(t, cmp.Diff(Gaps{NoSubmission: want[:1], NotOnRoster: []string{"bob", "zed"}}, g), "gaps (-want +got)")
}

// TestEmailIDWithCapitals: an email address is an id in any case, kept
// as written, and found in any case.
func TestEmailIDWithCapitals(t *testing.T) {
	ro, err := Parse(strings.NewReader("id,name\nCarol@Uni.edu,Carol\n"), "roster.csv")
	require.NoError(t, err)
	require.Equal(t, "Carol@Uni.edu", ro.Students[0].ID)
	s, ok := ro.Lookup("carol@uni.edu")
	require.True(t, ok)
	require.Equal(t, "Carol@Uni.edu", s.ID)
	_, ok = ro.Student("Carol@Uni.edu")
	require.True(t, ok)
	require.False(t, ValidID("Carol Ross"))
	require.False(t, ValidID("Ann"))
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                                     "roster.csv:1: the roster is empty; its first row must name the columns",
		"name,email\nAnn,a@b.c\n":              "roster.csv:1: the header has no id column",
		"id,nmae\nann,Ann\n":                   `roster.csv:1: column "nmae" is not a roster column; name the columns id, name, email, sis_id in the first row`,
		"id,id\nann,ann\n":                     `roster.csv:1: column "id" appears twice`,
		"id,name\nann,Ann\nAnn B,x\n":          `roster.csv:3: id "Ann B" is not a student id`,
		"id,email\nann,a@u.edu\nbob,A@u.edu\n": `roster.csv:3: "a@u.edu" is already the id, email or sis_id of ann`,
		"id,name\nann,Ann,extra\n":             "roster.csv:2: 3 fields, but the header names 2 columns",
		"id,name\nann,\"Ann\n":                 "roster.csv:2: extraneous or missing \" in quoted-field; save the roster as plain CSV",
		"id,name\nann,\xff\n":                  "roster.csv:2: the row is not UTF-8",
	} {
		_, err := Parse(strings.NewReader(in), "roster.csv")
		require.Error(t, err, "%q", in)
		require.Contains(t, err.Error(), want, "%q", in)
		require.True(t, errors.Is(err, ErrSyntax), "%q: %v", in, err)
		require.NotContains(t, err.Error(), "\n")
	}
}

// FuzzParse: any input gives a roster or one line of error, never a
// panic, and every student it gives is one the grader can file under
// its id and find again.
func FuzzParse(f *testing.F) {
	f.Add("id,name,email,sis_id\ncarol@uni.edu,Carol,carol@uni.edu,1\nann,Ann,,\n")
	f.Add("\ufeffid\n\"a\"\"b\"\n")
	f.Add("id,email\nann,a@u.edu\nbob,A@u.edu\n")
	f.Fuzz(func(t *testing.T, in string) {
		ro, err := Parse(strings.NewReader(in), "roster.csv")
		if err != nil {
			require.True(t, errors.Is(err, ErrSyntax) || strings.HasPrefix(err.Error(), "reading roster.csv"), "error without ErrSyntax: %v", err)
			require.NotContains(t, err.Error(), "\n", "error of more than one line")
			return
		}
		for _, s := range ro.Students {
			require.True(t, ValidID(s.ID), "%q", s.ID)
			got, ok := ro.Student(s.ID)
			require.True(t, ok, "%q", s.ID)
			require.Equal(t, s, got)
		}
	})
}

func TestExport(t *testing.T) {
	ro, err := Parse(strings.NewReader("id,name,email,sis_id\ncarol@uni.edu,\"Ross, Carol\",carol@uni.edu,S1\n"), "roster.csv")
	require.NoError(t, err)
	grades := []Grade{{"carol@uni.edu", 7.5}, {"=evil", 3}}
	want := map[string]string{
		"canvas": "Student,ID,SIS User ID,SIS Login ID,Section,Primes\n\"Ross, Carol\",,S1,carol@uni.edu,,7.5\n,,,,,3\n",
		"moodle": "Email address,ID number,Full name,Primes\ncarol@uni.edu,S1,\"Ross, Carol\",7.5\n,,,3\n",
		"csv":    "student,name,email,sis_id,points\ncarol@uni.edu,\"Ross, Carol\",carol@uni.edu,S1,7.5\n'=evil,,,,3\n",
	}
	for _, f := range Formats {
		var b strings.Builder
		require.NoError(t, Export(&b, f, "Primes", ro, grades))
		require.Empty(t, cmp.Diff(want[f], b.String()), "%s (-want +got)", f)
	}
	require.EqualError(t, Export(&strings.Builder{}, "blackboard", "x", ro, nil), `-format "blackboard" is not one of canvas, moodle, csv`)
}

// TestUnmatched: every row an LMS could not match to a student is named,
// with what the roster lacks; the csv format's rows carry the id.
func TestUnmatched(t *testing.T) {
	ro, err := Parse(strings.NewReader("id,name,email,sis_id\n"+
		"carol@uni.edu,Carol Ross,carol@uni.edu,S1\n"+
		"ann,,,\n"+
		"bo,Bo Li,,S2\n"+
		"cy,,cy@uni.edu,S3\n"), "roster.csv")
	require.NoError(t, err)
	grades := []Grade{{"carol@uni.edu", 5}, {"ann", 5}, {"bo", 4}, {"cy", 3}, {"zed", 1}}
	want := map[string][]string{
		"canvas": {
			"ann: the roster gives no name and no sis_id, one of which Canvas matches the row on; add them to the roster",
			"zed: not on the roster, so Canvas has nothing to match the row on; add the student to the roster with a name or a sis_id",
		},
		"moodle": {
			"zed: not on the roster, so Moodle has nothing to match the row on; add the student to the roster with an email",
			"ann: the roster gives no email, which Moodle matches the rows on (or the ID number, when every student has a sis_id); add it to the roster",
			"bo: the roster gives no email, which Moodle matches the rows on (or the ID number, when every student has a sis_id); add it to the roster",
		},
	}
	for _, f := range Formats {
		require.Empty(t, cmp.Diff(want[f], Unmatched(f, ro, grades)), "%s (-want +got)", f)
	}
	// Moodle matches on the ID number when every student has a sis_id.
	require.Empty(t, Unmatched("moodle", ro, []Grade{{"bo", 4}, {"cy", 3}}))
	require.Empty(t, Unmatched("canvas", ro, []Grade{{"bo", 4}, {"cy", 3}}))
}
