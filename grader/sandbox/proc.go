package sandbox

import "time"

// Proc is one process as the kernel sees it.
type Proc struct {
	PID, PPID int
	State     byte          // R, S, D, Z, T...
	CPU       time.Duration // user + system time used so far
	Reaped    time.Duration // user + system time of the children it has waited for
	Comm      string        // the kernel's short name for it
}
