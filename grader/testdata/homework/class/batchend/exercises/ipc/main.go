// Command wordcount counts the words in many files with a pool of worker
// processes, and shows each file's count as soon as a worker has it.
//
// Usage:
//
//	wordcount [-workers N] [-slow DUR] PATH...
//
// A PATH is a file or a folder, whose files are counted too (in lexical
// order, recursively). The files are split into one batch per worker, and
// each batch is one task. While a task works through its batch it reports
// every file to the parent through a pool.Queue, and the parent prints one
// line per file as the reports arrive:
//
//	[3/120] notes/todo.txt: 42 words
//	[4/120] data/blob.bin: error: binary file (NUL byte at offset 17)
//
// and at the end "total: W words in N files (E failed)". The exit status is
// 0 when every file was counted, 1 when one failed, 2 for bad usage.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// report is what a task tells the parent about one file.
type report struct {
	Path  string
	Words int
	Err   string // empty when the file was counted
}

// batch is one task's work: its files and how long to rest after each.
type batch struct {
	Files []string
	Slow  time.Duration
}

// countBatch counts the words of each file in the batch and returns the
// reports together. The mistake: the parent sees them only when the whole
// batch is done, with no queue.
var countBatch = pool.NewTask("countBatch", func(ctx context.Context, b batch) ([]report, error) {
	var out []report
	for _, path := range b.Files {
		n, err := countFile(path)
		r := report{Path: path, Words: n}
		if err != nil {
			r.Err = err.Error()
		}
		out = append(out, r)
		if b.Slow > 0 {
			select {
			case <-time.After(b.Slow):
			case <-ctx.Done():
				return out, ctx.Err()
			}
		}
	}
	return out, nil
})

// countFile counts the words (runs of non-space characters) of one text
// file; a file with a NUL byte is binary and not counted.
func countFile(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return 0, pe.Err // the line already names the file
		}
		return 0, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return 0, fmt.Errorf("binary file (NUL byte at offset %d)", i)
	}
	return len(bytes.Fields(data)), nil
}

func main() {
	pool.Main()
	fs := flag.NewFlagSet("wordcount", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	workers := fs.Int("workers", 2, "worker processes")
	slow := fs.Duration("slow", 0, "rest this long after each file")
	const usage = "usage: wordcount [-workers N] [-slow DUR] PATH..."
	if err := fs.Parse(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "wordcount: %v; %s\n", err, usage)
		os.Exit(2)
	}
	if fs.NArg() == 0 || *workers < 1 || *slow < 0 {
		fmt.Fprintf(os.Stderr, "wordcount: name at least one file or folder, with -workers 1 or more; %s\n", usage)
		os.Exit(2)
	}
	failed, err := run(os.Stdout, fs.Args(), *workers, *slow)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wordcount:", err)
		os.Exit(1)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// files lists the files named by paths: a folder stands for the files
// below it. A path that cannot be read is listed as it is, so that its
// task reports the error.
func files(paths []string) []string {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			out = append(out, p)
			continue
		}
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				out = append(out, path) // an unreadable folder is reported too
			}
			return nil
		})
	}
	return out
}

func run(w io.Writer, paths []string, workers int, slow time.Duration) (failed int, err error) {
	all := files(paths)
	p, err := pool.New(pool.Config{Workers: workers})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	ctx := context.Background()
	var futures []*pool.Future[[]report]
	for i := 0; i < workers; i++ {
		lo, hi := i*len(all)/workers, (i+1)*len(all)/workers
		if lo == hi {
			continue
		}
		futures = append(futures, pool.Submit(ctx, p, countBatch, batch{Files: all[lo:hi], Slow: slow}))
	}
	seen, words := 0, 0
	for f := range pool.AsCompleted(ctx, futures) {
		reports, err := f.Result()
		if err != nil {
			return failed, err
		}
		for _, r := range reports {
			seen++
			if r.Err != "" {
				failed++
				fmt.Fprintf(w, "[%d/%d] %s: error: %s\n", seen, len(all), r.Path, r.Err)
				continue
			}
			words += r.Words
			fmt.Fprintf(w, "[%d/%d] %s: %d words\n", seen, len(all), r.Path, r.Words)
		}
	}
	fmt.Fprintf(w, "total: %d words in %d files (%d failed)\n", words, len(all), failed)
	return failed, p.Close()
}
