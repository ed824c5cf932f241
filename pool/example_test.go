package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// factorial is registered at package level, like every task, so that the
// worker processes know it too.
var factorial = pool.NewTask("factorial", func(_ context.Context, n int64) (string, error) {
	f := big.NewInt(1)
	for i := int64(2); i <= n; i++ {
		f.Mul(f, big.NewInt(i))
	}
	return f.String(), nil
})

// Submit returns a future at once; Result waits for the worker's answer.
func ExampleSubmit() {
	p, err := pool.New(pool.Config{Workers: 4})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ctx := context.Background()
	var futures []*pool.Future[string]
	for _, n := range []int64{5, 10, 15, 20} {
		futures = append(futures, pool.Submit(ctx, p, factorial, n))
	}
	for _, f := range futures {
		v, err := f.Result()
		fmt.Println(v, err)
	}
	// Output:
	// 120 <nil>
	// 3628800 <nil>
	// 1307674368000 <nil>
	// 2432902008176640000 <nil>
}

// Map yields results in input order, however the chunks are spread over
// the workers.
func ExampleMap() {
	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	numbers := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for sq, err := range pool.Map(context.Background(), p, square, slices.Values(numbers), pool.Chunksize(3)) {
		if err != nil {
			panic(err)
		}
		fmt.Print(sq, " ")
	}
	fmt.Println()
	// Output:
	// 1 4 9 16 25 36 49 64 81 100
}

// A task's error crosses the process boundary with its message; the
// *TaskError also says which task and which worker.
func ExampleTaskError() {
	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ctx := context.Background()
	ok := pool.Submit(ctx, p, divide, divArgs{X: 10, Y: 2})
	bad := pool.Submit(ctx, p, divide, divArgs{X: 5, Y: 0})

	v, err := ok.Result()
	fmt.Println("10 / 2:", v, err)
	_, err = bad.Result()
	fmt.Println("5 / 0:", err)
	var te *pool.TaskError
	if errors.As(err, &te) {
		fmt.Println("task:", te.Task, "panicked:", te.Panicked)
	}
	// Output:
	// 10 / 2: 5 <nil>
	// 5 / 0: cannot divide by zero
	// task: divide panicked: false
}

// A worker that dies fails only the task it was running: the task on the
// other worker finishes, and the pool goes on with a new worker.
func ExampleWorkerError() {
	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ctx := context.Background()
	slow := pool.Submit(ctx, p, sleepTask, 200*time.Millisecond)
	crash := pool.Submit(ctx, p, exitTask, exitArgs{Code: 3})

	err = crash.Err()
	var we *pool.WorkerError
	if errors.As(err, &we) {
		fmt.Println("worker died:", errors.Is(err, pool.ErrWorkerDied), "exit status", we.ExitCode, "task", we.Task)
	}
	fmt.Println("the other task:", slow.Err())
	n, err := pool.Submit(ctx, p, square, 12).Result()
	fmt.Println("the next task:", n, err)
	// Output:
	// worker died: true exit status 3 task exit
	// the other task: <nil>
	// the next task: 144 <nil>
}

// One field switches the same program from worker processes to goroutines.
func ExampleConfig_backend() {
	for _, backend := range []pool.Backend{pool.Processes, pool.Goroutines} {
		p, err := pool.New(pool.Config{Workers: 2, Backend: backend})
		if err != nil {
			panic(err)
		}
		n, err := pool.Submit(context.Background(), p, square, 9).Result()
		fmt.Println(backend, n, err)
		p.Close()
	}
	// Output:
	// processes 81 <nil>
	// goroutines 81 <nil>
}

// AsCompleted yields futures as they finish, fastest first.
func ExampleAsCompleted() {
	p, err := pool.New(pool.Config{Workers: 3})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ctx := context.Background()
	names := map[*pool.Future[int]]string{}
	var fs []*pool.Future[int]
	for _, ms := range []int{300, 10, 150} {
		f := pool.Submit(ctx, p, sleepTask, time.Duration(ms)*time.Millisecond)
		names[f] = fmt.Sprint(ms, "ms")
		fs = append(fs, f)
	}
	for f := range pool.AsCompleted(ctx, fs) {
		fmt.Println(names[f], "done")
	}
	// Output:
	// 10ms done
	// 150ms done
	// 300ms done
}

// Shutdown with CancelPending cancels the tasks that have not started; the
// running one finishes.
func ExamplePool_Shutdown() {
	p, err := pool.New(pool.Config{Workers: 1})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	running := pool.Submit(ctx, p, sleepTask, 100*time.Millisecond)
	for running.State() != pool.Running {
		time.Sleep(time.Millisecond)
	}
	queued := pool.Submit(ctx, p, square, 2)

	err = p.Shutdown(ctx, pool.ShutdownOptions{Wait: true, CancelPending: true})
	fmt.Println("shutdown:", err)
	fmt.Println("running task:", running.Err())
	fmt.Println("queued task cancelled:", errors.Is(queued.Err(), context.Canceled))
	// Output:
	// shutdown: <nil>
	// running task: <nil>
	// queued task cancelled: true
}
