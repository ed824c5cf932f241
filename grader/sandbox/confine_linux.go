package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// LandlockABI returns the Landlock ABI version the kernel offers, 0 when it
// has none (or POOLSCHOOL_NO_LANDLOCK is set, to try the fallback).
var LandlockABI = sync.OnceValue(func() int {
	if os.Getenv("POOLSCHOOL_NO_LANDLOCK") != "" {
		return 0
	}
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
})

// MountNamespaces reports whether the launcher can start its helper in a
// mount namespace of its own: as root a plain one, otherwise inside a user
// namespace that maps the grader's user to root there (which Linux allows
// unprivileged users unless the machine turned it off). It is probed once,
// with /bin/true; POOLSCHOOL_NO_MOUNTNS turns it off, to try the fallback.
var MountNamespaces = sync.OnceValue(func() bool {
	if os.Getenv("POOLSCHOOL_NO_MOUNTNS") != "" {
		return false
	}
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	namespaceAttr(cmd.SysProcAttr)
	return cmd.Run() == nil
})

// namespaceAttr asks for the helper's mount namespace: plain as root; as
// anyone else, in a user namespace of one user, the grader's own, who is
// root there and so may mount (the helper gives that power up before it
// executes the program).
func namespaceAttr(a *syscall.SysProcAttr) {
	if Root() {
		a.Cloneflags |= syscall.CLONE_NEWNS
		return
	}
	a.Cloneflags |= syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	a.GidMappingsEnableSetgroups = false
}

// helperAttr returns the attributes of the helper that executes a student
// program: its own process group, killed with its launcher; with a private
// /tmp, a mount namespace of its own, the helper then switching to u
// itself after mounting; otherwise it starts as u.
func helperAttr(u User, c Confinement) *syscall.SysProcAttr {
	if !c.PrivateTmp {
		return ProgramAttr(u)
	}
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	namespaceAttr(a)
	return a
}

// privateTmps are the machine's shared writable folders that a program
// with a private /tmp gets a folder of its own for.
var privateTmps = []struct{ target, name string }{
	{"/tmp", "tmp"}, {"/var/tmp", "var-tmp"}, {"/dev/shm", "shm"},
}

// Confine applies c to this process, the helper about to execute a student
// program, and so to everything the program starts. given lists the paths
// the program is given (its binary, its folder, its arguments and
// environment); those under a private folder stay visible. It must run on
// the thread that executes the program (runtime.LockOSThread): a Landlock
// rule set holds for the thread that made it and what that thread executes.
func Confine(c Confinement, given []string) error {
	if c.PrivateTmp {
		if len(c.Writable) == 0 {
			return errors.New("a private /tmp needs a writable folder to live in")
		}
		if err := privateTmp(c.Writable, given); err != nil {
			return err
		}
	}
	if c.Landlock {
		dirs := slicesClone(c.Writable)
		if c.PrivateTmp {
			for _, t := range privateTmps {
				if isDir(t.target) {
					dirs = append(dirs, t.target)
				}
			}
		}
		if err := restrictWrites(dirs); err != nil {
			return err
		}
	}
	return nil
}

// privateTmp covers each of privateTmps with a folder of its own below
// writable[0]. What the program needs from the folder it covers stays
// visible: each top folder of the real one that holds a path in given
// (the grader's work folder, usually) is bound into the private one
// read-only, and each writable folder below it read-write again.
func privateTmp(writable, given []string) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the program's mounts private: %w", err)
	}
	base := filepath.Join(writable[0], PrivateTmpDir)
	for _, t := range privateTmps {
		if !isDir(t.target) {
			continue
		}
		src := filepath.Join(base, t.name)
		if err := os.MkdirAll(src, 0o755); err != nil {
			return fmt.Errorf("making the program's private %s: %w", t.target, err)
		}
		// As /tmp is: anyone may create files, only their owner remove them.
		if err := os.Chmod(src, 0o777|os.ModeSticky); err != nil {
			return err
		}
		for _, top := range topsUnder(t.target, given) {
			inside := filepath.Join(src, top)
			if err := os.MkdirAll(inside, 0o755); err != nil {
				return err
			}
			if err := bind(filepath.Join(t.target, top), inside, true); err != nil {
				return err
			}
			for _, w := range writable {
				if rel, ok := under(filepath.Join(t.target, top), w); ok {
					if err := bind(w, filepath.Join(inside, rel), false); err != nil {
						return err
					}
				}
			}
		}
		if err := unix.Mount(src, t.target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("mounting the program's private %s: %w", t.target, err)
		}
	}
	// The folder the program starts in, seen through the new mounts.
	if wd, err := os.Getwd(); err == nil {
		_ = os.Chdir(wd)
	}
	return nil
}

// bind mounts the folder src on dst, read-only when ro.
func bind(src, dst string, ro bool) error {
	if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("showing %s in the program's private folders: %w", src, err)
	}
	if !ro {
		return nil
	}
	// A remount must keep the flags the mount already has: in a user
	// namespace the kernel refuses to drop them.
	var st unix.Statfs_t
	if err := unix.Statfs(dst, &st); err != nil {
		return fmt.Errorf("reading the mount flags of %s: %w", src, err)
	}
	keep := uintptr(st.Flags) & (unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME)
	if err := unix.Mount("", dst, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|keep, ""); err != nil {
		return fmt.Errorf("making %s read-only for the program: %w", src, err)
	}
	return nil
}

