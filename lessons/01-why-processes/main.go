// Lesson 1: why processes, and why Go is different.
//
// Python needs processes to run Python code on several cores at once,
// because of its global interpreter lock. Go has no such lock: goroutines
// already run in parallel. So in Go a process pool is not about speed. It
// is about isolation: each worker has its own address space, can be given
// its own memory limit, and meets its own fate. A task that crashes its
// process fails alone.
//
// This lesson shows both halves: a CPU-bound job runs on either backend
// (its speed-up is measured and printed, since it depends on the free
// cores), and a crash that kills a goroutine program is contained by the
// process pool.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// countPrimes is the CPU-bound job: it counts the primes in [Lo, Hi) by
// trial division, which keeps one core busy and touches almost no memory.
var countPrimes = pool.NewTask("countPrimes", func(_ context.Context, r span) (int, error) {
	return primesIn(r), nil
})

// primesIn is the plain function behind the task, for the serial run.
func primesIn(r span) int {
	n := 0
	for x := max(r.Lo, 2); x < r.Hi; x++ {
		prime := true
		for d := 2; d*d <= x; d++ {
			if x%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			n++
		}
	}
	return n
}

// span is a half-open range of numbers. Tasks take one argument, so
// several values travel together in a struct.
type span struct{ Lo, Hi int }

// fragile returns n*10, except for n == 3: then a helper goroutine that the
// task started writes to a nil map. A panic on a goroutine that nobody
// recovers ends the whole process, whatever the task itself does.
var fragile = pool.NewTask("fragile", func(_ context.Context, n int) (int, error) {
	if n == 3 {
		go func() {
			var seen map[string]int
			seen["oops"]++
		}()
		select {} // wait for the crash
	}
	time.Sleep(50 * time.Millisecond)
	return n * 10, nil
})

func main() {
	pool.Main() // in a worker process, this serves tasks and never returns
	fragileBackend := flag.String("fragile", "", "run only the crash demo with this backend (goroutines or processes)")
	flag.Parse()
	if *fragileBackend != "" {
		runFragile(*fragileBackend)
		return
	}

	fmt.Println("== A CPU-bound job: count the primes below 1,600,000 in 8 slices ==")
	var jobs []span
	for i := range 8 {
		jobs = append(jobs, span{i * 200_000, (i + 1) * 200_000})
	}

	// One goroutine, no pool: the baseline.
	start := time.Now()
	total := 0
	for _, j := range jobs {
		total += primesIn(j)
	}
	serial := time.Since(start)
	fmt.Printf("%-19s %d primes in %v\n", "serial, no pool:", total, serial.Round(time.Millisecond))

	// The same job on a pool of 2 workers, once with each backend. The
	// speed-up is a measurement, not a claim: how much faster two workers
	// are depends on how many cores are free, so it is printed as a number
	// (serial time / pool time; below 1 means slower) and nothing is
	// concluded from it. What the lesson does claim is checked: both pools
	// find the same primes.
	for _, b := range []pool.Backend{pool.Goroutines, pool.Processes} {
		took, n := onPool(b, jobs)
		fmt.Printf("%-19s %d primes in %v, speed-up %.1fx (measured)\n",
			"pool of "+b.String()+":", n, took.Round(time.Millisecond), serial.Seconds()/took.Seconds())
		fmt.Printf("  same count as serial: %s\n", yes(n == total))
	}

	fmt.Println()
	fmt.Println("== A task crashes its process ==")
	// Run the crash demo in child processes (this same program with a
	// flag), so that this lesson survives to tell what happened.
	for _, b := range []string{"goroutines", "processes"} {
		cmd := exec.Command(os.Args[0], "-fragile", b)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		fmt.Printf("backend %s:\n", b)
		fmt.Print(indent(stdout.String()))
		if err != nil {
			first, _, _ := strings.Cut(stderr.String(), "\n")
			fmt.Printf("  the whole program died: %v, and it said %q\n", err, first)
		} else {
			fmt.Println("  the program finished normally")
		}
	}
}

// onPool runs the jobs on a fresh 2-worker pool with backend b and returns
// the time taken, worker start-up included, and the total.
func onPool(b pool.Backend, jobs []span) (time.Duration, int) {
	start := time.Now()
	p, err := pool.New(pool.Config{Workers: 2, Backend: b})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	var futures []*pool.Future[int]
	for _, j := range jobs {
		futures = append(futures, pool.Submit(context.Background(), p, countPrimes, j))
	}
	total := 0
	for _, f := range futures {
		n, err := f.Result()
		if err != nil {
			panic(err)
		}
		total += n
	}
	return time.Since(start), total
}

// runFragile submits fragile(0..4) to a pool with the named backend and
// prints each outcome in order.
func runFragile(backend string) {
	b := pool.Processes
	if backend == "goroutines" {
		b = pool.Goroutines
	}
	// The pool keeps the tail of a dead worker's stderr for its error, so we
	// need not see the crash report twice.
	p, err := pool.New(pool.Config{Workers: 2, Backend: b, Stderr: io.Discard})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	var futures []*pool.Future[int]
	for n := range 5 {
		futures = append(futures, pool.Submit(context.Background(), p, fragile, n))
	}
	// Wait for every outcome before printing any, so that a crash leaves
	// nothing half-printed.
	var lines []string
	for n, f := range futures {
		v, err := f.Result()
		switch {
		case errors.Is(err, pool.ErrWorkerDied):
			lines = append(lines, fmt.Sprintf("fragile(%d) failed alone: %v", n, err))
		case err != nil:
			lines = append(lines, fmt.Sprintf("fragile(%d) failed: %v", n, err))
		default:
			lines = append(lines, fmt.Sprintf("fragile(%d) = %d", n, v))
		}
	}
	fmt.Println(strings.Join(lines, "\n"))
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func indent(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		b.WriteString("  " + line)
	}
	return b.String()
}
