//go:build !linux

package sandbox

import "time"

// A Cgroup bounds the memory of one check as a whole; there is none
// outside Linux.
type Cgroup struct{}

// NewCgroup returns nil outside Linux: only the per-process limits hold.
func NewCgroup(limit int64) *Cgroup { return nil }

// Path returns "".
func (c *Cgroup) Path() string { return "" }

// AddToCgroup does nothing outside Linux.
func AddToCgroup(path string, pid int) error { return nil }

// Remove does nothing outside Linux.
func (c *Cgroup) Remove() {}

// MemoryCgroups reports false outside Linux.
func MemoryCgroups() bool { return false }

// WaitForCgroup returns at once outside Linux.
func WaitForCgroup(path string, limit time.Duration) error { return nil }
