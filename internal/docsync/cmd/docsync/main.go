// Command docsync checks or rewrites the generated blocks of the book.
//
//	go run ./internal/docsync/cmd/docsync          # rewrite out-of-date blocks
//	go run ./internal/docsync/cmd/docsync -check   # only report them (exit 1)
//
// Without file arguments it works on every Markdown file under docs/ of the
// repository root given by -root (default: the current directory). Either
// way it also checks that the lessons are numbered alike everywhere they
// are named (docsync.LessonRefs), and exits 1 when they are not.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/poolschool/poolschool/internal/docsync"
)

func main() {
	check := flag.Bool("check", false, "report out-of-date blocks and exit 1 instead of rewriting them")
	root := flag.String("root", ".", "the repository root that block paths are relative to")
	flag.Parse()
	docs := flag.Args()
	if len(docs) == 0 {
		var err error
		if docs, err = docsync.Docs(*root); err != nil {
			fmt.Fprintln(os.Stderr, "docsync:", err)
			os.Exit(2)
		}
	}
	run := docsync.Sync
	if *check {
		run = docsync.Check
	}
	ms, err := run(*root, docs...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docsync:", err)
		os.Exit(2)
	}
	failed := false
	for _, m := range ms {
		switch {
		case *check || m.Problem != "":
			// A fenced block that nothing proves is for a person to fix:
			// it fails make docs as well as the check.
			fmt.Println(m)
			failed = true
		default:
			fmt.Printf("%s:%d: rewrote from %s\n", m.Doc, m.Line, m.Src)
		}
	}
	// The lesson numbers are checked in both modes: they are for a person
	// to fix.
	files, err := docsync.RefFiles(*root)
	if err == nil {
		var problems []string
		if problems, err = docsync.LessonRefs(*root, files...); err == nil {
			for _, p := range problems {
				fmt.Println(p)
				failed = true
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "docsync:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}