// topsUnder returns, once each, the first path element below dir of every
// path in paths that lies below dir.
func topsUnder(dir string, paths []string) []string {
	var tops []string
	seen := map[string]bool{}
	for _, p := range paths {
		rel, ok := under(dir, p)
		if !ok || rel == "." {
			continue
		}
		top, _, _ := strings.Cut(rel, string(os.PathSeparator))
		if !seen[top] {
			seen[top] = true
			tops = append(tops, top)
		}
	}
	return tops
}

// under reports whether p lies below dir, and where.
func under(dir, p string) (string, bool) {
	if !filepath.IsAbs(p) {
		return "", false
	}
	rel, err := filepath.Rel(dir, filepath.Clean(p))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(os.PathSeparator)) {
		return "", false
	}
	return rel, true
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// writeRights are the Landlock rights that change the file system, each
// with the ABI version that introduced it. Reading and executing stay
// free: the program must read its inputs and run the tools a check gives it.
var writeRights = []struct {
	right uint64
	abi   int
}{
	{unix.LANDLOCK_ACCESS_FS_WRITE_FILE, 1},
	{unix.LANDLOCK_ACCESS_FS_REMOVE_DIR, 1},
	{unix.LANDLOCK_ACCESS_FS_REMOVE_FILE, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_CHAR, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_DIR, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_REG, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_SOCK, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_FIFO, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK, 1},
	{unix.LANDLOCK_ACCESS_FS_MAKE_SYM, 1},
	{unix.LANDLOCK_ACCESS_FS_REFER, 2},
	{unix.LANDLOCK_ACCESS_FS_TRUNCATE, 3},
}

// fileRights are the rights a rule on a file (not a folder) may hold.
const fileRights = unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_TRUNCATE

// writableDevices may be written by any program: writing them changes no file.
var writableDevices = []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/tty"}

// rulesetAttr is the first field of the kernel's struct
// landlock_ruleset_attr, which is all this rule set needs; the kernel
// takes the struct's size from the call.
type rulesetAttr struct{ handledAccessFS uint64 }

// restrictWrites lets this thread, and what it executes, change the file
// system only below dirs (and write the harmless devices).
func restrictWrites(dirs []string) error {
	abi := LandlockABI()
	var handled uint64
	for _, r := range writeRights {
		if r.abi <= abi {
			handled |= r.right
		}
	}
	attr := rulesetAttr{handledAccessFS: handled}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		return fmt.Errorf("making the Landlock rule set: %w", errno)
	}
	ruleset := int(fd)
	defer unix.Close(ruleset)
	allow := func(path string, rights uint64) error {
		f, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(f)
		rule := unix.LandlockPathBeneathAttr{Allowed_access: rights, Parent_fd: int32(f)}
		if _, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH, uintptr(unsafe.Pointer(&rule)), 0, 0, 0); errno != 0 {
			return errno
		}
		return nil
	}
	for _, d := range dirs {
		if err := allow(d, handled); err != nil {
			return fmt.Errorf("letting the program write below %s: %w", d, err)
		}
	}
	for _, d := range writableDevices {
		_ = allow(d, handled&fileRights) // a device the machine lacks is no loss
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("setting no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0); errno != 0 {
		return fmt.Errorf("applying the Landlock rule set: %w", errno)
	}
	return nil
}

// BecomeUser makes this process, the helper about to execute a student
// program, user u with no supplementary groups. The helper is root only
// when it had to mount first; Go's set*id calls change every thread.
func BecomeUser(u User) error {
	if err := syscall.Setgroups([]int{}); err != nil {
		return fmt.Errorf("dropping supplementary groups: %w", err)
	}
	if err := syscall.Setresgid(int(u.GID), int(u.GID), int(u.GID)); err != nil {
		return fmt.Errorf("switching to gid %d: %w", u.GID, err)
	}
	if err := syscall.Setresuid(int(u.UID), int(u.UID), int(u.UID)); err != nil {
		return fmt.Errorf("switching to uid %d: %w", u.UID, err)
	}
	return nil
}

// DropCapabilities gives up, for this thread and what it executes, the
// capabilities that the helper holds as root of its own user namespace, so
// the program cannot undo the mounts: the bounding, ambient and
// inheritable sets are emptied, and an empty bounding set means root
// gains nothing when it executes a program.
func DropCapabilities() error {
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("clearing ambient capabilities: %w", err)
	}
	for c := 0; ; c++ {
		err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0)
		if errors.Is(err, unix.EINVAL) {
			break // past the kernel's last capability
		}
		if err != nil {
			return fmt.Errorf("dropping capability %d: %w", c, err)
		}
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("reading capabilities: %w", err)
	}
	data[0].Inheritable, data[1].Inheritable = 0, 0
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("clearing inheritable capabilities: %w", err)
	}
	return nil
}
