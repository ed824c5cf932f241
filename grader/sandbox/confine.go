package sandbox

import "strings"

// Confinement says where a contained program may write and how that is
// enforced. The grader decides it once (Confining), the launcher carries it
// to the helper that executes the program, and the record says the same,
// so what an instructor reads is what held.
type Confinement struct {
	// Writable lists the folders below which the program may write,
	// absolute. With neither Landlock nor PrivateTmp it is only a wish.
	Writable []string
	// Landlock enforces Writable with a Landlock rule set: every other
	// file and folder may be read but not written, created or removed.
	Landlock bool
	// PrivateTmp gives the program a mount namespace of its own whose
	// /tmp, /var/tmp and /dev/shm are folders below Writable[0]. The
	// folders of the real ones that the program was given (its work
	// folder, its binary, paths in its arguments and environment) stay
	// visible there, read-only except for Writable.
	PrivateTmp bool
}

// PrivateTmpDir is the folder below Writable[0] that holds a program's
// private /tmp, /var/tmp and /dev/shm.
const PrivateTmpDir = ".sandbox"

// Confining returns the confinement this machine offers a program that may
// write below writable: Landlock where the kernel has it, a private /tmp
// where the grader may make mount namespaces.
func Confining(writable ...string) Confinement {
	return Confinement{Writable: writable, Landlock: LandlockABI() > 0, PrivateTmp: MountNamespaces()}
}

// Name is the short form of the confinement the record carries:
// "landlock+mountns", "landlock", "mountns" or "none".
func (c Confinement) Name() string {
	var parts []string
	if c.Landlock {
		parts = append(parts, "landlock")
	}
	if c.PrivateTmp {
		parts = append(parts, "mountns")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Describe says in one line what the confinement still allows.
func (c Confinement) Describe() string {
	switch {
	case c.Landlock && c.PrivateTmp:
		return "landlock+mountns: student code writes only below its check's work folder; /tmp, /var/tmp and /dev/shm are private to it"
	case c.Landlock:
		return "landlock: student code writes only below its check's work folder; no mount namespace, so /tmp, /var/tmp and /dev/shm are the machine's (readable, not writable)"
	case c.PrivateTmp:
		return "mountns: /tmp, /var/tmp and /dev/shm are private to student code, but without Landlock it can write wherever its user may (as the grader's own user: $HOME, the Go caches, the kit)"
	}
	return "none — writes outside the work folder are possible: student code can write wherever its user may"
}
