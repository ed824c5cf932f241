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
	if d := cmp.Diff(want, ro.Students); d != "" {
		t.Fatalf("students (-want +got):\n%s", d)
	}
	for entry, id := range map[string]string{"carol@uni.edu": "carol@uni.edu", "s1": "carol@uni.edu", "ann@uni.edu": "ann", "ANN": "ann"} {
		s, ok := ro.Lookup(entry)
		require.True(t, ok, entry)
		require.Equal(t, id, s.ID, entry)
	}
	_, ok := ro.Lookup("bob")
	require.False(t, ok)
	g := ro.Gaps([]string{"ann", "zed", "bob"})
	if d := cmp.Diff(Gaps{NoSubmission: want[:1], NotOnRoster: []string{"bob", "zed"}}, g); d != "" {
		t.Fatalf("gaps (-want +got):\n%s", d)
	}
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
			if !errors.Is(err, ErrSyntax) && !strings.HasPrefix(err.Error(), "reading roster.csv") {
				t.Fatalf("error without ErrSyntax: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
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
		"canvas": "Student,ID,SIS User ID,SIS Login ID,Section,Primes\n\"Ross, Carol\",,S1,carol@uni.edu,,7.5\n'=evil,,,,,3\n",
		"moodle": "Email address,ID number,Full name,Primes\ncarol@uni.edu,S1,\"Ross, Carol\",7.5\n,,'=evil,3\n",
		"csv":    "student,name,email,sis_id,points\ncarol@uni.edu,\"Ross, Carol\",carol@uni.edu,S1,7.5\n'=evil,'=evil,,,3\n",
	}
	for _, f := range Formats {
		var b strings.Builder
		require.NoError(t, Export(&b, f, "Primes", ro, grades))
		if d := cmp.Diff(want[f], b.String()); d != "" {
			t.Errorf("%s (-want +got):\n%s", f, d)
		}
	}
	require.EqualError(t, Export(&strings.Builder{}, "blackboard", "x", ro, nil), `-format "blackboard" is not one of canvas, moodle, csv`)
}
