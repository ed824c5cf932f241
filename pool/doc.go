// Package pool runs Go functions in a pool of worker processes, in the
// manner of Python's concurrent.futures.ProcessPoolExecutor: submit a task
// and get a future, or map a task over a sequence and get the results in
// input order.
//
// # The model
//
// Go cannot fork a running program or send a closure to another process, so
// a worker is this same binary started again, with a marker in its
// environment. Three rules follow from that:
//
//   - Tasks are registered by name at package level with NewTask, so that
//     every process running the binary registers the same tasks.
//   - Main is the first statement of main (and of TestMain). In a worker
//     process it serves tasks and exits; in any other process it returns at
//     once. It plays the part of Python's if __name__ == "__main__" guard:
//     a worker that did not call Main would run the program itself, and New
//     refuses with ErrNoMain rather than start workers of its own.
//   - Arguments and results cross the process boundary with encoding/gob,
//     Go's counterpart of pickle: exported fields travel, functions and
//     channels do not, and values behind interfaces need gob.Register. A
//     task with several arguments takes a struct.
//
// A whole program:
//
//	var square = pool.NewTask("square", func(ctx context.Context, n int) (int, error) {
//		return n * n, nil
//	})
//
//	func main() {
//		pool.Main()
//		p, err := pool.New(pool.Config{Workers: 4})
//		if err != nil {
//			log.Fatal(err)
//		}
//		defer p.Close()
//		n, err := pool.Submit(context.Background(), p, square, 12).Result()
//		fmt.Println(n, err) // 144 <nil>
//	}
//
// Workers talk to the parent over two pipes on file descriptors 3 and 4, so
// a task's own standard output and error go where the parent's go, as a
// Python worker's print does, and cannot corrupt the protocol. What workers
// write reaches Config.Stdout and Config.Stderr one whole line at a time, so
// the lines of two workers never splice into each other.
//
// # Testing a program that uses the pool
//
// TestMain must call Main first, as main does: the test binary is the
// worker. Under the race detector every process sleeps a second when it
// exits (GORACE's atexit_sleep_ms), worker processes too, so each Close
// waits about a second longer (its workers are told to exit together and
// sleep at the same time); set GORACE=atexit_sleep_ms=0 in the
// environment, or in TestMain before the first pool starts, to skip it:
//
//	func TestMain(m *testing.M) {
//		pool.Main()
//		if os.Getenv("GORACE") == "" {
//			os.Setenv("GORACE", "atexit_sleep_ms=0")
//		}
//		os.Exit(m.Run())
//	}
//
// # Futures, Map, errors
//
// Submit returns a Future at once. A future is Pending until a worker
// acknowledges the task, Running while it runs, and Done once it finished,
// failed or was cancelled. Cancel stops only pending tasks, and the future
// is done when it returns true; the context given
// to Submit governs the task: when it ends, a pending task is dropped and a
// running one has its own context cancelled in the worker, whose process is
// killed if the task runs on past Config.CancelGrace.
//
// Map and MapUnordered read their input lazily and keep at most Buffer
// inputs in flight, so an endless iter.Seq works; Chunksize batches inputs
// into one message. Every item yields its own result and error: one failed
// item does not stop the others. When Map's context ends, it yields the
// context's error once and stops, so a loop that collects until the first
// error never returns a short result without one.
//
// A task's returned error reaches the caller as a *TaskError whose Error is
// the task's own message; a panic is a *TaskError with Panicked set and the
// worker's stack. A worker process that dies (os.Exit, a signal, a Go
// runtime fatal error, the out-of-memory killer) fails only the task or
// chunk it was running, with a *WorkerError that carries the pid, the exit
// status or signal and the tail of its standard error, and matches
// ErrWorkerDied; tasks queued on it run on a replacement, tasks on other
// workers never notice, and the pool goes on. This is where the pool differs
// most from Python's, which breaks as a whole on the first dead worker.
//
// A worker that can no longer answer is treated as dead: one whose pipes
// closed while its process lives on a second later (a task that closed
// every descriptor), or one that does not answer a request to give back a
// call within five seconds (a stopped process), is killed, and
// WorkerError.Reason says why. The pool asks for a call back when its
// context ends, on Cancel, on Close and Shutdown, and to give it to an
// idle worker; a stopped worker whose call nobody asks back for waits as
// long as it is stopped, like a task that runs long. A worker that dies
// while it holds no call is noticed, and reaped, when the pool next sends
// it a call, which then runs on a replacement, or at Close. A
// task that simply runs long is never killed for it; cancel its context to
// stop it.
//
// # Shutdown and the worker's life
//
// Close waits for every accepted task and for every worker to exit: no
// process, pipe or goroutine of the pool outlives it. Shutdown can instead
// return at once, cancel what has not started, or kill what still runs when
// its context ends. Workers start on demand up to Config.Workers and idle
// ones are reused; Config.Initializer prepares each one before its first
// task, Config.MaxTasksPerWorker replaces them after so many calls, and the
// Retry option re-runs a task whose worker died. Each worker runs with a
// share of the parent's GOMAXPROCS (Config.WorkerProcs), so that a pool of
// one worker per CPU does not oversubscribe the machine. On Linux a worker
// dies with its parent, even one killed
// by SIGKILL (a parent-death signal, set from a thread that lives as long as
// the pool); on every system a worker exits when its command pipe closes.
// Workers run in their own process group, so the terminal's Ctrl+C reaches
// only the parent, which decides how to stop.
//
// # Talking to the parent while a task runs
//
// A task's result reaches the parent when the task ends. For progress and
// partial results on the way, give the task a *Queue inside its argument:
// it Puts, the parent Gets or ranges over All. The queue is bounded end to
// end, so a fast producer waits for a slow reader instead of filling
// memory, and a Put that returned is never lost, even if its worker dies
// right after.
//
// Python's lecture lists pipes, queues, shared memory and locks side by
// side. In Go, goroutines of one process share memory and talk over
// channels; there is nothing to set up. Across processes this package
// offers the Queue, and deliberately no shared memory: a shared segment
// would bring back every hazard the process boundary removes (races, torn
// writes, a crash leaving a lock held), and Go's garbage-collected values
// cannot live in it anyway. To coordinate workers over something outside
// the pool, such as a file, use the operating system's own locks (flock),
// or better, let the parent own it and have the workers send it what to do.
//
// # Observability
//
// Stats counts workers started and retired, tasks and chunks per worker
// pid, and the messages and bytes sent each way. Config.Trace, or the
// environment variable POOLSCHOOL_TRACE=file.json for every pool of a
// program, writes a trace in Chrome's Trace Event Format when the pool
// stops; https://ui.perfetto.dev and chrome://tracing open it. The file is
// one JSON object whose "traceEvents" array holds:
//
//   - metadata events (ph "M", names "process_name" and "thread_name") that
//     name each worker's track "worker PID", or "goroutine worker N" with
//     the Goroutines backend, where pid is the parent's and tid numbers the
//     worker;
//   - one complete event (ph "X") per call, from the worker's
//     acknowledgement to its result: name is the task, pid and tid the
//     worker process's pid, ts and dur in microseconds, and args holds
//     "pool" (the pool's number in the program), "call", "first" (the input
//     index of the call's first item), "count" (inputs in the call: the
//     chunk size, or 1 for Submit) and "outcome" ("done", "worker died",
//     "cancelled", "killed by shutdown"); a task's own error still counts
//     as done, since its call finished;
//   - instant events (ph "i") named "worker start", "worker exit",
//     "worker retired" and "worker crash", the last three with args
//     "exit_code" and "signal".
//
// So the number of worker processes a program used is the number of pids
// with slices, and the number of task messages is the number of slices.
//
// # Backends
//
// Config.Backend switches the same program between worker processes
// (Processes, the default) and goroutines of the calling process
// (Goroutines), as Python switches between ProcessPoolExecutor and
// ThreadPoolExecutor. Go has no global interpreter lock: goroutines already
// run Go code in parallel on every core, so in Go a process pool buys
// isolation rather than parallelism. A crash in a goroutine takes the whole
// program down, values are shared rather than copied, and a running task
// that ignores its cancelled context cannot be killed: its future fails
// after CancelGrace and the goroutine is left to finish.
package pool
