package pool

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
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

// processExited reports whether the child pid has exited, without reaping
// it: os/exec's Wait still collects its status.
func processExited(pid int) bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err == nil && info.Signo == int32(unix.SIGCHLD)
}
