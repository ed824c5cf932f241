package submission

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestID(t *testing.T) {
	for in, want := range map[string]string{
		"alice.zip": "alice", "Bob Smith.tar.gz": "bob-smith", "carol.tgz": "carol", "dave.git": "dave",
		"../../etc": "etc", "=cmd|calc": "cmd-calc", "ÉLODIE": "lodie", "...": "entry", "a--b": "a-b",
		// an email address is kept, lower-cased; a near miss is not one
		"carol@uni.edu": "carol@uni.edu", "Carol@Uni.EDU.zip": "carol@uni.edu", "dan+go@mail.example.org": "dan+go@mail.example.org",
		"carol@uni": "carol-uni", "@uni.edu": "uni.edu", "a b@uni.edu": "a-b-uni.edu",
	} {
		require.Equal(t, want, ID(in), "ID(%q)", in)
	}
}

func TestCleanName(t *testing.T) {
	lim := DefaultLimits
	for name, ok := range map[string]bool{
		"a/b.go": true, "./a.go": true, "../a": false, "a/../../b": false, "/etc/passwd": false,
		"C:/x": false, `a\b`: false, "": false, "a\x00b": false,
	} {
		_, err := cleanName(name, lim)
		require.Equal(t, ok, err == nil, "cleanName(%q): %v", name, err)
	}
}

func makeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range files {
		w, err := zw.Create(n)
		require.NoError(t, err)
		_, err = w.Write([]byte(b))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	p := filepath.Join(t.TempDir(), "s.zip")
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
	return p
}

func TestExtractLimits(t *testing.T) {
	p := makeZip(t, map[string]string{"a": "1", "b": "2", "c": "3"})
	_, err := Extract(Submission{Path: p, Kind: Zip}, filepath.Join(t.TempDir(), "x"), Limits{Files: 2, Bytes: 100, FileSize: 100, Depth: 5})
	require.True(t, errors.Is(err, ErrRefused))
	require.Contains(t, err.Error(), "more than 2 files")

	p = makeZip(t, map[string]string{"a": "0123456789"})
	_, err = Extract(Submission{Path: p, Kind: Zip}, filepath.Join(t.TempDir(), "x"), Limits{Files: 2, Bytes: 100 << 20, FileSize: 5, Depth: 5})
	require.ErrorIs(t, err, ErrRefused)

	p = makeZip(t, map[string]string{"ok/a.go": "package a"})
	x, err := Extract(Submission{Path: p, Kind: Zip}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(x.Dir, "ok", "a.go"))
	require.NoError(t, err)
	require.Equal(t, "package a", string(data))

	p = makeZip(t, map[string]string{})
	_, err = Extract(Submission{Path: p, Kind: Zip}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
	require.ErrorContains(t, err, "the submission is empty")
}

func TestExtractFolderRefusesLinks(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "a.go"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "b.go"), []byte("y"), 0o644))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(src, "link.go")))
	require.NoError(t, os.Link(filepath.Join(src, "a.go"), filepath.Join(src, "hard.go")))
	x, err := Extract(Submission{Path: src, Kind: Folder}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"link.go: symlink", "a.go: hard link", "hard.go: hard link"}, x.Refused)
	_, err = os.Stat(filepath.Join(x.Dir, "b.go"))
	require.NoError(t, err)
}

func TestScan(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "Alice"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "alice.zip"), []byte("PK"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty.tar.gz"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("x"), 0o644))
	known := NewIDMap()
	subs, problems, err := Scan(dir, known)
	require.NoError(t, err)
	require.Equal(t, []Submission{
		{ID: "alice", Path: filepath.Join(dir, "Alice"), Kind: Folder},
		{ID: "alice-2", Path: filepath.Join(dir, "alice.zip"), Kind: Zip},
		{ID: "empty", Path: filepath.Join(dir, "empty.tar.gz"), Kind: TarGz},
	}, subs, "an empty archive is a submission, refused when extracted: its student gets a row")
	require.Equal(t, []string{
		`Alice and alice.zip both map to id "alice"; graded separately as "alice" and "alice-2"`,
		"readme.txt: skipped, not a submission (expected a folder, a git repository, a .zip or a .tar.gz)",
	}, problems)
	_, err = Extract(subs[2], filepath.Join(t.TempDir(), "x"), DefaultLimits)
	require.ErrorIs(t, err, ErrRefused)
	require.EqualError(t, err, "submission refused: empty.tar.gz is empty (0 bytes); upload it again")
	for entry, want := range map[string]string{"Alice": "alice", "alice.zip": "alice-2"} {
		id, ok := known.Lookup(entry)
		require.True(t, ok, "Scan records the id of %s", entry)
		require.Equal(t, want, id)
	}
}

// An entry an earlier run graded keeps its id, whatever the entries
// around it; a new entry never takes an id an entry holds.
func TestScanKnownIDs(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"Alice", "alice.zip", "ALICE.zip", "bob.zip"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("PK"), 0o644))
	}
	require.NoError(t, os.Remove(filepath.Join(dir, "Alice")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "Alice"), 0o755))
	known := NewIDMap()
	known.Set("Alice", "alice-3")   // an earlier run's clash
	known.Set("alice.zip", "alice") // another earlier run
	known.Set("bob.zip", "robert")  // a regrade with -id robert
	known.Set("carol.zip", "alice-2")
	subs, problems, err := Scan(dir, known)
	require.NoError(t, err)
	got := map[string]string{}
	for _, s := range subs {
		got[filepath.Base(s.Path)] = s.ID
	}
	require.Equal(t, map[string]string{"Alice": "alice-3", "alice.zip": "alice", "ALICE.zip": "alice-4", "bob.zip": "robert"}, got)
	require.Equal(t, []string{
		`alice.zip and ALICE.zip both map to id "alice"; graded separately as "alice" and "alice-4"`,
		`alice.zip and Alice both map to id "alice"; graded separately as "alice" and "alice-3"`,
	}, problems)
}

