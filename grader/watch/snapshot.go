package watch

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// maxHashed is the largest file whose contents a snapshot hashes; larger
// ones count by size and time only.
const maxHashed = 4 << 20

// File is what a snapshot keeps of one file.
type File struct {
	Size    int64
	ModTime time.Time
	Sum     [sha256.Size]byte // of the contents, for files up to maxHashed
}

// Snapshot records the files under dir whose slash path match accepts:
// size, time and a hash of the contents, so that a save within the same
// clock tick, or one that keeps the size, is still seen.
func Snapshot(dir string, match func(rel string) bool) map[string]File {
	files := map[string]File{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if !match(rel) {
			return nil
		}
		fi, err := d.Info()
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		f := File{Size: fi.Size(), ModTime: fi.ModTime()}
		if fi.Size() <= maxHashed {
			if data, err := os.ReadFile(p); err == nil {
				f.Sum = sha256.Sum256(data)
			}
		}
		files[rel] = f
		return nil
	})
	return files
}

// Changed returns the first path (in sorted order) that was added, removed
// or changed between two snapshots, or "" when none was.
func Changed(before, after map[string]File) string {
	var names []string
	for n := range before {
		names = append(names, n)
	}
	for n := range after {
		if _, ok := before[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if before[n] != after[n] {
			return n
		}
	}
	return ""
}
