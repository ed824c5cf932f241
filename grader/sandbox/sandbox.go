// Package sandbox contains student programs: their own process group, a time
// limit that kills the whole group, capped output, resource limits, an
// unprivileged user when the grader runs as root, and a PID namespace where
// the kernel offers one. It also reads the kernel's view of a process tree
// from /proc, which a student program cannot forge.
package sandbox

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// ErrUnsupported is returned by the /proc readers on systems without /proc.
var ErrUnsupported = errors.New("sandbox: not supported on this system")

// Limits bound one contained process tree. A zero field means "no limit".
type Limits struct {
	Timeout  time.Duration // wall-clock limit; the whole group is killed after it
	Output   int64         // bytes kept from stdout and from stderr each; more stops the program
	Memory   int64         // memory per process: RLIMIT_AS is set to Memory+AddressSpaceBase
	Procs    int           // processes and threads of the user (RLIMIT_NPROC), only applied with a User
	FileSize int64         // largest file a process may write (RLIMIT_FSIZE)
	Files    int           // open files per process (RLIMIT_NOFILE)
	Cgroup   string        // the check's memory cgroup, which the program joins; "" for none
}

// AddressSpaceBase is added to Limits.Memory to form the address-space
// limit: a Go program reserves about 1.2 GiB of address space before it
// allocates anything.
const AddressSpaceBase = 1536 << 20

// User is the identity student code runs as. The zero value means "the
// grader's own user", which is all an unprivileged grader can do.
type User struct {
	UID, GID uint32
}

// IsSet reports whether u asks for a user switch.
func (u User) IsSet() bool { return u.UID != 0 }

// Root reports whether the grader runs as root and can therefore switch
// users and create PID namespaces.
func Root() bool { return os.Geteuid() == 0 }

// Isolation describes, in one line, how student code is contained on this
// machine with user u. Reports carry it so that an instructor knows what
// held.
func Isolation(u User) string {
	parts := []string{"process group", "time limit kills the group", "output cap", "rlimits"}
	if PIDNamespaces() {
		parts = append(parts, "PID namespace per check")
	} else {
		parts = append(parts, "no PID namespace (fallback: child subreaper sweeps escaped processes)")
	}
	if MemoryCgroups() {
		parts = append(parts, "memory cgroup per check")
	} else {
		parts = append(parts, "no memory cgroup (memory bounded per process only)")
	}
	parts = append(parts, "confinement: "+Confining().Name())
	if u.IsSet() {
		parts = append(parts, fmt.Sprintf("runs as uid %d", u.UID))
	} else {
		parts = append(parts, "runs as the grader's user (not root: no user switch)")
	}
	return strings.Join(parts, ", ")
}

// TimeoutMessage is the one line a check shows when its limit ran out.
func TimeoutMessage(elapsed, limit time.Duration) string {
	return fmt.Sprintf("timed out after %s (limit %s)", seconds(elapsed), seconds(limit))
}

func seconds(d time.Duration) string {
	s := d.Seconds()
	if s == float64(int64(s)) {
		return fmt.Sprintf("%d s", int64(s))
	}
	return fmt.Sprintf("%.1f s", s)
}

func bytesReader(b []byte) *strings.Reader { return strings.NewReader(string(b)) }
