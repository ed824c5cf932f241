// Lesson 4: Map.
//
// Map applies one task to every value of a sequence and gives the results
// back in the order of the inputs, even when later inputs finish first.
// It is a range-over-func iterator: each step yields a result and its error.
package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

var square = pool.NewTask("square", func(_ context.Context, n int) (int, error) {
	return n * n, nil
})

func main() {
	pool.Main()

	numbers := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	start := time.Now()

	p, err := pool.New(pool.Config{Workers: 4})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	// slices.Values turns the slice into an iter.Seq[int]. Map reads it
	// lazily, keeps a few inputs in flight, and yields in input order.
	for result, err := range pool.Map(context.Background(), p, square, slices.Values(numbers)) {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(result)
	}

	fmt.Println("Execution time:", time.Since(start).Round(time.Millisecond))
}
