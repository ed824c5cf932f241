package pool_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
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

	// Each task waits for a gate the example opens, so that the tasks
	// finish in the order b, c, a on any machine.
	ctx := context.Background()
	gates := map[string]gate{}
	names := map[*pool.Future[int]]string{}
	var fs []*pool.Future[int]
	for _, name := range []string{"a", "b", "c"} {
		g, remove := exampleGate()
		defer remove()
		gates[name] = g
		f := pool.Submit(ctx, p, waitGate, g.path())
		names[f] = name
		fs = append(fs, f)
	}
	next := map[string]string{"b": "c", "c": "a"}
	gates["b"].open()
	for f := range pool.AsCompleted(ctx, fs) {
		fmt.Println(names[f], "done")
		if n, ok := next[names[f]]; ok {
			gates[n].open()
		}
	}
	// Output:
	// b done
	// c done
	// a done
}

// Shutdown with CancelPending cancels the tasks that have not started; the
// running one finishes.
func ExamplePool_Shutdown() {
	p, err := pool.New(pool.Config{Workers: 1})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	g, remove := exampleGate() // the running task finishes once g opens
	defer remove()
	running := pool.Submit(ctx, p, waitGate, g.path())
	for running.State() != pool.Running {
		time.Sleep(time.Millisecond)
	}
	queued := pool.Submit(ctx, p, square, 2)

	err = p.Shutdown(ctx, pool.ShutdownOptions{CancelPending: true})
	fmt.Println("shutdown:", err)
	fmt.Println("queued task cancelled:", errors.Is(queued.Err(), context.Canceled))
	g.open()
	fmt.Println("running task:", running.Err())
	fmt.Println("close:", p.Close())
	// Output:
	// shutdown: <nil>
	// queued task cancelled: true
	// running task: <nil>
	// close: <nil>
}

// progressArgs carries a queue to the task: gob sends a reference to it,
// and in the worker Put talks to the parent.
type progressArgs struct {
	Name     string
	Steps    int
	Progress *pool.Queue[string]
}

var longJob = pool.NewTask("longJob", func(ctx context.Context, a progressArgs) (int, error) {
	for i := 1; i <= a.Steps; i++ {
		if err := a.Progress.Put(ctx, fmt.Sprintf("%s: step %d of %d", a.Name, i, a.Steps)); err != nil {
			return 0, err
		}
	}
	return a.Steps, nil
})

// A task reports progress through a Queue while it runs; the parent reads
// it until the queue is closed.
func ExampleQueue() {
	p, err := pool.New(pool.Config{Workers: 1})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	ctx := context.Background()

	progress, err := pool.NewQueue[string](p, 4)
	if err != nil {
		panic(err)
	}
	job := pool.Submit(ctx, p, longJob, progressArgs{Name: "resize", Steps: 3, Progress: progress})
	job.OnDone(func(*pool.Future[int]) { progress.Close() })

	for msg := range progress.All(ctx) {
		fmt.Println(msg)
	}
	fmt.Println(job.Result())
	// Output:
	// resize: step 1 of 3
	// resize: step 2 of 3
	// resize: step 3 of 3
	// 3 <nil>
}

