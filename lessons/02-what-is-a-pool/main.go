// Lesson 2: what a pool is.
//
// A pool keeps a few workers in a ready room. A task goes to an idle worker;
// when the task is done, the worker goes back to the room and waits for the
// next one. Starting a worker process costs time, so the pool starts one
// only when work arrives and then keeps reusing it.
//
// Every task here returns the pid of the process that ran it, so we can
// see which worker did what. The last part shows the two settings of a
// worker's life: Config.Initializer runs once in each worker before its
// first task, and Config.MaxTasksPerWorker replaces a worker after a number
// of tasks (Python's initializer and max_tasks_per_child).
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

	// One worker, set up once, retired after every third task.
	fmt.Println("\n== A worker's life: Initializer and MaxTasksPerWorker 3 ==")
	p2, err := pool.New(pool.Config{Workers: 1, Initializer: setup, MaxTasksPerWorker: 3})
	if err != nil {
		panic(err)
	}
	defer p2.Close()
	pids = pids[:0]
	for i := range 7 {
		l, err := pool.Submit(ctx, p2, whoSetMeUp, i).Result()
		if err != nil {
			panic(err)
		}
		pids = append(pids, l.PID)
		fmt.Printf("task %d ran in pid %d, set up by its own initializer: %v\n", i+1, l.PID, l.SetUpBy == l.PID)
	}
	st := p2.Stats()
	fmt.Printf("distinct worker processes: %d (started %d, retired %d)\n", len(distinct(pids)), st.WorkersStarted, st.WorkersRetired)
}

// setUpBy is set by the initializer, once in each worker process: the place
// for what every task needs and none should repeat, such as opening a
// database or loading a model.
var setUpBy int

var setup = pool.NewTask("setup", func(_ context.Context, _ struct{}) (struct{}, error) {
	setUpBy = os.Getpid()
	return struct{}{}, nil
})

// life reports the worker that ran it and the process its initializer ran in.
type life struct{ PID, SetUpBy int }

var whoSetMeUp = pool.NewTask("whoSetMeUp", func(_ context.Context, _ int) (life, error) {
	return life{os.Getpid(), setUpBy}, nil
})

// distinct returns the different values of pids, sorted.
func distinct(pids []int) []int {
	s := slices.Clone(pids)
	slices.Sort(s)
	return slices.Compact(s)
}
