package pool

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is what growPipe asks for: the largest pipe an unprivileged
// process may make by default (/proc/sys/fs/pipe-max-size).
const pipeSize = 1 << 20

// growPipe enlarges a pipe from the default 64 KiB, so that a large
// argument or result crosses in a few writes instead of one wake-up of
// the reader per 64 KiB. A refusal (the per-user limit on pipe memory) is
// harmless: the pipe keeps its size.
func growPipe(f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize) })
}
