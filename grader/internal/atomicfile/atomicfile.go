// Package atomicfile writes a file whole or not at all: a reader of a
// results folder, or a run that is stopped half-way, never sees half a
// gradebook.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes the file at path through f: f writes a temporary file next
// to it, which replaces path only when f returns no error. A path that
// names a folder, or a file in a folder that does not exist, is refused
// before anything is written, in words that say what to do: the system's
// own error would name the temporary file.
func Write(path string, f func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder; name a file to write, such as one inside it", path)
	}
	if dir := filepath.Dir(path); !isDir(dir) {
		return fmt.Errorf("cannot write %s: the folder %s does not exist; create it first, or name a file in a folder that does", path, dir)
	}
	tmp := path + ".tmp"
	file, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f(file); err != nil {
		file.Close()
		os.Remove(tmp)
		return err
	}
	if err := file.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
