// Lesson 7: shutting a pool down.
//
// Python's with block calls shutdown(wait=True) on the way out. In Go the
// same job is done by Close, usually deferred right after New. Shutdown
// gives finer control: return at once or wait, and keep or cancel the
// tasks that have not started yet.
//
// Every pool here has one worker and tasks that take 100ms, so we know
// exactly which task is running and which are still queued.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/poolschool/poolschool/pool"
)

var nap = pool.NewTask("nap", func(ctx context.Context, n int) (int, error) {
	select {
	case <-time.After(100 * time.Millisecond):
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
})

func main() {
	pool.Main()

	fmt.Println("== Close: finish everything, then stop ==")
	p, futures := busyPool(3)
	start := time.Now()
	p.Close()
	fmt.Printf("Close returned after %v\n", time.Since(start).Round(50*time.Millisecond))
	report(futures)
	// A closed pool takes no new work.
	_, err := pool.Submit(context.Background(), p, nap, 9).Result()
	fmt.Println("submit after Close:", err, "| is ErrClosed:", errors.Is(err, pool.ErrClosed))

	fmt.Println("\n== Shutdown without Wait: return now, the queue still runs ==")
	p, futures = busyPool(3)
	start = time.Now()
	p.Shutdown(context.Background(), pool.ShutdownOptions{Wait: false})
	fmt.Printf("Shutdown returned after %v\n", time.Since(start).Round(50*time.Millisecond))
	for _, f := range futures {
		f.Err() // wait for each
	}
	fmt.Printf("all three were done after %v\n", time.Since(start).Round(50*time.Millisecond))
	report(futures)
	p.Close() // waits for the workers to exit; safe after Shutdown

	fmt.Println("\n== Shutdown with CancelPending: the queue is dropped ==")
	p, futures = busyPool(3)
	start = time.Now()
	p.Shutdown(context.Background(), pool.ShutdownOptions{Wait: true, CancelPending: true})
	fmt.Printf("Shutdown returned after %v\n", time.Since(start).Round(50*time.Millisecond))
	report(futures)

	fmt.Println("\n== Shutdown whose context ends: running work is killed ==")
	p, futures = busyPool(3)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = p.Shutdown(ctx, pool.ShutdownOptions{Wait: true})
	fmt.Println("Shutdown returned:", err)
	report(futures)
}

// busyPool returns a one-worker pool with n naps submitted, the first of
// them already running.
func busyPool(n int) (*pool.Pool, []*pool.Future[int]) {
	p, err := pool.New(pool.Config{Workers: 1})
	if err != nil {
		panic(err)
	}
	var futures []*pool.Future[int]
	for i := range n {
		futures = append(futures, pool.Submit(context.Background(), p, nap, i+1))
	}
	for futures[0].State() != pool.Running {
		time.Sleep(time.Millisecond)
	}
	return p, futures
}

// report prints how each future ended.
func report(futures []*pool.Future[int]) {
	for i, f := range futures {
		v, err := f.Result()
		switch {
		case errors.Is(err, context.Canceled):
			fmt.Printf("  task %d: cancelled before it started\n", i+1)
		case err != nil:
			fmt.Printf("  task %d: failed: %v\n", i+1, err)
		default:
			fmt.Printf("  task %d: finished with %d\n", i+1, v)
		}
	}
}
