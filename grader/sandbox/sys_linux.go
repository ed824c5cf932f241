package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

var (
	pidnsOnce sync.Once
	pidnsOK   bool
)

// PIDNamespaces reports whether this grader can start a process in a new
// PID namespace. It needs root (CAP_SYS_ADMIN) and a kernel or container
// that allows it, so it is probed once by starting /bin/true in one.
func PIDNamespaces() bool {
	pidnsOnce.Do(func() {
		if !Root() || os.Getenv("POOLSCHOOL_NO_PIDNS") != "" {
			return
		}
		cmd := exec.Command("/bin/true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS}
		pidnsOK = cmd.Run() == nil
	})
	return pidnsOK
}

// RunnerAttr returns the attributes of a check runner: its own process group,
// killed when the grader dies, and pid 1 of a new PID namespace when
// possible, so that killing it kills every process the check started,
// including those that called setsid.
func RunnerAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if PIDNamespaces() {
		a.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	}
	return a
}

// ProgramAttr returns the attributes of a student program: its own process
// group, killed with its launcher, and user u when set (no supplementary
// groups).
func ProgramAttr(u User) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if u.IsSet() {
		a.Credential = &syscall.Credential{Uid: u.UID, Gid: u.GID, Groups: []uint32{}}
	}
	return a
}

// BecomeSubreaper makes orphaned descendants of this process its children
// instead of init's, so that KillDescendants still finds them after their
// parent died (the fallback when there is no PID namespace).
func BecomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// NotDumpable stops processes of the same user from reading this process's
// memory or file descriptors through /proc or ptrace.
func NotDumpable() error {
	return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}

// KillGroup sends SIGKILL to process group pgid.
func KillGroup(pgid int) {
	if pgid > 1 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// KillDescendants kills every process below root, again and again until
// none is left (a fork bomb keeps making new ones for a while), and reaps
// those that became root's own children. It returns how many it killed.
// Only call it for root == this process or a process this grader started.
func KillDescendants(root int) int {
	killed := map[int]bool{}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		procs, err := Descendants(root)
		if err != nil {
			return len(killed)
		}
		live := 0
		for _, p := range procs {
			if p.State == 'Z' {
				continue
			}
			live++
			_ = syscall.Kill(-p.PID, syscall.SIGKILL) // its group, if it leads one
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
			killed[p.PID] = true
		}
		if root == SelfPID() {
			reapOrphans(procs)
		}
		if live == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return len(killed)
}

// reapOrphans waits for the zombies among procs that are our own children.
func reapOrphans(procs []Proc) {
	self := SelfPID()
	for _, p := range procs {
		if p.PPID == self && p.State == 'Z' {
			var ws unix.WaitStatus
			_, _ = unix.Wait4(localPID(p.PID), &ws, unix.WNOHANG, nil)
		}
	}
}

// localPID maps a host pid, as /proc shows it, to this process's PID
// namespace, using the NSpid line of /proc/PID/status.
func localPID(host int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", host))
	if err != nil {
		return host
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "NSpid:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				if n, err := strconv.Atoi(f[len(f)-1]); err == nil && os.Getpid() == 1 {
					return n
				}
			}
		}
	}
	return host
}

// userTasks counts the threads of every process owned by uid.
func userTasks(uid int) int {
	all, err := All()
	if err != nil {
		return 0
	}
	total := 0
	for _, p := range all {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.PID))
		if err != nil {
			continue
		}
		var owner, threads int
		for _, l := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(l, "Uid:"); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					owner, _ = strconv.Atoi(f[0])
				}
			}
			if rest, ok := strings.CutPrefix(l, "Threads:"); ok {
				threads, _ = strconv.Atoi(strings.TrimSpace(rest))
			}
		}
		if owner == uid {
			total += threads
		}
	}
	return total
}

// PrivateProc gives a check runner that is pid 1 of a new PID namespace its
// own /proc, in its own mount namespace, so that the pids it reads there
// match the pids its children have. The mount vanishes with the namespace.
func PrivateProc() error {
	if os.Getpid() != 1 {
		return nil
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	return nil
}

// PrivateDisk gives a check runner that is pid 1 of its own namespaces a
// disk of its own: a tmpfs of size bytes over dir, its work folder. A
// program that fills the disk then fills only that, other checks and the
// machine never notice, and the files vanish with the namespace. Elsewhere
// it does nothing, and only the per-file size limit holds.
func PrivateDisk(dir string, size int64) error {
	if os.Getpid() != 1 {
		return nil
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, fmt.Sprintf("size=%d,mode=0711", size)); err != nil {
		return fmt.Errorf("mounting a private disk on %s: %w", dir, err)
	}
	return nil
}
