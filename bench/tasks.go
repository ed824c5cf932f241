package bench

import (
	"context"
	"errors"
	"math"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// The tasks of the workloads, registered at package level so that the
// worker processes of the harness binary, and of its test, have them too.
// pybench.py defines the same functions for Python.
var (
	identity = pool.NewTask("bench.identity", func(_ context.Context, n int) (int, error) { return n, nil })
	// maxProcs reports a worker's GOMAXPROCS (pool.Config.WorkerProcs).
	maxProcs = pool.NewTask("bench.maxprocs", func(_ context.Context, _ struct{}) (int, error) { return runtime.GOMAXPROCS(0), nil })

	fail = pool.NewTask("bench.fail", func(_ context.Context, n int) (int, error) {
		return 0, errors.New("item " + strconv.Itoa(n) + " failed")
	})

	echo = pool.NewTask("bench.echo", func(_ context.Context, b []byte) ([]byte, error) { return b, nil })

	primes = pool.NewTask("bench.primes", func(_ context.Context, r primeRange) (int, error) { return countPrimes(r), nil })

	spinTask = pool.NewTask("bench.spin", func(_ context.Context, d time.Duration) (int, error) { spin(d); return 0, nil })

	sleepTask = pool.NewTask("bench.sleep", func(ctx context.Context, d time.Duration) (int, error) {
		select {
		case <-time.After(d):
			return 0, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	})

	// crash writes the wall-clock time to the file it is given and exits
	// at once, so that the parent can tell how long it took to notice.
	crash = pool.NewTask("bench.crash", func(_ context.Context, path string) (int, error) {
		stampAndExit(path)
		return 0, nil
	})

	produce = pool.NewTask("bench.produce", func(ctx context.Context, a produceArgs) (int, error) {
		for i := range a.N {
			if err := a.Q.Put(ctx, i); err != nil {
				return i, err
			}
		}
		return a.N, nil
	})
)

// produceArgs asks a producer to put N items into Q.
type produceArgs struct {
	Q *pool.Queue[int]
	N int
}

// primeRange is the half-open interval [Lo, Hi) of a primes chunk, and the
// limit of the whole workload, whose square root bounds the trial divisors.
type primeRange struct{ Lo, Hi, Limit int }

// countPrimes counts the primes in r by trial division by the primes up to
// the square root of the limit: pybench.py's count_primes, step for step,
// so that each side's efficiency is measured against its own serial run.
func countPrimes(r primeRange) int {
	divisors := smallPrimes(int(math.Sqrt(float64(r.Limit))) + 1)
	count := 0
	for n := max(r.Lo, 2); n < r.Hi; n++ {
		prime := true
		for _, p := range divisors {
			if p*p > n {
				break
			}
			if n%p == 0 {
				prime = false
				break
			}
		}
		if prime {
			count++
		}
	}
	return count
}

// smallPrimes returns the primes up to limit.
func smallPrimes(limit int) []int {
	composite := make([]bool, limit+1)
	var out []int
	for i := 2; i <= limit; i++ {
		if composite[i] {
			continue
		}
		out = append(out, i)
		for j := i * i; j <= limit; j += i {
			composite[j] = true
		}
	}
	return out
}

// primeRanges splits [0, limit) into chunks ranges.
func primeRanges(limit, chunks int) []primeRange {
	step := (limit + chunks - 1) / chunks
	var out []primeRange
	for lo := 0; lo < limit; lo += step {
		out = append(out, primeRange{lo, min(lo+step, limit), limit})
	}
	return out
}

// spin keeps a CPU busy for d: a task of a known duration.
func spin(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
	}
}

// stampAndExit writes the wall-clock time in nanoseconds to path and exits
// with status 1: a crash whose moment the parent can read afterwards.
func stampAndExit(path string) {
	os.WriteFile(path, []byte(strconv.FormatInt(time.Now().UnixNano(), 10)), 0o644)
	os.Exit(1)
}

// readStamp reads the time written by stampAndExit.
func readStamp(path string) (time.Time, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return time.Time{}, err
	}
	ns, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, ns), nil
}
