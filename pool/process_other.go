//go:build !linux

package pool

import (
	"os"
	"syscall"
)

// selfExe is the binary to start as a worker.
func selfExe() (string, error) { return os.Executable() }

// workerSysProcAttr puts a worker in its own process group, so the
// terminal's Ctrl+C reaches only the parent. Without a parent-death signal a
// worker notices its parent's death by the end of its command pipe.
func workerSysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// parentAlive reports whether this worker's parent is still ppid.
func parentAlive(ppid int) bool { return os.Getppid() == ppid }

// processExited reports whether the child pid has exited. Without a way to
// ask that and leave the child for os/exec to reap, it answers false, and a
// worker that has not been reaped a second after its pipes closed is
// killed.
func processExited(pid int) bool { return false }
