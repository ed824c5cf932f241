// Lesson 3: Submit and futures.
//
// Submit hands one call to the pool and returns at once with a future: a
// handle on a result that does not exist yet. Result waits for it. We
// submit every call first and only then collect, so the calls can run at
// the same time.
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// factorial multiplies 1 * 2 * ... * n. 20! is the largest factorial that
// fits in an int64, which is why the lesson stops at 20.
var factorial = pool.NewTask("factorial", func(_ context.Context, n int) (int, error) {
	return fact(n), nil
})

func main() {
	pool.Main() // must come first: in a worker process it serves tasks

	numbers := []int{5, 10, 15, 20}
	start := time.Now()

	p, err := pool.New(pool.Config{Workers: 4})
	if err != nil {
		panic(err)
	}

	// Submit returns immediately; each future fills in later.
	var futures []*pool.Future[int]
	for _, n := range numbers {
		futures = append(futures, pool.Submit(context.Background(), p, factorial, n))
	}

	// Result blocks until its future is done. Reading them in the order we
	// submitted keeps the output in input order.
	var results []int
	for _, f := range futures {
		r, err := f.Result()
		if err != nil {
			panic(err)
		}
		results = append(results, r)
	}

	// Close is the end of Python's with block: no new work, wait for the
	// running tasks, stop the workers.
	if err := p.Close(); err != nil {
		panic(err)
	}

	elapsed := time.Since(start)
	fmt.Println("Factorials:", results)
	fmt.Println("Execution time:", elapsed.Round(time.Millisecond))

	// The same four factorials in a plain loop, without a pool. Starting
	// four worker processes costs milliseconds; the work takes microseconds.
	start = time.Now()
	var plain []int
	for _, n := range numbers {
		plain = append(plain, fact(n))
	}
	loop := time.Since(start)
	fmt.Println("Plain loop:", plain, "in", loop)
	fmt.Println("the plain loop was faster than the pool:", yes(loop < elapsed))
}

// fact is the plain function behind the task.
func fact(n int) int {
	result := 1
	for i := 2; i <= n; i++ {
		result *= i
	}
	return result
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
