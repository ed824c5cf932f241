//go:build !linux

package pool_test

import "golang.org/x/sys/unix"

// replaceFD makes newfd a copy of oldfd, closing what newfd was.
func replaceFD(oldfd, newfd int) error { return unix.Dup2(oldfd, newfd) }
