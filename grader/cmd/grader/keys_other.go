//go:build !linux

package main

import (
	"errors"
	"os"
)

// keyMode is Linux only; elsewhere keys are read a line at a time (type r
// and Enter).
func keyMode(f *os.File) (restore func(), err error) {
	return nil, errors.New("keys one at a time need Linux")
}
