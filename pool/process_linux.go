package pool

import (
	"os"
	"syscall"
)

// selfExe is the binary to start as a worker: the running image itself, even
// if the file on disk was replaced since.
func selfExe() (string, error) { return "/proc/self/exe", nil }

// workerSysProcAttr puts a worker in its own process group, so the
// terminal's Ctrl+C reaches only the parent, and asks the kernel to kill it
// when the thread that started it exits (the pool starts workers from one
// locked thread that lives as long as the pool).
func workerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// parentAlive reports whether this worker's parent is still ppid: once the
// parent dies, the worker is re-parented and getppid changes.
func parentAlive(ppid int) bool { return os.Getppid() == ppid }
