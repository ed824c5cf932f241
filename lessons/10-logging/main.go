// Lesson 10: log with the pid.
//
// With a process pool, several programs write to the same terminal: the
// parent and every worker. A log line is only useful if it says which
// process wrote it, so the logger's prefix holds the pid. Logs go to
// stderr, results to stdout, so the two can be read apart.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"slices"

	"github.com/poolschool/poolschool/pool"
)

// logger is created when the package is initialised, which happens in
// every process that runs this binary: the parent and each worker. So each
// process gets a prefix with its own pid. The pool passes a worker's
// stderr through to the parent's.
var logger = log.New(os.Stderr, fmt.Sprintf("[pid %d] ", os.Getpid()), 0)

var square = pool.NewTask("square", func(_ context.Context, n int) (int, error) {
	logger.Printf("square(%d) starts", n)
	return n * n, nil
})

func main() {
	pool.Main()

	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	logger.Printf("parent starts the pool")
	var results []int
	for r, err := range pool.Map(context.Background(), p, square, slices.Values([]int{1, 2, 3, 4})) {
		if err != nil {
			panic(err)
		}
		results = append(results, r)
	}
	logger.Printf("parent got %v", results)
	fmt.Println("results:", results, "(the log lines are on stderr)")
}
