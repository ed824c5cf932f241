package pool_test

import "golang.org/x/sys/unix"

// replaceFD makes newfd a copy of oldfd, closing what newfd was.
func replaceFD(oldfd, newfd int) error { return unix.Dup3(oldfd, newfd, 0) }
