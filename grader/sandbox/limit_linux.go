package sandbox

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// SetLimits applies l to this process, which is about to execute the
// student's program in its place. The launcher cannot set them on itself
// (a -race build maps terabytes of shadow memory and would not survive an
// address-space limit), nor on its child with prlimit (that needs
// CAP_SYS_RESOURCE, which containers often drop), so a small helper process
// running as the student's user sets them and then calls exec.
func SetLimits(l Limits, switched bool) error {
	set := func(name string, res int, v uint64) error {
		if err := unix.Setrlimit(res, &unix.Rlimit{Cur: v, Max: v}); err != nil {
			return fmt.Errorf("setting the %s limit to %d: %w", name, v, err)
		}
		return nil
	}
	if err := set("core size", unix.RLIMIT_CORE, 0); err != nil {
		return err
	}
	if l.Memory > 0 {
		if err := set("address space", unix.RLIMIT_AS, uint64(l.Memory+AddressSpaceBase)); err != nil {
			return err
		}
	}
	if l.FileSize > 0 {
		if err := set("file size", unix.RLIMIT_FSIZE, uint64(l.FileSize)); err != nil {
			return err
		}
	}
	if l.Files > 0 {
		if err := set("open files", unix.RLIMIT_NOFILE, uint64(l.Files)); err != nil {
			return err
		}
	}
	if l.Procs > 0 {
		n := uint64(l.Procs)
		if !switched {
			n += uint64(userTasksCached())
		}
		if err := set("process", unix.RLIMIT_NPROC, n); err != nil {
			return err
		}
	}
	return nil
}

var (
	tasksOnce sync.Once
	tasks     int
)

func userTasksCached() int {
	tasksOnce.Do(func() { tasks = userTasks(os.Getuid()) })
	return tasks
}