// The ctx given to Submit governs the running task: a task that honours it
// stops at once; one that ignores it (spin) has its worker killed after
// CancelGrace. Either way the future fails with the context's error.
func ExampleSubmit_cancelRunning() {
	p, err := pool.New(pool.Config{Workers: 2, CancelGrace: 100 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	polite := pool.Submit(ctx, p, sleepTask, time.Hour)
	stubborn := pool.Submit(ctx, p, spin, time.Hour)

	fmt.Println("polite:", polite.Err())
	fmt.Println("stubborn:", stubborn.Err())
	// Output:
	// polite: context deadline exceeded
	// stubborn: context deadline exceeded
}

// Config.Trace receives a Chrome trace-event file when the pool stops: one
// track per worker process and one slice per call, to open in
// https://ui.perfetto.dev.
func ExampleConfig_trace() {
	var trace bytes.Buffer
	p, err := pool.New(pool.Config{Workers: 2, Trace: &trace})
	if err != nil {
		panic(err)
	}
	numbers := make([]int, 12)
	for range pool.Map(context.Background(), p, square, slices.Values(numbers), pool.Chunksize(4)) {
	}
	p.Close()

	var file struct {
		TraceEvents []struct {
			Ph   string
			Name string
			Args map[string]any
		}
	}
	if err := json.Unmarshal(trace.Bytes(), &file); err != nil {
		panic(err)
	}
	for _, e := range file.TraceEvents {
		if e.Ph == "X" {
			fmt.Println(e.Name, "items", e.Args["first"], "to", e.Args["first"].(float64)+e.Args["count"].(float64)-1)
		}
	}
	// Unordered output:
	// square items 0 to 3
	// square items 4 to 7
	// square items 8 to 11
}

// openConfig fails the way os.Open does: with a *fs.PathError.
var openConfig = pool.NewTask("openConfig", func(_ context.Context, path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
})

// A task's error crosses the process boundary with its chain: errors.Is
// and errors.As work on it in the parent as they would in the worker.
func ExampleTaskError_errorsIs() {
	p, err := pool.New(pool.Config{Workers: 1})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	_, err = pool.Submit(context.Background(), p, openConfig, "/no/such/config.toml").Result()
	fmt.Println("not exist:", errors.Is(err, fs.ErrNotExist))
	var pe *fs.PathError
	if errors.As(err, &pe) {
		fmt.Println("op:", pe.Op, "path:", pe.Path)
	}
	// Output:
	// not exist: true
	// op: open path: /no/such/config.toml
}

// Timeout fails one slow task with a clear error, without a context per
// call; the task's context is cancelled, as its own deadline would be.
func ExampleTimeout() {
	p, err := pool.New(pool.Config{Workers: 1})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	err = pool.Submit(context.Background(), p, sleepTask, time.Hour, pool.Timeout(50*time.Millisecond)).Err()
	fmt.Println(err)
	fmt.Println("deadline exceeded:", errors.Is(err, context.DeadlineExceeded))
	// Output:
	// pool: task "sleep" ran longer than its timeout of 50ms
	// deadline exceeded: true
}

// Collect is the all-or-nothing Map: every result in order, or the first
// input that failed, never a short slice without an error.
func ExampleCollect() {
	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ctx := context.Background()
	squares, err := pool.Collect(ctx, p, square, slices.Values([]int{1, 2, 3, 4}))
	fmt.Println(squares, err)

	inputs := []divArgs{{X: 1, Y: 2}, {X: 1, Y: 0}, {X: 3, Y: 4}}
	_, err = pool.Collect(ctx, p, divide, slices.Values(inputs))
	var ie *pool.ItemError
	if errors.As(err, &ie) {
		fmt.Println("input", ie.Index, "failed:", ie.Err)
	}
	// Output:
	// [1 4 9 16] <nil>
	// input 1 failed: cannot divide by zero
}

// A program tested on goroutines should fail where it would fail on
// processes: CheckValues sends every value through the encoding the
// processes use. Here the result hides an unregistered type behind any.
func ExampleConfig_checkValues() {
	for _, check := range []bool{false, true} {
		p, err := pool.New(pool.Config{Workers: 1, Backend: pool.Goroutines, CheckValues: check})
		if err != nil {
			panic(err)
		}
		_, err = pool.Submit(context.Background(), p, anyResult, 0).Result()
		fmt.Printf("CheckValues %v: fails as on processes: %v\n", check, errors.Is(err, pool.ErrEncode))
		p.Close()
	}
	// Output:
	// CheckValues false: fails as on processes: false
	// CheckValues true: fails as on processes: true
}
