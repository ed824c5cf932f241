// Command chunksize measures how the chunk size of pool.Map changes the
// time a workload takes, and writes the measurements as a CSV file and a
// chart.
//
// Usage:
//
//	chunksize [-workload uniform|skewed] [-n N] [-sizes LIST] [-repeats R]
//	          [-workers W] [-csv FILE] [-svg FILE]
//
// For every repeat and every chunk size in LIST it times one pool.Map over
// the workload's N items and writes one CSV row:
//
//	chunksize,repeat,seconds,messages
//
// where messages is the number of calls (chunks) the pool sent to its
// workers for that Map, read from the pool's Stats.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/poolschool/poolschool/pool"
)

type config struct {
	workload string
	n        int
	sizes    []int
	repeats  int
	workers  int
	csvPath  string
	svgPath  string
}

// row is one measurement.
type row struct {
	chunksize, repeat int
	seconds           float64
	messages          int
}

func main() {
	pool.Main()
	cfg, err := parse(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "chunksize:", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "chunksize:", err)
		os.Exit(1)
	}
}

func parse(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("chunksize", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.workload, "workload", "uniform", "uniform or skewed")
	fs.IntVar(&c.n, "n", 0, "items to map (0: 5000 uniform, 64 skewed)")
	sizes := fs.String("sizes", "", "comma-separated chunk sizes (default: a range that suits the workload)")
	fs.IntVar(&c.repeats, "repeats", 3, "runs per chunk size")
	fs.IntVar(&c.workers, "workers", 2, "worker processes")
	fs.StringVar(&c.csvPath, "csv", "", "CSV file to write (default WORKLOAD.csv)")
	fs.StringVar(&c.svgPath, "svg", "", "SVG chart to write (default WORKLOAD.svg)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q; everything is a flag", fs.Arg(0))
	}
	switch c.workload {
	case "uniform":
		if c.n == 0 {
			c.n = 5000
		}
		if *sizes == "" {
			*sizes = "1,2,5,10,20,50,100,200,500,1000,5000"
		}
	case "skewed":
		if c.n == 0 {
			c.n = 64
		}
		if *sizes == "" {
			*sizes = "1,2,4,8,16,32,64"
		}
	default:
		return c, fmt.Errorf("-workload %q: use uniform or skewed", c.workload)
	}
	if c.n < 1 || c.repeats < 1 || c.workers < 1 {
		return c, errors.New("-n, -repeats and -workers must be at least 1")
	}
	for _, s := range strings.Split(*sizes, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 1 {
			return c, fmt.Errorf("-sizes: %q is not a chunk size; use whole numbers from 1, separated by commas", s)
		}
		if slices.Contains(c.sizes, v) {
			return c, fmt.Errorf("-sizes: %d is listed twice", v)
		}
		c.sizes = append(c.sizes, v)
	}
	if c.csvPath == "" {
		c.csvPath = c.workload + ".csv"
	}
	if c.svgPath == "" {
		c.svgPath = c.workload + ".svg"
	}
	return c, nil
}

func run(c config) error {
	p, err := pool.New(pool.Config{Workers: c.workers})
	if err != nil {
		return err
	}
	defer p.Close()
	ctx := context.Background()
	// Start every worker before the clock runs.
	for _, err := range pool.Map(ctx, p, warmup, slices.Values(make([]int, 4*c.workers))) {
		if err != nil {
			return err
		}
	}
	var rows []row
	for r := 1; r <= c.repeats; r++ {
		// Interleave the sizes so that a slow moment of the machine
		// spreads over all of them instead of spoiling one.
		for _, size := range c.sizes {
			before := p.Stats()
			start := time.Now()
			if err := mapOnce(ctx, p, c, size); err != nil {
				return err
			}
			elapsed := time.Since(start)
			rows = append(rows, row{size, r, elapsed.Seconds(), calls(before, p.Stats())})
		}
	}
	if err := p.Close(); err != nil {
		return err
	}
	if err := writeCSV(c.csvPath, rows); err != nil {
		return err
	}
	if err := writeSVG(c.svgPath, c, rows); err != nil {
		return err
	}
	fmt.Printf("%s: %d items, %d worker(s); median seconds per chunk size:\n", c.workload, c.n, c.workers)
	for _, s := range c.sizes {
		fmt.Printf("  %6d  %.4f\n", s, median(secondsOf(rows, s)))
	}
	fmt.Printf("wrote %s and %s\n", c.csvPath, c.svgPath)
	return nil
}

// mapOnce runs the workload once through Map with the given chunk size.
func mapOnce(ctx context.Context, p *pool.Pool, c config, size int) error {
	switch c.workload {
	case "uniform":
		items := make([]int, c.n)
		for i := range items {
			items[i] = i
		}
		for _, err := range pool.Map(ctx, p, uniform, slices.Values(items), pool.Chunksize(size)) {
			if err != nil {
				return err
			}
		}
	default:
		for _, err := range pool.Map(ctx, p, skewed, slices.Values(skewedCosts(c.n)), pool.Chunksize(size)) {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// calls is how many calls (one message each) the pool sent between two
// snapshots of its Stats.
func calls(before, after pool.Stats) int {
	n := 0
	for _, v := range after.ChunksByPID {
		n += v
	}
	for _, v := range before.ChunksByPID {
		n -= v
	}
	return n
}

func writeCSV(path string, rows []row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"chunksize", "repeat", "seconds", "messages"})
	for _, r := range rows {
		w.Write([]string{strconv.Itoa(r.chunksize), strconv.Itoa(r.repeat), strconv.FormatFloat(r.seconds, 'f', 6, 64), strconv.Itoa(r.messages)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func secondsOf(rows []row, size int) []float64 {
	var s []float64
	for _, r := range rows {
		if r.chunksize == size {
			s = append(s, r.seconds)
		}
	}
	return s
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
