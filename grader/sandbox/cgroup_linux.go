package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Cgroup bounds the memory of one check as a whole: every student
// program the check starts joins it (the grader's own processes stay out),
// so a program that forks memory hogs is limited in total, not only per
// process. It needs root and a memory
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

// Path is the cgroup's folder, for the launcher to put student programs
// in; "" for nil.
func (c *Cgroup) Path() string {
	if c == nil {
		return ""
	}
	return c.dir
}

// AddToCgroup moves process pid into the cgroup at path, so that it and
// everything it starts are counted there. An empty path does nothing.
func AddToCgroup(path string, pid int) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(path, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("putting the program in the check's cgroup: %w", err)
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

// WaitForCgroup waits until the calling process is in the cgroup at path,
// where its launcher puts it, for at most limit. An empty path returns at
// once.
func WaitForCgroup(path string, limit time.Duration) error {
	if path == "" {
		return nil
	}
	name := "/" + filepath.Base(path)
	for end := time.Now().Add(limit); ; {
		b, err := os.ReadFile("/proc/self/cgroup")
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasSuffix(line, name) {
				return nil
			}
		}
		if time.Now().After(end) {
			return fmt.Errorf("the launcher did not put the program in its cgroup within %v", limit)
		}
		time.Sleep(100 * time.Microsecond)
	}
}
