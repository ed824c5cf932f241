// Lesson 6: load balance.
//
// A chunk is one message, so it runs whole on the worker that received it:
// when one item of a chunk is slow, the rest of the chunk waits behind it
// while another worker may have nothing to do. This lesson runs a skewed
// workload, one slow item and seven quick ones, with chunks of 1, 4 and 8.
//
// Each call reports the pid of the worker that ran it, so the lesson can
// count the busy workers and check that every chunk stayed on one of them.
// With -trace file.json the pool also records its calls as a trace
// (Config.Trace), which make docs draws as the picture on this lesson's
// page and https://ui.perfetto.dev opens.
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

// The skewed workload: one slow item first, then seven quick ones.
const (
	slow  = 300 * time.Millisecond
	quick = 60 * time.Millisecond
)

// skewed sleeps for the given time and reports the worker that ran it.
var skewed = pool.NewTask("skewed", func(_ context.Context, d time.Duration) (int, error) {
	time.Sleep(d)
	return os.Getpid(), nil
})

func main() {
	pool.Main()
	traceFile := flag.String("trace", "", "write a trace of the runs to this `file` (JSON)")
	flag.Parse()
	ctx := context.Background()

	work := []time.Duration{slow}
	for range 7 {
		work = append(work, quick)
	}

	cfg := pool.Config{Workers: 2}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		cfg.Trace = f // written when the pool stops
	}
	p, err := pool.New(cfg)
	if err != nil {
		panic(err)
	}

	fmt.Printf("== One item of %d ms, seven of %d ms, 2 workers ==\n", slow.Milliseconds(), quick.Milliseconds())
	took := map[int]time.Duration{}
	for _, c := range []int{1, 4, 8} {
		start := time.Now()
		var pids []int
		for pid, err := range pool.Map(ctx, p, skewed, slices.Values(work), pool.Chunksize(c)) {
			if err != nil {
				panic(err)
			}
			pids = append(pids, pid)
		}
		took[c] = time.Since(start)
		fmt.Printf("chunksize %d: busy workers %d, %v\n", c, distinct(pids), took[c].Round(10*time.Millisecond))
		if c == 1 {
			continue // a chunk of one input cannot split
		}
		for i := 0; i < len(pids); i += c {
			fmt.Printf("  inputs %d-%d ran in one worker: %v\n", i, i+c-1, distinct(pids[i:i+c]) == 1)
		}
	}
	// One worker doing all eight needs 720 ms. Chunksize 1 needs about
	// 360 ms: while one worker sleeps through input 0, the other runs the
	// quick inputs one after another, also the one that waited behind
	// input 0 (an idle worker takes back what waits behind a busy one),
	// and the last two run one on each. Chunksize 4 (480 ms) is too close
	// to chunksize 1 to claim anything.
	fmt.Println("chunksize 8 was slower than chunksize 1:", yes(took[8] > took[1]))

	if err := p.Close(); err != nil {
		panic(err)
	}
}

// distinct counts the different values in s.
func distinct(s []int) int {
	seen := map[int]bool{}
	for _, v := range s {
		seen[v] = true
	}
	return len(seen)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
