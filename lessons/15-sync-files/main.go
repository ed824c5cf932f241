// Lesson 15: synchronisation across processes.
//
// Four worker processes add lines to one shared file. Each addition is a
// read-modify-write: read the whole file, add a line, write it all back.
// When two processes interleave those steps, the later write wipes out the
// line the other one just added. Locks inside a program (sync.Mutex) cannot
// help, because every worker is a separate program; the lock has to live
// in the operating system. flock(2) is such a lock, held on an open file.
//
// Then the simpler design: the workers do not touch the file at all. They
// return their lines, and the parent, the only writer, appends them.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/poolschool/poolschool/pool"
)

// job says which file to write, who writes, how many lines, and whether
// to take the lock.
type job struct {
	Path   string
	Writer int
	Lines  int
	Lock   bool
}

// appendLines adds its lines one read-modify-write at a time.
var appendLines = pool.NewTask("appendLines", func(_ context.Context, j job) (int, error) {
	for i := range j.Lines {
		if err := addLine(j, fmt.Sprintf("writer %d line %d\n", j.Writer, i)); err != nil {
			return 0, err
		}
	}
	return j.Lines, nil
})

func addLine(j job, line string) error {
	if j.Lock {
		// The lock lives on its own file, which we never rewrite. Closing
		// the descriptor releases the lock.
		lf, err := os.OpenFile(j.Path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return err
		}
		defer lf.Close()
		if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX); err != nil {
			return err
		}
	}
	old, err := os.ReadFile(j.Path)
	if err != nil {
		return err
	}
	// A real program would do some work here; the pause also widens the
	// window between read and write, so the race shows on every run.
	time.Sleep(100 * time.Microsecond)
	return os.WriteFile(j.Path, append(old, line...), 0o644)
}

// makeLines returns the lines of one writer, for the parent to write.
var makeLines = pool.NewTask("makeLines", func(_ context.Context, j job) ([]string, error) {
	var lines []string
	for i := range j.Lines {
		lines = append(lines, fmt.Sprintf("writer %d line %d\n", j.Writer, i))
	}
	return lines, nil
})

const (
	writers = 4
	lines   = 100
)

func main() {
	pool.Main()
	dir, err := os.MkdirTemp("", "lesson12-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	p, err := pool.New(pool.Config{Workers: writers})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	ctx := context.Background()

	for _, lock := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("shared-%v.txt", lock))
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			panic(err)
		}
		var jobs []job
		for w := range writers {
			jobs = append(jobs, job{Path: path, Writer: w, Lines: lines, Lock: lock})
		}
		for _, err := range pool.Map(ctx, p, appendLines, slices.Values(jobs)) {
			if err != nil {
				panic(err)
			}
		}
		got := countLines(path)
		name := "without a lock"
		if lock {
			name = "with flock"
		}
		fmt.Printf("%-15s %d workers x %d lines: the file has %d lines, %d lost\n",
			name+":", writers, lines, got, writers*lines-got)
	}

	// Coordinate through the parent: workers compute, the parent writes.
	path := filepath.Join(dir, "parent.txt")
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	var jobs []job
	for w := range writers {
		jobs = append(jobs, job{Writer: w, Lines: lines})
	}
	for ls, err := range pool.Map(ctx, p, makeLines, slices.Values(jobs)) {
		if err != nil {
			panic(err)
		}
		f.WriteString(strings.Join(ls, ""))
	}
	f.Close()
	got := countLines(path)
	fmt.Printf("%-15s %d workers x %d lines: the file has %d lines, %d lost\n",
		"via the parent:", writers, lines, got, writers*lines-got)
}

// countLines counts the well-formed lines of the file.
func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "writer ") && strings.HasSuffix(line, "\n") {
			n++
		}
	}
	return n
}
