// Lesson 5: chunksize.
//
// Map sends work to a worker process as messages through a pipe, and each
// message costs a little: encoding, a system call, a wake-up on each side.
// Chunksize(n) packs n inputs into one message; the worker runs them one
// after the other and sends the n results back together. This lesson
// counts the messages and times the runs.
//
// The pool counts what it sends (p.Stats()): the lesson reads how many
// chunks went to the workers during each run and checks the count against
// the arithmetic, n inputs in chunks of c make ceil(n/c) chunks. Where a
// run is faster or slower than another, the lesson prints the comparison
// as yes or no, and only where the margin is wide enough to hold on a busy
// machine. Lesson 6 shows what big chunks cost when the items differ.
package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// pretend is how long each call of processData pretends to work.
const pretend = 100 * time.Millisecond

// processData doubles every number of a list after some pretend work, like
// the lecture's example.
var processData = pool.NewTask("processData", func(_ context.Context, chunk []int) ([]int, error) {
	time.Sleep(pretend)
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

func main() {
	pool.Main()
	ctx := context.Background()

	p, err := pool.New(pool.Config{Workers: 4})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	// Start the four workers before any clock runs, so that the first
	// timed Map does not pay for their start-up: four calls at once start
	// a worker each.
	for _, err := range pool.Map(ctx, p, processData, slices.Values(make([][]int, 4))) {
		if err != nil {
			panic(err)
		}
	}

	// The lecture's example maps over a list of 10 lists. Chunksize counts
	// items of the sequence given to Map, here the 10 lists, not the 100
	// numbers inside them.
	fmt.Printf("== The lecture's example: 10 lists of 10 numbers, %d ms per call, 4 workers ==\n", pretend.Milliseconds())
	var lists [][]int
	for i := 0; i < 100; i += 10 {
		lists = append(lists, seq(i, i+10))
	}
	took := map[int]time.Duration{}
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
		took[c] = time.Since(start)
		fmt.Printf("chunksize %d: %2d chunks sent (expected %2d), %v\n", c, chunksSince(p, before), expected(len(lists), c), took[c].Round(10*time.Millisecond))
	}
	// 10 calls of 100 ms on 4 workers take 3 rounds, 300 ms; 2 chunks of 5
	// calls take 500 ms, whatever the load: the claim has 200 ms to spare,
	// and neither run starts a worker.
	fmt.Println("chunksize 5 was slower than chunksize 1:", yes(took[5] > took[1]))

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
		took[c] = time.Since(start)
		after := p.Stats()
		fmt.Printf("chunksize %4d: %4d chunks sent (expected %4d), sum %d, %v, messages to workers %d\n",
			c, chunksSince(p, before), expected(n, c), sum, took[c].Round(time.Millisecond), after.MessagesSent-before.MessagesSent)
	}
	// 5000 messages against 50: the margin is tens of times, on any load.
	fmt.Printf("chunksize 100 was faster than chunksize 1: %s (%.1fx)\n", yes(took[100] < took[1]), took[1].Seconds()/took[100].Seconds())

	// Or let the pool choose: AutoChunksize starts at one input per chunk
	// and doubles the size while chunks take under 2 ms. How many chunks
	// it sends depends on how fast they come back, so no claim is made.
	start, before := time.Now(), p.Stats()
	sum := 0
	for r, err := range pool.Map(ctx, p, tiny, slices.Values(seq(0, n)), pool.AutoChunksize()) {
		if err != nil {
			panic(err)
		}
		sum += r
	}
	fmt.Printf("AutoChunksize: %d chunks sent, sum %d, %v\n", chunksSince(p, before), sum, time.Since(start).Round(time.Millisecond))
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

// seq returns lo, lo+1, ..., hi-1.
func seq(lo, hi int) []int {
	s := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
