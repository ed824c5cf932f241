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

// batch is one task's work: its files, the queue to report on, and how
// long to rest after each file (to watch the progress).
type batch struct {
	Files   []string
	Reports *pool.Queue[report]
	Slow    time.Duration
}

// countBatch counts the words of each file in the batch, reports each file
// as soon as it is done, and returns the batch's total.
var countBatch = pool.NewTask("countBatch", func(ctx context.Context, b batch) (int, error) {
	total := 0
	for _, path := range b.Files {
		n, err := countFile(path)
		r := report{Path: path, Words: n}
		if err != nil {
			r.Err = err.Error()
		} else {
			total += n
		}
		if err := b.Reports.Put(ctx, r); err != nil {
			return total, fmt.Errorf("reporting %s: %w", path, err)
		}
		if b.Slow > 0 {
			select {
			case <-time.After(b.Slow):
			case <-ctx.Done():
				return total, ctx.Err()
			}
		}
	}
	return total, nil
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
	reports, err := pool.NewQueue[report](p, 64)
	if err != nil {
		return 0, err
	}

	// One batch per worker, in contiguous runs of files.
	var futures []*pool.Future[int]
	for i := 0; i < workers; i++ {
		lo, hi := i*len(all)/workers, (i+1)*len(all)/workers
		if lo == hi {
			continue
		}
		futures = append(futures, pool.Submit(ctx, p, countBatch, batch{Files: all[lo:hi], Reports: reports, Slow: slow}))
	}
	// Close the queue once every task has finished, so that All ends.
	go func() {
		pool.Wait(ctx, futures, pool.AllCompleted)
		reports.Close()
	}()

	seen, words := 0, 0
	for r := range reports.All(ctx) {
		seen++
		if r.Err != "" {
			failed++
			fmt.Fprintf(w, "[%d/%d] %s: error: %s\n", seen, len(all), r.Path, r.Err)
			continue
		}
		words += r.Words
		fmt.Fprintf(w, "[%d/%d] %s: %d words\n", seen, len(all), r.Path, r.Words)
	}

	// The batches' own totals must agree with the reports.
	sum := 0
	for _, f := range futures {
		n, err := f.Result()
		if err != nil {
			return failed, err
		}
		sum += n
	}
	if sum != words || seen != len(all) {
		return failed, fmt.Errorf("lost reports: %d of %d files, %d words reported, %d counted", seen, len(all), words, sum)
	}
	fmt.Fprintf(w, "total: %d words in %d files (%d failed)\n", words, len(all), failed)
	return failed, p.Close()
}