// The map of ids survives a round trip through its file, names that are
// not valid UTF-8 included.
func TestIDMapFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), IDFile)
	m, err := ReadIDMap(path)
	require.NoError(t, err, "a missing file is an empty map")
	for n, id := range map[string]string{"Ivan": "ivan", "ivan.zip": "ivan-2", "evil\x1b[2J.zip": "evil-2j", "bad\xff.zip": "bad"} {
		m.Set(n, id)
	}
	require.NoError(t, m.WriteFile(path))
	back, err := ReadIDMap(path)
	require.NoError(t, err)
	require.Equal(t, m, back)
	require.Equal(t, []string{"Ivan"}, back.Holders("ivan"))

	require.NoError(t, os.WriteFile(path, []byte("{"), 0o644))
	_, err = ReadIDMap(path)
	require.ErrorContains(t, err, "is not a map of student ids")
	require.ErrorContains(t, err, "repair it, or remove it")
}

// An entry whose name holds escapes, control characters or spaces is
// graded under a sanitised id, and the problems say which entry became
// which id, with the name spelt out; its form is read from the name as a
// terminal shows it.
func TestScanOddNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{"red\x1b[31m.zip\x1b[0m", "\x1b]0;pwned\x07mallory.zip", "Tampered Tess", "bell\a.tar.gz", "ada.zip"}
	for _, n := range names[:2] {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("PK"), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, names[2]), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, names[3]), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, names[4]), []byte("PK"), 0o644))
	subs, problems, err := Scan(dir, NewIDMap())
	require.NoError(t, err)
	got := map[string]string{}
	for _, s := range subs {
		got[filepath.Base(s.Path)] = s.ID + " " + string(s.Kind)
	}
	require.Equal(t, map[string]string{
		"red\x1b[31m.zip\x1b[0m": "red zip", "\x1b]0;pwned\x07mallory.zip": "mallory zip",
		"Tampered Tess": "tampered-tess folder", "bell\a.tar.gz": "bell tar.gz", "ada.zip": "ada zip",
	}, got)
	require.Equal(t, []string{
		`"\x1b]0;pwned\amallory.zip" is graded as "mallory": its name is not an id as it is`,
		`"Tampered Tess" is graded as "tampered-tess": its name is not an id as it is`,
		`"bell\a.tar.gz" is graded as "bell": its name is not an id as it is`,
		`"red\x1b[31m.zip\x1b[0m" is graded as "red": its name is not an id as it is`,
	}, problems)
	require.Equal(t, `"a\x1b[2Jb"`, ShowName("a\x1b[2Jb"))
	require.Equal(t, "Tampered Tess", ShowName("Tampered Tess"))
}

// A git submission is read from its own objects only: one that borrows
// objects through objects/info/alternates (which could name another
// student's repository) or links its objects elsewhere is refused with a
// line that says what to hand in instead.
func TestExtractGitRefusesBorrowedObjects(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "s")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644))
		for _, args := range [][]string{{"init", "-q"}, {"add", "."},
			{"-c", "user.name=s", "-c", "user.email=s@example.com", "commit", "-q", "-m", "work"}} {
			out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
			require.NoError(t, err, string(out))
		}
		return dir
	}
	extract := func(t *testing.T, dir string) error {
		_, err := Extract(Submission{Path: dir, Kind: Git}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
		return err
	}

	require.NoError(t, extract(t, repo(t)), "a plain repository is read")

	borrowing := repo(t)
	other := repo(t)
	require.NoError(t, os.WriteFile(filepath.Join(borrowing, ".git", "objects", "info", "alternates"),
		[]byte(filepath.Join(other, ".git", "objects")+"\n"), 0o644))
	err := extract(t, borrowing)
	require.ErrorIs(t, err, ErrRefused)
	require.ErrorContains(t, err, "objects/info/alternates")

	linked := repo(t)
	elsewhere := t.TempDir()
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(linked, ".git", "objects", "ab")))
	err = extract(t, linked)
	require.ErrorIs(t, err, ErrRefused)
	require.ErrorContains(t, err, "is a link")
}

// A submission whose every entry is refused is not "empty": the student
// handed in files, and is told which were refused and why.
func TestExtractEveryEntryRefused(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "exercises", "primes"), 0o755))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(src, "exercises", "primes", "main.go")))
	x, err := Extract(Submission{Path: src, Kind: Folder}, filepath.Join(t.TempDir(), "x"), DefaultLimits)
	require.ErrorIs(t, err, ErrRefused)
	require.Equal(t, "submission refused: every file was refused (exercises/primes/main.go: symlink); hand in plain files, inside the submission", err.Error())
	require.Equal(t, []string{"exercises/primes/main.go: symlink"}, x.Refused)
}
