//go:build !linux

package sandbox

import "golang.org/x/sys/unix"

// SetLimits applies the limits this system supports to this process, which
// is about to execute the student's program.
func SetLimits(l Limits, switched bool) error {
	set := func(res int, v uint64) { _ = unix.Setrlimit(res, &unix.Rlimit{Cur: v, Max: v}) }
	set(unix.RLIMIT_CORE, 0)
	if l.FileSize > 0 {
		set(unix.RLIMIT_FSIZE, uint64(l.FileSize))
	}
	if l.Files > 0 {
		set(unix.RLIMIT_NOFILE, uint64(l.Files))
	}
	if l.Procs > 0 && switched {
		set(unix.RLIMIT_NPROC, uint64(l.Procs))
	}
	return nil
}
