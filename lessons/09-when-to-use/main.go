// Lesson 9: when to use what.
//
// Two kinds of work, three ways to run them. CPU-bound work keeps a core
// busy, so it can go at most as fast as the number of cores allows. I/O-
// bound work mostly waits (here: a sleep standing in for a network call),
// so many of them can wait at once, whatever the number of cores.
//
// In Go both backends run CPU-bound work in parallel; the process backend
// adds the cost of starting processes and copying arguments and results.
// For waiting, goroutines are cheap and plenty; a process per waiter is
// expensive. Reach for processes when you need what they isolate.
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// burn is CPU-bound: a loop of integer arithmetic, a few tens of milliseconds on one core.
var burn = pool.NewTask("burn", func(_ context.Context, n int) (int, error) {
	return spin(n), nil
})

func spin(n int) int {
	x := 0
	for i := range n {
		x = (x*31 + i) % 1_000_003
	}
	return x
}

// wait is I/O-bound: it only waits.
var wait = pool.NewTask("wait", func(ctx context.Context, d time.Duration) (int, error) {
	time.Sleep(d)
	return 0, nil
})

// sink keeps the serial results alive.
var sink int

const (
	cpuJobs  = 8
	cpuSize  = 4_000_000
	ioJobs   = 16
	ioPause  = 200 * time.Millisecond // long beside starting 16 workers, even on a busy machine
	ioWorker = 16                     // waiting needs no core, so more workers than cores pays
)

func main() {
	pool.Main()

	// CPU-bound: 2 workers, one per core.
	serial := timeIt(func() {
		for range cpuJobs {
			sink += spin(cpuSize) // keep the result, or the compiler drops the loop
		}
	})
	g := onPool(pool.Goroutines, 2, burn, cpuJobs, cpuSize)
	p := onPool(pool.Processes, 2, burn, cpuJobs, cpuSize)
	row(fmt.Sprintf("CPU-bound, %d jobs on 2 workers", cpuJobs), false, serial, g, p)

	// I/O-bound: 16 workers, because waiting costs no CPU.
	serial = timeIt(func() {
		for range ioJobs {
			time.Sleep(ioPause)
		}
	})
	g = onPool(pool.Goroutines, ioWorker, wait, ioJobs, ioPause)
	p = onPool(pool.Processes, ioWorker, wait, ioJobs, ioPause)
	row(fmt.Sprintf("I/O-bound, %d waits of %d ms on %d workers", ioJobs, ioPause.Milliseconds(), ioWorker), true, serial, g, p)

}

// onPool runs jobs copies of task(arg) on a fresh pool and returns the time,
// starting and stopping the workers included.
func onPool[A any](b pool.Backend, workers int, task *pool.Task[A, int], jobs int, arg A) time.Duration {
	return timeIt(func() {
		p, err := pool.New(pool.Config{Workers: workers, Backend: b})
		if err != nil {
			panic(err)
		}
		var fs []*pool.Future[int]
		for range jobs {
			fs = append(fs, pool.Submit(context.Background(), p, task, arg))
		}
		for _, f := range fs {
			if err := f.Err(); err != nil {
				panic(err)
			}
		}
		p.Close()
	})
}

func timeIt(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// row prints one workload's times and the speed-up of each pool over the
// serial run (serial time / pool time). For CPU-bound work the speed-up is
// only measured: it depends on how many cores are free. For the waits the
// lesson also claims that each pool beat the serial run, which holds by a
// wide margin (16 waits overlap; a busy CPU does not slow a sleep down).
func row(name string, claim bool, serial, g, p time.Duration) {
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	fmt.Println(name)
	fmt.Printf("  serial            %v\n", ms(serial))
	fmt.Printf("  goroutine pool    %v, speed-up %.1fx (measured)\n", ms(g), serial.Seconds()/g.Seconds())
	fmt.Printf("  process pool      %v, speed-up %.1fx (measured)\n", ms(p), serial.Seconds()/p.Seconds())
	if claim {
		fmt.Printf("  both pools were faster than serial: %s\n", yes(g < serial && p < serial))
	}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
