package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/sandbox"
)

// Options say how New sets a Runner up.
type Options struct {
	// Prefix starts the name of the work folder New makes in the
	// temporary folder: "poolschool-check-".
	Prefix string
	// UIDBase is, when the grader is root, the uid and gid that student
	// code runs as; job slot N (see Slot) runs as UIDBase+N. Zero keeps
	// student code as the grader's own user.
	UIDBase int
	// Reachable puts the work folder where other users can reach it
	// ($TMPDIR if every folder above it lets them through, /tmp
	// otherwise), so that a root grader always runs student code as
	// UIDBase (grade). Without it the work folder is made in $TMPDIR, and
	// where that is private to the grader's user (as under go test),
	// student code runs as the grader's user (check, validate).
	Reachable bool
}

// New makes a Runner: it finds the grader binary, asks the go command for
// the build settings, makes the work folder, and decides which user runs
// student code. That user must reach the grader's "__limit" helper, so it
// then runs a copy kept in the work folder. Close removes the work folder.
func New(o Options) (*Runner, error) {
	self, err := sandbox.CurrentSelf()
	if err != nil {
		return nil, err
	}
	goEnv, err := GoEnv()
	if err != nil {
		return nil, err
	}
	parent := os.TempDir()
	if o.Reachable && sandbox.Root() && !reachableByOthers(parent) {
		parent = "/tmp"
	}
	work, err := os.MkdirTemp(parent, o.Prefix)
	if err != nil {
		return nil, fmt.Errorf("making a work folder: %w", err)
	}
	r := &Runner{Self: self, Work: work, GoEnv: goEnv}
	if !sandbox.Root() || o.UIDBase <= 0 || !(o.Reachable || reachableByOthers(parent)) {
		return r, nil
	}
	r.uidBase = o.UIDBase
	r.User = r.slotUser(0)
	if err := os.Chmod(work, 0o711); err != nil {
		r.Close()
		return nil, err
	}
	helper := filepath.Join(work, "bin", "grader")
	if err := os.MkdirAll(filepath.Dir(helper), 0o755); err != nil {
		r.Close()
		return nil, err
	}
	if err := kit.CopyFile(self.Path, helper, 0o755); err != nil {
		r.Close()
		return nil, fmt.Errorf("copying the grader binary: %w", err)
	}
	r.Self = sandbox.Self{Path: helper, Arg0: helper}
	return r, nil
}

// Close removes the work folder and everything in it.
func (r *Runner) Close() error { return os.RemoveAll(r.Work) }

// Slot returns a runner for job slot n that works in the folder work:
// when New switches users, slot n's student code runs as a user of its
// own, so that students graded at once cannot see or signal each other's
// processes.
func (r *Runner) Slot(n int, work string) *Runner {
	s := *r
	s.Work, s.User = work, r.slotUser(n)
	return &s
}

// slotUser is the user of job slot n; zero when New switches no users.
func (r *Runner) slotUser(n int) sandbox.User {
	if r.uidBase == 0 {
		return sandbox.User{}
	}
	id := uint32(r.uidBase + n)
	return sandbox.User{UID: id, GID: id}
}

// reachableByOthers reports whether every folder from dir up to / lets
// other users through, so that a work folder inside it can serve them.
func reachableByOthers(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil || info.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}
