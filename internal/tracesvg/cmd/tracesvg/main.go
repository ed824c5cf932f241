// Command tracesvg draws the book's trace pictures: every
// docs/images/NAME.trace.json becomes docs/images/NAME.svg, one row per
// worker and one box per call (see package tracesvg).
//
//	go run ./internal/tracesvg/cmd/tracesvg                 # redraw stale pictures
//	go run ./internal/tracesvg/cmd/tracesvg -check          # only report them (exit 1)
//	go run ./internal/tracesvg/cmd/tracesvg in.json out.svg # draw one file
//
// make docs runs it; the traces themselves are recorded by make traces.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/poolschool/poolschool/internal/tracesvg"
)

func main() {
	check := flag.Bool("check", false, "report stale pictures and exit 1 instead of redrawing them")
	dir := flag.String("dir", "docs/images", "the directory of *.trace.json files and their pictures")
	title := flag.String("title", "", "the title of the picture, when drawing one file")
	flag.Parse()
	if flag.NArg() == 2 {
		if err := one(flag.Arg(0), flag.Arg(1), *title); err != nil {
			fmt.Fprintln(os.Stderr, "tracesvg:", err)
			os.Exit(2)
		}
		return
	}
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: tracesvg [-check] [-dir dir] | tracesvg [-title t] in.json out.svg")
		os.Exit(2)
	}
	pics, err := tracesvg.Dir(*dir, !*check)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracesvg:", err)
		os.Exit(2)
	}
	stale := 0
	for _, p := range pics {
		if !p.Stale {
			continue
		}
		stale++
		if *check {
			fmt.Printf("%s is out of date with %s; run make docs\n", p.SVG, p.Trace)
		} else {
			fmt.Printf("%s: drew it from %s\n", p.SVG, p.Trace)
		}
	}
	if *check && stale > 0 {
		os.Exit(1)
	}
}

// one draws a single trace file.
func one(in, out, title string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	t, err := tracesvg.Parse(data)
	if err != nil {
		return err
	}
	if title == "" {
		title = tracesvg.Title(in)
	}
	var b bytes.Buffer
	if err := tracesvg.Render(&b, t, tracesvg.Options{Title: title}); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}
