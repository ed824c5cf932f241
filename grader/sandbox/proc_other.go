//go:build !linux

package sandbox

import "os"

// ReadProc is not supported without Linux's /proc.
func ReadProc(pid int) (Proc, error) { return Proc{}, ErrUnsupported }

// All is not supported without Linux's /proc.
func All() ([]Proc, error) { return nil, ErrUnsupported }

// Descendants is not supported without Linux's /proc.
func Descendants(root int) ([]Proc, error) { return nil, ErrUnsupported }

// SelfPID returns os.Getpid.
func SelfPID() int { return os.Getpid() }
