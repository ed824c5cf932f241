// Command wordcount counts the words in many files with a pool of worker
// processes, and shows each file's count as soon as a worker has it.
//
// Usage:
//
//	wordcount [-workers N] [-slow DUR] PATH...
//
// docs/homework/ipc.md states the task in full. This is the starter: the
// naive version of lesson 13. Each task adds its file's words to a global
// counter, and the parent prints that counter at the end. Run it: the
// total stays 0, because every worker process has its own copy of the
// variable. Making the workers report to the parent is yours to do.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/poolschool/poolschool/pool"
)

// words is the naive shared counter: each worker process has its own.
var words int

// countOne counts the words of one file and adds them to the global counter.
var countOne = pool.NewTask("countOne", func(ctx context.Context, path string) (struct{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return struct{}{}, err
	}
	words += len(bytes.Fields(data))
	return struct{}{}, nil
})

func main() {
	pool.Main() // must stay the first statement of main
	workers := flag.Int("workers", 2, "worker processes")
	slow := flag.Duration("slow", 0, "rest this long after each file")
	flag.Parse()
	_ = slow // TODO: rest this long after each file

	// TODO: folders, binary and unreadable files, bad usage; one batch of
	// files per worker; a report per file through a pool.Queue, printed by
	// the parent as it arrives.
	p, err := pool.New(pool.Config{Workers: *workers})
	if err != nil {
		fmt.Fprintln(os.Stderr, "wordcount:", err)
		os.Exit(1)
	}
	for _, err := range pool.Map(context.Background(), p, countOne, slices.Values(flag.Args())) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "wordcount:", err)
		}
	}
	p.Close()
	fmt.Printf("total: %d words in %d files\n", words, flag.NArg())
}
