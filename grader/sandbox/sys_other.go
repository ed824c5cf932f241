//go:build !linux

package sandbox

import (
	"syscall"
)

// PIDNamespaces is false: only Linux has them.
func PIDNamespaces() bool { return false }

// RunnerAttr puts a check runner in its own process group.
func RunnerAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// ProgramAttr puts a student program in its own process group, as user u
// when set.
func ProgramAttr(u User) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if u.IsSet() {
		a.Credential = &syscall.Credential{Uid: u.UID, Gid: u.GID, Groups: []uint32{}}
	}
	return a
}

// BecomeSubreaper is a no-op outside Linux.
func BecomeSubreaper() error { return nil }

// NotDumpable is a no-op outside Linux.
func NotDumpable() error { return nil }

// KillGroup sends SIGKILL to process group pgid.
func KillGroup(pgid int) {
	if pgid > 1 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// KillDescendants cannot see descendants without /proc; it does nothing.
func KillDescendants(root int) int { return 0 }

// PrivateProc is a no-op outside Linux.
func PrivateProc() error { return nil }

// PrivateDisk is a no-op outside Linux.
func PrivateDisk(dir string, size int64) error { return nil }
