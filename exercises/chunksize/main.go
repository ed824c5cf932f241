// Command chunksize measures how the chunk size of pool.Map changes the
// time a workload takes, and writes the measurements as a CSV file and a
// chart.
//
// Usage:
//
//	chunksize [-workload uniform|skewed] [-n N] [-sizes LIST] [-repeats R]
//	          [-workers W] [-csv FILE] [-svg FILE]
//
// docs/homework/chunksize.md states the task in full. This is the starter:
// it runs the workload once, with the default chunk size, and prints the
// time. The experiment, the CSV and the chart are yours to write.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

func main() {
	pool.Main() // must stay the first statement of main
	workload := flag.String("workload", "uniform", "uniform or skewed")
	workers := flag.Int("workers", 2, "worker processes")
	flag.Parse()
	// TODO: the flags -n, -sizes, -repeats, -csv and -svg, and bad input
	// (one line on stderr, exit status 2).

	p, err := pool.New(pool.Config{Workers: *workers})
	if err != nil {
		fmt.Fprintln(os.Stderr, "chunksize:", err)
		os.Exit(1)
	}
	defer p.Close()
	ctx := context.Background()

	// TODO: for every repeat and every chunk size, time one Map with
	// pool.Chunksize, count the messages the pool sent (p.Stats()), and
	// write the rows to the CSV file; then draw the chart.
	start := time.Now()
	switch *workload {
	case "skewed":
		for _, err := range pool.Map(ctx, p, skewed, slices.Values(skewedCosts(64))) {
			if err != nil {
				fmt.Fprintln(os.Stderr, "chunksize:", err)
				os.Exit(1)
			}
		}
	default:
		items := make([]int, 5000)
		for i := range items {
			items[i] = i
		}
		for _, err := range pool.Map(ctx, p, uniform, slices.Values(items)) {
			if err != nil {
				fmt.Fprintln(os.Stderr, "chunksize:", err)
				os.Exit(1)
			}
		}
	}
	fmt.Printf("%s workload, default chunk size: %v\n", *workload, time.Since(start).Round(time.Millisecond))
}
