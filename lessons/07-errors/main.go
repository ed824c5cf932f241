// Lesson 7: errors.
//
// Three things can go wrong in a task, and the pool reports each one
// differently:
//   - the task returns an error: the future fails with a *pool.TaskError
//     whose text is the task's own message;
//   - the task panics: the worker recovers it, and the future fails with a
//     *pool.TaskError whose Panicked field is set;
//   - the worker process dies (os.Exit, a signal, a fatal runtime error):
//     only the task it was running fails, with a *pool.WorkerError that
//     matches pool.ErrWorkerDied, and the pool starts a new worker.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// divideArgs holds the two operands: a task takes one argument.
type divideArgs struct{ X, Y float64 }

var divide = pool.NewTask("divide", func(_ context.Context, a divideArgs) (float64, error) {
	if a.Y == 0 {
		return 0, errors.New("Cannot divide by zero!")
	}
	return a.X / a.Y, nil
})

var explode = pool.NewTask("explode", func(_ context.Context, what string) (int, error) {
	panic(what)
})

// quit ends its own worker process with exit status 3.
var quit = pool.NewTask("quit", func(_ context.Context, code int) (int, error) {
	time.Sleep(50 * time.Millisecond)
	os.Exit(code)
	return 0, nil
})

// slow finishes after a while, to show that other work goes on.
var slow = pool.NewTask("slow", func(_ context.Context, n int) (int, error) {
	time.Sleep(300 * time.Millisecond)
	return n, nil
})

// inverse fails for 0 and succeeds for every other input.
var inverse = pool.NewTask("inverse", func(_ context.Context, n int) (float64, error) {
	if n == 0 {
		return 0, fmt.Errorf("no inverse for %d", n)
	}
	return 1 / float64(n), nil
})

func main() {
	pool.Main()
	ctx := context.Background()

	// A dying worker writes its last words to stderr; the pool keeps them
	// in the error, so we silence the copy.
	p, err := pool.New(pool.Config{Workers: 2, Stderr: io.Discard})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	fmt.Println("== A task returns an error ==")
	future1 := pool.Submit(ctx, p, divide, divideArgs{10, 2})
	future2 := pool.Submit(ctx, p, divide, divideArgs{5, 0})
	if r, err := future1.Result(); err != nil {
		fmt.Println("Error in future1:", err)
	} else {
		fmt.Printf("Result 1: %.1f\n", r)
	}
	if r, err := future2.Result(); err != nil {
		fmt.Println("Error in future2:", err)
		// The details of where it happened travel with the error.
		if te, ok := errors.AsType[*pool.TaskError](err); ok {
			fmt.Printf("  task %q, error type %s, ran in pid %d\n", te.Task, te.Type, te.PID)
		}
	} else {
		fmt.Printf("Result 2: %.1f\n", r)
	}

	fmt.Println("\n== A task panics ==")
	_, err = pool.Submit(ctx, p, explode, "the sky is falling").Result()
	fmt.Println("error:", err)
	if te, ok := errors.AsType[*pool.TaskError](err); ok {
		fmt.Println("  panicked:", te.Panicked, "| stack captured:", te.Stack != "")
	}

	fmt.Println("\n== A worker process dies while another task runs ==")
	survivor := pool.Submit(ctx, p, slow, 42)
	doomed := pool.Submit(ctx, p, quit, 3)
	_, err = doomed.Result()
	fmt.Println("error:", err)
	fmt.Println("  errors.Is(err, pool.ErrWorkerDied):", errors.Is(err, pool.ErrWorkerDied))
	if we, ok := errors.AsType[*pool.WorkerError](err); ok {
		fmt.Println("  exit code:", we.ExitCode)
	}
	v, err := survivor.Result()
	fmt.Println("the other task still finished:", v, err)
	v, err = pool.Submit(ctx, p, slow, 7).Result()
	fmt.Println("and the pool keeps working:", v, err)

	fmt.Println("\n== Map: one failed item does not stop the others ==")
	inputs := []int{4, 2, 0, 1}
	i := 0
	for r, err := range pool.Map(ctx, p, inverse, slices.Values(inputs)) {
		fmt.Printf("inverse(%d): %v, error: %v\n", inputs[i], r, err)
		i++
	}
}
