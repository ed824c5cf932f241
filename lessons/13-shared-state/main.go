// Lesson 13: shared state.
//
// A package-level variable looks shared, but a worker process is a
// separate program with its own copy of every variable. Tasks that bump a
// global counter bump their worker's copy; the parent's stays 0.
//
// Switch the same code to the goroutine backend and the tasks do share the
// parent's counter, but they update it from several goroutines at once
// with no synchronisation: a data race. Run it with the race detector:
//
//	go run -race ./lessons/13-shared-state -backend goroutines
package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"github.com/poolschool/poolschool/pool"
)

// counter is what every task increments.
var counter int

var bump = pool.NewTask("bump", func(_ context.Context, n int) (int, error) {
	counter++ // unsynchronised on purpose
	return counter, nil
})

func main() {
	pool.Main()
	backend := flag.String("backend", "processes", "processes or goroutines")
	flag.Parse()

	b := pool.Processes
	if *backend == "goroutines" {
		b = pool.Goroutines
	}
	p, err := pool.New(pool.Config{Workers: 4, Backend: b})
	if err != nil {
		panic(err)
	}

	const n = 1000
	inputs := make([]int, n)
	tasksSaw := 0
	for seen, err := range pool.Map(context.Background(), p, bump, slices.Values(inputs)) {
		if err != nil {
			panic(err)
		}
		tasksSaw = max(tasksSaw, seen)
	}
	p.Close()

	fmt.Printf("backend %s: %d tasks each did counter++\n", b, n)
	fmt.Printf("counter in the parent: %d\n", counter)
	switch b {
	case pool.Processes:
		// Each worker counted on its own copy; the largest count a task saw
		// is at most what one worker did.
		fmt.Printf("the workers' copies moved, the parent's did not: %v\n", counter == 0 && tasksSaw > 0)
	case pool.Goroutines:
		fmt.Println("the tasks shared the parent's variable, without a lock: a data race")
	}
}
