package submission

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	hexRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
	refRE = regexp.MustCompile(`^refs/[A-Za-z0-9._/-]+$`)
)

// gitDir returns the repository folder of a submission: dir/.git for a
// working copy, dir itself for a bare repository.
func gitDir(dir string) (string, bool) {
	if fi, err := os.Lstat(filepath.Join(dir, ".git")); err == nil && fi.IsDir() {
		return filepath.Join(dir, ".git"), true
	}
	if isRegular(filepath.Join(dir, "HEAD")) && isDirNoLink(filepath.Join(dir, "objects")) {
		return dir, true
	}
	return "", false
}

func isRegular(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}

func isDirNoLink(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.IsDir()
}

// maxRefFile bounds HEAD, a loose ref and packed-refs.
const maxRefFile = 1 << 20

// readInRepo reads the small regular file name of the repository folder
// repo. It refuses a link, and never reads outside repo whatever links lie
// on the way (a refs folder that links elsewhere, say): os.Root refuses
// any path that would leave it. O_NONBLOCK keeps a FIFO swapped in after
// the Lstat from blocking the open.
func readInRepo(repo *os.Root, name string) ([]byte, error) {
	fi, err := repo.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file of the repository", path.Base(name))
	}
	f, err := repo.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read", path.Base(name))
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file of the repository", path.Base(name))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxRefFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read", path.Base(name))
	}
	if len(data) > maxRefFile {
		return nil, fmt.Errorf("%s is too large", path.Base(name))
	}
	return data, nil
}

// resolveHead finds the commit HEAD points at by reading HEAD, the loose
// ref and packed-refs as plain files of the repository (see readInRepo):
// no git command runs in the student's repository, so nothing in its
// config can take effect.
func resolveHead(gd string) (string, error) {
	repo, err := os.OpenRoot(gd)
	if err != nil {
		return "", fmt.Errorf("the repository cannot be opened")
	}
	defer repo.Close()
	head, err := readInRepo(repo, "HEAD")
	if err != nil {
		return "", err
	}
	h := strings.TrimSpace(string(head))
	if hexRE.MatchString(h) {
		return h, nil
	}
	ref, ok := strings.CutPrefix(h, "ref: ")
	if !ok || !refRE.MatchString(ref) || strings.Contains(ref, "..") {
		return "", fmt.Errorf("HEAD is neither a commit nor a branch")
	}
	if data, err := readInRepo(repo, ref); err == nil {
		if id := strings.TrimSpace(string(data)); hexRE.MatchString(id) {
			return id, nil
		}
	}
	if data, err := readInRepo(repo, "packed-refs"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 2 && f[1] == ref && hexRE.MatchString(f[0]) {
				return f[0], nil
			}
		}
	}
	return "", fmt.Errorf("branch %s has no commit", ref)
}

// ownObjects refuses a repository whose objects are not all its own: one
// that borrows objects from elsewhere (objects/info/alternates, which git
// would follow to any repository on the grader's machine, another
// student's among them) or whose objects folder holds a link. A clone
// never has either unless made with --shared or --reference.
func ownObjects(objects string) error {
	for _, borrowed := range []string{"alternates", "http-alternates"} {
		if _, err := os.Lstat(filepath.Join(objects, "info", borrowed)); err == nil {
			return fmt.Errorf("it borrows objects from another repository (objects/info/%s); "+
				"hand in a full clone: git repack -a -d, then delete that file", borrowed)
		}
	}
	return filepath.WalkDir(objects, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			rel, _ := filepath.Rel(filepath.Dir(objects), p)
			return fmt.Errorf("%s is a link; hand in a repository whose objects are its own files", rel)
		}
		return nil
	})
}

