// Package atomicfile writes a file whole or not at all: a reader of a
// results folder, or a run that is stopped half-way, never sees half a
// gradebook.
package atomicfile

import (
	"io"
	"os"
)

// Write writes the file at path through f: f writes a temporary file next
// to it, which replaces path only when f returns no error.
func Write(path string, f func(io.Writer) error) error {
	tmp := path + ".tmp"
	file, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := f(file); err != nil {
		file.Close()
		os.Remove(tmp)
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
