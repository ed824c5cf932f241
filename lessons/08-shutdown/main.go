// Lesson 8: shutting a pool down.
//
// Python's with block calls shutdown(wait=True) on the way out. In Go the
// same job is done by Close, usually deferred right after New. Shutdown
// gives finer control: return at once or wait, and keep or cancel the
// tasks that have not started yet.
//
// Every pool here has one worker and three tasks of napTime each, the first
// already running, so we know which task runs and which wait. Next to each
// timing the lesson prints what it checked (yes or no): whether a call
// returned before or after the tasks were done, read from the futures.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// napTime is how long each task takes. Each yes below needs the lesson's
// next step to come within one nap of the first task's start, and a nap
// of 300 ms leaves a busy machine room for that.
const napTime = 300 * time.Millisecond

var nap = pool.NewTask("nap", func(ctx context.Context, n int) (int, error) {
	select {
	case <-time.After(napTime):
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
})

func main() {
	pool.Main()
	fmt.Printf("Each pool: 1 worker, 3 tasks of %d ms, the first one running.\n", napTime.Milliseconds())

	fmt.Println("\n== Close: finish everything, then stop ==")
	p, futures := busyPool(3)
	start := time.Now()
	p.Close()
	fmt.Printf("Close returned after %v\n", since(start))
	fmt.Println("all three tasks were done when it returned:", yes(doneCount(futures) == 3))
	report(futures)
	// A closed pool takes no new work.
	_, err := pool.Submit(context.Background(), p, nap, 9).Result()
	fmt.Println("submit after Close:", err, "| is ErrClosed:", yes(errors.Is(err, pool.ErrClosed)))

	fmt.Println("\n== Shutdown without Wait: return now, the queue still runs ==")
	p, futures = busyPool(3)
	start = time.Now()
	p.Shutdown(context.Background(), pool.ShutdownOptions{Wait: false})
	fmt.Printf("Shutdown returned after %v\n", since(start))
	fmt.Println("Shutdown returned before the tasks finished:", yes(doneCount(futures) < len(futures)))
	for _, f := range futures {
		f.Err() // wait for each
	}
	fmt.Printf("all three were done after %v\n", since(start))
	report(futures)
	p.Close() // waits for the workers to exit; safe after Shutdown

	fmt.Println("\n== Shutdown with CancelPending: the queue is dropped ==")
	p, futures = busyPool(3)
	start = time.Now()
	p.Shutdown(context.Background(), pool.ShutdownOptions{Wait: true, CancelPending: true})
	fmt.Printf("Shutdown returned after %v\n", since(start))
	fmt.Println("Shutdown returned after the running task finished:", yes(futures[0].Err() == nil && doneCount(futures) == 3))
	report(futures)

	fmt.Println("\n== Shutdown whose context ends: running work is killed ==")
	p, futures = busyPool(3)
	ctx, cancel := context.WithTimeout(context.Background(), napTime/5)
	defer cancel()
	start = time.Now()
	err = p.Shutdown(ctx, pool.ShutdownOptions{Wait: true})
	fmt.Printf("Shutdown returned after %v: %v\n", since(start), err)
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
	// Wait while it is pending, not until it is seen running: on a busy
	// machine this loop may first look after the nap already finished.
	for futures[0].State() == pool.Pending {
		time.Sleep(time.Millisecond)
	}
	return p, futures
}

// doneCount says how many of the futures are done at this moment, without
// waiting for any.
func doneCount(futures []*pool.Future[int]) int {
	n := 0
	for _, f := range futures {
		if f.State() == pool.Done {
			n++
		}
	}
	return n
}

// report waits for each future and prints how it ended.
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

func since(t time.Time) time.Duration { return time.Since(t).Round(10 * time.Millisecond) }

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
