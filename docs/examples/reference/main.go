// Command reference is the API at a glance of docs/reference.md, as a
// program that compiles and runs: go run ./docs/examples/reference
package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/poolschool/poolschool/pool"
)

// Tasks are registered at package level, so every worker has them too.
var square = pool.NewTask("square", func(ctx context.Context, n int) (int, error) {
	return n * n, nil
})

func main() {
	pool.Main() // first statement: in a worker process this serves tasks and exits
	ctx := context.Background()

	p, err := pool.New(pool.Config{Workers: 4}) // 4 worker processes; Workers: 0 means one per CPU this process may use
	if err != nil {
		panic(err)
	}
	defer p.Close() // the with block

	f := pool.Submit(ctx, p, square, 7) // *pool.Future[int], at once
	n, err := f.Result()                // waits
	fmt.Println("square(7) =", n, err)

	nums := []int{1, 2, 3, 4, 5}
	for sq, err := range pool.Map(ctx, p, square, slices.Values(nums), pool.Chunksize(2)) {
		// in input order; each item has its own error
		fmt.Println(sq, err)
	}
}
