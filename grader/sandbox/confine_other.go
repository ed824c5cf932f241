//go:build !linux

package sandbox

import "syscall"

// LandlockABI returns 0: Landlock is Linux's.
func LandlockABI() int { return 0 }

// MountNamespaces reports false: mount namespaces are Linux's.
func MountNamespaces() bool { return false }

// helperAttr returns the attributes of the helper that executes a student
// program: it starts as u.
func helperAttr(u User, c Confinement) *syscall.SysProcAttr { return ProgramAttr(u) }

// Confine does nothing outside Linux: only the user's permissions bound
// what the program may write.
func Confine(c Confinement, given []string) error { return nil }

// BecomeUser is not needed outside Linux, where the helper starts as the
// student's user.
func BecomeUser(u User) error { return nil }

// DropCapabilities does nothing outside Linux.
func DropCapabilities() error { return nil }
