// Lesson 5: chunksize.
//
// Map sends work to a worker process as messages through a pipe, and each
// message costs a little: encoding, a system call, a wake-up on each side.
// Chunksize(n) packs n inputs into one message; the worker runs them one
// after the other and sends the n results back together. Fewer messages,
// coarser load balancing. This lesson measures both effects.
//
// The pool counts what it sends (p.Stats()): the lesson reads how many
// chunks went to the workers during each run and checks the count against
// the arithmetic, n inputs in chunks of c make ceil(n/c) chunks. A task that
// reports the pid that ran it shows that a chunk never splits across
// workers. With -trace file.json, the skewed run at the end is also
// recorded as a trace (Config.Trace) that https://ui.perfetto.dev opens.
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

// processData doubles every number of a list after 100ms of pretend work,
// like the lecture's example.
var processData = pool.NewTask("processData", func(_ context.Context, chunk []int) ([]int, error) {
	time.Sleep(100 * time.Millisecond)
	out := make([]int, len(chunk))
	for i, x := range chunk {
		out[i] = 2 * x
	}
	return out, nil
})

// tiny is almost no work at all: here the cost of a message dominates.
var tiny = pool.NewTask("tiny", func(_ context.Context, n int) (int, error) {
	return n + 1, nil
})

// whoAmI reports the worker that ran input n.
var whoAmI = pool.NewTask("whoAmI", func(_ context.Context, n int) (int, error) {
	return os.Getpid(), nil
})

// skewed sleeps for the given time: a workload where items differ.
var skewed = pool.NewTask("skewed", func(_ context.Context, d time.Duration) (int, error) {
	time.Sleep(d)
	return 0, nil
})

func main() {
	pool.Main()
	traceFile := flag.String("trace", "", "write a trace of the skewed run to this `file` (JSON)")
	flag.Parse()
	ctx := context.Background()

	p, err := pool.New(pool.Config{Workers: 4})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	// The lecture's example maps over a list of 10 lists. Chunksize counts
	// items of the sequence given to Map, here the 10 lists, not the 100
	// numbers inside them.
	fmt.Println("== The lecture's example: 10 lists of 10 numbers ==")
	var lists [][]int
	for i := 0; i < 100; i += 10 {
		lists = append(lists, seq(i, i+10))
	}
	for _, c := range []int{1, 5} {
		start, before := time.Now(), p.Stats()
		var out [][]int
		for r, err := range pool.Map(ctx, p, processData, slices.Values(lists), pool.Chunksize(c)) {
			if err != nil {
				panic(err)
			}
			out = append(out, r)
		}
		if c == 1 {
			for _, r := range out {
				fmt.Println(r)
			}
		}
		elapsed := time.Since(start).Round(10 * time.Millisecond)
		fmt.Printf("chunksize %d: %2d chunks sent (expected %2d), %v\n", c, chunksSince(p, before), expected(len(lists), c), elapsed)
	}

	// Five thousand tiny tasks: the message cost is everything.
	fmt.Println("\n== 5000 tiny tasks ==")
	const n = 5000
	for _, c := range []int{1, 10, 100, 1000} {
		start, before := time.Now(), p.Stats()
		sum := 0
		for r, err := range pool.Map(ctx, p, tiny, slices.Values(seq(0, n)), pool.Chunksize(c)) {
			if err != nil {
				panic(err)
			}
			sum += r
		}
		elapsed := time.Since(start).Round(time.Millisecond)
		after := p.Stats()
		fmt.Printf("chunksize %4d: %4d chunks sent (expected %4d), sum %d, %v, messages to workers %d\n",
			c, chunksSince(p, before), expected(n, c), sum, elapsed, after.MessagesSent-before.MessagesSent)
	}

	// Which worker ran which input: with chunksize 4, inputs 0-3 share one
	// pid, 4-7 share one, and so on.
	fmt.Println("\n== Chunks stay together ==")
	var pids []int
	for pid, err := range pool.Map(ctx, p, whoAmI, slices.Values(seq(0, 12)), pool.Chunksize(4)) {
		if err != nil {
			panic(err)
		}
		pids = append(pids, pid)
	}
	for i := 0; i < len(pids); i += 4 {
		fmt.Printf("inputs %d-%d ran in one worker: %v\n", i, i+3, allEqual(pids[i:i+4]))
	}

	// Big chunks balance badly when items differ: one slow item holds up
	// the rest of its chunk while other workers sit idle.
	fmt.Println("\n== A skewed workload: one item of 300 ms, seven of 60 ms, 2 workers ==")
	work := []time.Duration{300 * time.Millisecond}
	for range 7 {
		work = append(work, 60*time.Millisecond)
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
	p2, err := pool.New(cfg)
	if err != nil {
		panic(err)
	}
	for _, c := range []int{1, 4, 8} {
		start, before := time.Now(), p2.Stats()
		for _, err := range pool.Map(ctx, p2, skewed, slices.Values(work), pool.Chunksize(c)) {
			if err != nil {
				panic(err)
			}
		}
		elapsed := time.Since(start).Round(10 * time.Millisecond)
		fmt.Printf("chunksize %d: chunks sent %d (expected %d), busy workers %d, %v\n",
			c, chunksSince(p2, before), expected(len(work), c), len(busy(p2, before)), elapsed)
	}
	if err := p2.Close(); err != nil {
		panic(err)
	}
}

// expected is the arithmetic: n inputs in chunks of c make ceil(n/c) chunks.
func expected(n, c int) int { return (n + c - 1) / c }

// chunksSince is how many chunks (one message each, carrying work) p sent
// to its workers since the snapshot before, as the pool counted them.
func chunksSince(p *pool.Pool, before pool.Stats) int {
	n := 0
	for pid, k := range p.Stats().ChunksByPID {
		n += k - before.ChunksByPID[pid]
	}
	return n
}

// busy returns the pids of the workers that ran a chunk since before.
func busy(p *pool.Pool, before pool.Stats) []int {
	var pids []int
	for pid, k := range p.Stats().ChunksByPID {
		if k > before.ChunksByPID[pid] {
			pids = append(pids, pid)
		}
	}
	return pids
}

// seq returns lo, lo+1, ..., hi-1.
func seq(lo, hi int) []int {
	s := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

func allEqual(s []int) bool {
	for _, v := range s {
		if v != s[0] {
			return false
		}
	}
	return true
}
