// Lesson 2: what a pool is.
//
// A pool keeps a few workers in a ready room. A task goes to an idle worker;
// when the task is done, the worker goes back to the room and waits for the
// next one. Starting a worker process costs time, so the pool starts one
// only when work arrives and then keeps reusing it.
//
// Every task here returns the pid of the process that ran it, so we can
// see which worker did what.
package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// whoAmI waits a little, like a real task would, and reports its process.
var whoAmI = pool.NewTask("whoAmI", func(_ context.Context, d time.Duration) (int, error) {
	time.Sleep(d)
	return os.Getpid(), nil
})

func main() {
	pool.Main() // a worker process serves tasks here and never goes further

	ctx := context.Background()
	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	fmt.Printf("the parent is pid %d; the pool may run %d workers\n", os.Getpid(), p.Workers())

	// One task at a time: the first one has to wait for a worker process to
	// start, the later ones find that worker idle in the ready room.
	fmt.Println("\n== Four tasks, one after the other ==")
	var pids []int
	for i := range 4 {
		start := time.Now()
		pid, err := pool.Submit(ctx, p, whoAmI, 0).Result()
		if err != nil {
			panic(err)
		}
		pids = append(pids, pid)
		fmt.Printf("task %d ran in pid %d and took %v\n", i+1, pid, time.Since(start).Round(100*time.Microsecond))
	}
	fmt.Printf("distinct worker processes: %d\n", len(distinct(pids)))

	// Six tasks at once: the pool starts its second worker, and the two
	// share the work. Each worker runs one task at a time.
	fmt.Println("\n== Six tasks at once ==")
	var futures []*pool.Future[int]
	for range 6 {
		futures = append(futures, pool.Submit(ctx, p, whoAmI, 100*time.Millisecond))
	}
	pids = pids[:0]
	for _, f := range futures {
		pid, err := f.Result()
		if err != nil {
			panic(err)
		}
		pids = append(pids, pid)
	}
	workers := distinct(pids)
	fmt.Printf("distinct worker processes: %d\n", len(workers))
	fmt.Printf("the parent ran none of them: %v\n", !slices.Contains(workers, os.Getpid()))
}

// distinct returns the different values of pids, sorted.
func distinct(pids []int) []int {
	s := slices.Clone(pids)
	slices.Sort(s)
	return slices.Compact(s)
}
