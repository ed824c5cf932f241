package main

import (
	"context"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// The two workloads of the experiment. Do not change them: the grader
// measures your program with these tasks, under these names.

// uniform is a tiny task: all of its cost is the message that carries it.
var uniform = pool.NewTask("uniform", func(_ context.Context, n int) (int, error) {
	return n*n%1_000_003 + 1, nil
})

// skewed waits for the time it is given, like a task blocked on a disk or a
// network; skewedCosts says how long each item takes.
var skewed = pool.NewTask("skewed", func(ctx context.Context, d time.Duration) (int, error) {
	select {
	case <-time.After(d):
		return 1, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
})

// skewedCosts returns the costs of n skewed items: the first eighth take
// 40 ms each, all the others 2 ms.
func skewedCosts(n int) []time.Duration {
	costs := make([]time.Duration, n)
	for i := range costs {
		costs[i] = 2 * time.Millisecond
		if i < n/8 {
			costs[i] = 40 * time.Millisecond
		}
	}
	return costs
}

// warmup starts the workers before anything is timed.
var warmup = pool.NewTask("warmup", func(_ context.Context, n int) (int, error) {
	return n, nil
})
