package sandbox

import "time"

// Proc is one process as the kernel sees it.
type Proc struct {
	PID, PPID int
	State     byte          // R, S, D, Z, T...
	CPU       time.Duration // user + system time used so far
	Comm      string        // the kernel's short name for it
}
