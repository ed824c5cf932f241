package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
)

// A Cgroup bounds the memory of one check as a whole: every process the
// check runner starts joins it, so a program that forks memory hogs is
// limited in total, not only per process. It needs root and a memory
// controller (cgroup v2, or v1's memory hierarchy); where neither is
// writable, NewCgroup returns nil and the per-process limits remain.
type Cgroup struct {
	dir string
}

var cgroupSerial atomic.Int64

// NewCgroup makes a cgroup whose processes may use at most limit bytes of
// memory together, or returns nil when the machine offers none.
func NewCgroup(limit int64) *Cgroup {
	if !Root() || limit <= 0 {
		return nil
	}
	name := fmt.Sprintf("poolschool-%d-%d", os.Getpid(), cgroupSerial.Add(1))
	for _, c := range []struct{ root, limitFile string }{
		{"/sys/fs/cgroup", "memory.max"},                   // v2, unified at the top
		{"/sys/fs/cgroup/unified", "memory.max"},           // v2 beside v1
		{"/sys/fs/cgroup/memory", "memory.limit_in_bytes"}, // v1
	} {
		if _, err := os.Stat(filepath.Join(c.root, "cgroup.procs")); err != nil {
			continue
		}
		dir := filepath.Join(c.root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, c.limitFile), []byte(strconv.FormatInt(limit, 10)), 0o644); err != nil {
			os.Remove(dir)
			continue
		}
		return &Cgroup{dir: dir}
	}
	return nil
}

// Path is the cgroup's folder, for the check runner to join; "" for nil.
func (c *Cgroup) Path() string {
	if c == nil {
		return ""
	}
	return c.dir
}

// JoinCgroup moves the calling process into the cgroup at path, so that
// everything it starts is counted there. An empty path does nothing.
func JoinCgroup(path string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(path, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("joining the check's cgroup: %w", err)
	}
	return nil
}

// Remove deletes the cgroup once its processes are gone.
func (c *Cgroup) Remove() {
	if c != nil {
		os.Remove(c.dir)
	}
}

var memoryCgroups = sync.OnceValue(func() bool {
	c := NewCgroup(1 << 30)
	c.Remove()
	return c != nil
})

// MemoryCgroups reports whether checks get a memory cgroup of their own.
func MemoryCgroups() bool { return memoryCgroups() }