// extractGit reads the commit at HEAD of a git submission. The student's
// repository is never the one git runs in: a fresh empty repository of the
// grader's borrows its objects through objects/info/alternates, and "git
// archive" runs there with no global or system config, hooks disabled, no
// protocols allowed and a time limit. The student's config, hooks and
// filter drivers are therefore never read; its .gitattributes can only
// name filters the grader's empty config does not define. The tar stream is
// unpacked with the same checks and limits as any archive.
func extractGit(dir string, before time.Time, w *writer) error {
	gd, ok := gitDir(dir)
	if !ok {
		return fmt.Errorf("%w: %s is not a git repository", ErrRefused, filepath.Base(dir))
	}
	objects, err := filepath.Abs(filepath.Join(gd, "objects"))
	if err != nil || !isDirNoLink(objects) {
		return fmt.Errorf("%w: the repository has no objects folder", ErrRefused)
	}
	if err := ownObjects(objects); err != nil {
		return fmt.Errorf("%w: git repository: %v", ErrRefused, err)
	}
	commit, err := resolveHead(gd)
	if err != nil {
		return fmt.Errorf("%w: git repository: %v", ErrRefused, err)
	}
	tmp, err := os.MkdirTemp("", "poolschool-git-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	mirror := filepath.Join(tmp, "mirror.git")
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_ATTR_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0", "GIT_ALLOW_PROTOCOL=", "GIT_NO_REPLACE_OBJECTS=1",
		"LC_ALL=C",
	}
	safe := []string{"-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.allow=never",
		"-c", "core.attributesFile=/dev/null", "-c", "safe.directory=*"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	init := exec.CommandContext(ctx, "git", append(safe, "init", "--quiet", "--bare", mirror)...)
	init.Env = env
	if out, err := init.CombinedOutput(); err != nil {
		return fmt.Errorf("preparing to read the git repository: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if err := os.WriteFile(filepath.Join(mirror, "objects", "info", "alternates"), []byte(objects+"\n"), 0o644); err != nil {
		return err
	}
	git := func(args ...string) (string, error) {
		c := exec.CommandContext(ctx, "git", append(append(safe, "--git-dir="+mirror), args...)...)
		c.Env, c.Dir = env, tmp
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			return "", fmt.Errorf("%w: git could not read the history of %.12s (%s)", ErrRefused, commit, firstLine(stderr.String()))
		}
		return strings.TrimSpace(string(out)), nil
	}
	head := commit
	if !before.IsZero() {
		if commit, err = commitBefore(git, head, before); err != nil {
			return err
		}
		w.x.Newer = commit != head
	}
	w.x.Commit = commit
	if gd != dir {
		// Against HEAD: work committed after a deadline is not
		// uncommitted; Newer says it was left out.
		if w.x.Uncommitted, err = uncommitted(git, head, dir); err != nil {
			return err
		}
	}
	ct, err := git("show", "-s", "--format=%ct", commit)
	if err != nil {
		return err
	}
	if sec, err := strconv.ParseInt(ct, 10, 64); err == nil {
		w.x.Committed = time.Unix(sec, 0).UTC()
	}
	cmd := exec.CommandContext(ctx, "git", append(safe, "--git-dir="+mirror, "archive", "--format=tar", commit)...)
	cmd.Env = env
	cmd.Dir = tmp
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running git: %w", err)
	}
	terr := extractTar(out, w)
	if terr != nil {
		cancel() // stop git: the limits were hit or the stream is bad
	}
	werr := cmd.Wait()
	switch {
	case terr != nil:
		return terr
	case werr != nil:
		return fmt.Errorf("%w: git could not read commit %.12s (%s)", ErrRefused, commit, firstLine(stderr.String()))
	}
	return nil
}

// maxUncommitted bounds the files of a working copy that Extracted lists
// as not committed.
const maxUncommitted = 50

// uncommitted lists the files of the working copy dir that differ from
// commit (its HEAD): changed, deleted, or new and not ignored by its .gitignore
// files. git reads the working copy through the grader's own mirror (its
// index and config), so no setting or hook of the student's repository
// runs. The student kit's local state, .poolschool/, never counts.
func uncommitted(git func(...string) (string, error), commit, dir string) ([]string, error) {
	dir, err := filepath.Abs(dir) // git runs in a folder of its own
	if err != nil {
		return nil, err
	}
	if _, err := git("read-tree", commit); err != nil {
		return nil, err
	}
	changed, err := git("--work-tree="+dir, "diff", "--name-only", "--no-renames")
	if err != nil {
		return nil, err
	}
	added, err := git("--work-tree="+dir, "ls-files", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range strings.Split(changed+"\n"+added, "\n") {
		if f != "" && !strings.HasPrefix(f, ".poolschool/") && len(files) < maxUncommitted {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	return files, nil
}

// commitBefore finds the commit to grade for a deadline: the newest
// commit reachable from head whose committer time is not after before,
// or, when there is none, the oldest commit, which is then the earliest
// work there is. --before compares committer times.
func commitBefore(git func(...string) (string, error), head string, before time.Time) (string, error) {
	c, err := git("rev-list", "-1", "--before="+strconv.FormatInt(before.Unix(), 10), head)
	if err != nil || c != "" {
		return c, err
	}
	all, err := git("rev-list", "--reverse", head)
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(all, "\n")
	return first, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s)
}
