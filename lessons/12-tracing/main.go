// Lesson 12: record a trace.
//
// Logs say what each process did; a trace shows when, side by side. Run a
// program with POOLSCHOOL_TRACE=trace.json and every pool in it records
// its calls and writes them to that file when it closes; open the file in
// https://ui.perfetto.dev. This run is worth a look: eight calls of
// different lengths on two workers, one of which dies.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

var logger = log.New(os.Stderr, fmt.Sprintf("[pid %d] ", os.Getpid()), 0)

// step pretends to work for n times 20ms, except that input 5 then hits a
// bug that ends its worker process.
var step = pool.NewTask("step", func(_ context.Context, n int) (int, error) {
	time.Sleep(time.Duration(n) * 20 * time.Millisecond)
	if n == 5 {
		logger.Printf("step(5) hits a bug and exits")
		os.Exit(3)
	}
	return n, nil
})

func main() {
	pool.Main()

	// With POOLSCHOOL_TRACE=trace.json in the environment, the pool writes
	// its calls to trace.json when it closes. Nothing in the code changes.
	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	for r, err := range pool.Map(context.Background(), p, step, slices.Values([]int{1, 2, 3, 4, 5, 6, 7, 8})) {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println("step", r, "done")
	}
}
